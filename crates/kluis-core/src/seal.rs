//! Sealing: options, header construction, and the streaming [`Sealer`].

use std::io::{self, IoSliceMut, Read, Write};
use std::sync::Arc;

use rand_core::TryCryptoRng;
use zeroize::Zeroizing;

use crate::chunks::ChunkKey;
use crate::error::SealError;
use crate::header::{
    self, ARGON_SALT_LEN, DEFAULT_CHUNK_LOG2, KeySlot, MAX_CHUNK_LOG2, MAX_PASSWORD_SLOTS, MAX_SLOTS, MIN_CHUNK_LOG2,
    PasswordSlot, SALT_LEN, Slot,
};
use crate::keys::Secret;
use crate::limits::{Argon2Params, OpenLimits};
use crate::metadata::Metadata;
use crate::primitives::{self, KEY_LEN, TAG_LEN};
use crate::schedule::{EnvelopeKeys, FileKey, Kek};
use crate::stream::PayloadCipher;
use crate::workers::{Pending, SealShape, Threads, Workers, seal_batch};

/// How to seal: chunk size, Argon2 cost, metadata.
///
/// ```
/// use kluis_core::{Argon2Params, Metadata, SealOptions};
/// let options = SealOptions::default()
///     .with_chunk_size(1 << 20)?
///     .with_argon2(Argon2Params { m_kib: 131_072, t: 3, p: 4 })?
///     .with_metadata(&Metadata::named("plan.pdf"))?;
/// assert_eq!(options.chunk_size(), 1 << 20);
/// # Ok::<(), kluis_core::SealError>(())
/// ```
#[derive(Clone, Debug)]
pub struct SealOptions {
    chunk_log2: u8,
    argon2: Argon2Params,
    pub(crate) metadata_json: Option<String>,
    threads: Threads,
    /// Unchecked metadata bytes, only ever set by tests.
    #[cfg(test)]
    metadata_raw: Option<Vec<u8>>,
}

impl Default for SealOptions {
    fn default() -> Self {
        SealOptions {
            chunk_log2: DEFAULT_CHUNK_LOG2,
            argon2: Argon2Params::DEFAULT,
            metadata_json: None,
            threads: Threads::default(),
            #[cfg(test)]
            metadata_raw: None,
        }
    }
}

impl SealOptions {
    /// Sets the plaintext chunk size: a power of two from 4 KiB to 16 MiB.
    pub fn with_chunk_size(mut self, bytes: u64) -> Result<Self, SealError> {
        if !bytes.is_power_of_two() {
            return Err(SealError::InvalidChunkSize(bytes));
        }
        let log2 = bytes.trailing_zeros();
        if !(u32::from(MIN_CHUNK_LOG2)..=u32::from(MAX_CHUNK_LOG2)).contains(&log2) {
            return Err(SealError::InvalidChunkSize(bytes));
        }
        self.chunk_log2 = log2 as u8;
        Ok(self)
    }

    /// Sets the Argon2id cost of password slots. Parameters a default reader
    /// would refuse are refused here.
    pub fn with_argon2(mut self, params: Argon2Params) -> Result<Self, SealError> {
        OpenLimits::default().check(&params).map_err(|e| SealError::InvalidArgon2(e.to_string()))?;
        self.argon2 = params;
        Ok(self)
    }

    /// Seals `metadata` into the header.
    pub fn with_metadata(mut self, metadata: &Metadata) -> Result<Self, SealError> {
        self.metadata_json = Some(metadata.to_json().map_err(SealError::InvalidMetadata)?);
        Ok(self)
    }

    /// Seals metadata given as JSON text, byte for byte (it must be a JSON
    /// object of at most 65,536 bytes whose defined keys are well typed).
    pub fn with_metadata_json(mut self, json: impl Into<String>) -> Result<Self, SealError> {
        let json = json.into();
        Metadata::from_json(&json).and_then(|m| m.check_name()).map_err(SealError::InvalidMetadata)?;
        self.metadata_json = Some(json);
        Ok(self)
    }

