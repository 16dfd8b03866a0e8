//! Throughput of the Kluis envelope, next to the raw primitive it is built on.
//!
//! ```text
//! cargo bench -p kluis-core --bench envelope                 # everything, ~4 min on 2 cores
//! cargo bench -p kluis-core --bench envelope -- primitive    # one group (a name filter)
//! cargo bench -p kluis-core --bench envelope -- --test       # smoke: each benchmark once
//! ```
//!
//! Groups (all in memory, no disk):
//!
//! - `primitive`: AES-256-GCM-SIV (`aes-gcm-siv`, called directly) sealing
//!   64 KiB chunks in place over a 64 MiB buffer, on 1 thread and on 2 (a
//!   rayon pool, `par_chunks_mut`). The envelope figures below divided by
//!   these are the envelope's overhead, measured in the same run.
//! - `threads`: [`Sealer`] and [`Opener`] at the default 64 KiB chunk, 64 MiB,
//!   1 and 2 threads (compare with `primitive/1` and `primitive/2`).
//! - `seal_chunk`, `open_chunk`: 64 MiB at each chunk size from 4 KiB to
//!   16 MiB, default threads.
//! - `seal_size`, `open_size`: 4 KiB to 256 MiB at the default chunk size.
//! - `random_access`: in a 1 GiB envelope (`KLUIS_BENCH_RANDOM_ACCESS_MIB`
//!   changes the size), reading the last 1 MiB through the seekable
//!   [`Opener`] against opening the whole envelope.
//! - `header`: [`Opener::new`] on an empty envelope: a raw-key slot (HKDF,
//!   no Argon2) and a password slot at the default Argon2id cost (64 MiB,
//!   t=3, p=4).
//!
//! Each benchmark is a few seconds (1 s warm-up, 3 s measurement unless the
//! command line says otherwise); `-- --test` runs each once, as a smoke test.

use std::hint::black_box;
use std::io::{self, Cursor, Read, Seek, SeekFrom, Write};
use std::time::Duration;

use aes_gcm_siv::aead::{AeadInOut, KeyInit};
use aes_gcm_siv::{Aes256GcmSiv, Nonce};
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use kluis_core::{Argon2Params, Key, OpenLimits, Opener, SealOptions, Sealer, Secret, Threads};
use rayon::prelude::*;

type Group<'a> = criterion::BenchmarkGroup<'a, criterion::measurement::WallTime>;

const KIB: usize = 1 << 10;
const MIB: usize = 1 << 20;
/// The default chunk size (`DEFAULT_CHUNK_LOG2`).
const CHUNK: usize = 64 * KIB;
/// Bytes per iteration for the throughput groups.
const BULK: usize = 64 * MIB;
/// What the CLI hands the sealer per `write`.
const WRITE: usize = MIB;

fn key() -> Secret {
    Secret::Key(Key::from_bytes([7; 32]))
}

/// Deterministic, incompressible-looking bytes (the cipher does not care,
/// but nothing downstream can take a shortcut on zeros).
fn plaintext(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut v = Vec::with_capacity(len + 8);
    while v.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.truncate(len);
    v
}

fn options(chunk: usize, threads: Option<usize>) -> SealOptions {
    let options = SealOptions::default().with_chunk_size(chunk as u64).expect("a valid chunk size");
    match threads {
        Some(n) => options.with_threads(Threads::new(n)),
        None => options,
    }
}

/// Seals `data` into `out` (cleared first), in `WRITE`-sized writes as the CLI does.
fn seal_into(data: &[u8], options: &SealOptions, out: &mut Vec<u8>) {
    out.clear();
    let mut sealer = Sealer::new(out, &[key()], options).expect("sealer");
    for piece in data.chunks(WRITE) {
        sealer.write_all(piece).expect("write");
    }
    sealer.finish().expect("finish");
}

fn sealed(data: &[u8], options: &SealOptions) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 1024 + 4096);
    seal_into(data, options, &mut out);
    out
}

