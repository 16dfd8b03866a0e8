//! Writes the seed inputs of every fuzz target into `OUT/<target>/`:
//! the envelopes of the test vectors (docs/test-vectors/*.json), the
//! malformed-envelope kit (docs/test-vectors/malformed/), envelopes sealed
//! here with the cheap Argon2 parameters the password target accepts, and
//! a few mutation/split/seek scripts for the structured targets, and small
//! documents of every type for `extract` (its first byte is the media type).
//!
//! `fuzz/gen_corpus.sh` runs this and then minimises the result into
//! `fuzz/corpus/` with libFuzzer's `-merge=1`.
//!
//!     cargo run --manifest-path fuzz/Cargo.toml --example gen_corpus -- OUT

#![allow(clippy::unwrap_used)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use kluis_core::{Key, Metadata, SealOptions, Sealer, Secret, inspect_bytes};
use kluis_fuzz::{KEY, PASSWORD, SEED_ARGON2, SplitMix};

/// Seeds larger than this are left out (the kit and vectors hold a few
/// bigger ones; the structure they exercise is also in smaller ones).
const MAX_SEED: usize = 12 * 1024;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| root.join("seeds"));
    let vectors = root.join("../docs/test-vectors");

    let mut envelopes: Vec<(String, Vec<u8>)> = Vec::new();
    for file in ["kluis-vectors.json", "envelope-v1-vectors.json"] {
        let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(vectors.join(file)).unwrap()).unwrap();
        for v in json["vectors"].as_array().unwrap() {
            let name = v["name"].as_str().unwrap();
            if let Some(hex) = v["envelope_hex"].as_str() {
                envelopes.push((format!("vector_{name}"), hex::decode(hex).unwrap()));
            } else if let Some(hex) = v["envelope_header_hex"].as_str() {
                envelopes.push((format!("vector_{name}_header"), hex::decode(hex).unwrap()));
            }
        }
    }
    let mut kit: Vec<_> = fs::read_dir(vectors.join("malformed"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "kluis"))
        .collect();
    kit.sort();
    for p in kit {
        envelopes.push((format!("kit_{}", p.file_stem().unwrap().to_string_lossy()), fs::read(&p).unwrap()));
    }
    let generated = password_envelopes();

    for (name, bytes) in envelopes.iter().chain(&generated) {
        // Header parsing: the header and a little payload is enough.
        let cut = inspect_bytes(bytes).map(|i| i.header_len as usize + 64).unwrap_or(2048).min(bytes.len());
        write(&out, "inspect", name, &bytes[..cut]);
        if bytes.len() > MAX_SEED {
            continue;
        }
        write(&out, "open_password", name, bytes);
        // open_key: a script prefix (here: none, and one that seeks around).
        write(&out, "open_key", name, &[&[0u8][..], bytes].concat());
        let script = [0u8, 0, 0, 0x10, 0x00, 3, 0x01, 0x00, 1, 0, 0, 0, 5, 3, 0x20, 0x00, 2, 0xff, 0xf0, 3];
        if bytes.len() <= MAX_SEED / 2 {
            write(&out, "open_key", &format!("{name}_seeks"), &[&[script.len() as u8][..], &script, bytes].concat());
        }
    }

    // Structured targets: fixture selector, mutation count, mutations, script.
    for which in 0u8..4 {
        // Intact, fed whole / in small pieces / in pieces around a chunk.
        write(&out, "push_split", &format!("f{which}_whole"), &[which, 0]);
        write(&out, "push_split", &format!("f{which}_bytes"), &[&[which, 0][..], &[0u8; 64]].concat());
        write(&out, "push_split", &format!("f{which}_big"), &[which, 0, 0x90, 0x10, 0x05, 0x81, 0x00, 0x3f]);
        write(&out, "seek", &format!("f{which}_read"), &[which, 0, 3, 0x10, 0x00]);
        write(&out, "seek", &format!("f{which}_seeks"), &[which, 0, 0, 0, 0, 0x20, 0x00, 3, 0x01, 0x00, 1, 0, 0, 0, 3, 3, 0x00, 0x10, 2, 0xff, 0xf0, 2, 4, 0x20, 0x00]);
        // One of each mutation.
        let mutations: [&[u8]; 9] = [
            &[0, 0, 0, 0x10, 0x40, 3],             // flip a bit in chunk 0
            &[1, 0, 0, 0, 9, 0x7f],                // set a header byte
            &[2, 0, 0, 0x20, 0x00],                // cut
            &[3, 0, 0, 0x10, 0xb0, 0x10, 0x10],    // remove a chunk-sized range
            &[4, 0, 0, 0x10, 0xb0, 0x10, 0x10, 0, 0, 0x20, 0xc0], // duplicate
            &[5, 0, 2],                            // swap chunks 0 and 2
            &[6, 16, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], // append
            &[7, 0, 0, 0, 0x50, 4, 1, 2, 3, 4],   // insert in the header
            &[8, 1, 0, 0, 0x10, 0xc0, 0x10, 0x10, 0, 0, 0x10, 0xc0], // splice another envelope
        ];
        for (i, m) in mutations.iter().enumerate() {
            let input = [&[which, 1][..], m].concat();
            write(&out, "push_split", &format!("f{which}_mut{i}"), &[&input[..], &[5, 0x81, 0x00]].concat());
            write(&out, "seek", &format!("f{which}_mut{i}"), &[&input[..], &[0, 0, 0, 0, 0, 3, 0x20, 0x00]].concat());
        }
    }
    for (i, m) in manifests().iter().enumerate() {
        write(&out, "manifest", &format!("manifest_{i}"), m.as_bytes());
    }
    for (i, l) in links().iter().enumerate() {
        write(&out, "link", &format!("link_{i}"), l.as_bytes());
    }
    for (name, media, doc) in documents() {
        // The target's media types: 0 text, 1 CSV, 2 HTML, 3 .eml, 4 .docx,
        // 5 .xlsx, 6 .pptx, 7 OpenDocument, 8 PDF, 9 recognised from content.
        write(&out, "extract", name, &[&[media][..], &doc].concat());
        write(&out, "extract", &format!("{name}_sniffed"), &[&[9u8][..], &doc].concat());
    }
    eprintln!("seeds written to {}", out.display());
}

