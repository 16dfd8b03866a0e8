//! Writes the seed inputs of every fuzz target into `OUT/<target>/`:
//! the envelopes of the test vectors (docs/test-vectors/*.json), the
//! malformed-envelope kit (docs/test-vectors/malformed/), envelopes sealed
//! here with the cheap Argon2 parameters the password target accepts, and
//! a few mutation/split/seek scripts for the structured targets.
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
