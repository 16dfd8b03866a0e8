//! Shared pieces of the Kluis fuzz targets: the fixed secrets, the reader
//! limits, a few valid envelopes built once, a small language of mutations
//! and the cross-checks that several targets run.
//!
//! Every check here panics (and so makes libFuzzer report a crash) when an
//! invariant of the format or of the API is broken. The invariants are the
//! ones `docs/FORMAT.md` §9–§10 and the `kluis_core` docs promise:
//!
//! * any way of feeding the same bytes (whole, in pieces, through short
//!   reads) releases the same authenticated prefix and ends with the same
//!   refusal;
//! * a byte released by random access is the byte at that position of the
//!   plaintext that was sealed (no forgery, no misplaced chunk);
//! * an envelope that opens in one pass also opens chunk by chunk through
//!   seeks, to the same bytes, and one that is refused in one pass is
//!   refused when read through seeks too;
//! * an error is final: later calls repeat it.

#![allow(clippy::unwrap_used, clippy::panic)] // a fuzz harness reports by panicking

use std::convert::Infallible;
use std::io::{Cursor, Read, Seek, SeekFrom, Write};
use std::sync::OnceLock;

use kluis_core::{
    Argon2Params, Key, Metadata, OpenError, OpenLimits, Opener, PushOpener, SealOptions, Sealer, Secret, Threads,
    inspect_bytes, open_bytes,
};
use rand_core::{TryCryptoRng, TryRng};

/// The raw key of the test vectors and of the malformed kit (32 × `0xa5`),
/// so that seeds taken from them open and the fuzzer starts deep inside the
/// payload code.
pub const KEY: [u8; 32] = [0xa5; 32];

/// The password of the malformed kit and of the generated password seeds.
pub const PASSWORD: &str = "kluis \u{2713} geheim";

/// Argon2 parameters of the generated password seeds: the cheapest the
/// format allows with one lane (8 KiB is the floor; 64 KiB keeps a little
/// realism) so a password open costs well under a millisecond.
pub const SEED_ARGON2: Argon2Params = Argon2Params { m_kib: 64, t: 1, p: 1 };

/// Reader limits used by every target that opens with a password.
///
/// The default limits accept up to 1 GiB, 16 passes and 16 lanes per
/// password slot, and a header may hold four password slots: a crafted
/// header may therefore ask for up to ~4 × 16 GiB·pass of Argon2 work
/// before `WrongSecret`. That is the documented, accepted cost of a default
/// reader (FORMAT.md §11), not a bug, but under libFuzzer it would show up
/// as timeouts and out-of-memory reports on every such input and hide real
/// findings. With these limits anything dearer than 64 KiB / 1 pass / 1 lane
/// is refused by `OpenLimits::check` (so the `LimitsExceeded` path is fuzzed
/// too) and every accepted Argon2 run stays under a millisecond.
pub const FUZZ_LIMITS: OpenLimits = OpenLimits { max_m_kib: 64, max_t: 1, max_p: 1, max_password_slots: 4 };

/// The fixed raw-key secret.
pub fn key() -> Secret {
    Secret::Key(Key::from_bytes(KEY))
}

/// The fixed password secret.
pub fn password() -> Secret {
    Secret::password(PASSWORD)
}

/// A deterministic generator (SplitMix64) for sealing the fixtures, so that
/// the fixture bytes, and hence any crasher, are the same on every run.
/// Never used outside the fuzz harness.
pub struct SplitMix(pub u64);

impl TryRng for SplitMix {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(self.try_next_u64()? as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Ok(z ^ (z >> 31))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let v = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        Ok(())
    }
}

impl TryCryptoRng for SplitMix {}

/// Reads the fuzzer's input as a stream of small integers; returns zeros
/// once the input is used up, so every input decodes to something.
pub struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    /// Reads from `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Bytes { data, pos: 0 }
    }

    /// True when every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// The next byte, or 0.
    pub fn u8(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    /// The next two bytes (big-endian), or 0.
    pub fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.u8(), self.u8()])
    }

    /// The next four bytes (big-endian), or 0.
    pub fn u32(&mut self) -> u32 {
        u32::from_be_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }

    /// Up to `n` of the next bytes.
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let start = self.pos.min(self.data.len());
        let end = start.saturating_add(n).min(self.data.len());
        self.pos = end;
        &self.data[start..end]
    }

    /// Everything not yet read.
    pub fn rest(&mut self) -> &'a [u8] {
        self.take(usize::MAX)
    }

    /// A piece length: mostly small (1..=64), sometimes up to 32 KiB, so
    /// pieces end inside fields, inside tags and across chunk boundaries.
    pub fn piece_len(&mut self) -> usize {
        let b = self.u8();
        if b < 0x80 { 1 + usize::from(b % 64) } else { 1 + ((usize::from(b & 0x7f) << 8) | usize::from(self.u8())) }
    }
}

