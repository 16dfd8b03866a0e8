//! What a scan reports: the [`Kind`] of information and a [`Finding`].

use serde::Serialize;

/// The kind of sensitive information a [`Finding`] is about.
///
/// The names ([`Kind::as_str`]) are fixed: the CLI's `--json`, the
/// bindings and the shared test vectors use them.
///
/// ```
/// use kluis_detect::Kind;
/// assert_eq!(Kind::Bsn.as_str(), "bsn");
/// assert_eq!(Kind::from_name("credit_card"), Some(Kind::CreditCard));
/// assert!(Kind::Health.is_special_category());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Kind {
    /// A Dutch citizen service number (burgerservicenummer) passing the 11-proof.
    Bsn,
    /// An international bank account number of any country (length and mod-97).
    Iban,
    /// A payment card number (Luhn and a known issuer prefix).
    CreditCard,
    /// The number of a Dutch passport or identity card, next to a word that names one.
    IdDocument,
    /// A Dutch driving licence number, next to a word that names one.
    DrivingLicence,
    /// Health data of a person (GDPR art. 9).
    Health,
    /// Criminal convictions and offences (GDPR art. 10).
    CriminalRecord,
    /// Religious or philosophical beliefs (GDPR art. 9).
    Religion,
    /// Racial or ethnic origin (GDPR art. 9).
    Ethnicity,
    /// Sex life or sexual orientation (GDPR art. 9).
    SexualOrientation,
    /// Trade union membership (GDPR art. 9).
    TradeUnion,
    /// Biometric data that identifies a person (GDPR art. 9).
    Biometric,
    /// Political opinions (GDPR art. 9).
    PoliticalOpinion,
}

impl Kind {
    /// Every kind, in a fixed order.
    pub const ALL: [Kind; 13] = [
        Kind::Bsn,
        Kind::Iban,
        Kind::CreditCard,
        Kind::IdDocument,
        Kind::DrivingLicence,
        Kind::Health,
        Kind::CriminalRecord,
        Kind::Religion,
        Kind::Ethnicity,
        Kind::SexualOrientation,
        Kind::TradeUnion,
        Kind::Biometric,
        Kind::PoliticalOpinion,
    ];

    /// The fixed name of the kind (`bsn`, `iban`, `credit_card`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Bsn => "bsn",
            Kind::Iban => "iban",
            Kind::CreditCard => "credit_card",
            Kind::IdDocument => "id_document",
            Kind::DrivingLicence => "driving_licence",
            Kind::Health => "health",
            Kind::CriminalRecord => "criminal_record",
            Kind::Religion => "religion",
            Kind::Ethnicity => "ethnicity",
            Kind::SexualOrientation => "sexual_orientation",
            Kind::TradeUnion => "trade_union",
            Kind::Biometric => "biometric",
            Kind::PoliticalOpinion => "political_opinion",
        }
    }

    /// The kind with this name, if any.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Whether this is a special category of personal data (GDPR art. 9
    /// or 10), found by terms rather than by a number's structure.
    pub fn is_special_category(self) -> bool {
        !matches!(self, Kind::Bsn | Kind::Iban | Kind::CreditCard | Kind::IdDocument | Kind::DrivingLicence)
    }

    /// Why a finding of this kind matters, in English.
    pub fn reason_en(self) -> &'static str {
        match self {
            Kind::Bsn => "contains a valid citizen service number (BSN)",
            Kind::Iban => "contains a bank account number (IBAN)",
            Kind::CreditCard => "contains a payment card number",
            Kind::IdDocument => "contains the number of a passport or identity card",
            Kind::DrivingLicence => "contains a driving licence number",
            Kind::Health => "mentions a person's health (special personal data, GDPR art. 9)",
            Kind::CriminalRecord => "mentions criminal convictions or offences (GDPR art. 10)",
            Kind::Religion => "mentions a person's religion or beliefs (special personal data, GDPR art. 9)",
            Kind::Ethnicity => "mentions a person's ethnic origin (special personal data, GDPR art. 9)",
            Kind::SexualOrientation => "mentions a person's sexual orientation (special personal data, GDPR art. 9)",
            Kind::TradeUnion => "mentions trade union membership (special personal data, GDPR art. 9)",
            Kind::Biometric => "mentions biometric data such as fingerprints (special personal data, GDPR art. 9)",
            Kind::PoliticalOpinion => "mentions a person's political opinions (special personal data, GDPR art. 9)",
        }
    }

    /// Why a finding of this kind matters, in Dutch.
    pub fn reason_nl(self) -> &'static str {
        match self {
            Kind::Bsn => "bevat een geldig burgerservicenummer (BSN)",
            Kind::Iban => "bevat een bankrekeningnummer (IBAN)",
            Kind::CreditCard => "bevat een betaalkaartnummer (creditcard)",
            Kind::IdDocument => "bevat het nummer van een paspoort of identiteitskaart",
            Kind::DrivingLicence => "bevat een rijbewijsnummer",
            Kind::Health => "noemt de gezondheid van een persoon (bijzonder persoonsgegeven, AVG art. 9)",
            Kind::CriminalRecord => "noemt strafrechtelijke gegevens (AVG art. 10)",
            Kind::Religion => "noemt iemands godsdienst of levensovertuiging (bijzonder persoonsgegeven, AVG art. 9)",
            Kind::Ethnicity => "noemt iemands etnische afkomst (bijzonder persoonsgegeven, AVG art. 9)",
            Kind::SexualOrientation => "noemt iemands seksuele geaardheid (bijzonder persoonsgegeven, AVG art. 9)",
            Kind::TradeUnion => "noemt lidmaatschap van een vakbond (bijzonder persoonsgegeven, AVG art. 9)",
            Kind::Biometric => {
                "noemt biometrische gegevens zoals vingerafdrukken (bijzonder persoonsgegeven, AVG art. 9)"
            }
            Kind::PoliticalOpinion => "noemt iemands politieke opvattingen (bijzonder persoonsgegeven, AVG art. 9)",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One piece of sensitive information found in a text.
///
/// `start..end` are byte offsets into the text that was scanned (for a file,
/// the text extracted from it: [`crate::extract_text`]). The excerpt shows
/// the surroundings with every digit of a number masked but its last two, so
/// that it can be shown or logged without repeating the number.
///
/// ```
/// let findings = kluis_detect::scan_text("BSN: 111222333");
/// let f = &findings[0];
/// assert_eq!((f.kind.as_str(), f.start, f.end), ("bsn", 5, 14));
/// assert!(!f.excerpt.contains("111222333"));
/// assert_eq!(f.reason_en, "contains a valid citizen service number (BSN)");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// What was found.
    pub kind: Kind,
    /// Byte offset of the first byte of what was found.
    pub start: usize,
    /// Byte offset just past what was found.
    pub end: usize,
    /// The surroundings, with numbers masked (never the full number).
    pub excerpt: String,
    /// How sure the detector is, from 0 to 1: a checksum and a context word
    /// make a number near 1, a term that needs context stays lower.
    pub confidence: f32,
    /// Why it matters, in English ([`Kind::reason_en`]).
    pub reason_en: &'static str,
    /// Why it matters, in Dutch ([`Kind::reason_nl`]).
    pub reason_nl: &'static str,
}

impl Finding {
    pub(crate) fn new(kind: Kind, start: usize, end: usize, confidence: f32, text: &str) -> Finding {
        Finding {
            kind,
            start,
            end,
            excerpt: crate::excerpt::excerpt(text, start, end, !kind.is_special_category()),
            confidence,
            reason_en: kind.reason_en(),
            reason_nl: kind.reason_nl(),
        }
    }
}
