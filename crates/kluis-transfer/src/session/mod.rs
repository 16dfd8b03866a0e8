//! Sans-IO sessions: the steps of sending and receiving as state machines
//! that say which storage operation comes next and decide on its result,
//! with no I/O of their own.
//!
//! There is one implementation of each rule: [`Upload`] holds the
//! resume-and-retry policy of a send (docs/TRANSFER.md §5.1), [`ManifestFetch`]
//! the fetching and opening of a manifest, [`FileDownload`] the ranged,
//! verified reading of a file. The synchronous functions
//! ([`send_transfer`](crate::send_transfer), [`open_transfer`](crate::open_transfer),
//! [`OpenedTransfer::read_file`](crate::OpenedTransfer::read_file)) drive
//! them over a [`Transport`]; the HTTP sessions of [`crate::http`] drive
//! the same machines with HTTP requests that a host sends itself (a
//! browser's `fetch`).
//!
//! Each machine is used the same way: ask [`next_op`](Upload::next_op) for
//! the next [`Op`], perform it, hand its result back, until `next_op`
//! answers `None`.

mod fetch;
mod upload;

pub use fetch::{FileCheck, FileDownload, ManifestFetch, UnsealedManifest};
pub use upload::{Upload, UploadEvent};

use kluis_protocol::{BlobName, TransferId};

use crate::transport::{TransferPlan, Transport, TransportError};

/// One storage operation on the session's transfer, as data: what a
/// [`Transport`] method does, or what one HTTP exchange with a drop server
/// does ([`crate::http`] maps each onto its request).
///
/// ```
/// use kluis_transfer::{BlobName, session::Op};
/// let op = Op::Read { blob: BlobName::Manifest, offset: 0, len: 4096 };
/// assert!(matches!(op, Op::Read { len: 4096, .. }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Op {
    /// Announce the transfer ([`Transport::begin_transfer`] with the plan).
    Begin,
    /// How much of `blob` the store holds: complete length, else partial
    /// length ([`Transport::complete_len`], then [`Transport::partial_len`]).
    Lengths {
        /// The blob.
        blob: BlobName,
    },
    /// Write bytes `offset .. offset + len` of blob number `index` (in
    /// [`SealedTransfer::blobs`](crate::SealedTransfer::blobs) order) at
    /// `offset` ([`Transport::put_range`]).
    Put {
        /// The blob.
        blob: BlobName,
        /// Its position among the transfer's blobs (the manifest is last).
        index: usize,
        /// Where the bytes go.
        offset: u64,
        /// How many bytes (0 creates an empty blob).
        len: u64,
    },
    /// Make the partial blob of `len` bytes complete ([`Transport::finish_blob`]).
    FinishBlob {
        /// The blob.
        blob: BlobName,
        /// Its length.
        len: u64,
    },
    /// Mark the transfer finished ([`Transport::finish_transfer`]).
    FinishTransfer {
        /// The expiry, Unix seconds.
        expires_at: u64,
    },
    /// The finished transfer's expiry ([`Transport::expiry`]).
    Expiry,
    /// The length of the complete blob ([`Transport::complete_len`], as a
    /// recipient).
    CompleteLen {
        /// The blob.
        blob: BlobName,
    },
    /// Up to `len` bytes of the complete blob from `offset`
    /// ([`Transport::read_range`]).
    Read {
        /// The blob.
        blob: BlobName,
        /// The first byte.
        offset: u64,
        /// How many bytes at most.
        len: u64,
    },
}

/// What an [`Op`] gave back.
///
/// ```
/// use kluis_transfer::session::OpOutput;
/// let held = OpOutput::Lengths { partial: Some(10), complete: None };
/// assert_ne!(held, OpOutput::Done);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OpOutput {
    /// `Begin`, `Put`, `FinishBlob`, `FinishTransfer` succeeded.
    Done,
    /// The answer to `Lengths`.
    Lengths {
        /// The partial blob's length, if there is one.
        partial: Option<u64>,
        /// The complete blob's length, if it is complete.
        complete: Option<u64>,
    },
    /// The answer to `Expiry`.
    Expiry(Option<u64>),
    /// The answer to `CompleteLen`.
    Len(Option<u64>),
    /// The answer to `Read`.
    Bytes(Vec<u8>),
}