/// A valid envelope built once, with what it opens to.
pub struct Fixture {
    /// The envelope.
    pub envelope: Vec<u8>,
    /// Its plaintext.
    pub plaintext: Vec<u8>,
    /// Its metadata.
    pub metadata: Option<Metadata>,
    /// Plaintext bytes per chunk.
    pub chunk_size: usize,
    /// Header length (offset of chunk 0).
    pub header_len: usize,
}

fn fixture(seed: u64, plaintext_len: usize, chunk_size: u64, metadata: Option<Metadata>) -> Fixture {
    let plaintext: Vec<u8> = (0..plaintext_len).map(|i| (i.wrapping_mul(7) % 251) as u8 ^ (i >> 12) as u8).collect();
    let mut options = SealOptions::default().with_chunk_size(chunk_size).unwrap();
    if let Some(m) = &metadata {
        options = options.with_metadata(m).unwrap();
    }
    let mut sealer = Sealer::with_rng(Vec::new(), &[key()], &options, &mut SplitMix(seed)).unwrap();
    sealer.write_all(&plaintext).unwrap();
    let envelope = sealer.finish().unwrap();
    let header_len = inspect_bytes(&envelope).unwrap().header_len as usize;
    let (opened, meta) = open_bytes(&envelope, &key(), &OpenLimits::default()).unwrap();
    assert_eq!(opened, plaintext);
    assert_eq!(meta, metadata);
    Fixture { envelope, plaintext, metadata, chunk_size: chunk_size as usize, header_len }
}

/// Chunks in fixture 3: more than the `Opener` opens in one batch (1 MiB of
/// 4 KiB chunks, or one per thread), so batch boundaries and read-ahead are
/// reached.
pub const BATCH_FIXTURE_CHUNKS: usize = 257;

/// The fixtures, all sealed under [`KEY`] with 4 KiB chunks:
/// 0. three full chunks and a partial one, metadata with `name` and `size`;
/// 1. exactly two full chunks (the final chunk is full), no metadata;
/// 2. the empty plaintext (one empty final chunk), metadata without `size`;
/// 3. 257 full chunks and a partial one (more than one opening batch),
///    metadata with `size`.
pub fn fixtures() -> &'static [Fixture] {
    static FIXTURES: OnceLock<Vec<Fixture>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let big = BATCH_FIXTURE_CHUNKS * 4096 + 100;
        vec![
            fixture(1, 3 * 4096 + 1000, 4096, Some(Metadata::named("fuzz.bin").with_size(3 * 4096 + 1000))),
            fixture(2, 2 * 4096, 4096, None),
            fixture(3, 0, 4096, Some(Metadata::named("leeg.txt").with_media_type("text/plain"))),
            fixture(4, big, 4096, Some(Metadata::named("groot.bin").with_size(big as u64))),
        ]
    })
}

