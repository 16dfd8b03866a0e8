//! Opening: the streaming, seekable [`Opener`] and [`open_bytes`].

use std::io::{self, IoSlice, Read, Seek, SeekFrom};
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::error::OpenError;
use crate::header::{self, Header};
use crate::keys::Secret;
use crate::limits::OpenLimits;
use crate::metadata::Metadata;
use crate::primitives::TAG_LEN;
use crate::stream::{Layout, PayloadCipher, SizeCheck};
use crate::unlock::unlock;
use crate::workers::{Opened, Pending, Threads, Workers, open_batch};

/// Decrypts an envelope: implements [`Read`], and [`Seek`] when the source
/// does.
///
/// Plaintext is released only after its chunk authenticated, in order;
/// chunks are read a batch (about 1 MiB) at a time and opened across
/// [`Opener::with_threads`] threads while the caller consumes the previous
/// batch, so memory stays at two batches whatever the envelope's size. A
/// read that ends the stream has verified the final chunk; any error is
/// final (later reads repeat it). Reading to the end is what proves the
/// envelope complete: a caller that stops early has only the authenticated
/// prefix.
///
/// With `R: Seek`, seeking costs no decryption: the next read decrypts only
/// the chunk that holds the new position, using the fixed chunk layout, so a
/// range at the end of a 10 GiB envelope is read without touching the rest.
///
/// ```
/// use std::io::{Cursor, Read, Seek, SeekFrom};
/// use kluis_core::{seal_bytes, Key, OpenLimits, Opener, SealOptions, Secret};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let key = Secret::Key(Key::from_bytes([1; 32]));
/// let plaintext: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
/// let envelope = seal_bytes(&plaintext, &[key.clone()], &SealOptions::default())?;
///
/// let mut opener = Opener::new(Cursor::new(envelope), &key, &OpenLimits::default())?;
/// opener.seek(SeekFrom::Start(150_000))?;
/// let mut range = [0u8; 100];
/// opener.read_exact(&mut range)?;
/// assert_eq!(&range[..], &plaintext[150_000..150_100]);
/// # Ok(()) }
/// ```
pub struct Opener<R> {
    reader: R,
    header: Header,
    cipher: Arc<PayloadCipher>,
    metadata: Option<Metadata>,
    workers: Workers,
    batch_chunks: usize,
    /// The batch being released, laid out as in the envelope: chunk `j`'s
    /// plaintext is `cur[j * stride..][..lens[j]]`. Wiped when replaced or
    /// dropped: plaintext does not outlive the opener.
    cur: Zeroizing<Vec<u8>>,
    /// Index of `cur`'s first chunk.
    cur_first: u64,
    /// Plaintext lengths of `cur`'s chunks that authenticated.
    lens: Vec<usize>,
    /// The refusal that follows those chunks, if any.
    cur_error: Option<OpenError>,
    /// `cur` ends with the final chunk: once released, the stream ends.
    cur_final: bool,
    /// Release cursor: chunk of `cur`, byte in it.
    chunk: usize,
    pos: usize,
    /// The next batch, read ahead and opening on the workers.
    inflight: Option<Pending<Result<Loaded, OpenError>>>,
    /// A spare buffer for the next read (wiped before reuse).
    spare: Vec<u8>,
    /// Index of the next chunk to read from `reader`.
    next_index: u64,
    /// Streaming look-ahead: the first byte after what has been read.
    peek: Option<u8>,
    /// The final chunk has been read from `reader`.
    read_done: bool,
    size: SizeCheck,
    /// Known once the reader has been asked for its length (seekable only).
    layout: Option<Layout>,
    /// Plaintext bytes to skip in the next batch's first chunk (after a seek).
    skip: usize,
    /// The position set by the last seek, until the next batch loads.
    seek_pos: Option<u64>,
    failed: Option<OpenError>,
}

/// A batch read from the envelope and opened.
struct Loaded {
    buf: Vec<u8>,
    first: u64,
    opened: Opened,
    is_final: bool,
}