fn write(out: &Path, target: &str, name: &str, bytes: &[u8]) {
    let dir = out.join(target);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join(name), bytes).unwrap();
}

/// Envelopes that the password target can open under its cheap limits.
fn password_envelopes() -> Vec<(String, Vec<u8>)> {
    let pw = || Secret::password(PASSWORD);
    let other = |s: &str| Secret::password(s);
    let key = || Secret::Key(Key::from_bytes(KEY));
    let base = || SealOptions::default().with_argon2(SEED_ARGON2).unwrap().with_chunk_size(4096).unwrap();
    let cases: Vec<(&str, Vec<Secret>, SealOptions, usize)> = vec![
        ("pw_only", vec![pw()], base(), 100),
        ("pw_empty", vec![pw()], base(), 0),
        ("pw_two_chunks", vec![pw()], base(), 5000),
        ("pw_exact_chunk", vec![pw()], base(), 4096),
        ("pw_then_key_meta", vec![pw(), key()], base().with_metadata(&Metadata::named("a.txt").with_size(300)).unwrap(), 300),
        ("key_then_pw", vec![key(), pw()], base(), 10),
        ("four_passwords_last", vec![other("een"), other("twee"), other("drie"), pw()], base(), 10),
        ("wrong_password_only", vec![other("not the password")], base(), 10),
        (
            "pw_meta_json",
            vec![pw()],
            base().with_metadata_json(r#"{"name":"x.pdf","type":"application/pdf","size":20,"modified":"2026-01-01T00:00:00Z","extra":[1,{"a":null}]}"#).unwrap(),
            20,
        ),
    ];
    cases
        .into_iter()
        .enumerate()
        .map(|(i, (name, secrets, options, len))| {
            let plaintext: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let mut sealer = Sealer::with_rng(Vec::new(), &secrets, &options, &mut SplitMix(100 + i as u64)).unwrap();
            sealer.write_all(&plaintext).unwrap();
            (format!("gen_{name}"), sealer.finish().unwrap())
        })
        .collect()
}

/// Manifest JSON for transfer "aaaaaaaaaaaaaaaaaaaaaaaaaa" (docs/TRANSFER.md),
/// valid at the target's fixed "now", and near misses.
fn manifests() -> Vec<String> {
    let file = |blob: &str, name: &str, extra: &str| {
        format!(
            r#"{{"blob":"{blob}","name":"{name}"{extra},"size":3,"sha256":"{}","key":"{}"}}"#,
            "ab".repeat(32),
            "11".repeat(32)
        )
    };
    let manifest = |message: &str, files: &[String], expires: u64| {
        format!(
            r#"{{"version":1,"transfer":"aaaaaaaaaaaaaaaaaaaaaaaaaa","from":"alice@example.org","to":["bob@example.org","carol@example.net"],"subject":"Contract"{message},"created":1699990000,"expires":{expires},"files":[{}]}}"#,
            files.join(",")
        )
    };
    let one = [file("aeaqcaibaeaqcaibaeaqcaibae", "contract.pdf", r#","type":"application/pdf""#)];
    let same_names = [
        file("aeaqcaibaeaqcaibaeaqcaibae", "Report.pdf", ""),
        file("aiaqcaibaeaqcaibaeaqcaibae", "report.pdf", ""),
        file("amaqcaibaeaqcaibaeaqcaibae", "report (2).pdf", ""),
        file("aqaqcaibaeaqcaibaeaqcaibae", "re\\u0301port.pdf", ""),
        file("auaqcaibaeaqcaibaeaqcaibae", ".profile", ""),
        file("ayaqcaibaeaqcaibaeaqcaibae", ".profile", ""),
    ];
    let odd_names = [
        file("aeaqcaibaeaqcaibaeaqcaibae", "../etc/passwd", ""),
        file("aiaqcaibaeaqcaibaeaqcaibae", "CON.txt", ""),
        file("amaqcaibaeaqcaibaeaqcaibae", "a\\\\b", ""),
    ];
    vec![
        manifest(r#","message":"Hi Bob,\nthe signed copy.""#, &one, 1_700_604_800),
        manifest("", &same_names, 1_700_604_800),
        manifest(r#","message":"tab\tand \u00e9""#, &odd_names, 1_700_604_800),
        manifest("", &one, 1_700_000_000),
        manifest("", &one, u64::MAX),
        manifest(r#","message":null"#, &one, 1_700_604_800).replace(r#""version":1"#, r#""version":2"#),
        manifest("", &[], 1_700_604_800),
        manifest("", &one, 1_700_604_800).replace("aaaaaaaaaaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaaaaaaaaae"),
    ]
}

/// Links in every shape the parser knows, and near misses.
fn links() -> Vec<String> {
    let id = "aaaaaaaaaaaaaaaaaaaaaaaaaa";
    [
        "file:///srv/store/ID",
        "file://localhost/home/%C3%ABlla/Mijn%20Kluis/100%25/ID",
        "FILE:///ID",
        "file:///C:/Users/a/store/ID",
        "file:///a/b:c/[x]/ID",
        "file:///srv/../ID",
        "file:///srv%2F..%2F/ID",
        "file://host/share/ID",
        "https://kluis.example.org/t/ID",
        "https://Kluis.Example.org:8443/share/sub%20dir/t/ID",
        "http://localhost:8080/t/ID",
        "http://[::1]:80/t/ID",
        "http://127.0.0.1/t/ID",
        "https://user:pw@example.org/t/ID",
        "https://example.org/t/ID?key=secret",
        "https://example.org/t/ID#pw",
        "ID",
    ]
    .iter()
    .map(|l| l.replace("ID", id))
    .collect()
}

/// A zip archive of the given entries (deflated).
fn archive(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// One small document of each type the detector reads, with findings in it.
fn documents() -> Vec<(&'static str, u8, Vec<u8>)> {
    let docx = archive(&[(
        "word/document.xml",
        "<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>BSN 1112</w:t></w:r><w:r><w:t>22333</w:t></w:r></w:p>\
         <w:p><w:r><w:t xml:space=\"preserve\">IBAN NL91 ABNA 0417 1643 00 &amp; diagnose</w:t></w:r></w:p></w:body></w:document>",
    )]);
    let xlsx = archive(&[
        ("xl/workbook.xml", "<workbook><sheets><sheet name=\"Blad1\"/></sheets></workbook>"),
        ("xl/sharedStrings.xml", "<sst><si><t>burgerservicenummer</t></si><si><t>111222333</t></si></sst>"),
        (
            "xl/worksheets/sheet1.xml",
            "<worksheet><sheetData><row><c t=\"s\"><v>0</v></c><c t=\"s\"><v>1</v></c><c><f>A1</f><v>4</v></c></row></sheetData></worksheet>",
        ),
    ]);
    let pptx = archive(&[
        ("ppt/presentation.xml", "<p:presentation/>"),
        ("ppt/slides/slide1.xml", "<p:sld><a:t>Creditcard 4111 1111 1111 1111</a:t></p:sld>"),
    ]);
    let odt = archive(&[
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        (
            "content.xml",
            "<office:document-content><text:p>Paspoort NW3FK5L41</text:p><text:p>BSN 111222333</text:p></office:document-content>",
        ),
    ]);
    let content =
        "BT /F1 10 Tf 14 TL 50 800 Td (Mijn BSN is 111222333.) Tj T* [(IBAN NL91) -200 (ABNA0417164300)] TJ ET\n";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_owned(),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{body}\nendobj\n", i + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1));
    for o in offsets {
        pdf.push_str(&format!("{o:010} 00000 n \n"));
    }
    pdf.push_str(&format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1));
    let eml = format!(
        "From: a@example.org\r\nTo: b@example.org\r\nSubject: =?utf-8?q?aanvraag_zorg?=\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Transfer-Encoding: quoted-printable\r\n\r\n<p>BSN: 111=\r\n222333</p>\r\n--m\r\n\
         Content-Type: message/rfc822\r\n\r\nSubject: doorgestuurd\r\n\r\nIBAN NL91ABNA0417164300\r\n--m\r\n\
         Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document; name=\"a.docx\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--m--\r\n",
        base64(&docx)
    );
    vec![
        ("text", 0, "Burgerservicenummer: 111222333, IBAN NL91ABNA0417164300, diabetes".as_bytes().to_vec()),
        ("csv", 1, b"naam;bsn;iban\nJansen;111222333;NL91ABNA0417164300\n".to_vec()),
        ("html", 2, b"<!doctype html><p>BSN <b>1234.56.782</b><script>x()</script> &eacute;</p>".to_vec()),
        ("eml", 3, eml.into_bytes()),
        ("docx", 4, docx),
        ("xlsx", 5, xlsx),
        ("pptx", 6, pptx),
        ("odt", 7, odt),
        ("pdf", 8, pdf.into_bytes()),
    ]
}

/// Standard base64 with line breaks every 76 characters (as mail carries it).
fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (i, c) in data.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push_str("\r\n");
        }
        let n =
            (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            out.push(if k <= c.len() { char::from(A[(n >> (18 - 6 * k)) as usize & 63]) } else { '=' });
        }
    }
    out
}
