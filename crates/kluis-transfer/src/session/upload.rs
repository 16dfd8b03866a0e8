//! The upload of a sealed transfer, resumably: the one implementation of
//! the resume-and-retry policy of a send (docs/TRANSFER.md §5.1).

use kluis_protocol::{BlobName, TransferId};

use super::{Op, OpOutput, unexpected};
use crate::draft::SealedTransfer;
use crate::error::TransferError;
use crate::progress::{Phase, ProgressEvent};
use crate::resume::is_resumable;
use crate::send::{SentTransfer, check_piece_size};
use crate::transport::{TransferPlan, TransportError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Begin,
    Lengths(usize),
    Put(usize, u64),
    Finish(usize),
    FinishTransfer,
    Done,
}

/// What happened after a result was handed to [`Upload::on_output`].
#[derive(Debug)]
#[non_exhaustive]
pub enum UploadEvent {
    /// Nothing to report.
    None,
    /// Upload progress ([`Phase::Uploading`]; for a resumed blob, `done`
    /// starts at the length the store already held).
    Progress(ProgressEvent),
    /// The attempt failed with an error that may pass
    /// ([`is_resumable`](crate::is_resumable)); a new attempt starts with
    /// the announcement and continues every blob from the store's length
    /// (`kluis send` prints a note).
    Resumed(TransferError),
}

/// Uploads a [`SealedTransfer`]: announces it, then for each blob (the
/// files in order, the manifest last, so that a manifest in the store means
/// every file it lists is complete) asks the store how much it holds, skips
/// a complete blob, continues a partial one from its length in pieces, and
/// finishes it; at last finishes the transfer with its expiry. After a
/// failure that [`is_resumable`](crate::is_resumable) it starts a new
/// attempt, up to `attempts` in all; any other failure ends it.
///
/// ```
/// use std::time::Duration;
/// use kluis_transfer::*;
/// use kluis_transfer::session::{Op, Upload, execute};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let request = SendRequest {
///     from: "ann@example.org".into(), to: vec!["bob@example.org".into()], subject: "Hi".into(),
///     message: None, files: vec![FileSpec::new("hi.txt", 2)], expires_in: Duration::from_secs(60),
///     password: Password::new("zwaluw-kompas-9-tegelvloer-okapi"), allow_weak_password: false,
/// };
/// let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
/// let mut sealing = TransferSealer::new(request, &options, 1_700_000_000)?;
/// let mut file = sealing.file(0)?;
/// let mut envelope = file.update(b"hi")?;
/// let (tail, sealed) = file.finish()?;
/// envelope.extend(tail);
/// sealing.add(sealed)?;
/// let transfer = sealing.finish()?;
///
/// let store = MemoryTransport::new();
/// let mut upload = Upload::new(&transfer, 4096, UPLOAD_ATTEMPTS)?;
/// while let Some(op) = upload.next_op() {
///     let data = match &op {
///         Op::Put { index: 0, offset, len, .. } => &envelope[*offset as usize..][..*len as usize],
///         Op::Put { offset, len, .. } => &transfer.manifest()[*offset as usize..][..*len as usize],
///         _ => &[][..],
///     };
///     upload.on_output(execute(&store, &transfer.id(), &transfer.plan(), &op, data))?;
/// }
/// assert_eq!(upload.sent().map(|s| s.id), Some(transfer.id()));
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Upload {
    id: TransferId,
    created_at: u64,
    expires_at: u64,
    blobs: Vec<(BlobName, u64)>,
    piece_size: u64,
    attempts: u32,
    attempt: u32,
    uploaded: u64,
    state: State,
    /// Whether the transfer is announced and finished (not for one blob).
    whole: bool,
    /// A streamed upload's bytes of each blob that the host has sealed so
    /// far (`None`: every blob is whole from the start).
    ready: Option<Vec<u64>>,
    /// Each blob's bytes the store acknowledged: a streamed upload never
    /// asks for them again, so its host may forget them.
    acknowledged: Vec<u64>,
}

impl Upload {
    /// The upload of `transfer` in pieces of `piece_size` bytes (4 KiB to
    /// 64 MiB), in at most `attempts` attempts (at least one).
    pub fn new(transfer: &SealedTransfer, piece_size: usize, attempts: u32) -> Result<Upload, TransferError> {
        check_piece_size(piece_size)?;
        Ok(Upload {
            id: transfer.id(),
            created_at: transfer.info().created_at,
            expires_at: transfer.info().expires_at,
            blobs: transfer.blobs().to_vec(),
            piece_size: piece_size as u64,
            attempts,
            attempt: 1,
            uploaded: 0,
            state: State::Begin,
            whole: true,
            ready: None,
            acknowledged: vec![0; transfer.blobs().len()],
        })
    }

