//! The sentences documents are made of, Dutch and English.

use super::numbers::*;
use super::{Rng, Sentence};

fn plain(text: String) -> Sentence {
    Sentence { text, ..Sentence::default() }
}

fn fill(template: &str, value: &str) -> String {
    template.replace("{}", value)
}

pub fn greeting(rng: &mut Rng, dutch: bool) -> Sentence {
    let nl = [
        "Geachte mevrouw De Vries,",
        "Geachte heer Jansen,",
        "Beste collega,",
        "Hallo Sanne,",
        "Aan de afdeling Burgerzaken,",
    ];
    let en = ["Dear Mrs Smith,", "Dear Mr Brown,", "Dear colleague,", "Hi Tom,", "To whom it may concern,"];
    plain((*rng.pick(if dutch { &nl[..] } else { &en[..] })).to_string())
}

pub fn closing(rng: &mut Rng, dutch: bool) -> Sentence {
    let nl = ["Met vriendelijke groet,\nAfdeling Publiekszaken", "Groet,\nPieter", "Hoogachtend,\nDe burgemeester"];
    let en = ["Kind regards,\nCustomer Service", "Best,\nAnna", "Yours sincerely,\nThe Registrar"];
    plain((*rng.pick(if dutch { &nl[..] } else { &en[..] })).to_string())
}

pub fn filler(rng: &mut Rng, dutch: bool) -> Sentence {
    let nl = [
        "Hierbij ontvangt u het besluit op uw aanvraag.",
        "De vergadering is verplaatst naar donderdag om 14:00 uur.",
        "Wij hebben uw brief van 3 maart in goede orde ontvangen.",
        "U kunt binnen zes weken bezwaar maken tegen dit besluit.",
        "Het loket is open van maandag tot en met vrijdag.",
        "In de bijlage vindt u het verslag van het overleg.",
        "Neem bij vragen contact op met het klantcontactcentrum.",
        "De gemeente verwerkt uw gegevens volgens de AVG.",
    ];
    let en = [
        "Please find attached the minutes of the meeting.",
        "Our office is open from nine to five on weekdays.",
        "We received your letter of 3 March.",
        "You can object to this decision within six weeks.",
        "The project plan has been updated with the new dates.",
        "Let me know if you have any questions about the budget.",
        "The team will present the results next Tuesday.",
        "We process your data in line with the GDPR.",
    ];
    plain((*rng.pick(if dutch { &nl[..] } else { &en[..] })).to_string())
}

/// A sentence with a valid number in its usual context.
pub fn number(rng: &mut Rng, dutch: bool) -> Sentence {
    let (kind, written, value) = match rng.below(10) {
        0..=2 => {
            let n = bsn(rng);
            let (layout, grouped) = match rng.below(4) {
                0 => (format!("{}.{}.{}", &n[..4], &n[4..6], &n[6..]), true),
                1 => (format!("{} {} {}", &n[..3], &n[3..6], &n[6..]), false),
                _ => (n.clone(), false),
            };
            let with_context = !grouped || rng.chance(50);
            let nl = [
                "Burgerservicenummer: {}.",
                "Het BSN van betrokkene is {}.",
                "BSN {}.",
                "Sofinummer {} (oud).",
                "{} is het burgerservicenummer van de aanvrager.",
            ];
            let en = [
                "Citizen service number: {}.",
                "Her BSN is {}.",
                "BSN: {}.",
                "The applicant's citizen service number is {}.",
            ];
            let bare = ["Nummer {}.", "Referentie {}.", "Number {} on file."];
            let t = if with_context { *rng.pick(if dutch { &nl[..] } else { &en[..] }) } else { *rng.pick(&bare[..]) };
            ("bsn", fill(t, &layout), n)
        }
        3..=5 => {
            let n = iban(rng);
            let written = if rng.chance(50) { in_fours(&n) } else { n.clone() };
            let nl = [
                "IBAN: {}.",
                "Graag overmaken op {} t.n.v. de gemeente.",
                "Rekeningnummer {}.",
                "Het bedrag wordt gestort op {}.",
            ];
            let en = [
                "IBAN: {}.",
                "Please transfer the amount to {}.",
                "Account {} (IBAN).",
                "Refunds go to {} within a week.",
            ];
            ("iban", fill(rng.pick::<&str>(if dutch { &nl[..] } else { &en[..] }), &written), n)
        }
        6..=8 => {
            let n = card(rng);
            let written = card_layout(rng, &n);
            let nl = ["Creditcard: {}.", "Betaald met kaartnummer {}.", "Kaart {} verloopt in 2027."];
            let en = ["Card number {}.", "Paid with card {}.", "Credit card: {} (exp. 08/27)."];
            ("credit_card", fill(rng.pick::<&str>(if dutch { &nl[..] } else { &en[..] }), &written), n)
        }
        _ if rng.chance(60) => {
            let n = document_number(rng);
            let nl = ["Paspoortnummer: {}.", "Nummer identiteitskaart: {}.", "Documentnummer {} (paspoort)."];
            let en = ["Passport number: {}.", "ID card {} was shown.", "Identity card: {}."];
            ("id_document", fill(rng.pick::<&str>(if dutch { &nl[..] } else { &en[..] }), &n), n)
        }
        _ => {
            let n = licence_number(rng);
            let nl = ["Rijbewijsnummer: {}.", "Rijbewijs {} is verlopen."];
            let en = ["Driving licence number: {}.", "Driving license {} was checked."];
            ("driving_licence", fill(rng.pick::<&str>(if dutch { &nl[..] } else { &en[..] }), &n), n)
        }
    };
    Sentence { text: written, numbers: vec![(kind, value)], terms: Vec::new() }
}

