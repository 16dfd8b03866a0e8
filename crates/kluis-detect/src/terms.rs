//! The word lists, Dutch and English, and the one automaton that finds all
//! of them in a single pass: context words for numbers, words that point at
//! a person, and the terms of each special category of personal data.
//!
//! A pattern ending in `*` is a stem (`diabet*` finds diabetes,
//! diabetisch, diabetespatiënt); every other pattern is a whole word. A
//! match counts only at a word boundary. Matching ignores ASCII case.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::Kind;

/// What a word in the lists stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// Names a citizen service number (a BSN needs one nearby unless grouped).
    BsnContext,
    /// Names a passport or identity card (its number follows).
    IdContext,
    /// Names a driving licence (its number follows).
    LicenceContext,
    /// Points at a person: a weak term near one is about that person.
    Person,
    /// A common phrase that holds a weak term without being about a person
    /// ("health and safety", "European Union"): the longest match wins, so
    /// the term inside it is not reported.
    Benign,
    /// A term of a special category; a strong one counts alone, a weak one
    /// only near a person or another term of its kind.
    Term(Kind, Strength),
}

/// How much a term says on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Strength {
    /// About a person's data whatever surrounds it ("diagnose", "strafblad").
    Strong,
    /// Needs context ("ziekenhuis", "kerk", "police").
    Weak,
}

use Class::*;
use Strength::*;

const BSN: &[&str] = &[
    "bsn",
    "bsn-nummer",
    "bsnnummer",
    "burgerservicenummer",
    "burger service nummer",
    "burgerservice-nummer",
    "sofinummer",
    "sofi-nummer",
    "sofinr",
    "sofi nummer",
    "citizen service number",
    "citizen service no",
    "persoonsnummer",
    "social security number",
];

const ID: &[&str] = &[
    "paspoort",
    "paspoortnummer",
    "paspoortnr",
    "identiteitskaart",
    "identiteitskaartnummer",
    "id-kaart",
    "id kaart",
    "idkaart",
    "identiteitsbewijs",
    "documentnummer",
    "passport",
    "passport number",
    "passport no",
    "identity card",
    "id card",
    "document number",
];

const LICENCE: &[&str] = &[
    "rijbewijs",
    "rijbewijsnummer",
    "rijbewijsnr",
    "driving licence",
    "driving license",
    "driver's license",
    "driver license",
];

const PERSON: &[&str] = &[
    "de heer",
    "dhr",
    "mevrouw",
    "mevr",
    "meneer",
    "mr",
    "mrs",
    "ms",
    "miss",
    "cliënt",
    "client",
    "cliente",
    "patiënt",
    "patient",
    "patiente",
    "betrokkene",
    "werknemer",
    "medewerker",
    "medewerkster",
    "employee",
    "aanvrager",
    "aanvraagster",
    "applicant",
    "bewoner",
    "resident",
    "leerling",
    "pupil",
    "verzoeker",
    "belanghebbende",
    "collega",
    "colleague",
    "zoon",
    "dochter",
    "son",
    "daughter",
    "moeder",
    "vader",
    "mother",
    "father",
    "echtgenoot",
    "echtgenote",
    "husband",
    "wife",
    "geboren",
    "born",
    "geboortedatum",
    "date of birth",
    "hij",
    "zij",
    "he",
    "she",
    "his",
    "him",
    "her",
    "mijn",
    "my",
    "haar",
    "zijn vader",
    "zijn moeder",
    "zijn partner",
    "kandidaat",
    "candidate",
    "sollicitant",
    "cursist",
    "deelnemer",
    "participant",
];

const BENIGN: &[&str] = &[
    "health and safety",
    "public health",
    "health care",
    "healthcare",
    "health check",
    "treatment of personal data",
    "treatment of data",
    "european union",
    "student union",
    "police station",
    "court of justice",
    "church street",
    "prayer room",
    "gezondheid en veiligheid",
    "behandeling van de aanvraag",
    "behandeling van uw aanvraag",
    "in behandeling",
    "de behandeling van",
    "fnv-cao",
];