    /// The upload of a transfer whose blobs are still being sealed (a
    /// streamed send): `plan` from [`TransferSealer::plan_ahead`](crate::TransferSealer::plan_ahead)
    /// is announced at once, then each blob is uploaded as the host hands
    /// its sealed bytes over ([`sealed`](Upload::sealed)), the files in
    /// order and the manifest last. While the next piece is not sealed yet,
    /// [`next_op`](Upload::next_op) is `None` and [`waiting`](Upload::waiting)
    /// says which bytes it waits for. The host keeps only the bytes past
    /// [`acknowledged`](Upload::acknowledged): a new attempt resumes from
    /// what the store holds, and a store that holds less than it
    /// acknowledged ends the send (those bytes are gone, and sealing them
    /// again under the same key and blob id is never done).
    ///
    /// ```
    /// use kluis_transfer::{BlobName, TransferId, TransferPlan};
    /// use kluis_transfer::session::{Op, OpOutput, Upload};
    /// # fn main() -> Result<(), kluis_transfer::TransferError> {
    /// let plan = TransferPlan { id: TransferId::from_bytes([1; 16]), sender: "ann@example.org".into(),
    ///     recipients: vec!["bob@example.org".into()], expires_at: 2_000, blobs: vec![(BlobName::Manifest, 10)],
    ///     subject: String::new(), file_names: vec![] };
    /// let mut upload = Upload::streamed(&plan, 1_000, 4096, 3)?;
    /// upload.on_output(Ok(OpOutput::Done))?; // announced
    /// upload.on_output(Ok(OpOutput::Lengths { partial: None, complete: None }))?;
    /// assert_eq!((upload.next_op(), upload.waiting()), (None, Some((0, 10))));
    /// upload.sealed(0, 10)?;
    /// assert_eq!(upload.next_op(), Some(Op::Put { blob: BlobName::Manifest, index: 0, offset: 0, len: 10 }));
    /// # Ok(()) }
    /// ```
    pub fn streamed(
        plan: &TransferPlan,
        created_at: u64,
        piece_size: usize,
        attempts: u32,
    ) -> Result<Upload, TransferError> {
        check_piece_size(piece_size)?;
        if plan.blobs.last().map(|(name, _)| name) != Some(&BlobName::Manifest) {
            return Err(TransferError::invalid("a transfer's plan ends with its manifest"));
        }
        Ok(Upload {
            id: plan.id,
            created_at,
            expires_at: plan.expires_at,
            blobs: plan.blobs.clone(),
            piece_size: piece_size as u64,
            attempts,
            attempt: 1,
            uploaded: 0,
            state: State::Begin,
            whole: true,
            ready: Some(vec![0; plan.blobs.len()]),
            acknowledged: vec![0; plan.blobs.len()],
        })
    }

    /// A streamed upload: blob `index` now has its first `len` bytes
    /// sealed (never fewer than said before, never more than planned).
    pub fn sealed(&mut self, index: usize, len: u64) -> Result<(), TransferError> {
        let total = self.blobs.get(index).map(|(_, total)| *total);
        let ready = self.ready.as_mut().ok_or_else(|| TransferError::invalid("this upload is not streamed"))?;
        match (total, ready.get_mut(index)) {
            (Some(total), Some(had)) if *had <= len && len <= total => {
                *had = len;
                Ok(())
            }
            (Some(total), Some(had)) => Err(TransferError::invalid(format!(
                "blob {index}: {len} bytes sealed, after {had} and of {total} planned"
            ))),
            _ => Err(TransferError::invalid(format!("no blob {index}: the transfer has {}", self.blobs.len()))),
        }
    }

    /// What a streamed upload waits for: blob `index`'s bytes up to `end`
    /// (a whole piece, or the rest of the blob), before it can go on.
    pub fn waiting(&self) -> Option<(usize, u64)> {
        let State::Put(i, offset) = self.state else { return None };
        let end = offset + (self.blobs[i].1 - offset).min(self.piece_size);
        let ready = self.ready.as_ref()?[i];
        (ready < end).then_some((i, end))
    }

    /// The bytes of blob `index` the store acknowledged holding: the
    /// upload never asks for them again.
    pub fn acknowledged(&self, index: usize) -> u64 {
        self.acknowledged.get(index).copied().unwrap_or(0)
    }

    /// The upload of one blob of `len` bytes, in one attempt: no
    /// announcement, no finishing of the transfer ([`upload_blob`](crate::upload_blob)).
    pub(crate) fn blob(id: TransferId, blob: BlobName, len: u64, piece_size: usize) -> Result<Upload, TransferError> {
        check_piece_size(piece_size)?;
        Ok(Upload {
            id,
            created_at: 0,
            expires_at: 0,
            blobs: vec![(blob, len)],
            piece_size: piece_size as u64,
            attempts: 1,
            attempt: 1,
            uploaded: 0,
            state: State::Lengths(0),
            whole: false,
            ready: None,
            acknowledged: vec![0],
        })
    }

    /// Bytes sent in the current attempt.
    pub(crate) fn uploaded(&self) -> u64 {
        self.uploaded
    }

    /// The transfer's id.
    pub fn id(&self) -> TransferId {
        self.id
    }