/// A sentence with something that looks like a number of these kinds and
/// is not one.
pub fn near_miss(rng: &mut Rng, dutch: bool) -> Sentence {
    let t = |nl: &'static str, en: &'static str| if dutch { nl } else { en };
    let text = match rng.below(15) {
        0 => {
            let good = bsn(rng);
            fill(t("BSN: {}.", "Citizen service number: {}."), &one_digit_off(rng, &good))
        }
        1 => fill(t("Burgerservicenummer {}.", "BSN {}."), &not_bsn(rng)),
        2 => fill(t("Ordernummer {} is verzonden.", "Order {} has shipped."), &bsn(rng)),
        3 => {
            let good = iban(rng);
            fill("IBAN: {}.", &one_digit_off(rng, &good))
        }
        4 => fill(t("Rekening {}.", "Account {}."), &in_fours(&iban_wrong_check(rng))),
        5 => {
            let good = card(rng);
            let off = one_digit_off(rng, &good);
            fill(t("Kaartnummer {}.", "Card {}."), &card_layout(rng, &off))
        }
        6 => {
            let phone = match rng.below(6) {
                0 => format!("06-{}", random_digits(rng, 8)),
                1 => format!("+31 6 {}", random_digits(rng, 8)),
                2 => {
                    let (a, b) = (random_digits(rng, 3), random_digits(rng, 4));
                    format!("020 {a} {b}")
                }
                3 => {
                    let (a, b) = (random_digits(rng, 3), random_digits(rng, 4));
                    format!("(010) {a} {b}")
                }
                4 => {
                    let (a, b) = (random_digits(rng, 4), random_digits(rng, 4));
                    format!("+44 20 {a} {b}")
                }
                _ => format!("0{}", random_digits(rng, 9)),
            };
            fill(t("Bel ons op {}.", "Call us on {}."), &phone)
        }
        7 => {
            let (d, m, y) = (1 + rng.below(28), 1 + rng.below(12), rng.below(30));
            fill(t("Datum: {}.", "Date: {}."), &format!("{d:02}-{m:02}-20{y:02}"))
        }
        8 => {
            let (a, b, c, d) = (1 + rng.below(9), rng.below(1000), rng.below(1000), rng.below(100));
            fill(t("Totaal: € {}.", "Total: EUR {}."), &format!("{a}.{b:03}.{c:03},{d:02}"))
        }
        9 => fill(t("Factuur {} is betaald.", "Invoice {} is paid."), &format!("2024-{}", random_digits(rng, 6))),
        10 => fill(
            t("Zending {} wordt morgen bezorgd.", "Parcel {} arrives tomorrow."),
            &format!("3S{}", random_digits(rng, 12)),
        ),
        11 => fill(t("KvK-nummer {}.", "Chamber of Commerce no. {}."), &random_digits(rng, 8)),
        12 => fill(t("Postcode {} AB.", "Postcode {} AB."), &format!("{}", 1000 + rng.below(9000))),
        13 => {
            // A tracking number as long as a card number: now and then one
            // passes Luhn with an issuer's prefix, as a real one can.
            let n = 16 + rng.below(4);
            fill(t("Track & trace: {}.", "Tracking number {}."), &random_digits(rng, n))
        }
        _ => {
            let n = 10 + rng.below(3);
            fill(t("Klantnummer {}.", "Customer number {}."), &random_digits(rng, n))
        }
    };
    plain(text)
}

const PEOPLE_NL: &[&str] =
    &["Mevrouw De Vries", "De heer Jansen", "Cliënt", "Betrokkene", "Mijn zoon", "Hij", "Zij", "De aanvrager"];
const PEOPLE_EN: &[&str] =
    &["Mrs Smith", "Mr Brown", "The patient", "The employee", "She", "He", "My daughter", "The applicant"];

