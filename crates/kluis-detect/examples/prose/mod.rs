//! Deterministic office prose for the throughput figures (benches/scan.rs,
//! examples/throughput.rs): the same text in both.

#![allow(dead_code, unreachable_pub)]

use std::io::Write;

const WORDS: &[&str] = &[
    "de",
    "het",
    "een",
    "en",
    "van",
    "op",
    "met",
    "voor",
    "gemeente",
    "aanvraag",
    "besluit",
    "bijlage",
    "datum",
    "kenmerk",
    "behandeld",
    "door",
    "wij",
    "hebben",
    "uw",
    "brief",
    "ontvangen",
    "the",
    "of",
    "and",
    "to",
    "for",
    "request",
    "decision",
    "attached",
    "please",
    "find",
    "regards",
    "meeting",
    "planning",
    "report",
    "budget",
    "Utrecht",
    "Amsterdam",
    "Rotterdam",
    "januari",
    "maart",
    "invoice",
    "project",
    "team",
    "afdeling",
    "vergunning",
];

/// Deterministic prose of `len` bytes.
pub fn prose(len: usize) -> String {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut s = String::with_capacity(len + 64);
    while s.len() < len {
        let r = next();
        match r % 200 {
            0 => s.push_str("BSN 111222333, "),
            1 => s.push_str("op NL91ABNA0417164300 "),
            2 => s.push_str("de cliënt heeft diabetes. "),
            3..=8 => s.push_str(&format!("{}-{:02}-2024 ", r % 28 + 1, r % 12 + 1)),
            9..=12 => s.push_str(&format!("€ {},{:02} ", r % 10_000, r % 100)),
            13..=15 => s.push_str(&format!("06-{:08} ", r % 100_000_000)),
            16..=18 => s.push_str(&format!("order {} ", r % 1_000_000_000)),
            19..=30 => s.push_str(".\n"),
            _ => {
                s.push_str(WORDS[(r >> 8) as usize % WORDS.len()]);
                s.push(' ');
            }
        }
    }
    s.truncate(len);
    s
}

/// A minimal .docx holding `text` as paragraphs of Word runs.
pub fn docx(text: &str) -> Vec<u8> {
    docx_with_media(text, 0)
}

/// The same with `media` bytes of pictures (incompressible, as photos are)
/// in `word/media/`, as most large Word files are.
pub fn docx_with_media(text: &str, media: usize) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", opts).expect("zip");
    zip.write_all(
        br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#,
    )
    .expect("zip");
    zip.start_file("word/document.xml", opts).expect("zip");
    zip.write_all(br#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#)
        .expect("zip");
    for line in text.lines() {
        zip.write_all(b"<w:p><w:pPr><w:pStyle w:val=\"Normal\"/></w:pPr><w:r><w:rPr><w:lang w:val=\"nl-NL\"/></w:rPr><w:t xml:space=\"preserve\">")
            .expect("zip");
        zip.write_all(line.replace('&', "&amp;").replace('<', "&lt;").as_bytes()).expect("zip");
        zip.write_all(b"</w:t></w:r></w:p>").expect("zip");
    }
    zip.write_all(b"</w:body></w:document>").expect("zip");
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for (i, picture) in (0..media).step_by(1 << 20).enumerate() {
        zip.start_file(format!("word/media/image{i}.jpeg"), opts.compression_method(zip::CompressionMethod::Stored))
            .expect("zip");
        let len = (media - picture).min(1 << 20);
        let mut bytes = Vec::with_capacity(len + 8);
        while bytes.len() < len {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            bytes.extend_from_slice(&x.to_le_bytes());
        }
        bytes.truncate(len);
        zip.write_all(&bytes).expect("zip");
    }
    zip.finish().expect("zip").into_inner()
}