    /// The operation to perform next; `None` once the transfer is finished
    /// (or, for a streamed upload, while it is [`waiting`](Upload::waiting)).
    pub fn next_op(&self) -> Option<Op> {
        if self.waiting().is_some() {
            return None;
        }
        Some(match self.state {
            State::Begin => Op::Begin,
            State::Lengths(i) => Op::Lengths { blob: self.blobs[i].0 },
            State::Put(i, offset) => {
                let (blob, total) = self.blobs[i];
                Op::Put { blob, index: i, offset, len: (total - offset).min(self.piece_size) }
            }
            State::Finish(i) => Op::FinishBlob { blob: self.blobs[i].0, len: self.blobs[i].1 },
            State::FinishTransfer => Op::FinishTransfer { expires_at: self.expires_at },
            State::Done => return None,
        })
    }

    /// Takes the result of the operation [`next_op`](Upload::next_op) gave
    /// and moves on. An error that ends the upload is returned; one that
    /// may pass starts a new attempt ([`UploadEvent::Resumed`]).
    pub fn on_output(&mut self, result: Result<OpOutput, TransportError>) -> Result<UploadEvent, TransferError> {
        match result.and_then(|output| self.advance(output)) {
            Ok(event) => Ok(event),
            Err(e) => {
                let error = TransferError::Transport(e);
                if is_resumable(&error) && self.attempt < self.attempts && self.state != State::Done {
                    self.attempt += 1;
                    self.uploaded = 0;
                    self.state = State::Begin;
                    Ok(UploadEvent::Resumed(error))
                } else {
                    Err(error)
                }
            }
        }
    }

    /// The result, once [`next_op`](Upload::next_op) is `None`.
    pub fn sent(&self) -> Option<SentTransfer> {
        (self.state == State::Done).then(|| SentTransfer {
            id: self.id,
            created_at: self.created_at,
            expires_at: self.expires_at,
            stored_bytes: self.blobs.iter().map(|(_, len)| len).sum(),
            uploaded_bytes: self.uploaded,
        })
    }

    fn progress(&self, i: usize, done: u64) -> UploadEvent {
        let file = (i + 1 < self.blobs.len()).then(|| u32::try_from(i).ok()).flatten();
        UploadEvent::Progress(ProgressEvent { phase: Phase::Uploading, file, done, total: self.blobs[i].1 })
    }

    /// After blob `i`: the next blob, or finishing the transfer.
    fn after(&self, i: usize) -> State {
        match (i + 1 < self.blobs.len(), self.whole) {
            (true, _) => State::Lengths(i + 1),
            (false, true) => State::FinishTransfer,
            (false, false) => State::Done,
        }
    }

    fn advance(&mut self, output: OpOutput) -> Result<UploadEvent, TransportError> {
        let (state, event) = match (self.state, output) {
            (State::Begin, OpOutput::Done) => {
                (if self.blobs.is_empty() { State::FinishTransfer } else { State::Lengths(0) }, UploadEvent::None)
            }
            (State::Lengths(i), OpOutput::Lengths { partial, complete }) => {
                let (blob, total) = self.blobs[i];
                match complete {
                    Some(len) if len == total => {
                        self.acknowledged[i] = total;
                        (self.after(i), self.progress(i, total))
                    }
                    Some(len) => {
                        return Err(TransportError::Conflict(format!(
                            "{blob} is complete with {len} bytes, expected {total}"
                        )));
                    }
                    None => {
                        // Longer than ours: not our bytes; start over.
                        let offset = partial.filter(|&len| len <= total).unwrap_or(0);
                        if self.ready.is_some() && offset < self.acknowledged[i] {
                            // Not resumable: the bytes in between are gone.
                            return Err(TransportError::Other(format!(
                                "{blob}: the server holds {offset} bytes after acknowledging {}; a streamed send \
                                 keeps only the bytes not yet acknowledged, so it cannot resume: send again",
                                self.acknowledged[i]
                            )));
                        }
                        self.acknowledged[i] = offset;
                        // An empty blob still needs to exist before it is finished.
                        let next = if offset < total || total == 0 { State::Put(i, offset) } else { State::Finish(i) };
                        (next, self.progress(i, offset))
                    }
                }
            }
            (State::Put(i, offset), OpOutput::Done) => {
                let total = self.blobs[i].1;
                let len = (total - offset).min(self.piece_size);
                self.uploaded += len;
                let end = offset + len;
                self.acknowledged[i] = end;
                let next = if end < total { State::Put(i, end) } else { State::Finish(i) };
                (next, if len == 0 { UploadEvent::None } else { self.progress(i, end) })
            }
            (State::Finish(i), OpOutput::Done) => (self.after(i), UploadEvent::None),
            (State::FinishTransfer, OpOutput::Done) => (State::Done, UploadEvent::None),
            (_, output) => {
                let op = self.next_op().map_or_else(|| "a finished upload".to_owned(), |op| format!("{op:?}"));
                return Err(unexpected(&op, &output));
            }
        };
        self.state = state;
        Ok(event)
    }
}