impl<R: Read> Opener<R> {
    /// Reads and checks the header, finds the slot that `secret` opens, and
    /// verifies the header MAC. No plaintext is read yet.
    pub fn new(mut reader: R, secret: &Secret, limits: &OpenLimits) -> Result<Self, OpenError> {
        let header = header::read_header(&mut reader)?;
        let unlocked = unlock(&header, secret, limits)?;
        let expected = unlocked.metadata.as_ref().and_then(|m| m.size);
        let workers = Workers::new(Threads::default());
        let batch_chunks = workers.batch_chunks(header.chunk_size());
        Ok(Opener {
            reader,
            header,
            cipher: Arc::new(unlocked.cipher),
            metadata: unlocked.metadata,
            workers,
            batch_chunks,
            cur: Zeroizing::new(Vec::new()),
            cur_first: 0,
            lens: Vec::new(),
            cur_error: None,
            cur_final: false,
            chunk: 0,
            pos: 0,
            inflight: None,
            spare: Vec::new(),
            next_index: 0,
            peek: None,
            read_done: false,
            size: SizeCheck { expected, seen: 0 },
            layout: None,
            skip: 0,
            seek_pos: None,
            failed: None,
        })
    }

    /// Sets how many threads open chunks (default: every available core).
    /// Call it before the first read.
    pub fn with_threads(mut self, threads: Threads) -> Self {
        self.workers = Workers::new(threads);
        self.batch_chunks = self.workers.batch_chunks(self.header.chunk_size());
        self
    }

    /// The decrypted metadata, if the envelope has any.
    pub fn metadata(&self) -> Option<&Metadata> {
        self.metadata.as_ref()
    }

    /// Plaintext bytes per chunk.
    pub fn chunk_size(&self) -> usize {
        self.header.chunk_size()
    }

    /// Length of the header in bytes (where chunk 0 starts).
    pub fn header_len(&self) -> u64 {
        self.header.len()
    }

    /// Returns the underlying reader.
    pub fn into_inner(self) -> R {
        self.reader
    }

    /// Reads all remaining plaintext into `out`, returning a typed error.
    pub fn read_all(&mut self, out: &mut Vec<u8>) -> Result<(), OpenError> {
        self.read_to_end(out).map(|_| ()).map_err(OpenError::from_io)
    }

    /// Copies all remaining plaintext to `out`, returning its length.
    pub fn copy_to<W: io::Write + ?Sized>(&mut self, out: &mut W) -> Result<u64, OpenError> {
        let mut total = 0u64;
        loop {
            if self.fill()?.is_empty() {
                return Ok(total);
            }
            // Everything released in this batch, in one vectored write: a
            // `BufWriter` passes it straight through instead of copying it.
            let stride = self.stride();
            let last = self.lens.len() - 1;
            let mut slices: Vec<IoSlice<'_>> = (self.chunk..=last)
                .map(|j| {
                    let from = if j == self.chunk { self.pos } else { 0 };
                    IoSlice::new(&self.cur[j * stride + from..j * stride + self.lens[j]])
                })
                .collect();
            total += write_all_vectored(out, &mut slices)?;
            self.chunk = last;
            self.pos = self.lens[last];
        }
    }

    fn stride(&self) -> usize {
        self.header.chunk_size() + TAG_LEN
    }

    /// The authenticated plaintext available now; empty at the end.
    fn fill(&mut self) -> Result<&[u8], OpenError> {
        if let Some(e) = &self.failed {
            return Err(e.replay());
        }
        loop {
            if let Some(&len) = self.lens.get(self.chunk) {
                if self.pos < len {
                    let at = self.chunk * self.stride();
                    return Ok(&self.cur[at + self.pos..at + len]);
                }
                if self.chunk + 1 < self.lens.len() {
                    self.chunk += 1;
                    self.pos = 0;
                    continue;
                }
            }
            // This batch is released.
            if let Some(e) = self.cur_error.take() {
                return Err(self.fail(e));
            }
            if self.cur_final {
                return Ok(&[]);
            }
            if let Err(e) = self.load_next() {
                return Err(self.fail(e));
            }
        }
    }

    fn fail(&mut self, e: OpenError) -> OpenError {
        self.cur.fill(0);
        self.lens.clear();
        self.inflight = None;
        let replay = e.replay();
        self.failed = Some(e);
        replay
    }