/// Performs `op` on `transport` for transfer `id`. `plan` is announced by
/// [`Op::Begin`]; `data` is the bytes of an [`Op::Put`].
///
/// ```
/// use kluis_transfer::{BlobName, MemoryTransport, TransferId, TransferPlan};
/// use kluis_transfer::session::{Op, OpOutput, execute};
/// let store = MemoryTransport::new();
/// let id = TransferId::from_bytes([3; 16]);
/// let plan = TransferPlan { id, sender: String::new(), recipients: vec![], expires_at: 0, blobs: vec![],
///     subject: String::new(), file_names: vec![] };
/// let put = Op::Put { blob: BlobName::Manifest, index: 0, offset: 0, len: 2 };
/// assert_eq!(execute(&store, &id, &plan, &put, b"hi"), Ok(OpOutput::Done));
/// let held = execute(&store, &id, &plan, &Op::Lengths { blob: BlobName::Manifest }, &[]);
/// assert_eq!(held, Ok(OpOutput::Lengths { partial: Some(2), complete: None }));
/// ```
pub fn execute(
    transport: &dyn Transport,
    id: &TransferId,
    plan: &TransferPlan,
    op: &Op,
    data: &[u8],
) -> Result<OpOutput, TransportError> {
    Ok(match op {
        Op::Begin => {
            transport.begin_transfer(plan)?;
            OpOutput::Done
        }
        Op::Lengths { blob } => match transport.complete_len(id, blob)? {
            Some(len) => OpOutput::Lengths { partial: None, complete: Some(len) },
            None => OpOutput::Lengths { partial: transport.partial_len(id, blob)?, complete: None },
        },
        Op::Put { blob, offset, .. } => {
            transport.put_range(id, blob, *offset, data)?;
            OpOutput::Done
        }
        Op::FinishBlob { blob, len } => {
            transport.finish_blob(id, blob, *len)?;
            OpOutput::Done
        }
        Op::FinishTransfer { expires_at } => {
            transport.finish_transfer(id, *expires_at)?;
            OpOutput::Done
        }
        Op::Expiry => OpOutput::Expiry(transport.expiry(id)?),
        Op::CompleteLen { blob } => OpOutput::Len(transport.complete_len(id, blob)?),
        Op::Read { blob, offset, len } => OpOutput::Bytes(transport.read_range(id, blob, *offset, *len)?),
    })
}