    /// Any metadata bytes, unchecked (tests build malformed envelopes).
    #[cfg(test)]
    pub(crate) fn raw_metadata_for_tests(mut self, json: Option<Vec<u8>>) -> Self {
        self.metadata_raw = json;
        self
    }

    /// Sets how many threads seal chunks (default: every available core).
    pub fn with_threads(mut self, threads: Threads) -> Self {
        self.threads = threads;
        self
    }

    /// Plaintext bytes per chunk.
    pub fn chunk_size(&self) -> usize {
        1 << self.chunk_log2
    }

    /// The Argon2id cost of password slots.
    pub fn argon2(&self) -> Argon2Params {
        self.argon2
    }

    /// The metadata that will be sealed, if any.
    pub fn metadata(&self) -> Option<Metadata> {
        self.metadata_json.as_deref().and_then(|j| Metadata::from_json(j).ok())
    }
}

fn fill<R: TryCryptoRng + ?Sized>(rng: &mut R, buf: &mut [u8]) -> Result<(), SealError> {
    rng.try_fill_bytes(buf).map_err(|_| SealError::Randomness)
}

/// A freshly built header and the payload cipher bound to it.
pub(crate) struct SealedHeader {
    pub(crate) bytes: Vec<u8>,
    /// The payload key as workers take it ([`crate::chunks`]).
    pub(crate) key: ChunkKey,
    pub(crate) cipher: PayloadCipher,
    pub(crate) chunk_size: usize,
    pub(crate) expected_size: Option<u64>,
}

/// Builds a header for `secrets`, drawing randomness in the documented
/// order: file key (32 bytes), salt (32), then one Argon2 salt (16) per
/// password, in slot order.
pub(crate) fn build_header<R: TryCryptoRng + ?Sized>(
    secrets: &[Secret],
    options: &SealOptions,
    rng: &mut R,
) -> Result<SealedHeader, SealError> {
    if secrets.is_empty() || secrets.len() > MAX_SLOTS {
        return Err(SealError::SecretCount(secrets.len()));
    }
    let passwords: Vec<_> = secrets
        .iter()
        .filter_map(|s| match s {
            Secret::Password(p) => Some(p),
            Secret::Key(_) => None,
        })
        .collect();
    if passwords.len() > MAX_PASSWORD_SLOTS {
        return Err(SealError::TooManyPasswords(passwords.len()));
    }
    if passwords.iter().any(|p| p.normalized().is_empty()) {
        return Err(SealError::EmptyPassword);
    }
    let mut file_key: FileKey = Zeroizing::new([0u8; KEY_LEN]);
    fill(rng, file_key.as_mut())?;
    let mut salt = [0u8; SALT_LEN];
    fill(rng, &mut salt)?;

    let mut slots = Vec::with_capacity(secrets.len());
    for secret in secrets {
        let slot = match secret {
            Secret::Password(password) => {
                let mut argon_salt = [0u8; ARGON_SALT_LEN];
                fill(rng, &mut argon_salt)?;
                let kek = Kek::from_password(password, &argon_salt, options.argon2)
                    .map_err(|e| SealError::InvalidArgon2(e.to_string()))?;
                let (commit, wrapped) = kek.wrap(&salt, &file_key);
                Slot::Password(PasswordSlot { params: options.argon2, argon_salt, commit, wrapped })
            }
            Secret::Key(key) => {
                let (commit, wrapped) = Kek::from_key(key).wrap(&salt, &file_key);
                Slot::Key(KeySlot { commit, wrapped })
            }
        };
        slots.push(slot);
    }
    Ok(finish_header(options, &file_key, &salt, &slots))
}

