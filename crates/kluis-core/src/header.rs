//! The header codec: layout constants, parsing with bounded lengths, encoding.
//!
//! Parsing works on a byte slice and reports how many bytes it needs next,
//! so the same code serves pull readers ([`read_header`]) and push
//! decryptors. Every length is bounded before anything is allocated.

use std::io::Read;

use crate::error::OpenError;
use crate::limits::Argon2Params;
use crate::primitives::{KEY_LEN, TAG_LEN};

/// The six magic bytes, "KLUIS" and NUL.
pub const MAGIC: [u8; 6] = *b"KLUIS\0";
/// The format version this crate reads and writes.
pub const VERSION: u8 = 1;
/// Smallest chunk size exponent (4 KiB).
pub const MIN_CHUNK_LOG2: u8 = 12;
/// Largest chunk size exponent (16 MiB).
pub const MAX_CHUNK_LOG2: u8 = 24;
/// Default chunk size exponent (64 KiB).
pub const DEFAULT_CHUNK_LOG2: u8 = 16;
/// Most slots a header holds.
pub const MAX_SLOTS: usize = 16;
/// Most password slots a header holds.
pub const MAX_PASSWORD_SLOTS: usize = 4;
/// Largest metadata JSON before encryption.
pub const MAX_METADATA_LEN: usize = 65_536;

pub(crate) const SALT_LEN: usize = 32;
pub(crate) const ARGON_SALT_LEN: usize = 16;
pub(crate) const COMMIT_LEN: usize = 32;
pub(crate) const WRAPPED_LEN: usize = KEY_LEN + TAG_LEN;
pub(crate) const MAC_LEN: usize = 32;
/// magic, version, chunk_log2, salt, slot_count.
pub(crate) const FIXED_LEN: usize = 6 + 1 + 1 + SALT_LEN + 1;
pub(crate) const KIND_PASSWORD: u8 = 1;
pub(crate) const KIND_KEY: u8 = 2;
pub(crate) const PASSWORD_BODY_LEN: usize = 4 + 4 + 1 + ARGON_SALT_LEN + COMMIT_LEN + WRAPPED_LEN;
pub(crate) const KEY_BODY_LEN: usize = COMMIT_LEN + WRAPPED_LEN;
const MIN_META_CT: u32 = TAG_LEN as u32;
const MAX_META_CT: u32 = (MAX_METADATA_LEN + TAG_LEN) as u32;

/// A password slot's fields.
#[derive(Clone, Debug)]
pub(crate) struct PasswordSlot {
    pub(crate) params: Argon2Params,
    pub(crate) argon_salt: [u8; ARGON_SALT_LEN],
    pub(crate) commit: [u8; COMMIT_LEN],
    pub(crate) wrapped: [u8; WRAPPED_LEN],
}

/// A raw-key slot's fields.
#[derive(Clone, Debug)]
pub(crate) struct KeySlot {
    pub(crate) commit: [u8; COMMIT_LEN],
    pub(crate) wrapped: [u8; WRAPPED_LEN],
}

/// One slot of the header.
#[derive(Clone, Debug)]
pub(crate) enum Slot {
    Password(PasswordSlot),
    Key(KeySlot),
    /// A kind this reader does not know; skipped.
    Unknown {
        kind: u8,
        body: Vec<u8>,
    },
}

/// A parsed header. `bytes` is the exact encoding, MAC included.
#[derive(Clone, Debug)]
pub(crate) struct Header {
    pub(crate) chunk_log2: u8,
    pub(crate) salt: [u8; SALT_LEN],
    pub(crate) slots: Vec<Slot>,
    pub(crate) meta_ct: Vec<u8>,
    pub(crate) mac: [u8; MAC_LEN],
    pub(crate) bytes: Vec<u8>,
}

impl Header {
    /// Plaintext bytes per chunk.
    pub(crate) fn chunk_size(&self) -> usize {
        1usize << self.chunk_log2
    }

