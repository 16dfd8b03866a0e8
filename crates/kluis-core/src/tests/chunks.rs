//! The chunk-level API ([`crate::chunks`]) against the streaming one: the
//! same bytes when sealing, the same refusals (the whole malformed kit)
//! when opening, however the input is cut and in whatever order the chunks
//! are worked on.

use serde_json::Value;

use super::support::{ReplayRng, docs_dir, plaintext};
use crate::chunks::{ChunkCipher, ChunkKey, ChunkSplitter, HeaderLen, ReleaseCheck, header_len, open_header};
use crate::error::OpenError;
use crate::keys::{Key, Secret};
use crate::limits::{Argon2Params, OpenLimits};
use crate::seal::{SealOptions, Sealer, build_header};

/// Opens `envelope` as the JavaScript package does: header first, then
/// pieces fed `feed` bytes at a time, chunks opened last-to-first within
/// each feed (any order must do), released in order through the check;
/// with `in_place`, each chunk opened in a buffer of its own
/// ([`ChunkCipher::open_in_place`]), which a refusal must leave without
/// plaintext.
fn open_in_chunks(envelope: &[u8], secret: &Secret, feed: usize, in_place: bool) -> Result<Vec<u8>, OpenError> {
    let mut prefix = Vec::new();
    let mut input = envelope.chunks(feed);
    let header_end = loop {
        match header_len(&prefix)? {
            HeaderLen::Complete(n) => break n,
            HeaderLen::NeedMore(_) => match input.next() {
                Some(piece) => prefix.extend_from_slice(piece),
                // Cut short: open_header names the refusal.
                None => break open_header(&prefix, secret, &OpenLimits::default())?.header_len,
            },
        }
    };
    let opened = open_header(&prefix, secret, &OpenLimits::default())?;
    assert_eq!(opened.header_len, header_end);
    let worker = ChunkCipher::new(&ChunkKey::from_slice(opened.key.as_bytes()).unwrap());
    let mut check = ReleaseCheck::new(opened.metadata.as_ref());
    let mut splitter = ChunkSplitter::for_envelope(&opened.key);
    let mut out = Vec::new();
    let open = |p: &crate::Piece| -> Result<Vec<u8>, OpenError> {
        if !in_place {
            return worker.open(p.index, p.last, &p.bytes);
        }
        let mut buf = p.bytes.clone();
        match worker.open_in_place(p.index, p.last, &mut buf) {
            Ok(n) => {
                buf.truncate(n);
                Ok(buf)
            }
            Err(e) => {
                let clean = buf == p.bytes || buf.iter().all(|&b| b == 0);
                assert!(clean, "chunk {} refused ({e}) left other bytes than its ciphertext or zeros", p.index);
                Err(e)
            }
        }
    };
    let mut release = |pieces: Vec<crate::Piece>, out: &mut Vec<u8>| -> Result<(), OpenError> {
        let mut results: Vec<_> = pieces.iter().rev().map(open).collect();
        results.reverse();
        for r in results {
            let plain = r?;
            check.release(plain.len())?;
            out.extend_from_slice(&plain);
        }
        Ok(())
    };
    release(splitter.push(&prefix[header_end..]), &mut out)?;
    for piece in input {
        release(splitter.push(piece), &mut out)?;
    }
    release(vec![splitter.finish()?], &mut out)?;
    check.finish()?;
    Ok(out)
}

fn kit_secret(name: &str) -> Secret {
    match name {
        "key" => Secret::Key(Key::from_bytes([0xa5; 32])),
        "wrong-key" => Secret::Key(Key::from_bytes([0x5a; 32])),
        "password" => Secret::password("kluis ✓ geheim"),
        "wrong-password" => Secret::password("not the password"),
        other => panic!("unknown secret {other}"),
    }
}

#[test]
fn every_malformed_case_is_refused_with_its_kind() {
    let dir = docs_dir().join("malformed");
    let table: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    let cases = table["cases"].as_array().unwrap();
    assert!(cases.len() >= 40);
    for case in cases {
        let bytes = std::fs::read(dir.join(case["file"].as_str().unwrap())).unwrap();
        let secret = kit_secret(case["secret"].as_str().unwrap());
        for (feed, in_place) in [(1, false), (7, true), (4096, false), (4096, true), (1 << 20, false), (1 << 20, true)]
        {
            let err = open_in_chunks(&bytes, &secret, feed, in_place).expect_err("a malformed envelope opened");
            assert_eq!(err.kind(), case["expect"].as_str().unwrap(), "{} fed by {feed}", case["file"]);
        }
    }
}