    /// Makes the next batch current and starts reading the one after.
    fn load_next(&mut self) -> Result<(), OpenError> {
        let pending = match self.inflight.take() {
            Some(p) => p,
            None => self.read_batch(),
        };
        let loaded = pending.wait().ok_or_else(|| OpenError::Io(io::Error::other("an opening thread panicked")))??;
        let mut old = std::mem::replace(&mut *self.cur, loaded.buf);
        wipe(&mut old);
        if self.spare.capacity() < old.capacity() {
            self.spare = old;
        }
        self.cur_first = loaded.first;
        self.lens = loaded.opened.lens;
        self.cur_error = loaded.opened.error;
        self.cur_final = loaded.is_final && self.cur_error.is_none();
        if self.layout.is_none() {
            self.check_size();
        }
        self.chunk = 0;
        self.pos = self.skip.min(self.lens.first().copied().unwrap_or(0));
        self.skip = 0;
        self.seek_pos = None;
        // Read ahead while the caller consumes this batch.
        if !self.cur_final && self.cur_error.is_none() && !self.read_done {
            self.inflight = Some(self.read_batch());
        }
        Ok(())
    }

    /// Applies the metadata's `size` to the batch just loaded (streaming):
    /// nothing beyond it, and not the final chunk unless the total matches.
    fn check_size(&mut self) {
        for (j, &len) in self.lens.iter().enumerate() {
            if let Err(e) = self.size.add(len) {
                self.lens.truncate(j);
                self.cur_error = Some(e);
                self.cur_final = false;
                return;
            }
        }
        if self.cur_final {
            if let Err(e) = self.size.finish() {
                self.lens.pop();
                self.cur_error = Some(e);
                self.cur_final = false;
            }
        }
    }

    /// Reads the next batch of chunks and starts opening it.
    fn read_batch(&mut self) -> Pending<Result<Loaded, OpenError>> {
        let first = self.next_index;
        let mut buf = std::mem::take(&mut self.spare);
        let is_final = match self.read_raw(&mut buf) {
            Ok(f) => f,
            Err(e) => return Pending::Ready(Err(e)),
        };
        let stride = self.stride();
        self.next_index += buf.len().div_ceil(stride) as u64;
        self.read_done = is_final;
        let (cipher, chunk_size) = (self.cipher.clone(), self.header.chunk_size());
        self.workers.start(move |w| {
            let opened = open_batch(w, &cipher, first, chunk_size, is_final, &mut buf);
            Ok(Loaded { buf, first, opened, is_final })
        })
    }

    /// Reads the encrypted bytes of the next batch into `buf`; returns
    /// whether they end with the final chunk.
    fn read_raw(&mut self, buf: &mut Vec<u8>) -> Result<bool, OpenError> {
        let stride = self.stride();
        let (want, known_final) = match self.layout {
            Some(layout) => {
                let index = self.next_index;
                let n = (self.batch_chunks as u64).min(layout.chunks - index);
                let len = (n as usize - 1) * stride + layout.encrypted_len(index + n - 1);
                (len, Some(index + n == layout.chunks))
            }
            // One byte more than a batch: whether the stream ends here.
            None => (self.batch_chunks * stride + 1, None),
        };
        // A streaming look-ahead byte, if any, starts this batch.
        let start = usize::from(self.peek.is_some());
        let filled = start + read_into(&mut self.reader, buf, start, want)?;
        if let Some(b) = self.peek.take() {
            buf[0] = b;
        }
        match known_final {
            Some(_) if filled < want => Err(OpenError::Truncated),
            Some(is_final) => Ok(is_final),
            None if filled == want => {
                self.peek = buf.pop();
                Ok(false)
            }
            None if filled == 0 => Err(OpenError::Truncated),
            None => Ok(true),
        }
    }
}

