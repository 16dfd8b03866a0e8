//! # kluis-detect: knowing when to send securely
//!
//! Finds, in a text or in the documents a mail carries, information that
//! must not travel in the clear: a citizen service number (BSN), a bank
//! account (IBAN), a payment card number, the number of a passport,
//! identity card or driving licence, and the special categories of personal
//! data of GDPR articles 9 and 10 (health, criminal records, religion,
//! ethnicity, sexual orientation, trade union membership, biometric data,
//! political opinions). It runs where the text is: no network, no unsafe
//! code, no dependency on Kluis's cryptography.
//!
//! - [`scan_text`] scans a text; each [`Finding`] has a [`Kind`], byte
//!   offsets, a redacted excerpt, a confidence and a reason in English and
//!   Dutch.
//! - [`scan_bytes`] scans a document given its [`MediaType`]; [`scan_file`]
//!   reads a file and recognises its type by its content and name. Both
//!   extract the text first ([`extract_text`]) within [`Limits`], and fail
//!   with an [`ExtractError`] on what cannot be read.
//!
//! ```
//! use kluis_detect::{scan_text, Kind};
//! let findings = scan_text("Burgerservicenummer: 111222333, IBAN NL91ABNA0417164300");
//! assert_eq!(findings.len(), 2);
//! assert_eq!(findings[0].kind, Kind::Bsn);
//! assert_eq!(findings[1].kind.as_str(), "iban");
//! ```
//!
//! How each kind is recognised, and how well (precision and recall on a
//! labelled corpus), is in `docs/DETECT.md`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod checks;
mod excerpt;
mod extract;
mod finding;
mod numbers;
mod scan;
mod terms;

pub use extract::{
    ExtractError, Limits, MediaType, extract_text, scan_bytes, scan_bytes_with, scan_file, scan_file_with,
};
pub use finding::{Finding, Kind};
pub use scan::scan_text;
