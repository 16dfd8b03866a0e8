//! Tampering: every single-byte change refused; truncation at every chunk
//! boundary; reordered, duplicated and dropped chunks; trailing bytes;
//! Argon2 limits checked before any work.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose

mod common;

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::time::{Duration, Instant};

use common::{key, options, plaintext, seal_with_key};
use kluis_core::{
    Argon2Params, OpenError, OpenLimits, Opener, PushOpener, Secret, inspect_bytes, open_bytes, seal_bytes,
};

const C: usize = 4096;

fn open_err(env: &[u8], secret: &Secret) -> OpenError {
    open_bytes(env, secret, &OpenLimits::default()).expect_err("must be refused")
}

#[test]
fn every_single_byte_flip_is_refused() {
    let pt = plaintext(2 * C + 100);
    let env = seal_with_key(&pt, C as u64);
    for i in 0..env.len() {
        let mut bad = env.clone();
        bad[i] ^= 0x80;
        assert!(open_bytes(&bad, &key(), &OpenLimits::default()).is_err(), "flip at byte {i} accepted");
    }
}

#[test]
fn truncation_at_every_chunk_boundary_and_inside() {
    let pt = plaintext(4 * C);
    let env = seal_with_key(&pt, C as u64);
    let header_len = inspect_bytes(&env).unwrap().header_len as usize;
    for i in 0..4 {
        let cut = header_len + i * (C + 16);
        assert!(matches!(open_err(&env[..cut], &key()), OpenError::Truncated), "cut after {i} chunks");
    }
    for cut in [header_len + 1, header_len + C, env.len() - 1, env.len() - 16, env.len() - 17] {
        assert!(open_bytes(&env[..cut], &key(), &OpenLimits::default()).is_err(), "cut at {cut}");
    }
}

#[test]
fn reordered_duplicated_dropped_chunks() {
    let pt = plaintext(3 * C + 10);
    let env = seal_with_key(&pt, C as u64);
    let h = inspect_bytes(&env).unwrap().header_len as usize;
    let s = C + 16;
    let head = &env[..h];
    let c: Vec<&[u8]> = (0..4).map(|i| &env[h + i * s..(h + (i + 1) * s).min(env.len())]).collect();
    let swapped = [head, c[1], c[0], c[2], c[3]].concat();
    assert!(matches!(open_err(&swapped, &key()), OpenError::ChunkTampered { index: 0 }));
    let duplicated = [head, c[0], c[1], c[1], c[2], c[3]].concat();
    assert!(matches!(open_err(&duplicated, &key()), OpenError::ChunkTampered { index: 2 }));
    let dropped = [head, c[0], c[2], c[3]].concat();
    assert!(matches!(open_err(&dropped, &key()), OpenError::ChunkTampered { index: 1 }));
    let last_dropped = [head, c[0], c[1], c[2]].concat();
    assert!(matches!(open_err(&last_dropped, &key()), OpenError::Truncated));
}

#[test]
fn trailing_bytes_are_refused_and_nothing_after_is_released() {
    let pt = plaintext(2 * C);
    let mut env = seal_with_key(&pt, C as u64);
    env.push(0);
    assert!(matches!(open_err(&env, &key()), OpenError::TrailingData));
    // The streaming reader releases the authenticated first chunk, then
    // fails before the end: never a byte of the refused one.
    let mut opener = Opener::new(&env[..], &key(), &OpenLimits::default()).unwrap();
    let mut out = Vec::new();
    let err = opener.read_to_end(&mut out).unwrap_err();
    assert!(matches!(OpenError::from_io(err), OpenError::TrailingData));
    assert!(out.len() <= C && out[..] == pt[..out.len()]);
    // Later reads repeat the error.
    assert!(opener.read(&mut [0u8; 10]).is_err());
}

#[test]
fn plaintext_is_released_only_after_its_chunk_authenticated() {
    let pt = plaintext(3 * C);
    let mut env = seal_with_key(&pt, C as u64);
    let h = inspect_bytes(&env).unwrap().header_len as usize;
    env[h + (C + 16) + 5] ^= 1; // chunk 1
    let mut opener = Opener::new(&env[..], &key(), &OpenLimits::default()).unwrap();
    let mut out = Vec::new();
    let err = opener.read_to_end(&mut out).unwrap_err();
    assert!(matches!(OpenError::from_io(err), OpenError::ChunkTampered { index: 1 }));
    assert_eq!(out, pt[..C]);
    let mut push = PushOpener::new(key(), OpenLimits::default());
    let mut out = Vec::new();
    assert!(push.update(&env, &mut out).is_err());
    assert_eq!(out, pt[..C]);
}