/// Reads into `buf[start..want]` until it is full or the reader ends, and
/// leaves `buf` that long; returns the bytes read. `buf` is the previous
/// batch's buffer, wiped to zeros at its full length, so resizing it
/// initialises nothing in the usual case, and reads go straight into it: a
/// `BufReader` passes reads at least its capacity long through without
/// copying (where `Read::read_to_end` would ask for 8 KiB, 16 KiB, ... and
/// have every byte copied out of the `BufReader`'s buffer).
fn read_into<R: Read + ?Sized>(reader: &mut R, buf: &mut Vec<u8>, start: usize, want: usize) -> io::Result<usize> {
    buf.resize(want, 0);
    let mut filled = start;
    while filled < want {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(filled);
    Ok(filled - start)
}

/// Overwrites `buf` with zeros at memory speed (`zeroize` writes one
/// volatile byte at a time: a quarter of `kluis open`'s CPU time went
/// there). `black_box` keeps the stores from being removed as dead when
/// the buffer is freed right after.
fn wipe(buf: &mut [u8]) {
    buf.fill(0);
    std::hint::black_box(&mut *buf);
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}

/// `Write::write_all_vectored` (unstable): writes every slice; returns the
/// bytes written.
fn write_all_vectored<W: io::Write + ?Sized>(out: &mut W, slices: &mut [IoSlice<'_>]) -> io::Result<u64> {
    let total: usize = slices.iter().map(|s| s.len()).sum();
    let mut rest = slices;
    IoSlice::advance_slices(&mut rest, 0);
    while !rest.is_empty() {
        match out.write_vectored(rest) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => IoSlice::advance_slices(&mut rest, n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(total as u64)
}

impl<R: Read> Read for Opener<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill().map_err(OpenError::into_io)?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.pos += n;
        Ok(n)
    }
}

impl<R: Read + Seek> Opener<R> {
    /// The plaintext length, computed from the envelope's length without
    /// decrypting anything. Lengths no sealer produces are refused.
    pub fn plaintext_len(&mut self) -> Result<u64, OpenError> {
        Ok(self.layout()?.plaintext_len)
    }

    fn layout(&mut self) -> Result<Layout, OpenError> {
        if let Some(layout) = self.layout {
            return Ok(layout);
        }
        let here = self.reader.stream_position()?;
        let end = self.reader.seek(SeekFrom::End(0))?;
        self.reader.seek(SeekFrom::Start(here))?;
        let layout = Layout::from_envelope_len(&self.header, end)?;
        if let Some(expected) = self.size.expected {
            if expected != layout.plaintext_len {
                return Err(OpenError::SizeMismatch { expected, actual: layout.plaintext_len });
            }
        }
        self.layout = Some(layout);
        Ok(layout)
    }

    /// Plaintext offset of the next byte `read` returns.
    fn position(&self) -> u64 {
        match self.seek_pos {
            Some(p) => p,
            None => (self.cur_first + self.chunk as u64) * self.header.chunk_size() as u64 + self.pos as u64,
        }
    }

    fn seek_to(&mut self, target: u64) -> Result<u64, OpenError> {
        if let Some(e) = &self.failed {
            return Err(e.replay());
        }
        let layout = self.layout()?;
        self.inflight = None;
        self.peek = None;
        self.lens.clear();
        self.cur_error = None;
        self.chunk = 0;
        self.pos = 0;
        self.seek_pos = Some(target);
        if target > layout.plaintext_len {
            // Past the end: reads return nothing, as with files.
            self.cur_final = true;
            self.read_done = true;
            return Ok(target);
        }
        // At the very end, the final chunk is still loaded (and verified).
        let index = (target / layout.chunk_size).min(layout.chunks - 1);
        self.reader.seek(SeekFrom::Start(layout.offset(index)))?;
        self.next_index = index;
        self.skip = (target - index * layout.chunk_size) as usize;
        self.cur_final = false;
        self.read_done = false;
        Ok(target)
    }
}

impl<R: Read + Seek> Seek for Opener<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let layout = self.layout().map_err(OpenError::into_io)?;
        let base = match pos {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => layout.plaintext_len.checked_add_signed(d),
            SeekFrom::Current(d) => self.position().checked_add_signed(d),
        };
        let target = base
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek to a negative or overflowing position"))?;
        self.seek_to(target).map_err(OpenError::into_io)
    }
}

/// Opens an envelope held in memory, returning the plaintext and metadata.
///
/// ```
/// use kluis_core::{open_bytes, seal_bytes, Key, OpenError, OpenLimits, SealOptions, Secret};
/// let key = Secret::Key(Key::from_bytes([42; 32]));
/// let mut envelope = seal_bytes(b"hello", &[key.clone()], &SealOptions::default()).unwrap();
/// *envelope.last_mut().unwrap() ^= 1;
/// assert!(matches!(open_bytes(&envelope, &key, &OpenLimits::default()), Err(OpenError::ChunkTampered { index: 0 })));
/// ```
pub fn open_bytes(
    envelope: &[u8],
    secret: &Secret,
    limits: &OpenLimits,
) -> Result<(Vec<u8>, Option<Metadata>), OpenError> {
    let mut opener = Opener::new(envelope, secret, limits)?;
    let mut out = Vec::with_capacity(envelope.len());
    opener.read_all(&mut out)?;
    Ok((out, opener.metadata))
}
