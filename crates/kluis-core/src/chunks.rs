//! Chunk-level sealing and opening, for callers that run the chunks of one
//! envelope on workers of their own (the JavaScript package's Web Workers,
//! where WebAssembly has no threads).
//!
//! The work splits in three, and every rule stays here:
//!
//! 1. the header: [`seal_header`] (Argon2 for password slots) or
//!    [`header_len`] then [`open_header`], each giving a [`ChunkKey`];
//! 2. the cut: a [`ChunkSplitter`] turns the stream into [`Piece`]s, each
//!    with its index and whether it is the final chunk (a full chunk is
//!    final only if nothing follows it);
//! 3. the crypto: any number of workers, each with a [`ChunkCipher`] made
//!    from the key's bytes, seal or open pieces in any order; the caller
//!    puts the results back in index order, and when opening passes each
//!    length through a [`ReleaseCheck`] before releasing it.
//!
//! Opening refuses exactly what [`crate::Opener`] refuses, with the same
//! [`OpenError`]s; sealing writes the same bytes as [`crate::Sealer`].
//!
//! ```
//! use kluis_core::{open_bytes, seal_header, ChunkCipher, ChunkSplitter, Key, OpenLimits, SealOptions, Secret};
//! let secret = Secret::Key(Key::from_bytes([5; 32]));
//! let options = SealOptions::default().with_chunk_size(4096)?;
//! let (mut envelope, key) = seal_header(&[secret.clone()], &options)?;
//! // `key.as_bytes()` is what a worker gets (it holds key material).
//! let worker = ChunkCipher::new(&kluis_core::ChunkKey::from_slice(key.as_bytes())?);
//! let mut splitter = ChunkSplitter::for_plaintext(&key);
//! let mut pieces = splitter.push(&[1u8; 10_000]);
//! pieces.push(splitter.finish()?);
//! for piece in pieces {
//!     envelope.extend(worker.seal(piece.index, piece.last, &piece.bytes)?);
//! }
//! let (plaintext, _) = open_bytes(&envelope, &secret, &OpenLimits::default())?;
//! assert_eq!(plaintext, vec![1u8; 10_000]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use zeroize::Zeroizing;

use crate::error::{OpenError, SealError};
use crate::header::{self, MAC_LEN, MAGIC, MAX_CHUNK_LOG2, MIN_CHUNK_LOG2, Parsed};
use crate::keys::{InvalidKey, Secret};
use crate::limits::OpenLimits;
use crate::metadata::Metadata;
use crate::primitives::{KEY_LEN, TAG_LEN};
use crate::seal::{SealOptions, build_header};
use crate::stream::{PayloadCipher, SizeCheck};
use crate::unlock::unlock;

/// Bytes of a [`ChunkKey`]: payload key, header MAC, chunk size (log2).
const CHUNK_KEY_LEN: usize = KEY_LEN + MAC_LEN + 1;

/// What a worker needs to seal or open the chunks of one envelope: the
/// payload key, the header MAC the chunks are bound to, and the chunk size.
///
/// It is key material: zeroized on drop, printed as `<redacted>`; its
/// bytes ([`ChunkKey::as_bytes`]) are meant only for handing to a worker.
///
/// ```
/// use kluis_core::ChunkKey;
/// assert!(ChunkKey::from_slice(&[0; 10]).is_err());
/// let mut bytes = [7u8; 65];
/// bytes[64] = 16; // 64 KiB chunks
/// let key = ChunkKey::from_slice(&bytes).unwrap();
/// assert_eq!(key.chunk_size(), 65_536);
/// assert_eq!(format!("{key:?}"), "ChunkKey(<redacted>)");
/// ```
#[derive(Clone)]
pub struct ChunkKey(Zeroizing<[u8; CHUNK_KEY_LEN]>);

impl ChunkKey {
    pub(crate) fn new(payload_key: &[u8; KEY_LEN], header_mac: &[u8; MAC_LEN], chunk_log2: u8) -> Self {
        let mut bytes = Zeroizing::new([0u8; CHUNK_KEY_LEN]);
        bytes[..KEY_LEN].copy_from_slice(payload_key);
        bytes[KEY_LEN..KEY_LEN + MAC_LEN].copy_from_slice(header_mac);
        bytes[CHUNK_KEY_LEN - 1] = chunk_log2;
        ChunkKey(bytes)
    }

