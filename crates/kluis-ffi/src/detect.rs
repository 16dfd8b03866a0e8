//! The sensitive-content detector (`kluis-detect`, docs/DETECT.md):
//! [`scan_text`] and [`scan_file`], with [`Finding`] records. Errors map
//! onto [`KluisError`]: a file that cannot be read is `Io`, one that is not
//! a readable document or is damaged is `Malformed`, one past the limits
//! (a zip bomb, nesting too deep) is `LimitsExceeded`.

use kluis_detect::ExtractError;

use crate::error::KluisError;

/// One piece of sensitive information found in a text.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct Finding {
    /// `bsn`, `iban`, `credit_card`, `id_document`, `driving_licence`,
    /// `health`, `criminal_record`, `religion`, `ethnicity`,
    /// `sexual_orientation`, `trade_union`, `biometric`, `political_opinion`.
    pub kind: String,
    /// Byte offset of its first byte in the (UTF-8) text scanned; for a
    /// file, in the text extracted from it.
    pub start: u64,
    /// Byte offset just past it.
    pub end: u64,
    /// Its surroundings, with numbers masked (never the full number).
    pub excerpt: String,
    /// How sure the detector is, 0 to 1.
    pub confidence: f32,
    /// Why it matters, in English.
    pub reason: String,
    /// Why it matters, in Dutch.
    pub reason_nl: String,
}

impl From<kluis_detect::Finding> for Finding {
    fn from(f: kluis_detect::Finding) -> Self {
        Finding {
            kind: f.kind.as_str().to_owned(),
            start: f.start as u64,
            end: f.end as u64,
            excerpt: f.excerpt,
            confidence: f.confidence,
            reason: f.reason_en.to_owned(),
            reason_nl: f.reason_nl.to_owned(),
        }
    }
}

/// Finds the sensitive information in `text`: citizen service numbers,
/// IBANs, card numbers, identity documents, special personal data.
#[uniffi::export]
pub fn scan_text(text: String) -> Vec<Finding> {
    kluis_detect::scan_text(&text).into_iter().map(Into::into).collect()
}

/// Reads a document (text, CSV, HTML, .eml, .docx, .xlsx, .pptx, .odt,
/// .ods, PDF; recognised by content, then name) and finds the sensitive
/// information in its text.
#[uniffi::export]
pub fn scan_file(path: String) -> Result<Vec<Finding>, KluisError> {
    let found = kluis_detect::scan_file(std::path::Path::new(&path)).map_err(extract_error)?;
    Ok(found.into_iter().map(Into::into).collect())
}

fn extract_error(err: ExtractError) -> KluisError {
    let msg = err.to_string();
    match err {
        ExtractError::Io { .. } => KluisError::Io(msg),
        ExtractError::TooLarge { .. } | ExtractError::TooDeep { .. } => KluisError::LimitsExceeded(msg),
        _ => KluisError::Malformed(msg),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_vectors_through_the_export() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/test-vectors/detect-vectors.json");
        let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for v in doc["vectors"].as_array().unwrap() {
            let got: Vec<(String, u64, u64)> = scan_text(v["text"].as_str().unwrap().to_owned())
                .into_iter()
                .map(|f| (f.kind, f.start, f.end))
                .collect();
            let want: Vec<(String, u64, u64)> = v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (f["kind"].as_str().unwrap().to_owned(), f["start"].as_u64().unwrap(), f["end"].as_u64().unwrap())
                })
                .collect();
            assert_eq!(got, want, "{}", v["name"]);
        }
    }

    #[test]
    fn files_and_their_errors() {
        let dir = tempfile::tempdir().unwrap();
        let note = dir.path().join("note.txt");
        std::fs::write(&note, "IBAN NL91ABNA0417164300").unwrap();
        let found = scan_file(note.display().to_string()).unwrap();
        assert_eq!(
            (found[0].kind.as_str(), found[0].reason.as_str()),
            ("iban", "contains a bank account number (IBAN)")
        );
        let missing = scan_file(dir.path().join("missing.txt").display().to_string());
        assert!(matches!(missing, Err(KluisError::Io(_))));
        let binary = dir.path().join("x.bin");
        std::fs::write(&binary, b"\x7fELF\x02\x01\x01\0").unwrap();
        assert!(matches!(scan_file(binary.display().to_string()), Err(KluisError::Malformed(_))));
    }
}
