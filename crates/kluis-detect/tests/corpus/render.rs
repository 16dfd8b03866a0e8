//! Writing a document's sentences as plain text, HTML, .eml, .docx or PDF.

use std::io::Write;

use super::{Rng, Sentence};

/// The formats of the corpus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
    Eml,
    Docx,
    Pdf,
}

impl Format {
    pub const ALL: [Format; 5] = [Format::Text, Format::Html, Format::Eml, Format::Docx, Format::Pdf];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Html => "html",
            Format::Eml => "eml",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }
}

/// The document's lines: the greeting and closing on lines of their own,
/// the body's sentences run on or broken into lines at random.
fn lines(body: &[Sentence], rng: &mut Rng) -> Vec<String> {
    let mut lines = vec![String::new()];
    for (i, s) in body.iter().enumerate() {
        let own_line = i == 0 || i + 1 == body.len() || i == 1 || rng.chance(50);
        let last = lines.last_mut().map(|l| l.is_empty()).unwrap_or(true);
        if own_line && !last {
            lines.push(String::new());
        }
        for (k, part) in s.text.split('\n').enumerate() {
            if k > 0 {
                lines.push(String::new());
            }
            let line = lines.last_mut().expect("one line at least");
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(part);
        }
        if i == 0 || i + 2 == body.len() {
            lines.push(String::new());
        }
    }
    lines.retain(|l| !l.is_empty());
    lines
}

pub fn render(format: Format, subject: &str, body: &[Sentence], rng: &mut Rng) -> Vec<u8> {
    let lines = lines(body, rng);
    match format {
        Format::Text => (lines.join("\n") + "\n").into_bytes(),
        Format::Html => html(subject, &lines, rng).into_bytes(),
        Format::Eml => eml(subject, &lines, rng),
        Format::Docx => docx(&lines, rng),
        Format::Pdf => pdf(&lines),
    }
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn html(subject: &str, lines: &[String], rng: &mut Rng) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{subject}</title>\n<style>p {{ margin: 0 }}</style><script>var tracking = 1234567890123;</script></head>\n<body>\n"
    );
    for line in lines {
        let mut text = escape_xml(line);
        if rng.chance(30) {
            text = text.replace('ë', "&euml;").replace('é', "&eacute;").replace('€', "&euro;");
        }
        if rng.chance(20) {
            // A label in bold: the tags vanish, the words stay apart.
            if let Some((first, rest)) = text.split_once(' ') {
                text = format!("<b>{first}</b> {rest}");
            }
        }
        out.push_str(&format!("<p>{text}</p>\n"));
    }
    out.push_str("<!-- generated 2024-03-12 -->\n</body></html>\n");
    out
}

fn base64(data: &[u8]) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (n, chunk) in data.chunks(3).enumerate() {
        let v = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[(v >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
        if n % 19 == 18 {
            out.push_str("\r\n");
        }
    }
    out
}

/// Quoted-printable (RFC 2045): non-ASCII and `=` escaped, soft line
/// breaks keep lines under 76 characters, even inside a number.
fn quoted_printable(text: &str) -> String {
    let mut out = String::new();
    for line in text.split('\n') {
        let mut width = 0;
        for b in line.bytes() {
            let piece = if b == b'=' || b >= 0x80 { format!("={b:02X}") } else { char::from(b).to_string() };
            if width + piece.len() > 72 {
                out.push_str("=\r\n");
                width = 0;
            }
            width += piece.len();
            out.push_str(&piece);
        }
        out.push_str("\r\n");
    }
    out
}

fn eml(subject: &str, lines: &[String], rng: &mut Rng) -> Vec<u8> {
    let mut out = format!(
        "Return-Path: <noreply@gemeente.example>\r\nFrom: Gemeente <noreply@gemeente.example>\r\nTo: Inwoner <inwoner@example.org>\r\n\
Subject: {subject}\r\nDate: Tue, 12 Mar 2024 10:00:00 +0100\r\nMessage-ID: <{}@gemeente.example>\r\nMIME-Version: 1.0\r\n",
        rng.next()
    );
    let text = lines.join("\n");
    match rng.below(4) {
        0 => out.push_str(&format!(
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
            text.replace('\n', "\r\n")
        )),
        1 => out.push_str(&format!(
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n{}",
            quoted_printable(&text)
        )),
        2 => {
            let html = html(subject, lines, rng);
            out.push_str(&format!(
                "Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n\
--alt\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--alt--\r\n",
                text.replace('\n', "\r\n"),
                base64(html.as_bytes())
            ));
        }
        _ => {
            let half = lines.len() / 2;
            let (cover, attached) = lines.split_at(half);
            let (name, ctype, data) = if rng.chance(50) {
                ("bijlage.txt", "text/plain; charset=utf-8", attached.join("\n").into_bytes())
            } else {
                (
                    "bijlage.docx",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    docx(attached, rng),
                )
            };
            out.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n--mix\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n\
--mix\r\nContent-Type: {ctype}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--mix--\r\n",
                cover.join("\r\n"),
                base64(&data)
            ));
        }
    }
    out.into_bytes()
}

fn docx(lines: &[String], rng: &mut Rng) -> Vec<u8> {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>",
    );
    for line in lines {
        xml.push_str("<w:p><w:pPr><w:pStyle w:val=\"Normal\"/></w:pPr>");
        // Word splits text into runs where formatting or editing changed,
        // inside words and numbers too.
        let chars: Vec<char> = line.chars().collect();
        let mut cuts = vec![0, chars.len()];
        for _ in 0..rng.below(3) {
            cuts.push(rng.below(chars.len().max(1)));
        }
        cuts.sort_unstable();
        cuts.dedup();
        for w in cuts.windows(2) {
            let run: String = chars[w[0]..w[1]].iter().collect();
            xml.push_str(&format!(
                "<w:r><w:rPr><w:lang w:val=\"nl-NL\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                escape_xml(&run)
            ));
        }
        xml.push_str("</w:p>");
    }
    xml.push_str("<w:sectPr/></w:body></w:document>");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let parts = [
        ("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>".to_owned()),
        ("word/document.xml", xml),
        ("word/styles.xml", "<?xml version=\"1.0\"?><w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"/>".to_owned()),
    ];
    for (name, content) in parts {
        zip.start_file(name, opts).expect("in memory");
        zip.write_all(content.as_bytes()).expect("in memory");
    }
    zip.finish().expect("in memory").into_inner()
}

/// A PDF page showing the lines in Helvetica (WinAnsiEncoding), its
/// content stream compressed.
fn pdf(lines: &[String]) -> Vec<u8> {
    let mut content = b"BT /F1 10 Tf 14 TL 50 800 Td\n".to_vec();
    for line in lines {
        content.push(b'(');
        for c in line.chars() {
            let b = match c {
                '€' => 0x80,
                '(' | ')' | '\\' => {
                    content.push(b'\\');
                    c as u8
                }
                c if (c as u32) < 0x100 => c as u8,
                _ => b'?',
            };
            content.push(b);
        }
        content.extend_from_slice(b") Tj T*\n");
    }
    content.extend_from_slice(b"ET\n");
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&content).expect("in memory");
    let stream = z.finish().expect("in memory");
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        [format!("<< /Length {} /Filter /FlateDecode >>\nstream\n", stream.len()).into_bytes(), stream, b"\nendstream".to_vec()].concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
    ];
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
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