    /// A key from the bytes [`ChunkKey::as_bytes`] gave: 65 bytes whose
    /// last is a chunk size the format allows.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, InvalidKey> {
        let array: [u8; CHUNK_KEY_LEN] = bytes.try_into().map_err(|_| InvalidKey)?;
        let array = Zeroizing::new(array);
        if !(MIN_CHUNK_LOG2..=MAX_CHUNK_LOG2).contains(&array[CHUNK_KEY_LEN - 1]) {
            return Err(InvalidKey);
        }
        Ok(ChunkKey(array))
    }

    /// The key's bytes, for handing to a worker.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_ref()
    }

    /// Plaintext bytes per chunk.
    pub fn chunk_size(&self) -> usize {
        1 << self.0[CHUNK_KEY_LEN - 1]
    }

    fn cipher(&self) -> PayloadCipher {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        key.copy_from_slice(&self.0[..KEY_LEN]);
        let mut mac = [0u8; MAC_LEN];
        mac.copy_from_slice(&self.0[KEY_LEN..KEY_LEN + MAC_LEN]);
        PayloadCipher::new(&key, &mac)
    }
}

impl fmt::Debug for ChunkKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChunkKey(<redacted>)")
    }
}

/// Builds a header for `secrets` (Argon2 for each password): returns its
/// bytes, which start the envelope, and the key its chunks are sealed with.
/// Randomness comes from the operating system (the browser's
/// `crypto.getRandomValues` in WebAssembly).
pub fn seal_header(secrets: &[Secret], options: &SealOptions) -> Result<(Vec<u8>, ChunkKey), SealError> {
    let header = build_header(secrets, options, &mut getrandom::SysRng)?;
    Ok((header.bytes, header.key))
}

/// How far a prefix of an envelope is from holding the whole header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderLen {
    /// At least this many bytes in all are needed before asking again.
    NeedMore(usize),
    /// The header is this long; the payload starts right after it.
    Complete(usize),
}

/// Parses as much of the header as `prefix` holds (no secret needed, no
/// key derivation), refusing a bad magic, version or field at once.
///
/// ```
/// use kluis_core::{header_len, HeaderLen, OpenError};
/// assert!(matches!(header_len(b"KLU"), Ok(HeaderLen::NeedMore(_))));
/// assert!(matches!(header_len(b"GIF89a"), Err(OpenError::BadMagic)));
/// ```
pub fn header_len(prefix: &[u8]) -> Result<HeaderLen, OpenError> {
    match header::parse(prefix)? {
        Parsed::Done(header) => Ok(HeaderLen::Complete(header.bytes.len())),
        Parsed::NeedMore { total, .. } => Ok(HeaderLen::NeedMore(total.max(prefix.len() + 1))),
    }
}

/// A header opened by [`open_header`].
#[derive(Debug)]
pub struct OpenedHeader {
    /// The key the payload's chunks open with.
    pub key: ChunkKey,
    /// The decrypted metadata, if the envelope has any.
    pub metadata: Option<Metadata>,
    /// The header's length: the payload starts there.
    pub header_len: usize,
}

/// Opens the header at the start of `bytes` (which may go on into the
/// payload) with `secret`: the slot search (Argon2 for a password, after
/// the costs are checked against `limits`), the header MAC, the metadata.
/// A header cut short is refused as [`crate::Opener`] refuses it.
pub fn open_header(bytes: &[u8], secret: &Secret, limits: &OpenLimits) -> Result<OpenedHeader, OpenError> {
    let header = match header::parse(bytes)? {
        Parsed::Done(header) => header,
        Parsed::NeedMore { .. } if bytes.len() < MAGIC.len() => return Err(OpenError::BadMagic),
        Parsed::NeedMore { field, .. } => return Err(OpenError::MalformedHeader { field, reason: "cut short" }),
    };
    let unlocked = unlock(&header, secret, limits)?;
    Ok(OpenedHeader { key: unlocked.key, metadata: unlocked.metadata, header_len: header.bytes.len() })
}

