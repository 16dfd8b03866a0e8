//! Office Open XML (`.docx`, `.xlsx`, `.pptx`) and OpenDocument (`.odt`,
//! `.ods`, `.odp`): zip archives of XML parts. Only the parts that hold the
//! user's text are read, each streamed through a byte cap (a zip bomb stops
//! at [`super::Limits::max_decompressed_bytes`]), never whole in memory.

use std::io::{BufReader, Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;
use zip::ZipArchive;

use super::{Budget, ExtractError, MediaType};

const FORMAT: &str = "office document";

/// The office type of a zip archive, by the parts it holds.
pub(crate) fn sniff_archive(bytes: &[u8]) -> Option<MediaType> {
    let archive = ZipArchive::new(Cursor::new(bytes)).ok()?;
    let has = |name: &str| archive.index_for_name(name).is_some();
    if has("word/document.xml") {
        Some(MediaType::Docx)
    } else if has("xl/workbook.xml") {
        Some(MediaType::Xlsx)
    } else if has("ppt/presentation.xml") {
        Some(MediaType::Pptx)
    } else if has("content.xml") && has("mimetype") {
        Some(MediaType::OpenDocument)
    } else {
        None
    }
}

/// Whether a part of this archive holds text of the document, and its
/// place in reading order (lower first).
fn text_part(media: MediaType, name: &str) -> Option<(u32, u32)> {
    let number =
        |s: &str| s.trim_end_matches(".xml").trim_start_matches(|c: char| !c.is_ascii_digit()).parse().unwrap_or(0);
    match media {
        MediaType::Docx => match name {
            "word/document.xml" => Some((0, 0)),
            "word/footnotes.xml" | "word/endnotes.xml" | "word/comments.xml" => Some((2, 0)),
            _ if name.starts_with("word/header") || name.starts_with("word/footer") => Some((1, number(name))),
            _ => None,
        },
        MediaType::Xlsx => match name {
            "xl/sharedStrings.xml" => Some((0, 0)),
            _ if name.starts_with("xl/worksheets/sheet") && name.ends_with(".xml") => Some((1, number(name))),
            _ if name.starts_with("xl/comments") && name.ends_with(".xml") => Some((2, number(name))),
            _ => None,
        },
        MediaType::Pptx => {
            let slide =
                name.strip_prefix("ppt/slides/slide").or_else(|| name.strip_prefix("ppt/notesSlides/notesSlide"));
            match slide {
                Some(rest) if rest.ends_with(".xml") => Some((u32::from(name.contains("notes")), number(rest))),
                _ => None,
            }
        }
        MediaType::OpenDocument => (name == "content.xml").then_some((0, 0)),
        _ => None,
    }
}

pub(crate) fn extract(bytes: &[u8], media: MediaType, budget: &mut Budget) -> Result<(), ExtractError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| ExtractError::malformed(FORMAT, e))?;
    if archive.len() > budget.limits.max_entries {
        return Err(ExtractError::TooLarge {
            what: "the number of archive entries",
            limit: budget.limits.max_entries as u64,
        });
    }
    let mut parts: Vec<((u32, u32), String)> =
        archive.file_names().filter_map(|n| text_part(media, n).map(|order| (order, n.to_owned()))).collect();
    parts.sort();
    if parts.is_empty() {
        return Err(ExtractError::malformed(FORMAT, "no part with text"));
    }
    for (_, name) in parts {
        let entry = archive.by_name(&name).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(what) => ExtractError::Unsupported(what.to_owned()),
            e => ExtractError::malformed(FORMAT, e),
        })?;
        let allowance = budget.limits.max_decompressed_bytes.saturating_sub(budget.inflated);
        let event_cap = MAX_XML_EVENT.min(budget.limits.max_text_bytes as u64);
        let capped = Capped {
            inner: entry,
            read: 0,
            cap: allowance,
            passed: false,
            since_event: 0,
            event_cap,
            event_passed: false,
        };
        let read = xml_text(capped, budget)?;
        budget.inflate(read)?;
        budget.end_part()?;
    }
    Ok(())
}

/// The most bytes of one XML event (a text node, a comment, a tag):
/// quick-xml holds an event whole in memory, so without this a part that
/// is one huge text node would be held whole up to the inflation cap
/// (1 GiB by default; more than a WebAssembly page can allocate twice).
const MAX_XML_EVENT: u64 = 32 << 20;