    /// Encoded length of the header.
    pub(crate) fn len(&self) -> u64 {
        self.bytes.len() as u64
    }

    /// The bytes covered by the header MAC.
    pub(crate) fn authenticated_bytes(&self) -> &[u8] {
        &self.bytes[..self.bytes.len() - MAC_LEN]
    }
}

/// Outcome of parsing a prefix of an envelope.
pub(crate) enum Parsed {
    /// The whole header; the payload starts at `header.bytes.len()`.
    Done(Header),
    /// At least `total` bytes are needed in all; the next field is `field`.
    NeedMore { total: usize, field: &'static str },
}

struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

enum Stop {
    Need { total: usize, field: &'static str },
    Bad(OpenError),
}

impl From<OpenError> for Stop {
    fn from(e: OpenError) -> Self {
        Stop::Bad(e)
    }
}

fn malformed(field: &'static str, reason: &'static str) -> Stop {
    Stop::Bad(OpenError::MalformedHeader { field, reason })
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], Stop> {
        let end = self.pos + n;
        if end > self.buf.len() {
            return Err(Stop::Need { total: end, field });
        }
        let out = &self.buf[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], Stop> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, field)?);
        Ok(out)
    }

    fn u8(&mut self, field: &'static str) -> Result<u8, Stop> {
        Ok(self.take(1, field)?[0])
    }

    fn u16(&mut self, field: &'static str) -> Result<u16, Stop> {
        Ok(u16::from_be_bytes(self.array(field)?))
    }

    fn u32(&mut self, field: &'static str) -> Result<u32, Stop> {
        Ok(u32::from_be_bytes(self.array(field)?))
    }
}

/// Parses a header from the start of `buf`.
pub(crate) fn parse(buf: &[u8]) -> Result<Parsed, OpenError> {
    // A prefix that already differs from the magic is refused at once.
    let n = buf.len().min(MAGIC.len());
    if buf[..n] != MAGIC[..n] {
        return Err(OpenError::BadMagic);
    }
    match parse_inner(buf) {
        Ok(h) => Ok(Parsed::Done(h)),
        Err(Stop::Need { total, field }) => Ok(Parsed::NeedMore { total, field }),
        Err(Stop::Bad(e)) => Err(e),
    }
}

fn parse_inner(buf: &[u8]) -> Result<Header, Stop> {
    let mut c = Cursor { buf, pos: 0 };
    c.take(MAGIC.len(), "magic")?;
    let version = c.u8("version")?;
    if version != VERSION {
        return Err(Stop::Bad(OpenError::UnsupportedVersion(version)));
    }
    let chunk_log2 = c.u8("chunk_log2")?;
    if !(MIN_CHUNK_LOG2..=MAX_CHUNK_LOG2).contains(&chunk_log2) {
        return Err(malformed("chunk_log2", "outside 12..=24"));
    }
    let salt = c.array::<SALT_LEN>("salt")?;
    let slot_count = usize::from(c.u8("slot_count")?);
    if slot_count == 0 {
        return Err(malformed("slot_count", "zero slots"));
    }
    if slot_count > MAX_SLOTS {
        return Err(malformed("slot_count", "more than 16 slots"));
    }
    let mut slots = Vec::with_capacity(slot_count);
    let mut passwords = 0;
    for _ in 0..slot_count {
        let kind = c.u8("kind")?;
        let body_len = c.u16("body_len")?;
        let expected = match kind {
            KIND_PASSWORD => Some(PASSWORD_BODY_LEN),
            KIND_KEY => Some(KEY_BODY_LEN),
            _ => None,
        };
        if expected.is_some_and(|e| e != usize::from(body_len)) {
            return Err(malformed("body_len", "wrong length for the slot kind"));
        }
        let body = c.take(usize::from(body_len), "body")?;
        let mut b = Cursor { buf: body, pos: 0 };
        let slot = match kind {
            KIND_PASSWORD => {
                passwords += 1;
                if passwords > MAX_PASSWORD_SLOTS {
                    return Err(malformed("slots", "more than 4 password slots"));
                }
                let m_kib = b.u32("m_kib")?;
                let t = b.u32("t")?;
                let p = b.u8("p")?;
                Slot::Password(PasswordSlot {
                    params: Argon2Params { m_kib, t, p },
                    argon_salt: b.array("argon_salt")?,
                    commit: b.array("commit")?,
                    wrapped: b.array("wrapped")?,
                })
            }
            KIND_KEY => Slot::Key(KeySlot { commit: b.array("commit")?, wrapped: b.array("wrapped")? }),
            _ => Slot::Unknown { kind, body: body.to_vec() },
        };
        slots.push(slot);
    }
    let meta_len = c.u32("meta_len")?;
    if meta_len != 0 && !(MIN_META_CT..=MAX_META_CT).contains(&meta_len) {
        return Err(malformed("meta_len", "not 0 and outside 16..=65552"));
    }
    let meta_ct = c.take(meta_len as usize, "meta_ct")?.to_vec();
    let mac = c.array::<MAC_LEN>("header_mac")?;
    Ok(Header { chunk_log2, salt, slots, meta_ct, mac, bytes: buf[..c.pos].to_vec() })
}

