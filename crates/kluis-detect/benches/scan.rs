//! Throughput of `scan_text` on plain text, and of `scan_bytes` on a .docx.
//!
//! ```text
//! cargo bench -p kluis-detect --bench scan                 # everything, ~1 min on 2 cores
//! cargo bench -p kluis-detect --bench scan -- scan_text    # one group (a name filter)
//! cargo bench -p kluis-detect --bench scan -- --test       # smoke: each benchmark once
//! ```
//!
//! Groups:
//!
//! - `scan_text`: Dutch and English office prose (a letter's words, dates,
//!   amounts, phone and order numbers, now and then a BSN, an IBAN or a
//!   health term) of 1, 4, 16 and 64 MiB, on one thread. Equal MiB/s at
//!   every size is what "linear" means; the target is ≥ 200 MB/s.
//! - `scan_docx`: the same prose as a .docx of about 20 MB, through
//!   `scan_bytes` (unzip, XML, scan); the target is under 1 s.

use std::hint::black_box;
use std::io::Write;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use kluis_detect::{MediaType, scan_bytes, scan_text};

const MIB: usize = 1 << 20;

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
fn prose(len: usize) -> String {
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
fn docx(text: &str) -> Vec<u8> {
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
    zip.finish().expect("zip").into_inner()
}

fn text(c: &mut Criterion) {
    let mut group = c.benchmark_group("scan_text");
    group
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for mib in [1, 4, 16, 64] {
        let input = prose(mib * MIB);
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.sample_size(10);
        group.bench_with_input(BenchmarkId::from_parameter(format!("{mib}MiB")), &input, |b, input| {
            b.iter(|| black_box(scan_text(input)).len());
        });
    }
    group.finish();
}

fn docx_20mb(c: &mut Criterion) {
    // About 20 MB compressed: random prose compresses roughly 4:1 with its markup.
    let mut size = 48 * MIB;
    let mut file = docx(&prose(size));
    while file.len() < 20_000_000 {
        size += size / 4;
        file = docx(&prose(size));
    }
    let mut group = c.benchmark_group("scan_docx");
    group.sampling_mode(SamplingMode::Flat).sample_size(10).measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Bytes(file.len() as u64));
    group.bench_function(BenchmarkId::from_parameter(format!("{}MB", file.len() / 1_000_000)), |b| {
        b.iter(|| black_box(scan_bytes(&file, MediaType::Docx).expect("a valid docx")).len());
    });
    group.finish();
}

criterion_group!(benches, text, docx_20mb);
criterion_main!(benches);
