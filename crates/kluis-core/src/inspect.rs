//! [`inspect`]: the header's public facts, without any secret.

use std::io::Read;

use crate::error::OpenError;
use crate::header::{self, Header, MAGIC, Parsed, Slot};
use crate::limits::Argon2Params;
use crate::stream::Layout;

/// What anyone can learn from a header without a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnvelopeInfo {
    /// Format version.
    pub version: u8,
    /// Plaintext bytes per chunk.
    pub chunk_size: u64,
    /// Header length in bytes (where chunk 0 starts).
    pub header_len: u64,
    /// The slots, in header order.
    pub slots: Vec<SlotInfo>,
    /// Length of the encrypted metadata (0 when there is none).
    pub metadata_len: u32,
}

/// One slot as seen without a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SlotInfo {
    /// A password slot with its Argon2id cost.
    Password(Argon2Params),
    /// A raw-key slot.
    Key,
    /// A slot of a kind this version does not know.
    Unknown {
        /// The kind byte.
        kind: u8,
        /// Length of its body.
        body_len: u16,
    },
}

impl EnvelopeInfo {
    /// The plaintext length of an envelope of `envelope_len` bytes with this
    /// header (public: it follows from the chunk layout). Lengths no sealer
    /// produces are refused.
    ///
    /// ```
    /// use kluis_core::{inspect_bytes, seal_bytes, Key, SealOptions, Secret};
    /// let env = seal_bytes(&[0; 100_000], &[Secret::Key(Key::from_bytes([1; 32]))], &SealOptions::default()).unwrap();
    /// assert_eq!(inspect_bytes(&env).unwrap().plaintext_len(env.len() as u64).unwrap(), 100_000);
    /// ```
    pub fn plaintext_len(&self, envelope_len: u64) -> Result<u64, OpenError> {
        Ok(Layout::new(self.header_len, self.chunk_size, envelope_len)?.plaintext_len)
    }
}

impl From<&Header> for EnvelopeInfo {
    fn from(h: &Header) -> Self {
        EnvelopeInfo {
            version: header::VERSION,
            chunk_size: h.chunk_size() as u64,
            header_len: h.len(),
            slots: h
                .slots
                .iter()
                .map(|s| match s {
                    Slot::Password(p) => SlotInfo::Password(p.params),
                    Slot::Key(_) => SlotInfo::Key,
                    Slot::Unknown { kind, body } => SlotInfo::Unknown { kind: *kind, body_len: body.len() as u16 },
                })
                .collect(),
            metadata_len: h.meta_ct.len() as u32,
        }
    }
}

/// Reads a header from `reader` and describes it. Nothing is decrypted and
/// the header MAC is not checked (that needs a secret).
///
/// ```
/// use kluis_core::{inspect, seal_bytes, Key, SealOptions, Secret, SlotInfo};
/// let envelope = seal_bytes(b"x", &[Secret::Key(Key::from_bytes([1; 32]))], &SealOptions::default()).unwrap();
/// let info = inspect(&envelope[..]).unwrap();
/// assert_eq!(info.slots, vec![SlotInfo::Key]);
/// assert_eq!(info.chunk_size, 65536);
/// ```
pub fn inspect<R: Read>(mut reader: R) -> Result<EnvelopeInfo, OpenError> {
    Ok(EnvelopeInfo::from(&header::read_header(&mut reader)?))
}

/// Describes the header at the start of `bytes` (which may hold more than
/// the header, or exactly the header).
pub fn inspect_bytes(bytes: &[u8]) -> Result<EnvelopeInfo, OpenError> {
    match header::parse(bytes)? {
        Parsed::Done(h) => Ok(EnvelopeInfo::from(&h)),
        Parsed::NeedMore { .. } if bytes.len() < MAGIC.len() => Err(OpenError::BadMagic),
        Parsed::NeedMore { field, .. } => Err(OpenError::MalformedHeader { field, reason: "cut short" }),
    }
}