/// An output of the wrong kind for the op asked: a host that answered the
/// wrong question.
pub(crate) fn unexpected(op: &str, output: &OpOutput) -> TransportError {
    let kind = match output {
        OpOutput::Done => "done",
        OpOutput::Lengths { .. } => "lengths",
        OpOutput::Expiry(_) => "an expiry",
        OpOutput::Len(_) => "a length",
        OpOutput::Bytes(_) => "bytes",
    };
    TransportError::Other(format!("unexpected result ({kind}) for {op}"))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::{Argon2Params, FileSpec, Password, SendOptions, SendRequest, TransferError, TransferSealer};

    fn sealed() -> Result<crate::SealedTransfer, TransferError> {
        let request = SendRequest {
            from: "ann@example.org".into(),
            to: vec!["bob@example.org".into()],
            subject: "S".into(),
            message: None,
            files: vec![FileSpec::new("a.txt", 3)],
            expires_in: Duration::from_secs(60),
            password: Password::new("zwaluw-kompas-9-tegelvloer-okapi"),
            allow_weak_password: false,
        };
        let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
        let mut sealing = TransferSealer::new(request, &options, 1_000)?;
        let mut file = sealing.file(0)?;
        file.update(b"abc")?;
        let (_, sealed) = file.finish()?;
        sealing.add(sealed)?;
        sealing.finish()
    }

    #[test]
    fn an_upload_skips_complete_blobs_and_refuses_other_lengths() -> Result<(), TransferError> {
        let transfer = sealed()?;
        let (first, len) = transfer.blobs()[0];
        let mut upload = Upload::new(&transfer, 4096, 2)?;
        assert_eq!(upload.next_op(), Some(Op::Begin));
        upload.on_output(Ok(OpOutput::Done))?;
        assert_eq!(upload.next_op(), Some(Op::Lengths { blob: first }));
        // Complete with our length: skipped, reported whole.
        let event = upload.on_output(Ok(OpOutput::Lengths { partial: None, complete: Some(len) }))?;
        assert!(matches!(event, UploadEvent::Progress(e) if e.done == len && e.file == Some(0)));
        assert_eq!(upload.next_op(), Some(Op::Lengths { blob: BlobName::Manifest }));
        // Complete with another length: a conflict, resumed once, then final.
        let other = Ok(OpOutput::Lengths { partial: None, complete: Some(1) });
        assert!(matches!(upload.on_output(other.clone())?, UploadEvent::Resumed(TransferError::Transport(_))));
        assert_eq!(upload.next_op(), Some(Op::Begin));
        upload.on_output(Ok(OpOutput::Done))?;
        upload.on_output(Ok(OpOutput::Lengths { partial: None, complete: Some(len) }))?;
        let refused = upload.on_output(other);
        assert!(matches!(refused, Err(TransferError::Transport(TransportError::Conflict(_)))), "{refused:?}");
        Ok(())
    }

    #[test]
    fn a_longer_partial_blob_is_started_over_and_a_wrong_answer_is_refused() -> Result<(), TransferError> {
        let transfer = sealed()?;
        let (first, len) = transfer.blobs()[0];
        let mut upload = Upload::new(&transfer, 4096, 3)?;
        upload.on_output(Ok(OpOutput::Done))?;
        upload.on_output(Ok(OpOutput::Lengths { partial: Some(len + 1), complete: None }))?;
        assert_eq!(upload.next_op(), Some(Op::Put { blob: first, index: 0, offset: 0, len: len.min(4096) }));
        // An answer to another question is not a failure that may pass.
        let wrong = upload.on_output(Ok(OpOutput::Bytes(vec![1])));
        assert!(matches!(wrong, Err(TransferError::Transport(TransportError::Other(m))) if m.contains("bytes")));
        Ok(())
    }

    #[test]
    fn a_streamed_upload_waits_for_sealed_bytes_and_never_resumes_behind_what_was_acknowledged()
    -> Result<(), TransferError> {
        let plan = sealed()?.plan();
        let (first, len) = plan.blobs[0];
        let mut upload = Upload::streamed(&plan, 1_000, 4096, 3)?;
        upload.on_output(Ok(OpOutput::Done))?;
        upload.on_output(Ok(OpOutput::Lengths { partial: None, complete: None }))?;
        // Nothing sealed yet: it waits for the whole (short) blob.
        assert_eq!((upload.next_op(), upload.waiting()), (None, Some((0, len))));
        assert!(upload.sealed(0, len + 1).is_err(), "more than planned");
        upload.sealed(0, len)?;
        assert!(upload.sealed(0, len - 1).is_err(), "fewer than said before");
        assert_eq!(upload.next_op(), Some(Op::Put { blob: first, index: 0, offset: 0, len }));
        upload.on_output(Ok(OpOutput::Done))?;
        assert_eq!(upload.acknowledged(0), len);
        // The connection drops; the new attempt finds less than acknowledged.
        let dropped = upload.on_output(Err(TransportError::Io("reset".into())))?;
        assert!(matches!(dropped, UploadEvent::Resumed(_)));
        upload.on_output(Ok(OpOutput::Done))?;
        let lost = upload.on_output(Ok(OpOutput::Lengths { partial: Some(1), complete: None }));
        assert!(
            matches!(&lost, Err(TransferError::Transport(TransportError::Other(m))) if m.contains("cannot resume")),
            "{lost:?}"
        );
        // A plain upload has nothing to wait for.
        assert!(Upload::new(&sealed()?, 4096, 1)?.sealed(0, 1).is_err());
        Ok(())
    }

    #[test]
    fn a_manifest_fetch_bounds_what_it_reads() {
        let id = TransferId::from_bytes([5; 16]);
        let mut unfinished = ManifestFetch::new(id);
        let result = unfinished.on_output(Ok(OpOutput::Expiry(None)));
        assert!(matches!(result, Err(TransferError::NotFound { what }) if what.contains("not completely uploaded")));
        let mut huge = ManifestFetch::new(id);
        assert!(huge.on_output(Ok(OpOutput::Expiry(Some(1)))).is_ok());
        let result = huge.on_output(Ok(OpOutput::Len(Some(u64::MAX))));
        assert!(matches!(result, Err(TransferError::Tampered { .. })));
        let mut short = ManifestFetch::new(id);
        assert!(short.on_output(Ok(OpOutput::Expiry(Some(1)))).is_ok());
        assert!(short.on_output(Ok(OpOutput::Len(Some(10)))).is_ok());
        assert_eq!(short.next_op(), Some(Op::Read { blob: BlobName::Manifest, offset: 0, len: 10 }));
        assert!(short.on_output(Ok(OpOutput::Bytes(vec![0; 4]))).is_ok());
        assert_eq!(short.next_op(), Some(Op::Read { blob: BlobName::Manifest, offset: 4, len: 6 }));
        let result = short.on_output(Ok(OpOutput::Bytes(Vec::new())));
        assert!(matches!(result, Err(TransferError::Tampered { .. })));
    }
}
