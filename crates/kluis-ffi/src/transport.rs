//! The [`Transport`] trait as a uniffi trait that Python and Kotlin code can
//! implement, the [`DirectoryTransport`] store, and the adapter that lets
//! `kluis-transfer` drive either.
//!
//! Across the FFI, transfer ids and blob names travel as their text forms
//! (`manifest`, or 26 base-32 characters) and offsets as `u64`; the
//! contract is `kluis_transfer::Transport`'s, unchanged.

use std::sync::Arc;

use kluis_transfer as kt;
use kluis_transfer::{BlobName, TransferId};

use crate::error::KluisError;

/// Why a transport operation failed: raised by a [`Transport`]
/// implementation (including one written in Python or Kotlin) and read by
/// the transfer code, which turns `NotFound` into `KluisError.NotFound` and
/// the others into `KluisError.Transport`.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum TransportError {
    /// The transfer or blob does not exist (or, for reads, is not complete).
    #[error("not found: {reason}")]
    NotFound {
        /// What is missing.
        reason: String,
    },
    /// The operation contradicts the stored state (writing to a complete
    /// blob or a finished transfer, an offset past the end, a wrong length).
    #[error("conflict: {reason}")]
    Conflict {
        /// What conflicts.
        reason: String,
    },
    /// The storage medium failed.
    #[error("I/O error: {reason}")]
    Io {
        /// What failed.
        reason: String,
    },
    /// Anything else (network, authorisation, an unexpected exception in a
    /// foreign implementation).
    #[error("{reason}")]
    Other {
        /// What happened.
        reason: String,
    },
}

/// A foreign implementation raised something other than a `TransportError`.
impl From<uniffi::UnexpectedUniFFICallbackError> for TransportError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        TransportError::Other { reason: format!("unexpected error in the transport: {}", e.reason) }
    }
}

impl From<kt::TransportError> for TransportError {
    fn from(e: kt::TransportError) -> Self {
        match e {
            kt::TransportError::NotFound(reason) => TransportError::NotFound { reason },
            kt::TransportError::Conflict(reason) => TransportError::Conflict { reason },
            kt::TransportError::Io(reason) => TransportError::Io { reason },
            kt::TransportError::Other(reason) => TransportError::Other { reason },
            other => TransportError::Other { reason: other.to_string() },
        }
    }
}

impl From<TransportError> for kt::TransportError {
    fn from(e: TransportError) -> Self {
        match e {
            TransportError::NotFound { reason } => kt::TransportError::NotFound(reason),
            TransportError::Conflict { reason } => kt::TransportError::Conflict(reason),
            TransportError::Io { reason } => kt::TransportError::Io(reason),
            TransportError::Other { reason } => kt::TransportError::Other(reason),
        }
    }
}

/// A blob and its sealed size, in a [`TransferPlan`].
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct BlobSize {
    /// `manifest` or a blob id (26 characters).
    pub name: String,
    /// Sealed bytes.
    pub size: u64,
}

/// What a sender is about to upload, announced with
/// `Transport.begin_transfer` before every upload attempt (see
/// `kluis_transfer::TransferPlan`). `subject` and `file_names` are
/// confidential: a transport must not store or send them unless its user
/// opted in.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct TransferPlan {
    /// The transfer's id (26 characters).
    pub transfer_id: String,
    /// The sender's address.
    pub sender: String,
    /// The recipients' addresses.
    pub recipients: Vec<String>,
    /// The expiry, Unix seconds.
    pub expires_at: u64,
    /// Every blob with its sealed size: the files' blobs, then `manifest`.
    pub blobs: Vec<BlobSize>,
    /// The subject (confidential).
    pub subject: String,
    /// The files' names (confidential).
    pub file_names: Vec<String>,
}

/// Shows no subject or file name.
impl std::fmt::Debug for TransferPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferPlan")
            .field("transfer_id", &self.transfer_id)
            .field("blobs", &self.blobs)
            .finish_non_exhaustive()
    }
}