/// Opens `envelope` completely, discarding the plaintext; returns its length.
fn open_all(envelope: &[u8], threads: Option<usize>) -> u64 {
    let opener = Opener::new(envelope, &key(), &OpenLimits::default()).expect("opener");
    let mut opener = match threads {
        Some(n) => opener.with_threads(Threads::new(n)),
        None => opener,
    };
    opener.copy_to(&mut io::sink()).expect("open")
}

fn nonce(index: usize) -> Nonce {
    let mut n = [0u8; 12];
    n[3..11].copy_from_slice(&(index as u64).to_be_bytes());
    Nonce::from(n)
}

fn primitive(c: &mut Criterion) {
    let cipher = Aes256GcmSiv::new(&[9u8; 32].into());
    // The envelope binds every chunk to the 32-byte header MAC: same here.
    let aad = [5u8; 32];
    let mut buf = plaintext(BULK);
    let seal_one = |(i, chunk): (usize, &mut [u8])| {
        let tag = cipher.encrypt_inout_detached(&nonce(i), &aad, chunk.into()).expect("chunk below 2^36 bytes");
        black_box(tag);
    };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("a 2-thread pool");

    let mut group = c.benchmark_group("primitive");
    bulk(&mut group);
    group.bench_function(BenchmarkId::new("aes256gcmsiv_64k", 1), |b| {
        b.iter(|| buf.chunks_mut(CHUNK).enumerate().for_each(seal_one));
    });
    group.bench_function(BenchmarkId::new("aes256gcmsiv_64k", 2), |b| {
        b.iter(|| pool.install(|| buf.par_chunks_mut(CHUNK).enumerate().for_each(seal_one)));
    });
    group.finish();
}

fn threads(c: &mut Criterion) {
    let data = plaintext(BULK);
    let mut out = Vec::with_capacity(BULK + BULK / 1024 + 4096);
    let envelope = sealed(&data, &options(CHUNK, None));

    let mut group = c.benchmark_group("threads");
    bulk(&mut group);
    for n in [1, 2] {
        let opts = options(CHUNK, Some(n));
        group.bench_function(BenchmarkId::new("seal_64k", n), |b| b.iter(|| seal_into(&data, &opts, &mut out)));
        group.bench_function(BenchmarkId::new("open_64k", n), |b| b.iter(|| open_all(&envelope, Some(n))));
    }
    group.finish();
}

const CHUNK_SIZES: [usize; 7] = [4 * KIB, 16 * KIB, 64 * KIB, 256 * KIB, MIB, 4 * MIB, 16 * MIB];

