//! Envelopes long enough to span several batches (about 1 MiB each), with
//! one and two threads: identical output, ordered release, random access
//! across batch borders, refusals in a later batch.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose

mod common;

use std::io::{Cursor, Read, Seek, SeekFrom, Write};

use common::{key, plaintext};
use kluis_core::{OpenError, OpenLimits, Opener, SealOptions, Sealer, Threads, inspect_bytes};

const C: usize = 4096;
const LEN: usize = 3 * (1 << 20) + 12_345; // four batches of 4 KiB chunks

fn seal(pt: &[u8], threads: usize, piece: usize) -> Vec<u8> {
    let options = SealOptions::default().with_chunk_size(C as u64).unwrap().with_threads(Threads::new(threads));
    let mut sealer = Sealer::new(Vec::new(), &[key()], &options).unwrap();
    for p in pt.chunks(piece) {
        sealer.write_all(p).unwrap();
    }
    sealer.finish().unwrap()
}

fn open_all(env: &[u8], threads: usize) -> Result<Vec<u8>, (OpenError, Vec<u8>)> {
    let mut opener = Opener::new(env, &key(), &OpenLimits::default()).unwrap().with_threads(Threads::new(threads));
    let mut out = Vec::new();
    let mut buf = vec![0u8; 10_007];
    loop {
        match opener.read(&mut buf) {
            Ok(0) => return Ok(out),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) => return Err((OpenError::from_io(e), out)),
        }
    }
}

#[test]
fn one_and_two_threads_agree_across_batches() {
    let pt = plaintext(LEN);
    let one = seal(&pt, 1, 65_536 + 3);
    let two = seal(&pt, 2, 1 << 20);
    assert_eq!(one.len(), two.len());
    let h = inspect_bytes(&one).unwrap().header_len as usize;
    // Same chunk layout; different keys, so different bytes.
    assert_eq!(one.len() - h, LEN + LEN.div_ceil(C) * 16);
    for env in [&one, &two] {
        for threads in [1, 2, 3] {
            assert!(open_all(env, threads).unwrap() == pt, "threads {threads}");
        }
    }
}

#[test]
fn refusal_in_a_later_batch_releases_exactly_the_authenticated_prefix() {
    let pt = plaintext(LEN);
    let mut env = seal(&pt, 2, 1 << 16);
    let h = inspect_bytes(&env).unwrap().header_len as usize;
    let bad_chunk = 600; // in the third batch
    env[h + bad_chunk * (C + 16) + 1] ^= 1;
    for threads in [1, 2] {
        let (err, out) = open_all(&env, threads).unwrap_err();
        assert!(matches!(err, OpenError::ChunkTampered { index: 600 }), "{err}");
        assert_eq!(out.len(), bad_chunk * C, "threads {threads}");
        assert!(out[..] == pt[..out.len()]);
    }
}

#[test]
fn truncation_at_a_batch_border_and_trailing_data() {
    let pt = plaintext(2 * (1 << 20)); // exactly two batches, final chunk full
    let env = seal(&pt, 2, 1 << 20);
    let h = inspect_bytes(&env).unwrap().header_len as usize;
    let border = h + 256 * (C + 16);
    assert!(matches!(open_all(&env[..border], 2).unwrap_err().0, OpenError::Truncated));
    let mut longer = env.clone();
    longer.extend_from_slice(b"x");
    assert!(matches!(open_all(&longer, 2).unwrap_err().0, OpenError::TrailingData));
}

#[test]
fn random_access_across_batch_borders() {
    let pt = plaintext(LEN);
    let env = seal(&pt, 2, 1 << 20);
    let mut opener = Opener::new(Cursor::new(env), &key(), &OpenLimits::default()).unwrap();
    for (start, len) in [(1_048_000, 2_000), (3 * (1 << 20), 12_345), (5, 2_100_000), (LEN - 1, 1)] {
        opener.seek(SeekFrom::Start(start as u64)).unwrap();
        let mut buf = vec![0u8; len];
        opener.read_exact(&mut buf).unwrap();
        assert!(buf == pt[start..start + len], "{start}+{len}");
    }
    // Reading on after a seek continues through the following batches.
    opener.seek(SeekFrom::Start(100)).unwrap();
    let mut rest = Vec::new();
    opener.read_to_end(&mut rest).unwrap();
    assert!(rest == pt[100..]);
}

/// 4000 threads with 16 MiB chunks (what a foreign caller may pass) seal
/// and open with the cores there are: before the clamp, the batch buffer
/// alone was 4000 × (16 MiB + 16) bytes and the allocation aborted.
#[test]
fn four_thousand_threads_with_16_mib_chunks_are_clamped() {
    let pt = plaintext(100_000);
    let options = SealOptions::default().with_chunk_size(1 << 24).unwrap().with_threads(Threads::new(4000));
    let mut sealer = Sealer::new(Vec::new(), &[key()], &options).unwrap();
    sealer.write_all(&pt).unwrap();
    let env = sealer.finish().unwrap();
    let mut opener = Opener::new(&env[..], &key(), &OpenLimits::default()).unwrap().with_threads(Threads::new(4000));
    let mut out = Vec::new();
    opener.read_to_end(&mut out).unwrap();
    assert!(out == pt);
}
