//! The STREAM payload: per-chunk nonces, chunk layout, chunk refusal rules.

use aes_gcm_siv::Aes256GcmSiv;

use crate::error::OpenError;
use crate::header::{Header, MAC_LEN};
use crate::primitives::{self, KEY_LEN, NONCE_LEN, TAG_LEN};

/// Seals and opens chunks with the payload key, bound to the header MAC.
pub(crate) struct PayloadCipher {
    aead: Aes256GcmSiv,
    aad: [u8; MAC_LEN],
}

/// `nonce = i as 11 bytes big-endian || flag` (`01` last chunk, `00` other).
fn nonce(index: u64, last: bool) -> [u8; NONCE_LEN] {
    let mut n = [0u8; NONCE_LEN];
    n[3..11].copy_from_slice(&index.to_be_bytes());
    n[11] = u8::from(last);
    n
}

impl PayloadCipher {
    pub(crate) fn new(payload_key: &[u8; KEY_LEN], header_mac: &[u8; MAC_LEN]) -> Self {
        PayloadCipher { aead: primitives::aead(payload_key), aad: *header_mac }
    }

    /// Encrypts the plaintext in `buf` in place and appends the tag.
    #[cfg(test)]
    pub(crate) fn seal(&self, index: u64, last: bool, buf: &mut Vec<u8>) {
        primitives::aead_seal(&self.aead, &nonce(index, last), &self.aad, buf);
    }

    /// Encrypts `slot[..len]` in place and writes the tag at `slot[len..len + 16]`.
    pub(crate) fn seal_in_place(&self, index: u64, last: bool, slot: &mut [u8], len: usize) {
        primitives::aead_seal_in_place(&self.aead, &nonce(index, last), &self.aad, slot, len);
    }

    /// Opens chunk `index` (ciphertext and tag in `buf`) in place, returning
    /// the plaintext length, or the refusal that fits what went wrong.
    ///
    /// `last` is what the reader believes: the chunk is the final one.
    /// When that fails, the other flag is tried, to name the refusal: a
    /// final chunk read as a middle one means bytes follow it
    /// (`TrailingData`); a middle chunk read as the final one means the
    /// final chunk is missing (`Truncated`). Nothing from such a retry is
    /// ever returned.
    pub(crate) fn open(&self, index: u64, last: bool, buf: &mut [u8]) -> Result<usize, OpenError> {
        match primitives::aead_open(&self.aead, &nonce(index, last), &self.aad, buf) {
            // An empty final chunk is only valid as the only chunk.
            Ok(0) if index > 0 => Err(OpenError::ChunkTampered { index }),
            Ok(n) => Ok(n),
            Err(()) => match primitives::aead_open(&self.aead, &nonce(index, !last), &self.aad, buf) {
                Ok(_) => {
                    buf.fill(0);
                    Err(if last { OpenError::Truncated } else { OpenError::TrailingData })
                }
                Err(()) => Err(OpenError::ChunkTampered { index }),
            },
        }
    }
}

/// Where chunks sit in an envelope of known length.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Layout {
    pub(crate) header_len: u64,
    pub(crate) chunk_size: u64,
    /// Number of chunks (at least 1).
    pub(crate) chunks: u64,
    /// Plaintext length.
    pub(crate) plaintext_len: u64,
}

impl Layout {
    /// Computes the layout from the total envelope length, refusing lengths
    /// no sealer produces.
    pub(crate) fn from_envelope_len(header: &Header, envelope_len: u64) -> Result<Self, OpenError> {
        Self::new(header.len(), header.chunk_size() as u64, envelope_len)
    }

    /// The layout for a header of `header_len` bytes and chunks of `chunk_size`.
    pub(crate) fn new(header_len: u64, chunk_size: u64, envelope_len: u64) -> Result<Self, OpenError> {
        let stride = chunk_size + TAG_LEN as u64;
        let payload = envelope_len.saturating_sub(header_len);
        if payload == 0 {
            return Err(OpenError::Truncated);
        }
        let full = payload / stride;
        let rem = payload % stride;
        let (chunks, plaintext_len) = match rem {
            0 => (full, full * chunk_size),
            r if r < TAG_LEN as u64 => return Err(OpenError::ChunkTampered { index: full }),
            r if r == TAG_LEN as u64 && full > 0 => return Err(OpenError::ChunkTampered { index: full }),
            r => (full + 1, full * chunk_size + r - TAG_LEN as u64),
        };
        Ok(Layout { header_len, chunk_size, chunks, plaintext_len })
    }

    /// Byte offset of chunk `index` in the envelope.
    pub(crate) fn offset(&self, index: u64) -> u64 {
        self.header_len + index * (self.chunk_size + TAG_LEN as u64)
    }

    /// Encrypted length of chunk `index`.
    pub(crate) fn encrypted_len(&self, index: u64) -> usize {
        let stride = self.chunk_size + TAG_LEN as u64;
        if index + 1 < self.chunks {
            stride as usize
        } else {
            (self.plaintext_len - index * self.chunk_size) as usize + TAG_LEN
        }
    }
}

/// Tracks released plaintext against the metadata's `size`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SizeCheck {
    pub(crate) expected: Option<u64>,
    pub(crate) seen: u64,
}

impl SizeCheck {
    pub(crate) fn add(&mut self, n: usize) -> Result<(), OpenError> {
        self.seen += n as u64;
        match self.expected {
            Some(expected) if self.seen > expected => Err(OpenError::SizeMismatch { expected, actual: self.seen }),
            _ => Ok(()),
        }
    }

    pub(crate) fn finish(&self) -> Result<(), OpenError> {
        match self.expected {
            Some(expected) if self.seen != expected => Err(OpenError::SizeMismatch { expected, actual: self.seen }),
            _ => Ok(()),
        }
    }
}
