//! The sensitive-content detector (kluis-detect, docs/DETECT.md):
//! `scanText` and `scanBytes`, returning findings as plain objects
//! `{ kind, start, end, excerpt, confidence, reason, reasonNl }`, the
//! FFI's `Finding` with camelCase names. Conversion only: every rule is
//! kluis-detect's.

use js_sys::Array;
use kluis_detect::{ExtractError, Finding, MediaType};
use wasm_bindgen::prelude::*;

use crate::convert::object;
use crate::error::Failure;

/// A confidence (an `f32` in the detector) as the shortest decimal that
/// reads back as the same `f32`: `0.95`, not `0.949999988079071`.
fn confidence(c: f32) -> f64 {
    c.to_string().parse().unwrap_or(f64::from(c))
}

fn finding_to_js(f: &Finding) -> JsValue {
    object(&[
        ("kind", f.kind.as_str().into()),
        ("start", (f.start as f64).into()),
        ("end", (f.end as f64).into()),
        ("excerpt", f.excerpt.as_str().into()),
        ("confidence", confidence(f.confidence).into()),
        ("reason", f.reason_en.into()),
        ("reasonNl", f.reason_nl.into()),
    ])
}

fn findings_to_js(found: &[Finding]) -> Array {
    found.iter().map(finding_to_js).collect()
}

/// The type `scanBytes` reads `bytes` as: the given MIME type when the
/// detector reads it, otherwise recognised from the content, then from the
/// extension of `name` (as `scan_file` does).
///
/// ```
/// use kluis_detect::MediaType;
/// let media = kluis_wasm::detect::media_type(b"%PDF-1.7", None, Some("a.txt"));
/// assert_eq!(media, MediaType::Pdf);
/// let media = kluis_wasm::detect::media_type(b"naam;bsn", Some("text/csv"), None);
/// assert_eq!(media, MediaType::Csv);
/// ```
pub fn media_type(bytes: &[u8], media_type: Option<&str>, name: Option<&str>) -> MediaType {
    match media_type.map_or(MediaType::Unknown, MediaType::from_mime) {
        MediaType::Unknown => {
            let ext = name.and_then(|n| n.rsplit_once('.')).map(|(_, ext)| ext);
            MediaType::sniff(bytes, ext)
        }
        known => known,
    }
}

impl From<ExtractError> for Failure {
    /// As kluis-ffi maps it: a document past the limits (a zip bomb,
    /// nesting too deep) is `LimitsExceeded`; one that cannot be read is
    /// `Malformed` (`Io` only for a file the system could not read).
    ///
    /// ```
    /// let f = kluis_wasm::Failure::from(kluis_detect::ExtractError::TooDeep { what: "parts" });
    /// assert_eq!((f.kind, f.reason), ("LimitsExceeded", "TooDeep"));
    /// ```
    fn from(err: ExtractError) -> Self {
        let (kind, reason) = match &err {
            ExtractError::Io { .. } => ("Io", "Io"),
            ExtractError::TooLarge { .. } => ("LimitsExceeded", "TooLarge"),
            ExtractError::TooDeep { .. } => ("LimitsExceeded", "TooDeep"),
            ExtractError::Unsupported(_) => ("Malformed", "Unsupported"),
            _ => ("Malformed", "Malformed"),
        };
        Failure { kind, reason, message: err.to_string() }
    }
}

/// Finds the sensitive information in `text`: `[{ kind, start, end,
/// excerpt, confidence, reason, reasonNl }]`, with `start` and `end` byte
/// offsets into the text's UTF-8 encoding.
///
/// ```js
/// scanText('BSN: 111222333')[0].kind; // 'bsn'
/// ```
#[wasm_bindgen(js_name = scanText)]
pub fn scan_text(text: &str) -> Array {
    findings_to_js(&kluis_detect::scan_text(text))
}

/// Finds the sensitive information in a document (text, CSV, HTML, .eml,
/// .docx, .xlsx, .pptx, .odt, .ods, PDF): of the MIME type `mediaType`
/// when given and known, otherwise recognised by content, then by the
/// extension of `name`. Offsets point into the text extracted from it.
///
/// ```js
/// scanBytes(docx, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
/// ```
#[wasm_bindgen(js_name = scanBytes)]
pub fn scan_bytes(bytes: &[u8], media: Option<String>, name: Option<String>) -> Result<Array, Failure> {
    let media = media_type(bytes, media.as_deref(), name.as_deref());
    Ok(findings_to_js(&kluis_detect::scan_bytes(bytes, media)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidences_read_as_their_shortest_decimal() {
        assert_eq!(confidence(0.95), 0.95);
        assert_eq!(confidence(0.6), 0.6);
        assert_eq!(confidence(1.0), 1.0);
    }

    #[test]
    fn the_media_type_prefers_the_given_one_then_content_then_name() {
        assert_eq!(media_type(b"BSN 111222333", Some("text/html"), None), MediaType::Html);
        assert_eq!(media_type(b"BSN 111222333", Some("image/png"), Some("a.csv")), MediaType::Csv);
        assert_eq!(media_type(b"%PDF-1.4", None, Some("x.docx")), MediaType::Pdf);
        assert_eq!(media_type(b"a", None, Some("noextension")), MediaType::Text);
    }

    #[test]
    fn extraction_errors_keep_the_kinds_of_the_ffi() {
        let too_large = ExtractError::TooLarge { what: "the decompressed content", limit: 1 };
        assert_eq!(Failure::from(too_large).kind, "LimitsExceeded");
        assert_eq!(Failure::from(ExtractError::Unsupported("png".into())).kind, "Malformed");
        let io = ExtractError::Io { path: "x".into(), source: std::io::Error::other("gone") };
        assert_eq!(Failure::from(io).kind, "Io");
    }
}
