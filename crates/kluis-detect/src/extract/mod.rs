//! Text extraction from what mails carry, within [`Limits`]: plain text and
//! CSV, HTML, `.eml` messages (headers, bodies, attachments, nested
//! messages), Office Open XML (`.docx`, `.xlsx`, `.pptx`), OpenDocument
//! (`.odt`, `.ods`, `.odp`) and the text layer of PDF files.

mod html;
mod mail;
mod media;
mod office;
mod pdf;

use std::path::Path;

pub use media::MediaType;

use crate::Finding;

/// Bounds on the work one document may cause, whatever its content claims.
///
/// The defaults read a 20 MB office document easily and refuse a zip bomb,
/// a PDF whose streams inflate past the cap, or mail parts nested deeper
/// than any mail client writes.
///
/// ```
/// let limits = kluis_detect::Limits { max_depth: 2, ..Default::default() };
/// assert!(limits.max_decompressed_bytes >= 256 << 20);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest input read (a file, or the bytes given).
    pub max_input_bytes: u64,
    /// Most bytes inflated from all archive entries and PDF streams of one
    /// document, attachments included.
    pub max_decompressed_bytes: u64,
    /// Most entries in one archive.
    pub max_entries: usize,
    /// Deepest nesting of documents in documents (an attachment of a
    /// message attached to a message...), and of brackets in a PDF object
    /// counted in hundreds.
    pub max_depth: usize,
    /// Most text extracted from one document.
    pub max_text_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_input_bytes: 256 << 20,
            max_decompressed_bytes: 1 << 30,
            max_entries: 10_000,
            max_depth: 8,
            max_text_bytes: 256 << 20,
        }
    }
}

/// Why a document could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// Not a kind of document that holds text this crate reads (an image,
    /// an executable, an encrypted archive).
    #[error("not a document whose text can be read ({0})")]
    Unsupported(String),
    /// The document is damaged or not what it claims to be.
    #[error("damaged {format}: {detail}")]
    Malformed {
        /// The format it claims to be.
        format: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// Reading it would pass one of the [`Limits`] (a zip bomb, a huge file).
    #[error("too large to check: {what} passes the limit of {limit}")]
    TooLarge {
        /// What passed the limit.
        what: &'static str,
        /// The limit.
        limit: u64,
    },
    /// Documents or objects nested deeper than [`Limits::max_depth`].
    #[error("nested too deeply to check ({what})")]
    TooDeep {
        /// What is nested.
        what: &'static str,
    },
}

impl ExtractError {
    pub(crate) fn malformed(format: &'static str, detail: impl std::fmt::Display) -> ExtractError {
        ExtractError::Malformed { format, detail: detail.to_string() }
    }
}

/// The running totals of one extraction, shared by nested documents.
pub(crate) struct Budget {
    pub(crate) limits: Limits,
    pub(crate) inflated: u64,
    pub(crate) text: String,
}

impl Budget {
    /// Counts `n` more inflated bytes, or fails past the limit.
    pub(crate) fn inflate(&mut self, n: u64) -> Result<(), ExtractError> {
        self.inflated += n;
        if self.inflated > self.limits.max_decompressed_bytes {
            return Err(ExtractError::TooLarge {
                what: "the decompressed content",
                limit: self.limits.max_decompressed_bytes,
            });
        }
        Ok(())
    }

    /// Appends extracted text, or fails past the limit.
    pub(crate) fn push(&mut self, s: &str) -> Result<(), ExtractError> {
        if self.text.len() + s.len() > self.limits.max_text_bytes {
            return Err(ExtractError::TooLarge {
                what: "the extracted text",
                limit: self.limits.max_text_bytes as u64,
            });
        }
        self.text.push_str(s);
        Ok(())
    }

    /// Ends a part: the next one starts on a new line.
    pub(crate) fn end_part(&mut self) -> Result<(), ExtractError> {
        if !self.text.is_empty() && !self.text.ends_with('\n') { self.push("\n") } else { Ok(()) }
    }
}

/// The text of a document of the given type, as [`scan_bytes`] scans it.
///
/// Offsets of findings from [`scan_bytes`] and [`scan_file`] point into
/// this text. Parts follow one another in document order, each on its own
/// lines (a message's headers, bodies, then each attachment's text).
///
/// ```
/// use kluis_detect::{extract_text, Limits, MediaType};
/// let html = b"<p>BSN <b>111222333</b></p><script>x()</script>";
/// assert_eq!(extract_text(html, MediaType::Html, &Limits::default()).unwrap().trim(), "BSN 111222333");
/// ```
pub fn extract_text(bytes: &[u8], media: MediaType, limits: &Limits) -> Result<String, ExtractError> {
    let mut budget = Budget { limits: *limits, inflated: 0, text: String::new() };
    extract_into(bytes, media, 0, &mut budget)?;
    Ok(budget.text)
}