/// (kind, Dutch templates, English templates); `{P}` is a person.
const TERMS: &[(&str, &[&str], &[&str])] = &[
    (
        "health",
        &[
            "{P} is gediagnosticeerd met diabetes.",
            "{P} heeft kanker en krijgt chemotherapie.",
            "{P} is sinds maart arbeidsongeschikt.",
            "{P} ligt in het ziekenhuis na een operatie.",
            "{P} gebruikt medicatie tegen epilepsie.",
            "{P} heeft een burn-out en heeft zich ziek gemeld.",
        ],
        &[
            "{P} was diagnosed with diabetes.",
            "{P} is on sick leave after surgery.",
            "{P} takes medication for epilepsy.",
            "{P} has been in hospital since Monday.",
            "{P} suffers from dementia.",
        ],
    ),
    (
        "criminal_record",
        &[
            "{P} heeft een strafblad.",
            "{P} is veroordeeld voor diefstal.",
            "{P} zat een gevangenisstraf uit.",
            "{P} is als verdachte gehoord.",
            "{P} staat onder toezicht van de reclassering.",
        ],
        &[
            "{P} has a criminal record.",
            "{P} was convicted of fraud in 2019.",
            "{P} is out on parole.",
            "{P} was arrested last week.",
        ],
    ),
    (
        "religion",
        &[
            "{P} is moslim en viert de ramadan.",
            "{P} gaat elke zondag naar de kerk.",
            "{P} is katholiek opgevoed.",
            "{P} vroeg vrij voor het suikerfeest vanwege het geloof.",
        ],
        &[
            "{P} is a practising Muslim.",
            "{P} attends the synagogue every week.",
            "{P} asked for leave for religious reasons; the family is Hindu.",
            "{P} mentioned religious beliefs in the interview.",
        ],
    ),
    (
        "ethnicity",
        &[
            "{P} is van Marokkaanse afkomst.",
            "{P} heeft een migratieachtergrond.",
            "{P} vermeldt de etnische achtergrond op het formulier.",
        ],
        &[
            "{P} is of Turkish descent, as the file records.",
            "{P} stated an ethnic origin on the form.",
            "{P} has a migration background.",
        ],
    ),
    (
        "sexual_orientation",
        &[
            "{P} is homoseksueel.",
            "{P} is lesbisch en woont samen met haar partner.",
            "{P} sprak over de eigen seksuele geaardheid.",
        ],
        &["{P} is gay.", "{P} came out as bisexual.", "{P} disclosed a sexual orientation to HR."],
    ),
    (
        "trade_union",
        &["{P} is lid van de vakbond.", "{P} is vakbondslid bij de FNV.", "{P} betaalt vakbondscontributie."],
        &[
            "{P} is a trade union member.",
            "{P} pays union dues every month.",
            "{P} asked the union rep, as a union member, to join the meeting.",
        ],
    ),
    (
        "biometric",
        &[
            "{P} heeft vingerafdrukken afgegeven.",
            "{P} gaf toestemming voor gezichtsherkenning.",
            "{P} liet een irisscan maken bij de balie.",
        ],
        &[
            "{P} provided fingerprints at the desk.",
            "{P} enrolled in facial recognition.",
            "{P} gave a DNA sample for the test.",
        ],
    ),
    (
        "political_opinion",
        &[
            "{P} is partijlid van een politieke partij.",
            "{P} stemde op de SP.",
            "{P} sprak over de eigen politieke voorkeur.",
        ],
        &[
            "{P} voted for the Labour Party.",
            "{P} is a party member of the Greens.",
            "{P} shared political opinions at work.",
        ],
    ),
];

/// A sentence about a person's special-category data.
pub fn term(rng: &mut Rng, dutch: bool) -> Sentence {
    let (kind, nl, en) = *rng.pick(TERMS);
    let template = *rng.pick(if dutch { nl } else { en });
    let person = *rng.pick(if dutch { PEOPLE_NL } else { PEOPLE_EN });
    Sentence { text: template.replace("{P}", person), numbers: Vec::new(), terms: vec![kind] }
}

/// The same words used about no one: not special-category data.
pub fn impersonal(rng: &mut Rng, dutch: bool) -> Sentence {
    let nl = [
        "De kerk aan het plein wordt gerestaureerd.",
        "Het ziekenhuis zoekt vrijwilligers voor de zomer.",
        "De vakbond en de werkgevers onderhandelen over de cao.",
        "Het politiebureau is zondag gesloten.",
        "De behandeling van de aanvraag duurt zes weken.",
        "Geloof het of niet, de bus was op tijd.",
        "Het DNA van de organisatie is klantgericht.",
        "De moskee houdt zaterdag open dag.",
        "Politieke partijen debatteren vanavond in het stadhuis.",
        "De Europese Unie publiceert nieuwe regels.",
    ];
    let en = [
        "Health and safety rules apply to all visitors.",
        "The European Union published new guidance.",
        "The police station is closed on Sundays.",
        "The church on Main Street opens at ten.",
        "Public health services are free of charge.",
        "Treatment of personal data follows the GDPR.",
        "A therapy dog visits the library on Fridays.",
        "The political party congress starts at noon.",
        "The hospital car park is being resurfaced.",
        "Prayer times are listed on the notice board.",
    ];
    plain((*rng.pick(if dutch { &nl[..] } else { &en[..] })).to_string())
}
