//! Round trips: every chunk size, lengths around chunk boundaries, any way
//! of splitting reads and writes, several secrets, files.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose

mod common;

use std::io::{Read, Write};

use common::{key, options, plaintext, seal_with_key};
use kluis_core::{
    Key, Metadata, OpenLimits, Opener, PushOpener, SealError, SealOptions, Sealer, Secret, inspect_bytes, open_bytes,
    open_file, seal_bytes, seal_file,
};
use proptest::prelude::*;

const C: usize = 4096;

#[test]
fn lengths_around_chunk_boundaries() {
    for len in [0, 1, C - 1, C, C + 1, 2 * C - 1, 2 * C, 2 * C + 1, 3 * C + 17] {
        let pt = plaintext(len);
        let env = seal_with_key(&pt, C as u64);
        let chunks = if len == 0 { 1 } else { len.div_ceil(C) };
        let header_len = inspect_bytes(&env).unwrap().header_len as usize;
        assert_eq!(env.len(), header_len + len + 16 * chunks, "len {len}");
        assert_eq!(open_bytes(&env, &key(), &OpenLimits::default()).unwrap().0, pt, "len {len}");
    }
}

#[test]
fn every_chunk_size() {
    let pt = plaintext(70_000);
    for log2 in 12..=24u32 {
        let env = seal_with_key(&pt, 1 << log2);
        assert_eq!(inspect_bytes(&env).unwrap().chunk_size, 1 << log2);
        assert_eq!(open_bytes(&env, &key(), &OpenLimits::default()).unwrap().0, pt, "chunk 2^{log2}");
    }
    for bad in [0u64, 1, 2048, 4095, 4097, 1 << 25, 3 << 12] {
        assert!(matches!(SealOptions::default().with_chunk_size(bad), Err(SealError::InvalidChunkSize(_))), "{bad}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any write split and any read split give the same envelope and plaintext.
    #[test]
    fn any_split_round_trips(
        len in prop_oneof![0usize..3 * C + 50, Just(C), Just(2 * C), Just(2 * C + 1)],
        write_sizes in prop::collection::vec(1usize..3000, 1..8),
        read_sizes in prop::collection::vec(1usize..5000, 1..8),
        push_sizes in prop::collection::vec(1usize..6000, 1..8),
    ) {
        let pt = plaintext(len);
        let reference = seal_with_key(&pt, C as u64);
        // Sealing with arbitrary write sizes yields an envelope of the same
        // shape that opens to the same plaintext.
        let mut sealer = Sealer::new(Vec::new(), &[key()], &options(C as u64)).unwrap();
        let mut rest = &pt[..];
        let mut i = 0;
        while !rest.is_empty() {
            let n = write_sizes[i % write_sizes.len()].min(rest.len());
            sealer.write_all(&rest[..n]).unwrap();
            rest = &rest[n..];
            i += 1;
        }
        let env = sealer.finish().unwrap();
        prop_assert_eq!(env.len(), reference.len());

        // Pull reads of arbitrary sizes.
        let mut opener = Opener::new(&env[..], &key(), &OpenLimits::default()).unwrap();
        let mut out = Vec::new();
        let mut i = 0;
        loop {
            let mut buf = vec![0u8; read_sizes[i % read_sizes.len()]];
            let n = opener.read(&mut buf).unwrap();
            if n == 0 { break; }
            out.extend_from_slice(&buf[..n]);
            i += 1;
        }
        prop_assert_eq!(&out, &pt);

        // Push pieces of arbitrary sizes.
        let mut push = PushOpener::new(key(), OpenLimits::default());
        let mut out = Vec::new();
        let mut rest = &env[..];
        let mut i = 0;
        while !rest.is_empty() {
            let n = push_sizes[i % push_sizes.len()].min(rest.len());
            push.update(&rest[..n], &mut out).unwrap();
            rest = &rest[n..];
            i += 1;
        }
        push.finish(&mut out).unwrap();
        prop_assert_eq!(&out, &pt);
    }
}

#[test]
fn push_opener_holds_back_the_unconfirmed_chunk() {
    let pt = plaintext(3 * C);
    let env = seal_with_key(&pt, C as u64);
    let mut push = PushOpener::new(key(), OpenLimits::default());
    let mut out = Vec::new();
    // Everything but the last byte: the final chunk is not released yet.
    push.update(&env[..env.len() - 1], &mut out).unwrap();
    assert_eq!(out.len(), 2 * C);
    push.update(&env[env.len() - 1..], &mut out).unwrap();
    assert_eq!(out.len(), 2 * C);
    push.finish(&mut out).unwrap();
    assert_eq!(out, pt);
}

#[test]
fn several_secrets_each_open() {
    let secrets = [
        Secret::password("recipient password"),
        Secret::Key(Key::from_bytes([1; 32])),
        Secret::password("second password"),
        Secret::Key(Key::from_bytes([2; 32])),
    ];
    let env = seal_bytes(b"shared", &secrets, &options(C as u64)).unwrap();
    for s in &secrets {
        assert_eq!(open_bytes(&env, s, &OpenLimits::default()).unwrap().0, b"shared");
    }
    assert!(open_bytes(&env, &Secret::Key(Key::from_bytes([3; 32])), &OpenLimits::default()).is_err());
}

#[test]
fn secret_count_rules() {
    let o = options(C as u64);
    assert!(matches!(seal_bytes(b"", &[], &o), Err(SealError::SecretCount(0))));
    let seventeen: Vec<_> = (0..17).map(|i| Secret::Key(Key::from_bytes([i; 32]))).collect();
    assert!(matches!(seal_bytes(b"", &seventeen, &o), Err(SealError::SecretCount(17))));
    let sixteen = &seventeen[..16];
    let env = seal_bytes(b"x", sixteen, &o).unwrap();
    assert_eq!(open_bytes(&env, &sixteen[15], &OpenLimits::default()).unwrap().0, b"x");
    let five: Vec<_> = (0..5).map(|i| Secret::password(format!("password {i}"))).collect();
    assert!(matches!(seal_bytes(b"", &five, &o), Err(SealError::TooManyPasswords(5))));
    assert!(matches!(seal_bytes(b"", &[Secret::password("")], &o), Err(SealError::EmptyPassword)));
}

#[test]
fn metadata_round_trips_and_size_is_enforced_when_sealing() {
    let meta = Metadata::named("verslag.pdf").with_size(5).with_media_type("application/pdf");
    let o = options(C as u64).with_metadata(&meta).unwrap();
    let env = seal_bytes(b"12345", &[key()], &o).unwrap();
    let (_, got) = open_bytes(&env, &key(), &OpenLimits::default()).unwrap();
    assert_eq!(got.unwrap(), meta);
    assert!(matches!(seal_bytes(b"1234", &[key()], &o), Err(SealError::SizeMismatch { expected: 5, actual: 4 })));
    assert!(SealOptions::default().with_metadata(&Metadata::named("../x")).is_err());
    assert!(SealOptions::default().with_metadata_json("[]").is_err());
    assert!(SealOptions::default().with_metadata_json(format!(r#"{{"x":"{}"}}"#, "a".repeat(65_536))).is_err());
}

#[test]
fn files_round_trip_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.bin");
    let sealed = dir.path().join("in.bin.kluis");
    let output = dir.path().join("out.bin");
    let pt = plaintext(3 * C + 5);
    std::fs::write(&input, &pt).unwrap();
    seal_file(&input, &sealed, &[key()], &options(C as u64).with_metadata(&Metadata::named("in.bin")).unwrap())
        .unwrap();
    let meta = open_file(&sealed, &output, &key(), &OpenLimits::default()).unwrap();
    assert_eq!(std::fs::read(&output).unwrap(), pt);
    assert_eq!(meta.unwrap().name.as_deref(), Some("in.bin"));

    // A tampered envelope: no output, no temporary file, old output kept.
    let mut bad = std::fs::read(&sealed).unwrap();
    let n = bad.len();
    bad[n - 1] ^= 1;
    std::fs::write(&sealed, &bad).unwrap();
    std::fs::write(&output, b"previous").unwrap();
    assert!(open_file(&sealed, &output, &key(), &OpenLimits::default()).is_err());
    assert_eq!(std::fs::read(&output).unwrap(), b"previous");
    let fresh = dir.path().join("fresh.bin");
    assert!(open_file(&sealed, &fresh, &key(), &OpenLimits::default()).is_err());
    assert!(!fresh.exists());
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 3, "leftover files: {names:?}");

    // Sealing a missing input leaves no output either.
    let missing = dir.path().join("missing.kluis");
    assert!(seal_file(dir.path().join("nope"), &missing, &[key()], &options(C as u64)).is_err());
    assert!(!missing.exists());
}

#[test]
fn secrets_never_print() {
    let pw = Secret::password("hunter2-geheim");
    let k = Secret::Key(Key::from_bytes([0x41; 32]));
    for text in [format!("{pw:?}"), format!("{k:?}")] {
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!text.contains("4141") && !text.contains("65, 65"), "{text}");
    }
    // Errors carry no secret material either.
    let env = seal_bytes(b"x", &[Secret::password("hunter2-geheim")], &options(C as u64)).unwrap();
    let err = open_bytes(&env, &Secret::password("hunter3"), &OpenLimits::default()).unwrap_err();
    assert_eq!(err.to_string(), "wrong password or key");
    assert!(!format!("{err:?}").contains("hunter"));
}

#[test]
fn push_opener_keeps_the_metadata_after_finish() {
    let o = options(C as u64).with_metadata(&Metadata::named("x.txt")).unwrap();
    let env = seal_bytes(b"abc", &[key()], &o).unwrap();
    let mut push = PushOpener::new(key(), OpenLimits::default());
    let mut out = Vec::new();
    push.update(&env, &mut out).unwrap();
    assert_eq!(push.metadata().and_then(|m| m.name.as_deref()), Some("x.txt"));
    push.finish(&mut out).unwrap();
    assert_eq!(out, b"abc");
    assert_eq!(push.metadata().and_then(|m| m.name.as_deref()), Some("x.txt"));
}