/// Encrypts the metadata, encodes the header and appends its MAC.
pub(crate) fn finish_header(
    options: &SealOptions,
    file_key: &FileKey,
    salt: &[u8; SALT_LEN],
    slots: &[Slot],
) -> SealedHeader {
    let keys = EnvelopeKeys::derive(file_key, salt);
    let json: Option<&[u8]> = options.metadata_json.as_ref().map(|j| j.as_bytes());
    #[cfg(test)]
    let json = options.metadata_raw.as_deref().or(json);
    let meta_ct = match json {
        Some(json) => {
            let mut buf = Vec::with_capacity(json.len() + TAG_LEN);
            buf.extend_from_slice(json);
            primitives::aead_seal(&primitives::aead(&keys.meta_key), &[0; 12], &[], &mut buf);
            buf
        }
        None => Vec::new(),
    };
    let mut bytes = header::encode_unauthenticated(options.chunk_log2, salt, slots, &meta_ct);
    let mac = primitives::hmac(&keys.mac_key, &bytes);
    bytes.extend_from_slice(&mac);
    SealedHeader {
        bytes,
        key: ChunkKey::new(&keys.payload_key, &mac, options.chunk_log2),
        cipher: PayloadCipher::new(&keys.payload_key, &mac),
        chunk_size: options.chunk_size(),
        expected_size: options.metadata().and_then(|m| m.size),
    }
}

/// Encrypts a stream: implements [`Write`]; [`Sealer::finish`] writes the
/// final chunk and returns the inner writer.
///
/// Chunks are sealed in batches across [`SealOptions::with_threads`]
/// threads while the caller goes on writing; at most two batches (about
/// 2 MiB at the default chunk size) are held, whatever the stream's length.
/// Output reaches the inner writer a batch at a time, in order.
///
/// Dropping a `Sealer` without calling `finish` leaves an envelope without
/// its final chunk, which every reader refuses as truncated.
///
/// ```
/// use std::io::Write;
/// use kluis_core::{Argon2Params, OpenLimits, Opener, SealOptions, Sealer, Secret};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let options = SealOptions::default().with_argon2(Argon2Params::INSECURE_TEST)?;
/// let mut sealer = Sealer::new(Vec::new(), &[Secret::password("correct horse")], &options)?;
/// sealer.write_all(b"attachment bytes")?;
/// let envelope = sealer.finish()?;
///
/// let mut opener = Opener::new(&envelope[..], &Secret::password("correct horse"), &OpenLimits::default())?;
/// let mut plaintext = Vec::new();
/// std::io::Read::read_to_end(&mut opener, &mut plaintext)?;
/// assert_eq!(plaintext, b"attachment bytes");
/// # Ok(()) }
/// ```
pub struct Sealer<W: Write> {
    writer: W,
    cipher: Arc<PayloadCipher>,
    workers: Workers,
    chunk_size: usize,
    batch_chunks: usize,
    /// The batch being filled: plaintext at chunk slots (`chunk_size + 16`
    /// apart, the gaps left for tags); its length is the write position.
    /// Wiped on drop: plaintext does not outlive the sealer.
    fill: Zeroizing<Vec<u8>>,
    /// Full chunks in `fill` before the current one.
    full: usize,
    /// Bytes in the current chunk.
    cur_len: usize,
    /// Index of the first chunk in `fill`.
    index: u64,
    /// The batch being sealed off this thread.
    inflight: Option<Pending<Vec<u8>>>,
    written: u64,
    expected_size: Option<u64>,
}

impl<W: Write> Sealer<W> {
    /// Writes the header for `secrets` and returns a sealer for the payload.
    /// Randomness comes from the operating system.
    pub fn new(writer: W, secrets: &[Secret], options: &SealOptions) -> Result<Self, SealError> {
        Self::with_rng(writer, secrets, options, &mut getrandom::SysRng)
    }