impl From<&kt::TransferPlan> for TransferPlan {
    fn from(p: &kt::TransferPlan) -> Self {
        TransferPlan {
            transfer_id: p.id.to_string(),
            sender: p.sender.clone(),
            recipients: p.recipients.clone(),
            expires_at: p.expires_at,
            blobs: p.blobs.iter().map(|(name, size)| BlobSize { name: name.to_string(), size: *size }).collect(),
            subject: p.subject.clone(),
            file_names: p.file_names.clone(),
        }
    }
}

impl TryFrom<TransferPlan> for kt::TransferPlan {
    type Error = TransportError;

    fn try_from(p: TransferPlan) -> Result<Self, TransportError> {
        let blobs =
            p.blobs.iter().map(|b| Ok((parse_blob(&b.name)?, b.size))).collect::<Result<_, TransportError>>()?;
        Ok(kt::TransferPlan {
            id: parse_transfer(&p.transfer_id)?,
            sender: p.sender,
            recipients: p.recipients,
            expires_at: p.expires_at,
            blobs,
            subject: p.subject,
            file_names: p.file_names,
        })
    }
}

/// Storage for sealed transfers: byte ranges of named blobs. Implement it
/// (subclass it in Python) to carry transfers over your own storage or
/// HTTP stack; see `kluis_transfer::Transport` for the exact contract.
///
/// A blob is first partial (being uploaded), then complete (after
/// `finish_blob`): readable and immutable. After `finish_transfer` the
/// transfer is complete and carries its expiry (Unix seconds).
#[uniffi::export(with_foreign)]
pub trait Transport: Send + Sync {
    /// Announces the transfer about to be uploaded; called before every
    /// upload attempt, so it must be idempotent. A plain store does nothing.
    fn begin_transfer(&self, plan: TransferPlan) -> Result<(), TransportError>;

    /// Writes `data` at `offset` (at most the partial blob's current length)
    /// into the partial blob, creating it at offset 0.
    fn put_range(&self, transfer_id: String, blob: String, offset: u64, data: Vec<u8>) -> Result<(), TransportError>;

    /// Length of the partial blob; `None` when there is none.
    fn partial_len(&self, transfer_id: String, blob: String) -> Result<Option<u64>, TransportError>;

    /// Makes the partial blob (exactly `total_len` bytes) complete, atomically.
    /// Repeating it for a blob complete with that length succeeds.
    fn finish_blob(&self, transfer_id: String, blob: String, total_len: u64) -> Result<(), TransportError>;

    /// Length of the complete blob; `None` when it is not complete.
    fn complete_len(&self, transfer_id: String, blob: String) -> Result<Option<u64>, TransportError>;

    /// Bytes `offset .. min(offset + length, complete length)` of a complete
    /// blob (empty at or past the end); `NotFound` when it is not complete.
    fn read_range(
        &self,
        transfer_id: String,
        blob: String,
        offset: u64,
        length: u64,
    ) -> Result<Vec<u8>, TransportError>;

    /// Marks the transfer complete, expiring at `expires_at` (Unix seconds).
    fn finish_transfer(&self, transfer_id: String, expires_at: u64) -> Result<(), TransportError>;

    /// The expiry of a finished transfer; `None` while it is being uploaded;
    /// `NotFound` for an unknown transfer.
    fn expiry(&self, transfer_id: String) -> Result<Option<u64>, TransportError>;

    /// Deletes the transfer and its blobs (succeeds if it does not exist).
    fn delete_transfer(&self, transfer_id: String) -> Result<(), TransportError>;

    /// The finished transfers with `expires_at <= now`.
    fn list_expired(&self, now: u64) -> Result<Vec<String>, TransportError>;
}

pub(crate) fn parse_transfer(text: &str) -> Result<TransferId, TransportError> {
    TransferId::parse(text).map_err(|e| TransportError::Other { reason: format!("invalid transfer id {text:?}: {e}") })
}

pub(crate) fn parse_blob(text: &str) -> Result<BlobName, TransportError> {
    BlobName::parse(text).map_err(|e| TransportError::Other { reason: format!("invalid blob name {text:?}: {e}") })
}

/// A store in a local folder (one folder per transfer; uploads are atomic).
/// Pass it wherever a `Transport` is expected.
#[derive(uniffi::Object)]
pub struct DirectoryTransport {
    inner: kt::DirectoryTransport,
}