/// The term lists, by kind: (pattern, strength).
const TERMS: &[(Kind, Strength, &[&str])] = &[
    (
        Kind::Health,
        Strong,
        &[
            "diagnose",
            "diagnosis",
            "gediagnosticeerd",
            "diagnosed",
            "medisch dossier",
            "medische gegevens",
            "medical record",
            "medical records",
            "medical history",
            "medische voorgeschiedenis",
            "patiëntendossier",
            "ziektegeschiedenis",
            "behandelplan",
            "treatment plan",
            "arbeidsongeschikt*",
            "ziekmelding",
            "ziek gemeld",
            "sick leave",
            "on sick leave",
            "ziekteverzuim",
            "chemotherapie",
            "chemotherapy",
            "psychiatri*",
            "diabet*",
            "kanker",
            "cancer",
            "tumor",
            "tumour",
            "hiv",
            "epileps*",
            "dementie",
            "dementia",
            "alzheimer*",
            "zwanger*",
            "pregnan*",
            "medicatie",
            "medication",
            "antidepressiva",
            "antidepressant*",
            "ggz",
            "bedrijfsarts",
            "occupational physician",
            "burn-out",
            "burnout",
            "ziekte van",
            "hartinfarct",
            "heart attack",
            "beroerte",
            "stroke patient",
            "verslav*",
            "addiction",
            "addicted",
            "schizofren*",
            "schizophreni*",
            "autisme",
            "autism",
            "adhd",
            "handicap",
            "disability",
            "disabled",
            "gehandicapt",
            "chronisch ziek",
            "chronic illness",
            "depressie",
            "hepatitis",
            "covid-19",
            "opname in het ziekenhuis",
            "admitted to hospital",
        ],
    ),
    (
        Kind::Health,
        Weak,
        &[
            "ziek",
            "sick",
            "aids",
            "prescribed",
            "voorgeschreven",
            "psycholo*",
            "herstelt van",
            "recovering from",
            "ziekenhuis",
            "hospital",
            "huisarts",
            "doctor",
            "therapie",
            "therapy",
            "therapeut",
            "therapist",
            "medicijnen",
            "medicine",
            "behandeling",
            "treatment",
            "gezondheid",
            "health",
            "operatie",
            "surgery",
            "depression",
            "depressief",
            "depressed",
            "klachten",
            "symptoms",
            "fysiotherap*",
            "physiotherap*",
        ],
    ),
    (
        Kind::CriminalRecord,
        Strong,
        &[
            "strafblad",
            "criminal record",
            "criminal records",
            "veroordeeld",
            "convicted",
            "veroordeling",
            "convictions",
            "strafrechtelijk verleden",
            "justitiële documentatie",
            "justitiele documentatie",
            "gedetineerd*",
            "detentie",
            "gevangenisstraf",
            "prison sentence",
            "jail sentence",
            "taakstraf",
            "reclassering",
            "parole",
            "voorwaardelijke straf",
            "suspended sentence",
            "verdachte",
            "gearresteerd",
            "arrested",
            "aangehouden door de politie",
            "proces-verbaal",
            "strafrechtelijk onderzoek",
            "criminal investigation",
            "criminal offence",
            "criminal offense",
            "strafbaar feit",
            "delinquent",
            "ex-gedetineerde",
            "former prisoner",
            "tbs",
        ],
    ),
    (
        Kind::CriminalRecord,
        Weak,
        &[
            "probation",
            "conviction",
            "politie",
            "police",
            "strafzaak",
            "criminal case",
            "delict",
            "offence",
            "offense",
            "misdrijf",
            "crime",
            "gevangenis",
            "prison",
            "jail",
            "aangifte",
            "boete",
            "officier van justitie",
            "prosecutor",
        ],
    ),
    (
        Kind::Religion,
        Strong,
        &[
            "geloofsovertuiging",
            "religieuze overtuiging",
            "religious belief",
            "religious beliefs",
            "religious affiliation",
            "levensovertuiging",
            "kerkgenootschap",
            "bekeerd tot",
            "religie van",
            "religion of",
            "converted to islam",
            "converted to christianity",
        ],
    ),
    (
        Kind::Religion,
        Weak,
        &[
            "moslim",
            "moslima",
            "muslim",
            "islam",
            "islamitisch*",
            "islamic",
            "katholiek",
            "catholic",
            "protestant*",
            "joods",
            "jewish",
            "jood",
            "jew",
            "hindoe*",
            "hindu",
            "boeddhist*",
            "buddhist",
            "christen",
            "christian",
            "christelijk",
            "gelovig",
            "religious",
            "religieus",
            "moskee",
            "mosque",
            "kerk",
            "church",
            "synagoge",
            "synagogue",
            "ramadan",
            "gebed",
            "prayer",
            "atheïst",
            "atheist",
            "religie",
            "religion",
            "geloof",
            "faith",
            "hoofddoek",
            "headscarf",
        ],
    ),
    (
        Kind::Ethnicity,
        Strong,
        &[
            "etnische afkomst",
            "etnische achtergrond",
            "ethnic origin",
            "ethnic background",
            "ethnicity",
            "etniciteit",
            "raciale afkomst",
            "racial origin",
            "migratieachtergrond",
            "migration background",
            "huidskleur",
            "skin colour",
            "skin color",
            "ras van",
        ],
    ),
    (
        Kind::Ethnicity,
        Weak,
        &[
            "afkomst",
            "afkomstig uit",
            "marokkaanse",
            "marokkaan",
            "turkse",
            "surinaamse",
            "antilliaanse",
            "moroccan",
            "turkish",
            "surinamese",
            "allochto*",
            "autochto*",
            "etnisch",
            "ethnic",
            "sinti",
        ],
    ),
    (
        Kind::SexualOrientation,
        Strong,
        &[
            "seksuele geaardheid",
            "sexual orientation",
            "seksuele voorkeur",
            "sexual preference",
            "homoseksu*",
            "homosexual*",
            "lesbisch",
            "lesbian",
            "biseksu*",
            "bisexual*",
            "transgender",
            "seksuele identiteit",
            "sex life",
            "seksleven",
            "coming-out",
            "uit de kast",
        ],
    ),
    (Kind::SexualOrientation, Weak, &["gay", "homo", "lhbti*", "lgbt*", "seksualiteit", "sexuality", "queer"]),
    (
        Kind::TradeUnion,
        Strong,
        &[
            "vakbondslid",
            "vakbondsleden",
            "lid van de vakbond",
            "lid van een vakbond",
            "lid van de fnv",
            "lid van het cnv",
            "union member",
            "union members",
            "trade union member",
            "trade union membership",
            "union membership",
            "vakbondslidmaatschap",
            "lidmaatschap van de vakbond",
            "member of the union",
            "member of a trade union",
            "vakbondscontributie",
            "union dues",
        ],
    ),
    (
        Kind::TradeUnion,
        Weak,
        &[
            "vakbond",
            "trade union",
            "labour union",
            "labor union",
            "fnv",
            "cnv",
            "vakbondsvertegenwoordiger",
            "shop steward",
        ],
    ),
    (
        Kind::Biometric,
        Strong,
        &[
            "vingerafdruk",
            "vingerafdrukken",
            "fingerprint",
            "fingerprints",
            "gezichtsherkenning",
            "facial recognition",
            "irisscan",
            "iris scan",
            "biometrisch*",
            "biometric*",
            "dna-profiel",
            "dna profile",
            "dna-materiaal",
            "dna sample",
            "gezichtsscan",
            "face scan",
            "stemherkenning",
            "voiceprint",
            "voice print",
            "handpalmscan",
            "palm scan",
            "retinascan",
            "retina scan",
            "genetische gegevens",
            "genetic data",
        ],
    ),
    (Kind::Biometric, Weak, &["dna", "gezichtsopname", "facial image", "retina"]),
    (
        Kind::PoliticalOpinion,
        Strong,
        &[
            "politieke voorkeur",
            "politieke overtuiging",
            "politieke opvatting",
            "politieke opvattingen",
            "political opinion",
            "political opinions",
            "political affiliation",
            "political views",
            "partijlid",
            "lid van de partij",
            "party member",
            "party membership",
            "partijlidmaatschap",
        ],
    ),
    (
        Kind::PoliticalOpinion,
        Weak,
        &["stemde op", "voted for", "politieke partij", "political party", "activist", "activiste", "partijpolitiek"],
    ),
];