    /// As [`Sealer::new`], drawing randomness from `rng` (for reproducible
    /// test vectors; production code uses [`Sealer::new`]).
    pub fn with_rng<R: TryCryptoRng + ?Sized>(
        writer: W,
        secrets: &[Secret],
        options: &SealOptions,
        rng: &mut R,
    ) -> Result<Self, SealError> {
        let header = build_header(secrets, options, rng)?;
        Self::from_header(writer, header, options.threads)
    }

    /// Writes a built header and returns a sealer for the payload.
    pub(crate) fn from_header(mut writer: W, header: SealedHeader, threads: Threads) -> Result<Self, SealError> {
        writer.write_all(&header.bytes)?;
        let workers = Workers::new(threads);
        let batch_chunks = workers.batch_chunks(header.chunk_size);
        Ok(Sealer {
            writer,
            cipher: Arc::new(header.cipher),
            chunk_size: header.chunk_size,
            batch_chunks,
            fill: Zeroizing::new(Vec::new()),
            workers,
            full: 0,
            cur_len: 0,
            index: 0,
            inflight: None,
            written: 0,
            expected_size: header.expected_size,
        })
    }

    /// Plaintext bytes accepted so far.
    pub fn plaintext_len(&self) -> u64 {
        self.written
    }

    /// The inner writer (for draining an in-memory sink between writes).
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.writer
    }

    /// Hands the filled batch (`chunks` chunks, the last `last_len` bytes
    /// long) to the workers, then writes the previous batch.
    fn dispatch(&mut self, chunks: usize, last_len: usize, last_is_final: bool) -> io::Result<()> {
        let mut buf = std::mem::take(&mut *self.fill);
        let (cipher, chunk_size) = (self.cipher.clone(), self.chunk_size);
        let shape = SealShape { first_index: self.index, chunks, last_len, last_is_final };
        let job = self.workers.start(move |w| {
            seal_batch(w, &cipher, chunk_size, shape, &mut buf);
            buf
        });
        self.index += chunks as u64;
        self.full = 0;
        self.cur_len = 0;
        let previous = self.inflight.replace(job);
        // The returned buffer holds ciphertext only.
        // The returned buffer is reused as it is: its bytes are overwritten
        // before they are sealed again (tag gaps included).
        *self.fill = match previous {
            Some(p) => self.write_out(p)?,
            None => Vec::new(),
        };
        Ok(())
    }

    /// A full current chunk is sealed only once more data arrives (until
    /// then it may still be the final chunk): it joins the batch, or
    /// dispatches it when it is the batch's last.
    fn advance_if_full(&mut self) -> io::Result<()> {
        if self.cur_len == self.chunk_size {
            if self.full + 1 == self.batch_chunks {
                self.dispatch(self.batch_chunks, self.chunk_size, false)?;
            } else {
                self.full += 1;
                self.cur_len = 0;
            }
        }
        Ok(())
    }

    /// The batch buffer spans a whole batch: zeroed once, then the previous
    /// batch's buffer is reused without clearing (its length, not a cursor
    /// in it, was the write position before).
    fn ensure_batch_buffer(&mut self) {
        let len = self.batch_chunks * (self.chunk_size + TAG_LEN);
        if self.fill.len() < len {
            self.fill.resize(len, 0);
        }
    }

    /// Seals everything `reader` yields until it ends, reading straight
    /// into the batch buffer: one `read_vectored` per batch, its slices the
    /// chunks' plaintext slots, where the reader supports it (files and
    /// standard input do). `io::copy` into the sealer does the same with one
    /// more copy of every byte. Returns the bytes read.
    pub fn read_from<R: Read + ?Sized>(&mut self, reader: &mut R) -> io::Result<u64> {
        let (chunk_size, stride) = (self.chunk_size, self.chunk_size + TAG_LEN);
        let mut total = 0u64;
        loop {
            if self.cur_len == chunk_size && self.full + 1 == self.batch_chunks {
                // A full batch is sealed (as not final) only once more data
                // arrives: one byte tells, and starts the next batch.
                let mut first = [0u8; 1];
                let n = loop {
                    match reader.read(&mut first) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                };
                if n == 0 {
                    return Ok(total);
                }
                if self.expected_size.is_some_and(|e| self.written + 1 > e) {
                    return Err(too_much());
                }
                self.dispatch(self.batch_chunks, chunk_size, false)?;
                self.ensure_batch_buffer();
                self.fill[0] = first[0];
                self.cur_len = 1;
                self.written += 1;
                total += 1;
                continue;
            }
            self.ensure_batch_buffer();
            // At most one byte beyond the announced size, to notice it.
            let mut left = self
                .expected_size
                .map_or(usize::MAX, |e| usize::try_from(e.saturating_sub(self.written)).unwrap_or(usize::MAX))
                .saturating_add(1);
            let at = self.full * stride + self.cur_len;
            let mut room = chunk_size - self.cur_len;
            let mut rest: &mut [u8] = &mut self.fill[at..];
            let mut slots = Vec::with_capacity(self.batch_chunks - self.full);
            while left > 0 && rest.len() >= room {
                let take = room.min(left);
                let (slot, tail) = rest.split_at_mut(room);
                slots.push(IoSliceMut::new(&mut slot[..take]));
                left -= take;
                if tail.len() < TAG_LEN {
                    break;
                }
                rest = &mut tail[TAG_LEN..];
                room = chunk_size;
            }
            let n = loop {
                match reader.read_vectored(&mut slots) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            if n == 0 {
                return Ok(total);
            }
            if self.expected_size.is_some_and(|e| self.written + n as u64 > e) {
                return Err(too_much());
            }
            // The current chunk's room first (none if it is full: it joins
            // the batch now that more data came), then whole chunks.
            let in_batch = self.full * chunk_size + self.cur_len + n;
            self.full = (in_batch - 1) / chunk_size;
            self.cur_len = in_batch - self.full * chunk_size;
            self.written += n as u64;
            total += n as u64;
        }
    }

    /// Waits for a sealed batch and writes it; returns its buffer for reuse.
    fn write_out(&mut self, pending: Pending<Vec<u8>>) -> io::Result<Vec<u8>> {
        let sealed = pending.wait().ok_or_else(|| io::Error::other("a sealing thread panicked"))?;
        self.writer.write_all(&sealed)?;
        Ok(sealed)
    }

    /// Seals the final chunk, flushes, and returns the writer.
    pub fn finish(mut self) -> Result<W, SealError> {
        if let Some(expected) = self.expected_size {
            if expected != self.written {
                return Err(SealError::SizeMismatch { expected, actual: self.written });
            }
        }
        self.dispatch(self.full + 1, self.cur_len, true)?;
        if let Some(p) = self.inflight.take() {
            self.write_out(p)?;
        }
        self.writer.flush()?;
        Ok(self.writer)
    }
}

