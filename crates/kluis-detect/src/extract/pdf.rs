//! PDF: the text layer of every page, read by `lopdf` (fonts' encodings
//! and ToUnicode maps applied), after a check that bounds its work.
//!
//! `lopdf` inflates streams without a cap and parses nested arrays and
//! dictionaries by recursion. So before it sees a file, every stream is
//! inflated here through a cap ([`super::Limits::max_decompressed_bytes`]
//! for all of them together; a stream in another filter chain counts at the
//! worst ratio any PDF filter reaches), and the bracket nesting of the file
//! and of every inflated stream that is not an image or a font is measured
//! (at most `max_depth × 100`). The parser then runs on a thread of its own
//! with a stack that holds that depth, and a panic in it is a damaged file.
//! WebAssembly has no threads: there it runs on the calling thread, the
//! nesting held to 100 (a panic traps; the JavaScript package then drops
//! the module's instance and reports a damaged file).

use std::collections::BTreeMap;
use std::io::Read;

use flate2::read::ZlibDecoder;
use memchr::memmem;

use super::{Budget, ExtractError};

const FORMAT: &str = "PDF";
/// No PDF filter chain inflates more than this (LZW codes of 12 bits for
/// strings of up to 4096 bytes); deflate stays near 1032.
const WORST_RATIO: u64 = 4096;
/// The parser thread's stack: room for the bracket depth allowed.
#[cfg(not(target_family = "wasm"))]
const PARSER_STACK: usize = 256 << 20;

pub(crate) fn extract(bytes: &[u8], budget: &mut Budget) -> Result<(), ExtractError> {
    precheck(bytes, budget)?;
    for page in parse(bytes)? {
        budget.end_part()?;
        budget.push(&page)?;
    }
    Ok(())
}

/// The most brackets nested, given the limits: `max_depth × 100` where the
/// parser has a thread of its own, at most [`WASM_MAX_BRACKETS`] in
/// WebAssembly, whose engines give the calling thread's stack about 1 MiB.
fn max_brackets(limits: &super::Limits) -> usize {
    let depth = limits.max_depth.max(1) * 100;
    if cfg!(target_family = "wasm") { depth.min(WASM_MAX_BRACKETS) } else { depth }
}

/// Nested brackets the parser meets on a WebAssembly stack (no threads
/// there): an eighth of what Node's main thread was measured to hold (790
/// parse); bindings/js's tests scan a PDF this deep and one deeper.
const WASM_MAX_BRACKETS: usize = 100;

/// Parses on a thread of its own, whose stack holds the depth allowed.
#[cfg(not(target_family = "wasm"))]
fn parse(bytes: &[u8]) -> Result<Vec<String>, ExtractError> {
    std::thread::scope(|scope| {
        let parser = std::thread::Builder::new()
            .name("kluis-detect-pdf".into())
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, || page_texts(bytes))
            .map_err(|e| ExtractError::malformed(FORMAT, format!("cannot start the reader: {e}")))?;
        parser.join().map_err(|_| ExtractError::malformed(FORMAT, "the reader stopped on it"))?
    })
}

/// WebAssembly has no threads: parses on the calling one, the nesting
/// having been held to [`WASM_MAX_BRACKETS`].
#[cfg(target_family = "wasm")]
fn parse(bytes: &[u8]) -> Result<Vec<String>, ExtractError> {
    page_texts(bytes)
}

/// The text of each page that has a readable text layer.
fn page_texts(bytes: &[u8]) -> Result<Vec<String>, ExtractError> {
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| ExtractError::malformed(FORMAT, e))?;
    let mut pages = Vec::new();
    let mut failed = None;
    for (_, page) in doc.get_pages() {
        match page_text(&doc, page) {
            Ok(text) => pages.push(text),
            Err(e) => failed = Some(e),
        }
    }
    match failed {
        Some(e) if pages.is_empty() => Err(ExtractError::malformed(FORMAT, e)),
        _ => Ok(pages),
    }
}

