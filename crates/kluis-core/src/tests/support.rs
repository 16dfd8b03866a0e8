//! Deterministic building blocks: a replaying RNG and raw envelope assembly.

use std::convert::Infallible;
use std::path::PathBuf;

use rand_core::{TryCryptoRng, TryRng};
use zeroize::Zeroizing;

use crate::header::{KeySlot, PasswordSlot, Slot};
use crate::keys::{Key, Password};
use crate::limits::Argon2Params;
use crate::schedule::{FileKey, Kek};
use crate::seal::{SealOptions, finish_header};

/// Hands out exactly the bytes it was given, in order; panics when a test
/// draws more than it planned.
pub(crate) struct ReplayRng {
    bytes: Vec<u8>,
    pos: usize,
}

impl ReplayRng {
    pub(crate) fn new(parts: &[&[u8]]) -> Self {
        ReplayRng { bytes: parts.concat(), pos: 0 }
    }

    pub(crate) fn exhausted(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

impl TryRng for ReplayRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        let end = self.pos + dst.len();
        assert!(end <= self.bytes.len(), "the test drew more randomness than it planned");
        dst.copy_from_slice(&self.bytes[self.pos..end]);
        self.pos = end;
        Ok(())
    }
}

impl TryCryptoRng for ReplayRng {}

/// The plaintext of every vector: byte `i` is `i mod 251`.
pub(crate) fn plaintext(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

pub(crate) fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/test-vectors")
}

pub(crate) fn hex32(s: &str) -> [u8; 32] {
    hex::decode(s).unwrap().try_into().unwrap()
}

/// A slot to assemble by hand.
pub(crate) enum RawSlot {
    Password(Password, Argon2Params, [u8; 16]),
    Key(Key),
    Unknown(u8, Vec<u8>),
}

/// Builds a header by hand (any slots, any metadata bytes) and seals the
/// given chunks with the given final flags, bypassing the sealer's checks.
pub(crate) struct Assembly {
    pub(crate) file_key: [u8; 32],
    pub(crate) salt: [u8; 32],
    pub(crate) chunk_log2: u8,
    pub(crate) slots: Vec<RawSlot>,
    pub(crate) metadata_json: Option<Vec<u8>>,
}

impl Assembly {
    pub(crate) fn slots(&self) -> Vec<Slot> {
        let file_key: FileKey = Zeroizing::new(self.file_key);
        self.slots
            .iter()
            .map(|s| match s {
                RawSlot::Password(pw, params, argon_salt) => {
                    let (commit, wrapped) =
                        Kek::from_password(pw, argon_salt, *params).unwrap().wrap(&self.salt, &file_key);
                    Slot::Password(PasswordSlot { params: *params, argon_salt: *argon_salt, commit, wrapped })
                }
                RawSlot::Key(k) => {
                    let (commit, wrapped) = Kek::from_key(k).wrap(&self.salt, &file_key);
                    Slot::Key(KeySlot { commit, wrapped })
                }
                RawSlot::Unknown(kind, body) => Slot::Unknown { kind: *kind, body: body.clone() },
            })
            .collect()
    }

    /// Header bytes and the cipher for chunks.
    pub(crate) fn header(&self) -> crate::seal::SealedHeader {
        let mut options = SealOptions::default();
        options = options.with_chunk_size(1 << self.chunk_log2).unwrap();
        let options = options.raw_metadata_for_tests(self.metadata_json.clone());
        finish_header(&options, &Zeroizing::new(self.file_key), &self.salt, &self.slots())
    }

    /// The envelope with `chunks` given as (plaintext, final flag).
    pub(crate) fn envelope(&self, chunks: &[(&[u8], bool)]) -> Vec<u8> {
        let header = self.header();
        let mut out = header.bytes.clone();
        for (i, (pt, last)) in chunks.iter().enumerate() {
            let mut buf = pt.to_vec();
            header.cipher.seal(i as u64, *last, &mut buf);
            out.extend_from_slice(&buf);
        }
        out
    }

    /// The envelope a correct sealer writes for `pt`.
    pub(crate) fn sealed(&self, pt: &[u8]) -> Vec<u8> {
        let c = 1usize << self.chunk_log2;
        let pieces: Vec<&[u8]> = if pt.is_empty() { vec![pt] } else { pt.chunks(c).collect() };
        let n = pieces.len();
        let chunks: Vec<(&[u8], bool)> = pieces.into_iter().enumerate().map(|(i, p)| (p, i + 1 == n)).collect();
        self.envelope(&chunks)
    }
}