/// One pattern of the automaton.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    pub(crate) class: Class,
    /// A stem: the match may continue into a longer word.
    pub(crate) stem: bool,
}

/// The automaton and, by pattern index, what each pattern stands for.
pub(crate) struct Lists {
    pub(crate) automaton: AhoCorasick,
    pub(crate) entries: Vec<Entry>,
}

/// The lists, built once.
pub(crate) fn lists() -> &'static Lists {
    static LISTS: OnceLock<Lists> = OnceLock::new();
    LISTS.get_or_init(build)
}

fn build() -> Lists {
    let mut patterns: Vec<&str> = Vec::new();
    let mut entries = Vec::new();
    let mut add = |words: &[&'static str], class: Class| {
        for w in words {
            let (pattern, stem) = match w.strip_suffix('*') {
                Some(p) => (p, true),
                None => (*w, false),
            };
            patterns.push(pattern);
            entries.push(Entry { class, stem });
        }
    };
    add(BSN, BsnContext);
    add(ID, IdContext);
    add(LICENCE, LicenceContext);
    add(PERSON, Person);
    add(BENIGN, Benign);
    for (kind, strength, words) in TERMS {
        add(words, Term(*kind, *strength));
    }
    let automaton = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&patterns)
        .unwrap_or_else(|e| unreachable!("the word lists are small and fixed: {e}"));
    Lists { automaton, entries }
}