/// A reader that fails once more than `cap` bytes have come through it,
/// or more than `event_cap` since the parser last finished an event
/// (`since_event` is reset by the parser's loop).
struct Capped<R> {
    inner: R,
    read: u64,
    cap: u64,
    passed: bool,
    since_event: u64,
    event_cap: u64,
    event_passed: bool,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        self.since_event += n as u64;
        if self.read > self.cap {
            self.passed = true;
            return Err(std::io::Error::other("decompression limit"));
        }
        if self.since_event > self.event_cap {
            self.event_passed = true;
            return Err(std::io::Error::other("XML event limit"));
        }
        Ok(n)
    }
}

/// Streams the text of one XML part into `budget`: text nodes joined as
/// they are (Word splits words over runs), paragraphs and rows on lines of
/// their own, cells separated by tabs. Returns the bytes inflated.
fn xml_text<R: Read>(part: Capped<R>, budget: &mut Budget) -> Result<u64, ExtractError> {
    let mut xml = Reader::from_reader(BufReader::with_capacity(64 << 10, part));
    xml.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut out = String::new();
    // Inside a formula, or in the value of a cell that only indexes the
    // shared strings (`t="s"`): no text of its own.
    let mut skip_depth = 0usize;
    let mut shared_cell = false;
    loop {
        let event = xml.read_event_into(&mut buf);
        let event = match event {
            Ok(e) => e,
            Err(e) => {
                let capped = xml.get_ref().get_ref();
                if capped.passed {
                    return Err(ExtractError::TooLarge {
                        what: "the decompressed content",
                        limit: budget.limits.max_decompressed_bytes,
                    });
                }
                if capped.event_passed {
                    return Err(ExtractError::TooLarge { what: "one piece of XML text", limit: capped.event_cap });
                }
                return Err(ExtractError::malformed(FORMAT, e));
            }
        };
        match event {
            Event::Eof => break,
            Event::Text(t) if skip_depth == 0 => match t.unescape() {
                Ok(s) => out.push_str(&s),
                Err(_) => out.push_str(&String::from_utf8_lossy(&t)),
            },
            Event::CData(t) if skip_depth == 0 => out.push_str(&String::from_utf8_lossy(&t)),
            Event::Start(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    b"c" => {
                        shared_cell = e.try_get_attribute("t").ok().flatten().is_some_and(|a| a.value.as_ref() == b"s")
                    }
                    b"v" if shared_cell => skip_depth += 1,
                    b"f" | b"instrText" => skip_depth += 1,
                    other => separator(other, false, &mut out),
                }
            }
            Event::Empty(e) => separator(e.local_name().as_ref(), true, &mut out),
            Event::End(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    b"v" if shared_cell => skip_depth = skip_depth.saturating_sub(1),
                    b"f" | b"instrText" => skip_depth = skip_depth.saturating_sub(1),
                    other => separator(other, true, &mut out),
                }
            }
            _ => {}
        }
        if out.len() >= 1 << 20 {
            budget.push(&out)?;
            out.clear();
        }
        buf.clear();
        // The BufReader reads ahead by at most its 64 KiB: counting from
        // here bounds the next event to `event_cap` plus that.
        xml.get_mut().get_mut().since_event = 0;
    }
    budget.push(&out)?;
    Ok(xml.get_ref().get_ref().read)
}

/// What an element stands for in plain text, at its end (or as an empty
/// element): a line break after paragraphs and rows, a tab after cells.
fn separator(local: &[u8], end: bool, out: &mut String) {
    match local {
        // Word: w:tab, w:br, w:cr; DrawingML: a:br; OpenDocument: text:tab, text:line-break, text:s.
        b"tab" if end => out.push('\t'),
        b"br" | b"cr" | b"line-break" if end => out.push('\n'),
        b"s" if end => out.push(' '),
        // Paragraphs (w:p, a:p, text:p, text:h), rows (w:tr, row, table:table-row), shared strings (si).
        b"p" | b"h" | b"tr" | b"row" | b"table-row" | b"si" | b"list-item" if end => out.push('\n'),
        // Cells (w:tc, c, table:table-cell, a:tc).
        b"tc" | b"c" | b"table-cell" if end => out.push('\t'),
        _ => {}
    }
}
