//! Text extraction and scanning of the documents mails carry
//! (`kluis_detect::scan_bytes_with`): the first byte picks the media type
//! (text, CSV, HTML, .eml, .docx, .xlsx, .pptx, OpenDocument, PDF, or
//! recognised from the content), the rest is the document.
//!
//! Checks: no panic, bounded memory and time within the limits below (the
//! defaults scaled down so that libFuzzer's 2 GiB and 10 s are never the
//! bound that stops an input); a refusal is a typed `ExtractError` with a
//! message; what is read scans to exactly `scan_text` of `extract_text`'s
//! text, stays within `max_text_bytes`, and every finding lies on character
//! boundaries of that text with an excerpt that never shows the number.
#![no_main]

use kluis_detect::{Kind, Limits, MediaType, extract_text, scan_bytes_with, scan_text};
use libfuzzer_sys::fuzz_target;

const MEDIA: [MediaType; 10] = [
    MediaType::Text,
    MediaType::Csv,
    MediaType::Html,
    MediaType::Eml,
    MediaType::Docx,
    MediaType::Xlsx,
    MediaType::Pptx,
    MediaType::OpenDocument,
    MediaType::Pdf,
    MediaType::Unknown,
];

const LIMITS: Limits = Limits {
    max_input_bytes: 1 << 20,
    max_decompressed_bytes: 32 << 20,
    max_entries: 1_000,
    max_depth: 8,
    max_text_bytes: 8 << 20,
};

fuzz_target!(|data: &[u8]| {
    let Some((&which, doc)) = data.split_first() else { return };
    let media = MEDIA[usize::from(which) % MEDIA.len()];
    let scanned = scan_bytes_with(doc, media, &LIMITS);
    let text = extract_text(doc, media, &LIMITS);
    match (scanned, text) {
        (Ok(found), Ok(text)) => {
            assert!(text.len() <= LIMITS.max_text_bytes);
            assert_eq!(found, scan_text(&text), "scan_bytes is scan_text of extract_text");
            for f in &found {
                assert!(f.start < f.end && f.end <= text.len(), "{f:?}");
                assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end), "{f:?}");
                if matches!(f.kind, Kind::Bsn | Kind::Iban | Kind::CreditCard) {
                    let number: String = text[f.start..f.end].chars().filter(char::is_ascii_alphanumeric).collect();
                    assert!(!f.excerpt.contains(&number), "{f:?} shows {number}");
                }
            }
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string(), "the same refusal twice");
            assert!(!a.to_string().is_empty());
        }
        (a, b) => panic!("scan_bytes {:?} but extract_text {:?}", a.map(|_| ()), b.map(|_| ())),
    }
});