/// A header asking for 4 TiB (or 2^32 passes) fails at once, without
/// allocating or hashing.
#[test]
fn argon2_limits_are_checked_before_any_work() {
    let env = seal_bytes(b"x", &[Secret::password("pw")], &options(C as u64)).unwrap();
    let m_at = 41 + 3; // the first slot's body
    for (at, value, what) in [(m_at, u32::MAX, "memory"), (m_at + 4, u32::MAX, "passes")] {
        let mut bad = env.clone();
        bad[at..at + 4].copy_from_slice(&value.to_be_bytes());
        let start = Instant::now();
        let err = open_err(&bad, &Secret::password("pw"));
        assert!(matches!(err, OpenError::LimitsExceeded(_)), "{what}: {err}");
        assert!(start.elapsed() < Duration::from_millis(200), "{what} took {:?}", start.elapsed());
    }
    // Stricter caller limits apply too.
    let strict = OpenLimits { max_m_kib: 512, ..OpenLimits::default() };
    assert!(matches!(open_bytes(&env, &Secret::password("pw"), &strict), Err(OpenError::LimitsExceeded(_))));
    assert!(OpenLimits::default().check(&Argon2Params::DEFAULT).is_ok());
}

#[test]
fn random_access_reads_equal_the_plaintext_slice() {
    let pt = plaintext(5 * C + 123);
    let env = seal_with_key(&pt, C as u64);
    let mut opener = Opener::new(Cursor::new(env), &key(), &OpenLimits::default()).unwrap();
    assert_eq!(opener.plaintext_len().unwrap(), pt.len() as u64);
    let ranges = [(0, 10), (C - 3, 7), (C, C), (2 * C + 5, 3 * C), (5 * C + 100, 23), (5 * C + 123, 0), (17, 5 * C)];
    for (start, len) in ranges {
        opener.seek(SeekFrom::Start(start as u64)).unwrap();
        let mut buf = vec![0u8; len];
        opener.read_exact(&mut buf).unwrap();
        assert_eq!(buf, pt[start..start + len], "range {start}+{len}");
    }
    assert_eq!(opener.seek(SeekFrom::End(-5)).unwrap(), pt.len() as u64 - 5);
    let mut tail = Vec::new();
    opener.read_to_end(&mut tail).unwrap();
    assert_eq!(tail, pt[pt.len() - 5..]);
    assert_eq!(opener.seek(SeekFrom::Current(-10)).unwrap(), pt.len() as u64 - 10);
    let mut buf = [0u8; 4];
    opener.read_exact(&mut buf).unwrap();
    assert_eq!(buf, pt[pt.len() - 10..pt.len() - 6]);
    assert!(opener.seek(SeekFrom::Current(-(pt.len() as i64) - 1)).is_err());
    // Past the end: nothing to read.
    opener.seek(SeekFrom::Start(pt.len() as u64 + 10)).unwrap();
    assert_eq!(opener.read(&mut buf).unwrap(), 0);
}

#[test]
fn random_access_refuses_tampered_and_truncated_envelopes() {
    let pt = plaintext(3 * C);
    let env = seal_with_key(&pt, C as u64);
    let h = inspect_bytes(&env).unwrap().header_len as usize;
    let cut = env[..h + 2 * (C + 16)].to_vec();
    let mut opener = Opener::new(Cursor::new(cut), &key(), &OpenLimits::default()).unwrap();
    opener.seek(SeekFrom::Start(C as u64 + 1)).unwrap();
    let err = opener.read(&mut [0u8; 10]).unwrap_err();
    assert!(matches!(OpenError::from_io(err), OpenError::Truncated));
    let mut bad = env.clone();
    bad[h + 2 * (C + 16) + 3] ^= 1;
    let mut opener = Opener::new(Cursor::new(bad), &key(), &OpenLimits::default()).unwrap();
    opener.seek(SeekFrom::Start(10)).unwrap();
    opener.read_exact(&mut [0u8; 10]).unwrap(); // chunk 0 is fine
    opener.seek(SeekFrom::End(-1)).unwrap();
    let err = opener.read(&mut [0u8; 1]).unwrap_err();
    assert!(matches!(OpenError::from_io(err), OpenError::ChunkTampered { index: 2 }));
}