/// Applies up to three mutations read from `r` to `env` (a copy of
/// `fixtures()[which]`). Returns true when the bytes are still those of the
/// fixture.
pub fn mutate(env: &mut Vec<u8>, which: usize, r: &mut Bytes<'_>) -> bool {
    let fx = &fixtures()[which];
    let count = r.u8() % 4;
    for _ in 0..count {
        let len = env.len();
        let pos = |r: &mut Bytes<'_>| r.u32() as usize % (len + 1);
        match r.u8() % 9 {
            // Flip one bit.
            0 => {
                let p = r.u32() as usize % len.max(1);
                let bit = r.u8() % 8;
                if let Some(b) = env.get_mut(p) {
                    *b ^= 1 << bit;
                }
            }
            // Set one byte.
            1 => {
                let p = r.u32() as usize % len.max(1);
                let v = r.u8();
                if let Some(b) = env.get_mut(p) {
                    *b = v;
                }
            }
            // Cut the envelope.
            2 => {
                let p = pos(r);
                env.truncate(p);
            }
            // Remove a range.
            3 => {
                let p = pos(r);
                let n = usize::from(r.u16()).min(len - p);
                env.drain(p..p + n);
            }
            // Duplicate a range somewhere (chunk duplication, header repeats).
            4 => {
                let src = pos(r);
                let n = usize::from(r.u16()).min(len - src);
                let dst = pos(r);
                let copy = env[src..src + n].to_vec();
                env.splice(dst..dst, copy);
            }
            // Swap two whole chunks (reordering).
            5 => {
                let stride = fx.chunk_size + 16;
                let chunks = env.len().saturating_sub(fx.header_len) / stride;
                if chunks >= 2 {
                    let i = usize::from(r.u16()) % chunks;
                    let j = usize::from(r.u16()) % chunks;
                    let (a, b) = (fx.header_len + i.min(j) * stride, fx.header_len + i.max(j) * stride);
                    if a != b {
                        let (left, right) = env.split_at_mut(b);
                        left[a..a + stride].swap_with_slice(&mut right[..stride]);
                    }
                }
            }
            // Append bytes taken from the input.
            6 => {
                let n = usize::from(r.u8());
                env.extend_from_slice(r.take(n));
            }
            // Insert bytes taken from the input.
            7 => {
                let p = pos(r);
                let n = usize::from(r.u8());
                let ins = r.take(n).to_vec();
                env.splice(p..p, ins);
            }
            // Splice in a range of another fixture (same key, other file key).
            _ => {
                let other = &fixtures()[usize::from(r.u8()) % fixtures().len()].envelope;
                let src = r.u32() as usize % (other.len() + 1);
                let n = usize::from(r.u16()).min(other.len() - src);
                let dst = pos(r);
                let end = (dst + n).min(env.len());
                env.splice(dst..end, other[src..src + n].iter().copied());
            }
        }
    }
    *env == fx.envelope
}

/// The plaintext that `env` may release: that of the fixture whose header
/// `env` starts with (a splice can bring in another fixture's header, and
/// with it a different valid envelope), or nothing when no fixture's header
/// is there (a header that is not byte for byte one that was sealed cannot
/// authenticate).
pub fn sealed_plaintext(env: &[u8]) -> &'static [u8] {
    fixtures().iter().find(|f| env.starts_with(&f.envelope[..f.header_len])).map_or(&[], |f| &f.plaintext[..])
}

/// An error's kind and message: what two paths must agree on.
pub fn sig(e: &OpenError) -> String {
    format!("{}: {e}", e.kind())
}

/// What one opening path produced: the plaintext it released and how it ended.
#[derive(Debug, PartialEq)]
pub struct Outcome {
    /// Plaintext released before the end (all of it on success).
    pub released: Vec<u8>,
    /// `Ok(metadata)` or the error's [`sig`].
    pub result: Result<Option<Metadata>, String>,
}

/// The reference: the streaming `Opener` over the whole slice, read to the
/// end (what `open_bytes` does), keeping the prefix released before an error.
pub fn reference(bytes: &[u8], secret: &Secret, limits: &OpenLimits) -> Outcome {
    let mut opener = match Opener::new(bytes, secret, limits) {
        Ok(o) => o,
        Err(e) => return Outcome { released: Vec::new(), result: Err(sig(&e)) },
    };
    let mut released = Vec::new();
    let result = match opener.read_all(&mut released) {
        Ok(()) => Ok(opener.metadata().cloned()),
        Err(e) => {
            // An error is final.
            let again = opener.read_all(&mut Vec::new()).expect_err("a failed Opener read again succeeded");
            assert_eq!(sig(&again), sig(&e), "a failed Opener changed its error");
            Err(sig(&e))
        }
    };
    // `open_bytes` must say the same.
    match (open_bytes(bytes, secret, limits), &result) {
        (Ok((pt, meta)), Ok(m)) => {
            assert_eq!(pt, released, "open_bytes and Opener differ");
            assert_eq!(&meta, m);
        }
        (Err(e), Err(s)) => assert_eq!(&sig(&e), s, "open_bytes and Opener refuse differently"),
        (a, b) => panic!("open_bytes {:?} but Opener {:?}", a.map(|_| ()), b.as_ref().map(|_| ())),
    }
    Outcome { released, result }
}

/// A reader that hands out at most the scripted number of bytes per call.
struct ShortReads<'a> {
    data: &'a [u8],
    pos: usize,
    sizes: Vec<usize>,
    call: usize,
}