/// Seals and opens single chunks with a [`ChunkKey`]; one per worker.
pub struct ChunkCipher {
    cipher: PayloadCipher,
    chunk_size: usize,
}

impl ChunkCipher {
    /// A cipher for the chunks of the envelope `key` belongs to.
    pub fn new(key: &ChunkKey) -> Self {
        ChunkCipher { cipher: key.cipher(), chunk_size: key.chunk_size() }
    }

    /// Seals chunk `index` (`last`: the final chunk): returns its ciphertext
    /// and tag. A chunk that is not the final one holds exactly the chunk
    /// size; the final one at most that, and nothing only if it is chunk 0.
    ///
    /// ```
    /// use kluis_core::{ChunkCipher, ChunkKey};
    /// let mut bytes = [1u8; 65];
    /// bytes[64] = 12; // 4 KiB chunks
    /// let cipher = ChunkCipher::new(&ChunkKey::from_slice(&bytes).unwrap());
    /// let sealed = cipher.seal(3, true, b"tail").unwrap();
    /// assert_eq!(cipher.open(3, true, &sealed).unwrap(), b"tail");
    /// assert!(cipher.seal(3, false, b"short middle chunk").is_err());
    /// ```
    pub fn seal(&self, index: u64, last: bool, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        let len = plaintext.len();
        let fits = if last { len <= self.chunk_size && (len > 0 || index == 0) } else { len == self.chunk_size };
        if !fits {
            return Err(SealError::ChunkLength { index, len });
        }
        let mut buf = Vec::with_capacity(len + TAG_LEN);
        buf.extend_from_slice(plaintext);
        buf.resize(len + TAG_LEN, 0);
        self.cipher.seal_in_place(index, last, &mut buf, len);
        Ok(buf)
    }

    /// Opens chunk `index` as the reader sees it (`last`: it ends the
    /// envelope), returning the authenticated plaintext or the refusal
    /// [`crate::Opener`] would give: `ChunkTampered`, `Truncated` (a middle
    /// chunk where the final one should be), `TrailingData` (the final
    /// chunk followed by more).
    pub fn open(&self, index: u64, last: bool, ciphertext: &[u8]) -> Result<Vec<u8>, OpenError> {
        let mut buf = ciphertext.to_vec();
        let n = self.open_in_place(index, last, &mut buf)?;
        buf.truncate(n);
        Ok(buf)
    }

    /// [`open`](ChunkCipher::open) in place: `buf` holds the chunk's
    /// ciphertext and tag; on success its first `n` bytes are the
    /// authenticated plaintext and `n` is returned (the tag's 16 bytes after
    /// them are left as they were). On a refusal `buf` holds no plaintext:
    /// the ciphertext as it came, or zeros. For a host that keeps its own
    /// buffers (the npm package's workers, which allocate nothing per chunk).
    ///
    /// ```
    /// use kluis_core::{ChunkCipher, ChunkKey};
    /// let mut bytes = [1u8; 65];
    /// bytes[64] = 12; // 4 KiB chunks
    /// let cipher = ChunkCipher::new(&ChunkKey::from_slice(&bytes).unwrap());
    /// let mut buf = cipher.seal(3, true, b"tail").unwrap();
    /// let n = cipher.open_in_place(3, true, &mut buf).unwrap();
    /// assert_eq!(&buf[..n], b"tail");
    /// ```
    pub fn open_in_place(&self, index: u64, last: bool, buf: &mut [u8]) -> Result<usize, OpenError> {
        let stride = self.chunk_size + TAG_LEN;
        let fits = if last { buf.len() <= stride } else { buf.len() == stride };
        if !fits {
            return Err(OpenError::ChunkTampered { index });
        }
        self.cipher.open(index, last, buf)
    }
}

/// One chunk's worth of input, cut by a [`ChunkSplitter`].
pub struct Piece {
    /// The chunk's index in the envelope.
    pub index: u64,
    /// Whether it is the final chunk (nothing follows it).
    pub last: bool,
    /// Its plaintext (sealing) or ciphertext and tag (opening).
    pub bytes: Vec<u8>,
}

