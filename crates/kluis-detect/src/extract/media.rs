//! [`MediaType`]: what kind of document some bytes are, from a MIME type,
//! a file name's extension or the bytes themselves.

/// The kinds of document [`crate::scan_bytes`] reads.
///
/// ```
/// use kluis_detect::MediaType;
/// assert_eq!(MediaType::from_mime("text/html; charset=utf-8"), MediaType::Html);
/// assert_eq!(MediaType::from_extension("DOCX"), MediaType::Docx);
/// assert_eq!(MediaType::sniff(b"%PDF-1.7\n...", None), MediaType::Pdf);
/// assert_eq!(MediaType::sniff(b"naam;bsn\n", Some("csv")), MediaType::Csv);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MediaType {
    /// `text/plain`, in UTF-8, UTF-16 with a byte order mark, or Windows-1252.
    Text,
    /// `text/csv` (read as text).
    Csv,
    /// `text/html`: the text without tags, scripts and styles.
    Html,
    /// `message/rfc822`: headers, bodies and attachments.
    Eml,
    /// A Word document (`.docx`).
    Docx,
    /// An Excel workbook (`.xlsx`).
    Xlsx,
    /// A PowerPoint presentation (`.pptx`).
    Pptx,
    /// An OpenDocument text, spreadsheet or presentation (`.odt`, `.ods`, `.odp`).
    OpenDocument,
    /// A PDF file's text layer.
    Pdf,
    /// Not known: recognised from the bytes.
    Unknown,
}

impl MediaType {
    /// The type for a MIME type (parameters ignored); [`MediaType::Unknown`]
    /// for one this crate does not read.
    pub fn from_mime(mime: &str) -> MediaType {
        let essence = mime.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        match essence.as_str() {
            "text/plain" | "text/markdown" | "application/json" | "text/xml" | "application/xml" => MediaType::Text,
            "text/csv" | "text/tab-separated-values" => MediaType::Csv,
            "text/html" | "application/xhtml+xml" => MediaType::Html,
            "message/rfc822" | "message/global" => MediaType::Eml,
            "application/pdf" => MediaType::Pdf,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => MediaType::Docx,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => MediaType::Xlsx,
            "application/vnd.openxmlformats-officedocument.presentationml.presentation" => MediaType::Pptx,
            "application/vnd.oasis.opendocument.text"
            | "application/vnd.oasis.opendocument.spreadsheet"
            | "application/vnd.oasis.opendocument.presentation" => MediaType::OpenDocument,
            _ => MediaType::Unknown,
        }
    }

    /// The type for a file name's extension (without the dot, any case).
    pub fn from_extension(ext: &str) -> MediaType {
        match ext.to_ascii_lowercase().as_str() {
            "txt" | "text" | "md" | "json" | "xml" | "log" => MediaType::Text,
            "csv" | "tsv" => MediaType::Csv,
            "html" | "htm" | "xhtml" => MediaType::Html,
            "eml" | "mht" | "mhtml" => MediaType::Eml,
            "pdf" => MediaType::Pdf,
            "docx" | "docm" | "dotx" => MediaType::Docx,
            "xlsx" | "xlsm" | "xltx" => MediaType::Xlsx,
            "pptx" | "pptm" | "potx" => MediaType::Pptx,
            "odt" | "ods" | "odp" | "ott" | "ots" => MediaType::OpenDocument,
            _ => MediaType::Unknown,
        }
    }

    /// The type of `bytes`, by their content first (PDF and zip signatures,
    /// the parts of an office archive, mail headers, HTML), then by the
    /// extension, and text when they decode as text.
    pub fn sniff(bytes: &[u8], extension: Option<&str>) -> MediaType {
        let by_ext = extension.map_or(MediaType::Unknown, MediaType::from_extension);
        let head = &bytes[..bytes.len().min(1024)];
        if head.starts_with(b"%PDF-") || (by_ext == MediaType::Pdf && memchr::memmem::find(head, b"%PDF-").is_some()) {
            return MediaType::Pdf;
        }
        if head.starts_with(b"PK\x03\x04") {
            return crate::extract::office::sniff_archive(bytes).unwrap_or(MediaType::Unknown);
        }
        if looks_binary(head) {
            return MediaType::Unknown;
        }
        if matches!(by_ext, MediaType::Csv | MediaType::Eml | MediaType::Html) {
            return by_ext;
        }
        let text = String::from_utf8_lossy(head).to_ascii_lowercase();
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        if trimmed.starts_with("<!doctype html") || trimmed.starts_with("<html") {
            return MediaType::Html;
        }
        if looks_like_mail(trimmed) {
            return MediaType::Eml;
        }
        MediaType::Text
    }
}

/// Control bytes other than whitespace, outside UTF-16 text: not text.
fn looks_binary(head: &[u8]) -> bool {
    if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) {
        return false;
    }
    head.iter().any(|&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)))
}

/// A header block: its first line is a known mail header.
fn looks_like_mail(head: &str) -> bool {
    const HEADERS: &[&str] = &[
        "from:",
        "to:",
        "subject:",
        "received:",
        "return-path:",
        "mime-version:",
        "message-id:",
        "date:",
        "delivered-to:",
        "x-",
    ];
    let first = head.lines().next().unwrap_or("");
    HEADERS.iter().any(|h| first.starts_with(h)) && head.contains(':')
}

/// Text from bytes: UTF-16 by its byte order mark, UTF-8 when valid (a
/// byte order mark dropped), Windows-1252 otherwise.
pub(crate) fn decode_text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        return String::from_utf16_lossy(&units);
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    }
}

/// One Windows-1252 byte as a character (the 0x80–0x9f range mapped as the
/// WHATWG Encoding Standard does).
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content_before_name() {
        assert_eq!(MediaType::sniff(b"From: a@b\r\nSubject: x\r\n\r\nhi", None), MediaType::Eml);
        assert_eq!(MediaType::sniff(b"  <!DOCTYPE html><p>x", Some("txt")), MediaType::Html);
        assert_eq!(MediaType::sniff(b"%PDF-1.4", Some("txt")), MediaType::Pdf);
        assert_eq!(MediaType::sniff(b"\x7fELF\x02\x01\x01\0", Some("txt")), MediaType::Unknown);
        assert_eq!(MediaType::sniff(b"gewoon tekst", None), MediaType::Text);
        assert_eq!(MediaType::sniff(b"PK\x03\x04garbage", Some("docx")), MediaType::Unknown);
    }

    #[test]
    fn decodes_legacy_encodings() {
        assert_eq!(decode_text(b"\xef\xbb\xbfcli\xc3\xabnt"), "cliënt");
        assert_eq!(decode_text(b"cli\xebnt \x80"), "cliënt €");
        assert_eq!(decode_text(b"\xff\xfeB\0S\0N\0"), "BSN");
    }
}