impl<W: Write> Write for Sealer<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let mut rest = data;
        while !rest.is_empty() {
            self.advance_if_full()?;
            self.ensure_batch_buffer();
            let n = rest.len().min(self.chunk_size - self.cur_len);
            if self.expected_size.is_some_and(|e| self.written + n as u64 > e) {
                return Err(too_much());
            }
            let at = self.full * (self.chunk_size + TAG_LEN) + self.cur_len;
            self.fill[at..at + n].copy_from_slice(&rest[..n]);
            self.cur_len += n;
            self.written += n as u64;
            rest = &rest[n..];
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

fn too_much() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "more data than the metadata's size announces")
}

/// Seals `plaintext` in memory.
///
/// ```
/// use kluis_core::{open_bytes, seal_bytes, Key, OpenLimits, SealOptions, Secret};
/// let key = Secret::Key(Key::from_bytes([42; 32]));
/// let envelope = seal_bytes(b"hello", &[key.clone()], &SealOptions::default()).unwrap();
/// let (plaintext, _metadata) = open_bytes(&envelope, &key, &OpenLimits::default()).unwrap();
/// assert_eq!(plaintext, b"hello");
/// ```
pub fn seal_bytes(plaintext: &[u8], secrets: &[Secret], options: &SealOptions) -> Result<Vec<u8>, SealError> {
    let chunks = plaintext.len() / options.chunk_size() + 1;
    let mut sealer = Sealer::new(Vec::with_capacity(plaintext.len() + chunks * TAG_LEN + 512), secrets, options)?;
    sealer.write_all(plaintext)?;
    sealer.finish()
}

