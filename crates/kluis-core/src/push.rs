//! [`PushOpener`]: opening an envelope that arrives in pieces.

use crate::error::OpenError;
use crate::header::{self, MAGIC, Parsed};
use crate::keys::Secret;
use crate::limits::OpenLimits;
use crate::metadata::Metadata;
use crate::primitives::TAG_LEN;
use crate::stream::{PayloadCipher, SizeCheck};
use crate::unlock::unlock;

use zeroize::Zeroize;

/// Opens an envelope fed in pieces of any size (network callbacks, foreign
/// language bindings), returning only authenticated plaintext.
///
/// Any way of splitting the input gives the same output and the same error.
/// A chunk is held back until the next byte (or [`PushOpener::finish`])
/// shows whether it is the final one.
///
/// ```
/// use kluis_core::{seal_bytes, Key, OpenLimits, PushOpener, SealOptions, Secret};
/// let key = Secret::Key(Key::from_bytes([9; 32]));
/// let envelope = seal_bytes(&[7u8; 100_000], &[key.clone()], &SealOptions::default()).unwrap();
/// let mut opener = PushOpener::new(key, OpenLimits::default());
/// let mut plaintext = Vec::new();
/// for piece in envelope.chunks(1000) {
///     opener.update(piece, &mut plaintext).unwrap();
/// }
/// opener.finish(&mut plaintext).unwrap();
/// assert_eq!(plaintext, vec![7u8; 100_000]);
/// ```
pub struct PushOpener {
    secret: Secret,
    limits: OpenLimits,
    state: State,
    /// Kept past `finish`, so callers can read it after the last chunk.
    metadata: Option<Metadata>,
}

enum State {
    /// Collecting header bytes; `field` is the next one the parser needs,
    /// `need` the length it needs before parsing again is worth it.
    Header {
        buf: Vec<u8>,
        field: &'static str,
        need: usize,
    },
    Payload(Box<Payload>),
    Done,
    Failed(OpenError),
}

struct Payload {
    cipher: PayloadCipher,
    chunk_size: usize,
    index: u64,
    /// Encrypted bytes not yet opened.
    pending: Vec<u8>,
    size: SizeCheck,
}

impl PushOpener {
    /// A new opener that will use `secret` once the header is complete.
    pub fn new(secret: Secret, limits: OpenLimits) -> Self {
        PushOpener { secret, limits, state: State::Header { buf: Vec::new(), field: "magic", need: 0 }, metadata: None }
    }

    /// The metadata, once the header has been read and verified (also after
    /// [`PushOpener::finish`]).
    pub fn metadata(&self) -> Option<&Metadata> {
        self.metadata.as_ref()
    }

    /// True once the header has been read and verified.
    pub fn header_done(&self) -> bool {
        matches!(self.state, State::Payload(_) | State::Done)
    }

    /// Feeds `data`; appends to `out` the plaintext of every chunk that is
    /// now known not to be the final one and authenticated.
    pub fn update(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), OpenError> {
        let result = self.update_inner(data, out);
        self.record(result)
    }

    /// Ends the input: opens the final chunk, appends its plaintext to `out`.
    pub fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), OpenError> {
        let result = self.finish_inner(out);
        self.record(result)
    }

    fn record(&mut self, result: Result<(), OpenError>) -> Result<(), OpenError> {
        if let Err(e) = &result {
            self.state = State::Failed(e.replay());
        }
        result
    }

    fn update_inner(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), OpenError> {
        match &mut self.state {
            State::Failed(e) => Err(e.replay()),
            State::Done => Err(OpenError::TrailingData),
            State::Header { buf, field, need } => {
                buf.extend_from_slice(data);
                // Parse again only once the missing field can be complete
                // (the magic is still checked byte by byte).
                if buf.len() >= MAGIC.len() && buf.len() < *need {
                    return Ok(());
                }
                match header::parse(buf)? {
                    Parsed::NeedMore { field: next, total } => {
                        *field = next;
                        *need = total;
                        Ok(())
                    }
                    Parsed::Done(header) => {
                        let unlocked = unlock(&header, &self.secret, &self.limits)?;
                        let expected = unlocked.metadata.as_ref().and_then(|m| m.size);
                        let rest = buf.split_off(header.bytes.len());
                        self.metadata = unlocked.metadata;
                        let mut payload = Box::new(Payload {
                            cipher: unlocked.cipher,
                            chunk_size: header.chunk_size(),
                            index: 0,
                            pending: Vec::with_capacity(header.chunk_size() + TAG_LEN + rest.len()),
                            size: SizeCheck { expected, seen: 0 },
                        });
                        payload.push(&rest, out)?;
                        self.state = State::Payload(payload);
                        Ok(())
                    }
                }
            }
            State::Payload(p) => p.push(data, out),
        }
    }

    fn finish_inner(&mut self, out: &mut Vec<u8>) -> Result<(), OpenError> {
        match std::mem::replace(&mut self.state, State::Done) {
            State::Failed(e) => Err(e),
            State::Done => Ok(()),
            State::Header { buf, field, .. } => Err(if buf.len() < MAGIC.len() {
                OpenError::BadMagic
            } else {
                OpenError::MalformedHeader { field, reason: "cut short" }
            }),
            State::Payload(mut p) => {
                if p.index == 0 && p.pending.is_empty() {
                    return Err(OpenError::Truncated);
                }
                let n = p.cipher.open(p.index, true, &mut p.pending)?;
                p.size.add(n)?;
                p.size.finish()?;
                out.extend_from_slice(&p.pending[..n]);
                Ok(())
            }
        }
    }
}

impl Payload {
    fn push(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), OpenError> {
        let stride = self.chunk_size + TAG_LEN;
        self.pending.extend_from_slice(data);
        let mut start = 0;
        // A full chunk followed by at least one byte is a middle chunk.
        while self.pending.len() - start > stride {
            let chunk = &mut self.pending[start..start + stride];
            let n = self.cipher.open(self.index, false, chunk)?;
            let fits = self.size.add(n);
            if fits.is_ok() {
                out.extend_from_slice(&chunk[..n]);
            }
            // The caller has its copy; none stays behind in `pending`.
            chunk[..n].zeroize();
            fits?;
            self.index += 1;
            start += stride;
        }
        self.pending.drain(..start);
        Ok(())
    }
}
