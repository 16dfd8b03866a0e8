//! Opening: the streaming, seekable [`Opener`] and [`open_bytes`].

use std::io::{self, Read, Seek, SeekFrom};

use crate::error::OpenError;
use crate::header::{self, Header};
use crate::keys::Secret;
use crate::limits::OpenLimits;
use crate::metadata::Metadata;
use crate::primitives::TAG_LEN;
use crate::stream::{Layout, PayloadCipher, SizeCheck};
use crate::unlock::unlock;

/// Decrypts an envelope: implements [`Read`], and [`Seek`] when the source
/// does.
///
/// Plaintext is released only after its chunk authenticated, in order. A
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
    cipher: PayloadCipher,
    metadata: Option<Metadata>,
    /// Current chunk: ciphertext while being read, then its plaintext in
    /// `buf[..plain_len]`.
    buf: Vec<u8>,
    plain_len: usize,
    /// Next byte of `buf` to release.
    pos: usize,
    /// Index of the next chunk to load.
    next_index: u64,
    /// Streaming look-ahead: the first byte after the current chunk.
    peek: Option<u8>,
    /// The final chunk has been released (or the position is past the end).
    done: bool,
    size: SizeCheck,
    /// Known once the reader has been asked for its length (seekable only).
    layout: Option<Layout>,
    /// Plaintext bytes to skip in the next chunk (after a seek).
    skip: usize,
    /// The position set by the last seek, until the next chunk loads.
    seek_pos: Option<u64>,
    failed: Option<OpenError>,
}

impl<R: Read> Opener<R> {
    /// Reads and checks the header, finds the slot that `secret` opens, and
    /// verifies the header MAC. No plaintext is read yet.
    pub fn new(mut reader: R, secret: &Secret, limits: &OpenLimits) -> Result<Self, OpenError> {
        let header = header::read_header(&mut reader)?;
        let unlocked = unlock(&header, secret, limits)?;
        let chunk_size = header.chunk_size();
        let expected = unlocked.metadata.as_ref().and_then(|m| m.size);
        Ok(Opener {
            reader,
            header,
            cipher: unlocked.cipher,
            metadata: unlocked.metadata,
            buf: Vec::with_capacity(chunk_size + TAG_LEN + 1),
            plain_len: 0,
            pos: 0,
            next_index: 0,
            peek: None,
            done: false,
            size: SizeCheck { expected, seen: 0 },
            layout: None,
            skip: 0,
            seek_pos: None,
            failed: None,
        })
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
            self.fill()?;
            let chunk = &self.buf[self.pos..self.plain_len];
            if chunk.is_empty() {
                return Ok(total);
            }
            out.write_all(chunk)?;
            total += chunk.len() as u64;
            self.pos = self.plain_len;
        }
    }

    /// Makes sure `buf[pos..plain_len]` is non-empty unless the stream ended.
    fn fill(&mut self) -> Result<(), OpenError> {
        if let Some(e) = &self.failed {
            return Err(e.replay());
        }
        while self.pos == self.plain_len && !self.done {
            if let Err(e) = self.load_chunk() {
                self.buf.fill(0);
                self.buf.clear();
                self.plain_len = 0;
                self.pos = 0;
                let replay = e.replay();
                self.failed = Some(e);
                return Err(replay);
            }
        }
        Ok(())
    }

    fn load_chunk(&mut self) -> Result<(), OpenError> {
        let index = self.next_index;
        let chunk_size = self.header.chunk_size();
        let stride = chunk_size + TAG_LEN;
        self.buf.clear();
        let last = match self.layout {
            Some(layout) => {
                self.buf.resize(layout.encrypted_len(index), 0);
                // A streaming look-ahead byte, if any, starts this chunk.
                let start = match self.peek.take() {
                    Some(b) => {
                        self.buf[0] = b;
                        1
                    }
                    None => 0,
                };
                self.reader.read_exact(&mut self.buf[start..]).map_err(|e| match e.kind() {
                    io::ErrorKind::UnexpectedEof => OpenError::Truncated,
                    _ => OpenError::Io(e),
                })?;
                index + 1 == layout.chunks
            }
            None => {
                self.buf.extend(self.peek.take());
                let want = (stride + 1 - self.buf.len()) as u64;
                (&mut self.reader).take(want).read_to_end(&mut self.buf)?;
                if self.buf.len() == stride + 1 {
                    self.peek = self.buf.pop();
                    false
                } else if self.buf.is_empty() && index == 0 {
                    return Err(OpenError::Truncated);
                } else {
                    true
                }
            }
        };
        let n = self.cipher.open(index, last, &mut self.buf)?;
        if self.layout.is_none() {
            self.size.add(n)?;
            if last {
                self.size.finish()?;
            }
        }
        self.next_index = index + 1;
        self.done = last;
        self.plain_len = n;
        self.pos = self.skip.min(n);
        self.skip = 0;
        self.seek_pos = None;
        Ok(())
    }
}

impl<R: Read> Read for Opener<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.fill().map_err(OpenError::into_io)?;
        let available = &self.buf[self.pos..self.plain_len];
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
            None if self.next_index == 0 => 0,
            // The loaded chunk is `next_index - 1`.
            None => (self.next_index - 1) * self.header.chunk_size() as u64 + self.pos as u64,
        }
    }

    fn seek_to(&mut self, target: u64) -> Result<u64, OpenError> {
        if let Some(e) = &self.failed {
            return Err(e.replay());
        }
        let layout = self.layout()?;
        self.peek = None;
        self.buf.clear();
        self.plain_len = 0;
        self.pos = 0;
        self.seek_pos = Some(target);
        if target > layout.plaintext_len {
            // Past the end: reads return nothing, as with files.
            self.done = true;
            self.skip = 0;
            return Ok(target);
        }
        // At the very end, the final chunk is still loaded (and verified).
        let index = (target / layout.chunk_size).min(layout.chunks - 1);
        self.reader.seek(SeekFrom::Start(layout.offset(index)))?;
        self.next_index = index;
        self.skip = (target - index * layout.chunk_size) as usize;
        self.done = false;
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