#[test]
fn sealing_in_chunks_writes_what_the_sealer_writes() {
    let chunk = 4096;
    let options = SealOptions::default().with_chunk_size(chunk as u64).unwrap();
    let secrets = [Secret::Key(Key::from_bytes([3; 32]))];
    let randomness = [[0x11u8; 32], [0x22; 32]];
    for len in [0, 1, chunk - 1, chunk, chunk + 1, 2 * chunk, 3 * chunk + 5] {
        let pt = plaintext(len);
        let mut rng = ReplayRng::new(&[&randomness[0], &randomness[1]]);
        let mut sealer = Sealer::with_rng(Vec::new(), &secrets, &options, &mut rng).unwrap();
        std::io::Write::write_all(&mut sealer, &pt).unwrap();
        let expected = sealer.finish().unwrap();

        let mut rng = ReplayRng::new(&[&randomness[0], &randomness[1]]);
        let header = build_header(&secrets, &options, &mut rng).unwrap();
        let cipher = ChunkCipher::new(&header.key);
        for feed in [1, 1000, chunk, 1 << 20] {
            let mut splitter = ChunkSplitter::for_plaintext(&header.key);
            let mut pieces = Vec::new();
            for part in pt.chunks(feed) {
                pieces.extend(splitter.push(part));
            }
            pieces.push(splitter.finish().unwrap());
            let mut envelope = header.bytes.clone();
            for p in &pieces {
                envelope.extend(cipher.seal(p.index, p.last, &p.bytes).unwrap());
            }
            assert_eq!(envelope, expected, "{len} bytes fed by {feed}");
            assert_eq!(open_in_chunks(&envelope, &secrets[0], 333, false).unwrap(), pt);
            assert_eq!(open_in_chunks(&envelope, &secrets[0], 333, true).unwrap(), pt);
        }
    }
}

#[test]
fn chunk_lengths_no_sealer_writes_are_refused() {
    let options = SealOptions::default().with_chunk_size(4096).unwrap();
    let secrets = [Secret::Key(Key::from_bytes([3; 32]))];
    let header = build_header(&secrets, &options, &mut ReplayRng::new(&[&[1; 64]])).unwrap();
    let cipher = ChunkCipher::new(&header.key);
    assert!(cipher.seal(0, false, &[0; 4095]).is_err());
    assert!(cipher.seal(0, true, &[0; 4097]).is_err());
    assert!(cipher.seal(1, true, &[]).is_err());
    assert!(cipher.seal(0, true, &[]).is_ok());
    let sealed = cipher.seal(0, false, &[0; 4096]).unwrap();
    assert!(matches!(cipher.open(0, false, &sealed[..100]), Err(OpenError::ChunkTampered { index: 0 })));
    assert!(matches!(cipher.open(0, true, &[0; 5000]), Err(OpenError::ChunkTampered { index: 0 })));
    // A middle chunk read as the final one: the final one is missing.
    assert!(matches!(cipher.open(0, true, &sealed), Err(OpenError::Truncated)));
}

#[test]
fn a_password_header_opens_with_the_same_key() {
    let options = SealOptions::default().with_argon2(Argon2Params::INSECURE_TEST).unwrap();
    let secret = Secret::password("paard batterij");
    let (header, key) = crate::chunks::seal_header(std::slice::from_ref(&secret), &options).unwrap();
    assert_eq!(header_len(&header).unwrap(), HeaderLen::Complete(header.len()));
    let opened = open_header(&header, &secret, &OpenLimits::default()).unwrap();
    assert_eq!(opened.key.as_bytes(), key.as_bytes());
    assert!(matches!(
        open_header(&header, &Secret::password("fout"), &OpenLimits::default()),
        Err(OpenError::WrongSecret)
    ));
    assert!(matches!(open_header(&header[..3], &secret, &OpenLimits::default()), Err(OpenError::BadMagic)));
    assert!(matches!(
        open_header(&header[..header.len() - 1], &secret, &OpenLimits::default()),
        Err(OpenError::MalformedHeader { reason: "cut short", .. })
    ));
    assert!(ChunkKey::from_slice(&[0; 65]).is_err(), "chunk_log2 0 is no chunk size");
}