/// One page's text: the strings its text operators show, decoded with
/// their font's encoding, lines apart where the text moves to a new line
/// (`T*`, `'`, `"`, `Td`/`TD` downwards, `Tm`, `ET`). `lopdf`'s own
/// `extract_text` runs lines together and drops `'` and `"`.
fn page_text(doc: &lopdf::Document, page: lopdf::ObjectId) -> lopdf::Result<String> {
    let fonts = doc.get_page_fonts(page)?;
    let encodings: BTreeMap<Vec<u8>, lopdf::Encoding<'_>> =
        fonts.into_iter().filter_map(|(name, font)| font.get_font_encoding(doc).ok().map(|e| (name, e))).collect();
    let content = lopdf::content::Content::decode(&doc.get_page_content(page)?)?;
    let mut text = String::new();
    let mut encoding = None;
    let newline = |text: &mut String| {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
    };
    for op in &content.operations {
        match op.operator.as_str() {
            "Tf" => encoding = op.operands.first().and_then(|o| o.as_name().ok()).and_then(|n| encodings.get(n)),
            "Tj" | "TJ" => show(&mut text, encoding, &op.operands),
            "'" => {
                newline(&mut text);
                show(&mut text, encoding, &op.operands);
            }
            "\"" => {
                newline(&mut text);
                show(&mut text, encoding, op.operands.get(2..).unwrap_or(&[]));
            }
            "Td" | "TD" => match op.operands.get(1).and_then(|y| y.as_float().ok()) {
                Some(dy) if dy.abs() < f32::EPSILON => text.push(' '),
                _ => newline(&mut text),
            },
            "T*" | "Tm" | "ET" => newline(&mut text),
            _ => {}
        }
    }
    newline(&mut text);
    Ok(text)
}

/// Appends the strings of a text operator's operands; a large negative
/// adjustment inside a `TJ` array is a word space.
fn show(text: &mut String, encoding: Option<&lopdf::Encoding<'_>>, operands: &[lopdf::Object]) {
    let Some(encoding) = encoding else { return };
    for operand in operands {
        match operand {
            lopdf::Object::String(bytes, _) => {
                if let Ok(s) = lopdf::Document::decode_text(encoding, bytes) {
                    text.push_str(&s);
                }
            }
            lopdf::Object::Array(items) => show(text, Some(encoding), items),
            lopdf::Object::Integer(i) if *i < -100 => text.push(' '),
            lopdf::Object::Real(r) if *r < -100.0 => text.push(' '),
            _ => {}
        }
    }
}

/// Inflates every stream through the cap and measures the nesting.
fn precheck(bytes: &[u8], budget: &mut Budget) -> Result<(), ExtractError> {
    let max_depth = max_brackets(&budget.limits);
    let mut at = 0;
    while at < bytes.len() {
        let Some(s) = memmem::find(&bytes[at..], b"stream").map(|k| at + k) else {
            Depth::default().feed(&bytes[at..], max_depth)?;
            break;
        };
        Depth::default().feed(&bytes[at..s], max_depth)?;
        let dict = &bytes[s.saturating_sub(512).max(at)..s];
        let mut data_start = s + b"stream".len();
        if bytes[data_start..].starts_with(b"\r\n") {
            data_start += 2;
        } else if bytes[data_start..].starts_with(b"\n") || bytes[data_start..].starts_with(b"\r") {
            data_start += 1;
        }
        let data_end = memmem::find(&bytes[data_start..], b"endstream").map_or(bytes.len(), |k| data_start + k);
        let data = &bytes[data_start..data_end];
        let parsed = !contains_any(dict, &[b"/Subtype", b"/Length1", b"/Image", b"/FontFile"]);
        if !inflate(data, parsed, max_depth, budget)? && contains_any(dict, &[b"Decode"]) {
            // Not zlib: whatever other filter chain `lopdf` will run, bound it.
            budget.inflate(data.len() as u64 * WORST_RATIO)?;
        }
        at = (data_end + b"endstream".len()).min(bytes.len()).max(s + 1);
    }
    Ok(())
}