impl Read for ShortReads<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let limit = if self.sizes.is_empty() { usize::MAX } else { self.sizes[self.call % self.sizes.len()] };
        self.call += 1;
        let n = limit.min(out.len()).min(self.data.len() - self.pos);
        out[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Feeds `bytes` to a `PushOpener` in the pieces `script` describes, and
/// reads them through an `Opener` over a reader with scripted short reads
/// and scripted output buffer sizes; both must match [`reference`] exactly.
pub fn check_splits(bytes: &[u8], secret: &Secret, limits: &OpenLimits, script: &[u8]) -> Outcome {
    let expected = reference(bytes, secret, limits);

    // PushOpener, pieces from the script, the rest in one piece.
    let mut r = Bytes::new(script);
    let mut push = PushOpener::new(secret.clone(), *limits);
    let mut out = Vec::new();
    let mut fed = 0;
    let mut failed = None;
    while fed < bytes.len() {
        let n = if r.is_empty() { bytes.len() - fed } else { r.piece_len().min(bytes.len() - fed) };
        if let Err(e) = push.update(&bytes[fed..fed + n], &mut out) {
            failed = Some(e);
            break;
        }
        fed += n;
    }
    // The metadata is readable once the header is verified, until finish.
    let metadata = push.metadata().cloned();
    let result = match failed {
        Some(e) => Err(e),
        None => push.finish(&mut out).map(|()| metadata),
    };
    let result = match result {
        Ok(m) => Ok(m),
        Err(e) => {
            let again = push.update(b"x", &mut Vec::new()).expect_err("a failed PushOpener accepted more input");
            assert_eq!(again.kind(), e.kind(), "a failed PushOpener changed its error");
            Err(sig(&e))
        }
    };
    let got = Outcome { released: out, result };
    assert_eq!(got.result.is_ok(), expected.result.is_ok(), "PushOpener {:?} vs Opener {:?}", got.result, expected.result);
    assert_eq!(got.result, expected.result, "PushOpener and Opener end differently");
    assert!(got.released == expected.released, "PushOpener released other bytes than Opener");
    if got.result.is_ok() {
        let e = push.update(b"x", &mut Vec::new()).expect_err("a finished PushOpener accepted more input");
        assert_eq!(e.kind(), "TrailingData");
    }

    // The same in one pass on one thread (the reference uses every core):
    // batches, read-ahead and the worker pool must not change anything.
    let one_thread = match Opener::new(bytes, secret, limits) {
        Err(e) => Outcome { released: Vec::new(), result: Err(sig(&e)) },
        Ok(opener) => {
            let mut opener = opener.with_threads(Threads::new(1));
            let mut released = Vec::new();
            let result = opener.read_all(&mut released).map(|()| opener.metadata().cloned()).map_err(|e| sig(&e));
            Outcome { released, result }
        }
    };
    assert_eq!(one_thread.result, expected.result, "Opener on one thread ends differently");
    assert!(one_thread.released == expected.released, "Opener on one thread released other bytes");

    // Opener over scripted short reads, read with scripted buffer sizes
    // (three threads: batches of a third kind).
    let sizes: Vec<usize> = script.iter().rev().map(|&b| 1 + usize::from(b) * 37).collect();
    let reader = ShortReads { data: bytes, pos: 0, sizes: sizes.clone(), call: 0 };
    let got = match Opener::new(reader, secret, limits) {
        Err(e) => Outcome { released: Vec::new(), result: Err(sig(&e)) },
        Ok(opener) => {
            let mut opener = opener.with_threads(Threads::new(3));
            let mut released = Vec::new();
            let mut call = 0;
            let result = loop {
                let want = if sizes.is_empty() { 8192 } else { sizes[(call * 7) % sizes.len()] };
                call += 1;
                let mut buf = vec![0u8; want];
                match opener.read(&mut buf) {
                    Ok(0) => break Ok(opener.metadata().cloned()),
                    Ok(n) => released.extend_from_slice(&buf[..n]),
                    Err(e) => break Err(sig(&OpenError::from_io(e))),
                }
            };
            Outcome { released, result }
        }
    };
    assert_eq!(got.result, expected.result, "Opener over short reads ends differently");
    assert!(got.released == expected.released, "Opener over short reads released other bytes");
    expected
}

/// Opens `bytes` through the seekable `Opener` (over a `Cursor`) and runs
/// the seeks and reads of `script`, checking each against `truth` (the
/// plaintext that was sealed, when known) and against `one_pass` (the
/// [`reference`] outcome of the same bytes).
pub fn check_random_access(
    bytes: &[u8],
    secret: &Secret,
    limits: &OpenLimits,
    script: &mut Bytes<'_>,
    truth: Option<&[u8]>,
    one_pass: &Outcome,
) {
    let truth = truth.or(match &one_pass.result {
        Ok(_) => Some(&one_pass.released[..]),
        Err(_) => None,
    });
    let mut opener = match Opener::new(Cursor::new(bytes), secret, limits) {
        Ok(o) => o,
        Err(e) => {
            assert_eq!(Err(sig(&e)), one_pass.result.as_ref().map(|_| ()).map_err(Clone::clone));
            return;
        }
    };
    if script.u8() % 2 == 1 {
        opener = opener.with_threads(Threads::new(1));
    }
    let opens = one_pass.result.is_ok();
    // What anyone can compute from the header and the length.
    let public_len = inspect_bytes(bytes).expect("a header that unlocks must inspect").plaintext_len(bytes.len() as u64);
    let len = match opener.plaintext_len() {
        Ok(n) => n,
        Err(e) => {
            assert!(!opens, "plaintext_len refused an envelope that opens: {}", sig(&e));
            assert!(opener.seek(SeekFrom::Start(0)).is_err(), "seek succeeded without a layout");
            return;
        }
    };
    if opens {
        assert_eq!(len, one_pass.released.len() as u64, "plaintext_len differs from the opened length");
    }
    assert_eq!(public_len.as_ref().ok(), Some(&len), "EnvelopeInfo::plaintext_len differs from Opener::plaintext_len");
    let mut pos: u64 = 0;
    let mut buf = vec![0u8; 9000];
    for _ in 0..24 {
        if script.is_empty() {
            break;
        }
        let target = match script.u8() % 6 {
            0 => Some((SeekFrom::Start(u64::from(script.u32()) % (len + 3)), None)),
            1 => {
                let d = u64::from(script.u32()) % (len + 3);
                Some((SeekFrom::End(-(d as i64)), len.checked_sub(d)))
            }
            2 => {
                let d = i64::from(script.u16() as i16) * i64::from(script.u8());
                Some((SeekFrom::Current(d), pos.checked_add_signed(d)))
            }
            _ => None,
        };
        match target {
            Some((how, expect)) => {
                let expect = match how {
                    SeekFrom::Start(n) => Some(n),
                    _ => expect,
                };
                match (opener.seek(how), expect) {
                    (Ok(p), Some(e)) => {
                        assert_eq!(p, e, "seek {how:?} from {pos} landed elsewhere");
                        pos = p;
                    }
                    (Ok(p), None) => panic!("seek {how:?} from {pos} to a negative position returned {p}"),
                    (Err(e), None) => assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput),
                    (Err(e), Some(_)) => {
                        assert!(!opens, "seek {how:?} failed on an envelope that opens: {e}");
                        assert!(opener.read(&mut buf).is_err(), "a failed Opener read again succeeded");
                        return;
                    }
                }
            }
            None => {
                let want = 1 + usize::from(script.u16()) % buf.len();
                match opener.read(&mut buf[..want]) {
                    Ok(n) => {
                        assert!(n <= want);
                        if pos < len {
                            assert!(n > 0, "read returned 0 at {pos} of {len}");
                        } else {
                            assert_eq!(n, 0, "read returned bytes past the end ({pos} of {len})");
                        }
                        if let (Some(t), true) = (truth, n > 0) {
                            let p = pos as usize;
                            assert!(p + n <= t.len(), "released bytes past the sealed plaintext");
                            assert!(buf[..n] == t[p..p + n], "released bytes at {p} that were not sealed there");
                        }
                        pos += n as u64;
                    }
                    Err(e) => {
                        let e = OpenError::from_io(e);
                        assert!(!opens, "random access read at {pos} failed on an envelope that opens: {}", sig(&e));
                        let again = opener.read(&mut buf).expect_err("a failed Opener read again succeeded");
                        assert_eq!(OpenError::from_io(again).kind(), e.kind(), "a failed Opener changed its error");
                        return;
                    }
                }
            }
        }
    }
    // Everything from the start, through the seekable path.
    let mut all = Vec::new();
    let whole = opener.seek(SeekFrom::Start(0)).map_err(OpenError::from_io).and_then(|_| opener.read_all(&mut all));
    match (&whole, opens) {
        (Ok(()), true) => assert!(all == one_pass.released, "seekable read-through differs from the one-pass open"),
        (Err(_), false) => {}
        (Ok(()), false) => panic!("the seekable path accepted an envelope the one-pass open refuses"),
        (Err(e), true) => panic!("the seekable path refused an envelope that opens: {}", sig(e)),
    }
    if let Some(t) = truth {
        assert!(t.starts_with(&all), "seekable read-through released bytes that were not sealed");
    }
}