/// A byte that continues a word: ASCII letters and digits and every byte of
/// a non-ASCII character (é, ë: Dutch words carry them).
pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// The spaces that are not ASCII (no-break U+00A0, figure U+2007, narrow
/// no-break U+202F): Word and HTML put them between a label and a number.
fn is_space_char(b: &[u8]) -> bool {
    b == [0xc2, 0xa0] || b == [0xe2, 0x80, 0x87] || b == [0xe2, 0x80, 0xaf]
}

/// Whether a word character ends just before byte `i`.
pub(crate) fn word_before(b: &[u8], i: usize) -> bool {
    i > 0
        && is_word_byte(b[i - 1])
        && !(i >= 2 && is_space_char(&b[i - 2..i]))
        && !(i >= 3 && is_space_char(&b[i - 3..i]))
}

/// Whether a word character starts at byte `i`.
pub(crate) fn word_at(b: &[u8], i: usize) -> bool {
    i < b.len()
        && is_word_byte(b[i])
        && !(b.len() >= i + 2 && is_space_char(&b[i..i + 2]))
        && !(b.len() >= i + 3 && is_space_char(&b[i..i + 3]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_is_lower_case_and_unique() {
        let mut seen = std::collections::HashSet::new();
        let all = BSN
            .iter()
            .chain(ID)
            .chain(LICENCE)
            .chain(PERSON)
            .chain(BENIGN)
            .chain(TERMS.iter().flat_map(|(_, _, w)| w.iter()));
        for w in all {
            assert_eq!(*w, w.to_lowercase(), "patterns are matched case-insensitively");
            assert!(seen.insert(*w), "{w} is listed twice");
        }
        assert_eq!(lists().entries.len(), seen.len());
    }

    #[test]
    fn every_special_category_has_strong_and_weak_terms() {
        for kind in Kind::ALL.into_iter().filter(|k| k.is_special_category()) {
            for strength in [Strong, Weak] {
                assert!(
                    TERMS.iter().any(|(k, s, w)| *k == kind && *s == strength && !w.is_empty()),
                    "{kind} {strength:?}"
                );
            }
        }
    }
}