#[uniffi::export]
impl DirectoryTransport {
    /// Opens the store in the folder `root`, creating it (private to the
    /// user) if needed.
    #[uniffi::constructor]
    pub fn new(root: String) -> Result<Arc<Self>, KluisError> {
        let inner = kt::DirectoryTransport::open(root).map_err(|e| KluisError::Io(e.to_string()))?;
        Ok(Arc::new(DirectoryTransport { inner }))
    }

    /// Opens the default store: `kluis/store` in the user's data folder.
    #[uniffi::constructor]
    pub fn open_default() -> Result<Arc<Self>, KluisError> {
        let inner = kt::DirectoryTransport::open_default().map_err(|e| KluisError::Io(e.to_string()))?;
        Ok(Arc::new(DirectoryTransport { inner }))
    }

    /// The store's folder.
    pub fn root(&self) -> String {
        self.inner.root().to_string_lossy().into_owned()
    }

    /// The link (`file://...`) that names `transfer_id` in this store, for
    /// the mail to the recipients. It carries no secret.
    pub fn link(&self, transfer_id: String) -> Result<String, KluisError> {
        let id = TransferId::parse(&transfer_id)
            .map_err(|e| KluisError::invalid(format!("invalid transfer id {transfer_id:?}: {e}")))?;
        let root = std::path::absolute(self.inner.root()).map_err(|e| KluisError::Io(e.to_string()))?;
        let link = kt::Link::directory(root, id).map_err(|e| KluisError::invalid(e.to_string()))?;
        Ok(link.to_string())
    }
}

/// Exports a Rust `kluis_transfer::Transport` held in the `inner` field of
/// the object `$object` as an FFI [`Transport`]: ids from text, errors
/// converted, nothing else (the same for every Rust transport the bindings
/// get).
macro_rules! export_rust_transport {
    ($object:ident) => {
        #[uniffi::export]
        impl Transport for $object {
            fn begin_transfer(&self, plan: TransferPlan) -> Result<(), TransportError> {
                Ok(kt::Transport::begin_transfer(&self.inner, &plan.try_into()?)?)
            }

            fn put_range(
                &self,
                transfer_id: String,
                blob: String,
                offset: u64,
                data: Vec<u8>,
            ) -> Result<(), TransportError> {
                let (t, b) = (parse_transfer(&transfer_id)?, parse_blob(&blob)?);
                Ok(kt::Transport::put_range(&self.inner, &t, &b, offset, &data)?)
            }

            fn partial_len(&self, transfer_id: String, blob: String) -> Result<Option<u64>, TransportError> {
                let (t, b) = (parse_transfer(&transfer_id)?, parse_blob(&blob)?);
                Ok(kt::Transport::partial_len(&self.inner, &t, &b)?)
            }

            fn finish_blob(&self, transfer_id: String, blob: String, total_len: u64) -> Result<(), TransportError> {
                let (t, b) = (parse_transfer(&transfer_id)?, parse_blob(&blob)?);
                Ok(kt::Transport::finish_blob(&self.inner, &t, &b, total_len)?)
            }

            fn complete_len(&self, transfer_id: String, blob: String) -> Result<Option<u64>, TransportError> {
                let (t, b) = (parse_transfer(&transfer_id)?, parse_blob(&blob)?);
                Ok(kt::Transport::complete_len(&self.inner, &t, &b)?)
            }

            fn read_range(
                &self,
                transfer_id: String,
                blob: String,
                offset: u64,
                length: u64,
            ) -> Result<Vec<u8>, TransportError> {
                let (t, b) = (parse_transfer(&transfer_id)?, parse_blob(&blob)?);
                Ok(kt::Transport::read_range(&self.inner, &t, &b, offset, length)?)
            }

            fn finish_transfer(&self, transfer_id: String, expires_at: u64) -> Result<(), TransportError> {
                Ok(kt::Transport::finish_transfer(&self.inner, &parse_transfer(&transfer_id)?, expires_at)?)
            }

            fn expiry(&self, transfer_id: String) -> Result<Option<u64>, TransportError> {
                Ok(kt::Transport::expiry(&self.inner, &parse_transfer(&transfer_id)?)?)
            }

            fn delete_transfer(&self, transfer_id: String) -> Result<(), TransportError> {
                Ok(kt::Transport::delete_transfer(&self.inner, &parse_transfer(&transfer_id)?)?)
            }

            fn list_expired(&self, now: u64) -> Result<Vec<String>, TransportError> {
                Ok(kt::Transport::list_expired(&self.inner, now)?.iter().map(ToString::to_string).collect())
            }
        }
    };
}
pub(crate) use export_rust_transport;