#[cfg(test)]
mod read_from_tests {
    use std::io::{self, Cursor, Read, Write};

    use super::{SealOptions, Sealer};
    use crate::keys::{Key, Secret};
    use crate::metadata::Metadata;
    use crate::tests::support::{ReplayRng, plaintext};
    use crate::workers::Threads;

    /// Yields at most `step` bytes per call and has no `read_vectored` of
    /// its own (the default fills only the first slice).
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.1).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn seal(options: &SealOptions, fill: impl FnOnce(&mut Sealer<Vec<u8>>) -> io::Result<()>) -> Vec<u8> {
        let secrets = [Secret::Key(Key::from_bytes([3; 32]))];
        let mut rng = ReplayRng::new(&[&[1; 32], &[2; 32]]);
        let mut sealer = Sealer::with_rng(Vec::new(), &secrets, options, &mut rng).unwrap();
        fill(&mut sealer).unwrap();
        sealer.finish().unwrap()
    }

    /// `read_from` builds the same envelope as `write_all`, byte for byte,
    /// whatever the reader's pieces, at chunk and batch boundaries.
    #[test]
    fn read_from_matches_write_all() {
        let chunk = 4096;
        for threads in [1, 2] {
            let options =
                SealOptions::default().with_chunk_size(chunk as u64).unwrap().with_threads(Threads::new(threads));
            let batch = 1 << 20; // plaintext per batch (BATCH_BYTES)
            for len in [0, 1, chunk - 1, chunk, chunk + 1, batch - 1, batch, batch + 1, 2 * batch, 3 * batch + 17] {
                let data = plaintext(len);
                let expected = seal(&options, |s| s.write_all(&data));
                assert_eq!(seal(&options, |s| s.read_from(&mut Cursor::new(&data)).map(|_| ())), expected, "{len}");
                let steps: &[usize] =
                    if len <= 2 * chunk { &[1, 7, chunk, chunk + 5] } else { &[chunk - 1, 3 * chunk + 1] };
                for &step in steps {
                    let got = seal(&options, |s| s.read_from(&mut Trickle(&data, step)).map(|_| ()));
                    assert_eq!(got, expected, "len {len}, step {step}");
                }
                // Mixed with writes.
                let half = len / 2;
                let got = seal(&options, |s| {
                    s.write_all(&data[..half])?;
                    s.read_from(&mut Cursor::new(&data[half..]))?;
                    Ok(())
                });
                assert_eq!(got, expected, "mixed {len}");
            }
        }
    }

    /// More data than the metadata's size is refused, as with `write`.
    #[test]
    fn read_from_refuses_more_than_the_size() {
        let options = SealOptions::default()
            .with_chunk_size(4096)
            .unwrap()
            .with_metadata(&Metadata { size: Some(5000), ..Metadata::default() })
            .unwrap();
        let secrets = [Secret::Key(Key::from_bytes([3; 32]))];
        let mut sealer = Sealer::new(Vec::new(), &secrets, &options).unwrap();
        let err = sealer.read_from(&mut Cursor::new(vec![0u8; 5001])).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let mut sealer = Sealer::new(Vec::new(), &secrets, &options).unwrap();
        assert_eq!(sealer.read_from(&mut Cursor::new(vec![0u8; 5000])).unwrap(), 5000);
        assert!(sealer.finish().is_ok());
    }
}
