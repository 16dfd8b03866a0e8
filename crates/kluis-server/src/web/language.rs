//! Dutch or English from `Accept-Language` (RFC 9110 §12.5.4): the pages
//! are Dutch unless the browser prefers English; the server's mails follow
//! the same rule, and are English when the request names no language at all
//! (a command-line client).
//!
//! ```
//! use kluis_protocol::Language;
//! use kluis_server::web::language::preferred;
//! assert_eq!(preferred(Some("en-GB,en;q=0.9,nl;q=0.8")), Some(Language::En));
//! assert_eq!(preferred(Some("nl-NL,nl;q=0.9,en;q=0.8")), Some(Language::Nl));
//! assert_eq!(preferred(Some("de-DE,de;q=0.9")), None);
//! ```

use axum::http::{HeaderMap, header};
use kluis_protocol::Language;

/// Ranges looked at, at most (the header is bounded by the server anyway).
const MAX_RANGES: usize = 32;

/// The language of `header` (an `Accept-Language` value) that the client
/// prefers among Dutch and English: `None` when it names neither (or
/// refuses both with `q=0`). A tie goes to Dutch.
pub fn preferred(header: Option<&str>) -> Option<Language> {
    let header = header?;
    let (mut nl, mut en) = (0.0_f32, 0.0_f32);
    for range in header.split(',').take(MAX_RANGES) {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
            .find_map(|v| v.trim().parse::<f32>().ok())
            .filter(|q| q.is_finite())
            .unwrap_or(1.0)
            .clamp(0.0, 1.0);
        let primary = tag.split('-').next().unwrap_or_default();
        match primary {
            "nl" => nl = nl.max(q),
            "en" => en = en.max(q),
            _ => {}
        }
    }
    if nl == 0.0 && en == 0.0 {
        None
    } else if en > nl {
        Some(Language::En)
    } else {
        Some(Language::Nl)
    }
}

fn accept_language(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok())
}

/// A page's language: Dutch unless the request prefers English.
pub fn page(headers: &HeaderMap) -> Language {
    preferred(accept_language(headers)).unwrap_or(Language::Nl)
}

/// A mail's language when the request asks for it: as [`page`], but
/// English (the protocol's default) when the request has no
/// `Accept-Language` at all.
pub fn mail(headers: &HeaderMap) -> Language {
    match accept_language(headers) {
        None => Language::default(),
        Some(value) => preferred(Some(value)).unwrap_or(Language::Nl),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_unless_english_is_preferred() {
        let cases = [
            (None, None),
            (Some(""), None),
            (Some("en"), Some(Language::En)),
            (Some("EN-us"), Some(Language::En)),
            (Some("nl"), Some(Language::Nl)),
            (Some("nl-BE"), Some(Language::Nl)),
            (Some("en;q=0.5, nl;q=0.8"), Some(Language::Nl)),
            (Some("nl;q=0.5, en;q=0.8"), Some(Language::En)),
            (Some("en, nl"), Some(Language::Nl)),
            (Some("fr, en;q=0.2"), Some(Language::En)),
            (Some("en;q=0, nl;q=0"), None),
            (Some("en;q=abc"), Some(Language::En)),
            (Some("*"), None),
        ];
        for (header, expected) in cases {
            assert_eq!(preferred(header), expected, "{header:?}");
        }
    }

    #[test]
    fn mails_default_to_english_without_the_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(mail(&headers), Language::En);
        assert_eq!(page(&headers), Language::Nl);
        headers.insert(header::ACCEPT_LANGUAGE, axum::http::HeaderValue::from_static("de"));
        assert_eq!(mail(&headers), Language::Nl);
        headers.insert(header::ACCEPT_LANGUAGE, axum::http::HeaderValue::from_static("en-US"));
        assert_eq!(mail(&headers), Language::En);
    }
}