/// Extracts one (possibly nested) document into `budget`.
pub(crate) fn extract_into(
    bytes: &[u8],
    media: MediaType,
    depth: usize,
    budget: &mut Budget,
) -> Result<(), ExtractError> {
    if depth > budget.limits.max_depth {
        return Err(ExtractError::TooDeep { what: "documents inside documents" });
    }
    if bytes.len() as u64 > budget.limits.max_input_bytes {
        return Err(ExtractError::TooLarge { what: "the input", limit: budget.limits.max_input_bytes });
    }
    let media = match media {
        MediaType::Unknown => MediaType::sniff(bytes, None),
        m => m,
    };
    budget.end_part()?;
    match media {
        MediaType::Text | MediaType::Csv => budget.push(&media::decode_text(bytes)),
        MediaType::Html => html::extract(&media::decode_text(bytes), budget),
        MediaType::Eml => mail::extract(bytes, depth, budget),
        MediaType::Docx | MediaType::Xlsx | MediaType::Pptx | MediaType::OpenDocument => {
            office::extract(bytes, media, budget)
        }
        MediaType::Pdf => pdf::extract(bytes, budget),
        MediaType::Unknown => Err(ExtractError::Unsupported("unrecognised binary content".into())),
    }
}

/// Finds the sensitive information in a document of the given type
/// ([`MediaType::Unknown`] recognises it by its content).
///
/// The offsets of the findings point into [`extract_text`]'s text.
///
/// ```
/// use kluis_detect::{scan_bytes, MediaType, Kind};
/// let mail = b"Subject: aanvraag\r\nFrom: a@example.org\r\n\r\nMijn BSN is 111222333.\r\n";
/// let found = scan_bytes(mail, MediaType::Eml).unwrap();
/// assert_eq!(found[0].kind, Kind::Bsn);
/// assert!(scan_bytes(b"\x89PNG\r\n\x1a\n....", MediaType::Unknown).is_err());
/// ```
pub fn scan_bytes(bytes: &[u8], media: MediaType) -> Result<Vec<Finding>, ExtractError> {
    scan_bytes_with(bytes, media, &Limits::default())
}

/// [`scan_bytes`] within the given limits.
///
/// ```
/// use kluis_detect::{scan_bytes_with, Limits, MediaType, ExtractError};
/// let limits = Limits { max_input_bytes: 4, ..Limits::default() };
/// let err = scan_bytes_with(b"BSN 111222333", MediaType::Text, &limits).unwrap_err();
/// assert!(matches!(err, ExtractError::TooLarge { .. }));
/// ```
pub fn scan_bytes_with(bytes: &[u8], media: MediaType, limits: &Limits) -> Result<Vec<Finding>, ExtractError> {
    Ok(crate::scan_text(&extract_text(bytes, media, limits)?))
}

/// Reads a file and finds the sensitive information in it; its type is
/// recognised by its content, then its name's extension.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("brief.html");
/// std::fs::write(&path, "<p>IBAN: <i>NL91 ABNA 0417 1643 00</i></p>").unwrap();
/// let found = kluis_detect::scan_file(&path).unwrap();
/// assert_eq!(found[0].kind.as_str(), "iban");
/// ```
pub fn scan_file(path: &Path) -> Result<Vec<Finding>, ExtractError> {
    scan_file_with(path, &Limits::default())
}

/// [`scan_file`] within the given limits.
///
/// ```
/// use kluis_detect::{scan_file_with, Limits, ExtractError};
/// let err = scan_file_with(std::path::Path::new("/nonexistent/x.txt"), &Limits::default()).unwrap_err();
/// assert!(matches!(err, ExtractError::Io { .. }));
/// ```
pub fn scan_file_with(path: &Path, limits: &Limits) -> Result<Vec<Finding>, ExtractError> {
    let bytes = read_file(path, limits)?;
    let media = MediaType::sniff(&bytes, path.extension().and_then(|e| e.to_str()));
    scan_bytes_with(&bytes, media, limits)
}

/// Reads at most `limits.max_input_bytes` of a file, or fails.
pub(crate) fn read_file(path: &Path, limits: &Limits) -> Result<Vec<u8>, ExtractError> {
    use std::io::Read;
    let io = |source| ExtractError::Io { path: path.display().to_string(), source };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(limits.max_input_bytes + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limits.max_input_bytes {
        return Err(ExtractError::TooLarge { what: "the file", limit: limits.max_input_bytes });
    }
    Ok(bytes)
}