/// Reads exactly one header from `reader`, never reading past it.
pub(crate) fn read_header<R: Read + ?Sized>(reader: &mut R) -> Result<Header, OpenError> {
    let mut buf = Vec::with_capacity(256);
    let mut want = FIXED_LEN;
    loop {
        let missing = (want - buf.len()) as u64;
        reader.take(missing).read_to_end(&mut buf)?;
        let short = buf.len() < want;
        match parse(&buf)? {
            Parsed::Done(h) => return Ok(h),
            Parsed::NeedMore { field, .. } if short => {
                return Err(if buf.len() < MAGIC.len() {
                    OpenError::BadMagic
                } else {
                    OpenError::MalformedHeader { field, reason: "cut short" }
                });
            }
            Parsed::NeedMore { total, .. } => want = total,
        }
    }
}

/// Encodes a slot.
pub(crate) fn encode_slot(out: &mut Vec<u8>, slot: &Slot) {
    match slot {
        Slot::Password(s) => {
            out.push(KIND_PASSWORD);
            out.extend_from_slice(&(PASSWORD_BODY_LEN as u16).to_be_bytes());
            out.extend_from_slice(&s.params.m_kib.to_be_bytes());
            out.extend_from_slice(&s.params.t.to_be_bytes());
            out.push(s.params.p);
            out.extend_from_slice(&s.argon_salt);
            out.extend_from_slice(&s.commit);
            out.extend_from_slice(&s.wrapped);
        }
        Slot::Key(s) => {
            out.push(KIND_KEY);
            out.extend_from_slice(&(KEY_BODY_LEN as u16).to_be_bytes());
            out.extend_from_slice(&s.commit);
            out.extend_from_slice(&s.wrapped);
        }
        Slot::Unknown { kind, body } => {
            out.push(*kind);
            // Bodies come from a parsed header or a test, both at most u16::MAX.
            out.extend_from_slice(&(body.len() as u16).to_be_bytes());
            out.extend_from_slice(body);
        }
    }
}

/// Encodes everything before the MAC.
pub(crate) fn encode_unauthenticated(chunk_log2: u8, salt: &[u8; SALT_LEN], slots: &[Slot], meta_ct: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(FIXED_LEN + slots.len() * (3 + PASSWORD_BODY_LEN) + 4 + meta_ct.len() + MAC_LEN);
    out.extend_from_slice(&MAGIC);
    out.push(VERSION);
    out.push(chunk_log2);
    out.extend_from_slice(salt);
    out.push(slots.len() as u8);
    for slot in slots {
        encode_slot(&mut out, slot);
    }
    out.extend_from_slice(&(meta_ct.len() as u32).to_be_bytes());
    out.extend_from_slice(meta_ct);
    out
}