export_rust_transport!(DirectoryTransport);

/// Lets `kluis-transfer` drive any [`Transport`] given through the FFI (a
/// foreign implementation, or a Rust one such as [`DirectoryTransport`]):
/// ids to text on the way in, text to ids on the way out.
pub(crate) struct TransportAdapter(pub(crate) Arc<dyn Transport>);

impl kt::Transport for TransportAdapter {
    fn begin_transfer(&self, plan: &kt::TransferPlan) -> Result<(), kt::TransportError> {
        Ok(self.0.begin_transfer(plan.into())?)
    }

    fn put_range(
        &self,
        transfer: &TransferId,
        blob: &BlobName,
        offset: u64,
        data: &[u8],
    ) -> Result<(), kt::TransportError> {
        Ok(self.0.put_range(transfer.to_string(), blob.to_string(), offset, data.to_vec())?)
    }

    fn partial_len(&self, transfer: &TransferId, blob: &BlobName) -> Result<Option<u64>, kt::TransportError> {
        Ok(self.0.partial_len(transfer.to_string(), blob.to_string())?)
    }

    fn finish_blob(&self, transfer: &TransferId, blob: &BlobName, total_len: u64) -> Result<(), kt::TransportError> {
        Ok(self.0.finish_blob(transfer.to_string(), blob.to_string(), total_len)?)
    }

    fn complete_len(&self, transfer: &TransferId, blob: &BlobName) -> Result<Option<u64>, kt::TransportError> {
        Ok(self.0.complete_len(transfer.to_string(), blob.to_string())?)
    }

    fn read_range(
        &self,
        transfer: &TransferId,
        blob: &BlobName,
        offset: u64,
        len: u64,
    ) -> Result<Vec<u8>, kt::TransportError> {
        let piece = self.0.read_range(transfer.to_string(), blob.to_string(), offset, len)?;
        // A foreign implementation's answer is held to the request, so what
        // is buffered stays bounded by the piece size asked for.
        if piece.len() as u64 > len {
            return Err(kt::TransportError::Other(format!(
                "the transport returned {} bytes for a read of at most {len}",
                piece.len()
            )));
        }
        Ok(piece)
    }

    fn finish_transfer(&self, transfer: &TransferId, expires_at: u64) -> Result<(), kt::TransportError> {
        Ok(self.0.finish_transfer(transfer.to_string(), expires_at)?)
    }

    fn expiry(&self, transfer: &TransferId) -> Result<Option<u64>, kt::TransportError> {
        Ok(self.0.expiry(transfer.to_string())?)
    }

    fn delete_transfer(&self, transfer: &TransferId) -> Result<(), kt::TransportError> {
        Ok(self.0.delete_transfer(transfer.to_string())?)
    }

    fn list_expired(&self, now: u64) -> Result<Vec<TransferId>, kt::TransportError> {
        let ids = self.0.list_expired(now)?;
        Ok(ids.iter().map(|s| parse_transfer(s)).collect::<Result<_, _>>()?)
    }
}

/// Deletes the finished transfers of `transport` that expired at or before
/// `now` (Unix seconds; None means the system clock) and returns their ids.
#[uniffi::export(default(now = None))]
pub fn purge_expired(transport: Arc<dyn Transport>, now: Option<u64>) -> Result<Vec<String>, KluisError> {
    let now = now.unwrap_or_else(|| kt::unix_seconds(std::time::SystemTime::now()));
    let purged = kt::purge_expired(&TransportAdapter(transport), now)
        .map_err(|e| KluisError::from(kt::TransferError::Transport(e)))?;
    Ok(purged.iter().map(ToString::to_string).collect())
}
