//! Drives every case of `docs/test-vectors/malformed/` through each opening
//! path: in memory, the streaming `Opener`, the `PushOpener` (byte by byte
//! for small cases), and the seekable `Opener`. Each must fail fast with the
//! expected error and release nothing beyond authenticated chunks.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose

use std::io::{Cursor, Read};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use kluis_core::{Key, OpenError, OpenLimits, Opener, PushOpener, Secret, open_bytes};
use serde_json::Value;

fn kit_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/test-vectors/malformed")
}

fn secret(name: &str, secrets: &Value) -> Secret {
    let v = secrets[name].as_str().unwrap();
    if name.ends_with("key") { Secret::Key(Key::from_hex(v).unwrap()) } else { Secret::password(v) }
}

fn push_open(bytes: &[u8], secret: &Secret, piece: usize) -> Result<Vec<u8>, OpenError> {
    let mut push = PushOpener::new(secret.clone(), OpenLimits::default());
    let mut out = Vec::new();
    for p in bytes.chunks(piece.max(1)) {
        push.update(p, &mut out)?;
    }
    push.finish(&mut out)?;
    Ok(out)
}

#[test]
fn every_malformed_case_fails_with_its_error_on_every_path() {
    let index: Value = serde_json::from_str(&std::fs::read_to_string(kit_dir().join("cases.json")).unwrap()).unwrap();
    let cases = index["cases"].as_array().unwrap();
    assert!(cases.len() >= 40, "the kit has {} cases", cases.len());
    for case in cases {
        let file = case["file"].as_str().unwrap();
        let expect = case["expect"].as_str().unwrap();
        let bytes = std::fs::read(kit_dir().join(file)).unwrap();
        let s = secret(case["secret"].as_str().unwrap(), &index["secrets"]);
        let start = Instant::now();

        let err = open_bytes(&bytes, &s, &OpenLimits::default()).map(|_| ()).expect_err(file);
        assert_eq!(err.kind(), expect, "{file} in memory: {err}");

        let streamed = Opener::new(&bytes[..], &s, &OpenLimits::default()).and_then(|mut o| {
            let mut out = Vec::new();
            o.read_to_end(&mut out).map_err(OpenError::from_io)
        });
        assert_eq!(streamed.expect_err(file).kind(), expect, "{file} streaming");

        for piece in [1, 7, 4096 + 16, bytes.len()] {
            if piece == 1 && bytes.len() > 20_000 {
                continue;
            }
            let err = push_open(&bytes, &s, piece).expect_err(file);
            assert_eq!(err.kind(), expect, "{file} pushed in pieces of {piece}");
        }

        // The seekable path refuses too (it learns the length first, so a
        // few cases surface as another kind; it must never succeed).
        let seekable = Opener::new(Cursor::new(bytes.clone()), &s, &OpenLimits::default()).and_then(|mut o| {
            o.plaintext_len()?;
            let mut out = Vec::new();
            o.read_to_end(&mut out).map_err(OpenError::from_io)
        });
        assert!(seekable.is_err(), "{file} opened through the seekable path");

        assert!(start.elapsed() < Duration::from_secs(1), "{file} took {:?}", start.elapsed());
    }
}