fn by_chunk(c: &mut Criterion) {
    let data = plaintext(BULK);
    let mut out = Vec::with_capacity(BULK + BULK / 256 + 4096);

    let mut group = c.benchmark_group("seal_chunk");
    bulk(&mut group);
    for chunk in CHUNK_SIZES {
        let opts = options(chunk, None);
        group.bench_function(BenchmarkId::from_parameter(label(chunk)), |b| {
            b.iter(|| seal_into(&data, &opts, &mut out))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("open_chunk");
    bulk(&mut group);
    for chunk in CHUNK_SIZES {
        seal_into(&data, &options(chunk, None), &mut out);
        group.bench_function(BenchmarkId::from_parameter(label(chunk)), |b| b.iter(|| open_all(&out, None)));
    }
    group.finish();
}

const INPUT_SIZES: [usize; 5] = [4 * KIB, 64 * KIB, MIB, 16 * MIB, 256 * MIB];

fn by_size(c: &mut Criterion) {
    let data = plaintext(*INPUT_SIZES.iter().max().unwrap_or(&BULK));
    let mut out = Vec::with_capacity(data.len() + data.len() / 1024 + 4096);
    let opts = options(CHUNK, None);

    let mut group = c.benchmark_group("seal_size");
    for size in INPUT_SIZES {
        group.throughput(Throughput::Bytes(size as u64));
        flat_if_large(&mut group, size);
        group.bench_function(BenchmarkId::from_parameter(label(size)), |b| {
            b.iter(|| seal_into(&data[..size], &opts, &mut out))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("open_size");
    for size in INPUT_SIZES {
        seal_into(&data[..size], &opts, &mut out);
        group.throughput(Throughput::Bytes(size as u64));
        flat_if_large(&mut group, size);
        group.bench_function(BenchmarkId::from_parameter(label(size)), |b| b.iter(|| open_all(&out, None)));
    }
    group.finish();
}

/// 64 MiB per iteration (tens of milliseconds): 20 samples fit the 3 s.
fn bulk(group: &mut Group<'_>) {
    group.throughput(Throughput::Bytes(BULK as u64)).sample_size(20);
}

/// Ten samples of one iteration each for inputs that take a tenth of a
/// second, so a group stays within a few seconds.
fn flat_if_large(group: &mut Group<'_>, size: usize) {
    if size >= 128 * MIB {
        group.sample_size(10).sampling_mode(SamplingMode::Flat);
    } else if size >= 16 * MIB {
        group.sample_size(20).sampling_mode(SamplingMode::Auto);
    } else {
        group.sample_size(100).sampling_mode(SamplingMode::Auto);
    }
}

fn random_access(c: &mut Criterion) {
    let mib: usize = std::env::var("KLUIS_BENCH_RANDOM_ACCESS_MIB").ok().and_then(|v| v.parse().ok()).unwrap_or(1024);
    let size = mib.max(2) * MIB;
    // Sealed from one repeated 1 MiB block: only the envelope is held.
    let block = plaintext(MIB);
    let mut envelope = Vec::with_capacity(size + size / 1024 + 4096);
    {
        let mut sealer = Sealer::new(&mut envelope, &[key()], &SealOptions::default()).expect("sealer");
        for _ in 0..size / MIB {
            sealer.write_all(&block).expect("write");
        }
        sealer.finish().expect("finish");
    }

    let mut group = c.benchmark_group("random_access");
    group.bench_function(format!("last_1MiB_of_{mib}MiB"), |b| {
        let mut out = vec![0u8; MIB];
        b.iter(|| {
            let mut opener = Opener::new(Cursor::new(&envelope[..]), &key(), &OpenLimits::default()).expect("opener");
            opener.seek(SeekFrom::End(-(MIB as i64))).expect("seek");
            opener.read_exact(&mut out).expect("read");
            black_box(&out);
        })
    });
    group.sample_size(10).sampling_mode(SamplingMode::Flat).throughput(Throughput::Bytes(size as u64));
    group.bench_function(format!("whole_{mib}MiB"), |b| b.iter(|| open_all(&envelope, None)));
    group.finish();
}

fn header(c: &mut Criterion) {
    let limits = OpenLimits::default();
    let with_key = sealed(b"", &SealOptions::default());
    let password = Secret::password("correct horse battery staple");
    let mut with_password = Vec::new();
    Sealer::new(&mut with_password, std::slice::from_ref(&password), &SealOptions::default())
        .and_then(|s| s.finish())
        .expect("seal with a password");

    let mut group = c.benchmark_group("header");
    group.bench_function("key_slot", |b| {
        b.iter(|| Opener::new(&with_key[..], &key(), &limits).expect("opener").chunk_size())
    });
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    group.bench_function(format!("password_slot_argon2id_{}", Argon2Params::DEFAULT).replace([',', '='], "_"), |b| {
        b.iter(|| Opener::new(&with_password[..], &password, &limits).expect("opener").chunk_size())
    });
    group.finish();
}

fn label(bytes: usize) -> String {
    if bytes >= MIB { format!("{}MiB", bytes / MIB) } else { format!("{}KiB", bytes / KIB) }
}

fn config() -> Criterion {
    Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = primitive, threads, by_chunk, by_size, random_access, header
}
criterion_main!(benches);