impl fmt::Debug for Piece {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Piece")
            .field("index", &self.index)
            .field("last", &self.last)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// Cuts a stream fed in pieces of any size into chunks: plaintext to seal
/// or an envelope's payload to open. A full chunk is handed out only once
/// a byte after it shows that it is not the final one; [`ChunkSplitter::finish`]
/// hands out the final chunk. Holds at most one chunk between calls.
///
/// ```
/// use kluis_core::{ChunkKey, ChunkSplitter};
/// let mut bytes = [0u8; 65];
/// bytes[64] = 12; // 4 KiB chunks
/// let mut splitter = ChunkSplitter::for_plaintext(&ChunkKey::from_slice(&bytes).unwrap());
/// assert_eq!(splitter.push(&[0; 4096]).len(), 0); // final or not? not known yet
/// let pieces = splitter.push(&[0; 10]);
/// assert_eq!((pieces[0].index, pieces[0].last, pieces[0].bytes.len()), (0, false, 4096));
/// let last = splitter.finish().unwrap();
/// assert_eq!((last.index, last.last, last.bytes.len()), (1, true, 10));
/// ```
pub struct ChunkSplitter {
    piece_len: usize,
    index: u64,
    pending: Zeroizing<Vec<u8>>,
    opening: bool,
}

impl ChunkSplitter {
    /// Cuts plaintext into chunks to seal.
    pub fn for_plaintext(key: &ChunkKey) -> Self {
        ChunkSplitter { piece_len: key.chunk_size(), index: 0, pending: Zeroizing::new(Vec::new()), opening: false }
    }

    /// Cuts an envelope's payload (the bytes after the header) into chunks
    /// to open.
    pub fn for_envelope(key: &ChunkKey) -> Self {
        ChunkSplitter {
            piece_len: key.chunk_size() + TAG_LEN,
            index: 0,
            pending: Zeroizing::new(Vec::new()),
            opening: true,
        }
    }

    /// Feeds `data`; returns the chunks now known not to be the final one.
    pub fn push(&mut self, mut data: &[u8]) -> Vec<Piece> {
        let mut pieces = Vec::new();
        while !data.is_empty() {
            if self.pending.len() == self.piece_len {
                let bytes = std::mem::replace(&mut *self.pending, Vec::with_capacity(self.piece_len));
                pieces.push(Piece { index: self.index, last: false, bytes });
                self.index += 1;
            }
            let n = (self.piece_len - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..n]);
            data = &data[n..];
        }
        pieces
    }

    /// Ends the input: returns the final chunk (for plaintext, an empty
    /// chunk 0 when nothing was fed). An envelope payload that ended before
    /// any byte is refused as `Truncated`.
    pub fn finish(mut self) -> Result<Piece, OpenError> {
        if self.opening && self.index == 0 && self.pending.is_empty() {
            return Err(OpenError::Truncated);
        }
        Ok(Piece { index: self.index, last: true, bytes: std::mem::take(&mut *self.pending) })
    }
}

/// Checks the plaintext released when opening, in order, against the
/// metadata's `size`: call [`ReleaseCheck::release`] before releasing each
/// chunk and [`ReleaseCheck::finish`] after the final one.
///
/// ```
/// use kluis_core::{Metadata, OpenError, ReleaseCheck};
/// let metadata = Metadata::named("a.txt").with_size(10);
/// let mut check = ReleaseCheck::new(Some(&metadata));
/// check.release(8).unwrap();
/// assert!(matches!(check.finish(), Err(OpenError::SizeMismatch { expected: 10, actual: 8 })));
/// assert!(check.release(3).is_err());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ReleaseCheck(SizeCheck);

impl ReleaseCheck {
    /// A check against `metadata`'s size (none: any length).
    pub fn new(metadata: Option<&Metadata>) -> Self {
        ReleaseCheck(SizeCheck { expected: metadata.and_then(|m| m.size), seen: 0 })
    }

    /// Counts `len` more bytes; refuses them if they pass the size.
    pub fn release(&mut self, len: usize) -> Result<(), OpenError> {
        self.0.add(len)
    }

    /// After the final chunk: refuses a total other than the size.
    pub fn finish(&self) -> Result<(), OpenError> {
        self.0.finish()
    }
}