/// Inflates `data` if it is a zlib stream, counting it against the budget
/// (and measuring its nesting when `parsed`); false when it is not zlib.
fn inflate(data: &[u8], parsed: bool, max_depth: usize, budget: &mut Budget) -> Result<bool, ExtractError> {
    if data.len() < 2 || (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 != 0 || data[0] & 0x0f != 8 {
        return Ok(false);
    }
    let mut decoder = ZlibDecoder::new(data);
    let mut chunk = vec![0u8; 64 << 10];
    let mut depth = Depth::default();
    loop {
        match decoder.read(&mut chunk) {
            Ok(0) => return Ok(true),
            Ok(n) => {
                budget.inflate(n as u64)?;
                if parsed {
                    depth.feed(&chunk[..n], max_depth)?;
                }
            }
            // A damaged stream: `lopdf` stops where this did.
            Err(_) => return Ok(true),
        }
    }
}

fn contains_any(haystack: &[u8], needles: &[&[u8]]) -> bool {
    needles.iter().any(|n| memmem::find(haystack, n).is_some())
}

/// Bracket nesting (`[`, `<<`) outside strings and comments, fed in pieces.
#[derive(Default)]
struct Depth {
    depth: usize,
    /// Inside a literal string: its parenthesis depth; an escape pending.
    string: usize,
    escape: bool,
    comment: bool,
    hex: bool,
    last: u8,
}

impl Depth {
    fn feed(&mut self, bytes: &[u8], max: usize) -> Result<(), ExtractError> {
        for &b in bytes {
            if self.string > 0 {
                match b {
                    _ if self.escape => self.escape = false,
                    b'\\' => self.escape = true,
                    b'(' => self.string += 1,
                    b')' => self.string -= 1,
                    _ => {}
                }
            } else if self.comment {
                self.comment = !matches!(b, b'\n' | b'\r');
            } else if self.hex {
                self.hex = b != b'>';
            } else {
                match b {
                    b'(' => self.string = 1,
                    b'%' => self.comment = true,
                    b'[' => self.depth += 1,
                    b']' => self.depth = self.depth.saturating_sub(1),
                    b'<' if self.last == b'<' => {
                        self.depth += 1;
                        self.last = 0;
                        continue;
                    }
                    b'>' if self.last == b'>' => {
                        self.depth = self.depth.saturating_sub(1);
                        self.last = 0;
                        continue;
                    }
                    _ if self.last == b'<' => self.hex = b != b'>',
                    _ => {}
                }
                if self.depth > max {
                    return Err(ExtractError::TooDeep { what: "PDF arrays and dictionaries" });
                }
            }
            self.last = b;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ExtractError, Limits, MediaType, extract_text};
    use std::io::Write;

    /// A one-page PDF whose content stream (zlib when `deflate`) shows `text` in Helvetica.
    pub(crate) fn pdf(text: &str, deflate: bool) -> Vec<u8> {
        let escaped = text.replace('(', "\\(").replace(')', "\\)");
        pdf_showing(&format!("BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET"), deflate)
    }

    /// A one-page PDF with this content stream.
    fn pdf_showing(content: &str, deflate: bool) -> Vec<u8> {
        let (stream, filter) = if deflate {
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            z.write_all(content.as_bytes()).unwrap();
            (z.finish().unwrap(), " /Filter /FlateDecode")
        } else {
            (content.as_bytes().to_vec(), "")
        };
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        let objects: Vec<Vec<u8>> = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
            [format!("<< /Length {}{} >>\nstream\n", stream.len(), filter).into_bytes(), stream, b"\nendstream".to_vec()].concat(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        ];
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
        );
        out
    }

    #[test]
    fn reads_the_text_layer() {
        for deflate in [false, true] {
            let text = extract_text(&pdf("BSN 111222333 (test)", deflate), MediaType::Pdf, &Limits::default()).unwrap();
            assert!(text.contains("BSN 111222333 (test)"), "{text:?}");
        }
    }

    #[test]
    fn lines_stay_apart() {
        let content = "BT /F1 12 Tf 14 TL 72 720 Td (BSN 111222333) Tj T* (Nummer) Tj (volgende) ' 0 0 (regel) \" \
                       0 -14 Td [(a) -200 (b)] TJ 20 0 Td (c) Tj ET";
        let text = extract_text(&pdf_showing(content, true), MediaType::Pdf, &Limits::default()).unwrap();
        assert_eq!(text, "BSN 111222333\nNummer\nvolgende\nregel\na b c\n");
    }

    #[test]
    fn a_stream_bomb_is_refused() {
        let limits = Limits { max_decompressed_bytes: 1000, ..Limits::default() };
        let err = extract_text(&pdf(&"x".repeat(5000), true), MediaType::Pdf, &limits).unwrap_err();
        assert!(matches!(err, ExtractError::TooLarge { .. }), "{err}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut bad = pdf("x", false);
        bad.extend_from_slice(format!("6 0 obj\n{}\nendobj\n", "[".repeat(100_000)).as_bytes());
        let err = extract_text(&bad, MediaType::Pdf, &Limits::default()).unwrap_err();
        assert!(matches!(err, ExtractError::TooDeep { .. }), "{err}");
    }

    #[test]
    fn garbage_is_a_damaged_file() {
        let err = extract_text(b"%PDF-1.7\n garbage", MediaType::Pdf, &Limits::default()).unwrap_err();
        assert!(matches!(err, ExtractError::Malformed { .. }), "{err}");
    }
}
