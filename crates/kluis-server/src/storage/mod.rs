//! Where sealed blobs live: the [`BlobStore`] trait and its implementations.
//!
//! [`fs::FsStore`] keeps blobs in a local folder (the default). Partial
//! uploads are kept by the store itself, so any server process sharing the
//! store can continue an upload another one started.

pub mod fs;
pub mod s3;

use kluis_protocol::{BlobName, TransferId};

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The blob (partial or complete, as the operation needs) does not exist.
    #[error("not found")]
    NotFound,
    /// The offset is not the partial blob's length (which is given), or the blob is already complete, or the size does not match.
    #[error("conflict: {message}")]
    Conflict {
        /// The partial blob's current length, when there is one.
        current: Option<u64>,
        /// What did not match, for humans.
        message: String,
    },
    /// The storage itself failed (I/O, network, permissions).
    #[error("storage failed: {0}")]
    Io(String),
}

/// A stream of a blob's bytes, as read from a store.
pub type ByteStream = futures::stream::BoxStream<'static, Result<bytes::Bytes, StoreError>>;

/// Where sealed blobs live. Partial uploads are kept by the store itself, so any server process can continue one.
/// `transfer` and `blob` are parsed ids, so no text from a request reaches a
/// storage path or key unchecked.
#[async_trait::async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Appends `data` at `offset`, which must equal the partial length (0 when none); returns the new partial length.
    async fn append(
        &self,
        transfer: &TransferId,
        blob: &BlobName,
        offset: u64,
        data: bytes::Bytes,
    ) -> Result<u64, StoreError>;
    /// Like [`append`](Self::append), but the store may answer before the
    /// bytes are durable: the blob's next `append` or [`sync`](Self::sync)
    /// makes them so. An upload request appends its body this way, piece
    /// by piece, and its last piece with `append`: one sync per request.
    /// By default the same as `append`.
    async fn append_unsynced(
        &self,
        transfer: &TransferId,
        blob: &BlobName,
        offset: u64,
        data: bytes::Bytes,
    ) -> Result<u64, StoreError> {
        self.append(transfer, blob, offset, data).await
    }
    /// Makes every byte appended to the partial blob durable (nothing to do
    /// when there is none). By default nothing: appends are durable.
    async fn sync(&self, _transfer: &TransferId, _blob: &BlobName) -> Result<(), StoreError> {
        Ok(())
    }
    /// The length of the partial (not yet complete) blob, `None` when there is none.
    async fn partial_len(&self, transfer: &TransferId, blob: &BlobName) -> Result<Option<u64>, StoreError>;
    /// Makes the partial blob of exactly `size` bytes complete, atomically; idempotent for a complete blob of that size.
    async fn complete(&self, transfer: &TransferId, blob: &BlobName, size: u64) -> Result<(), StoreError>;
    /// The length of the complete blob, `None` when it is not complete (or absent).
    async fn complete_len(&self, transfer: &TransferId, blob: &BlobName) -> Result<Option<u64>, StoreError>;
    /// Streams bytes `range` of a complete blob.
    async fn read(
        &self,
        transfer: &TransferId,
        blob: &BlobName,
        range: std::ops::Range<u64>,
    ) -> Result<ByteStream, StoreError>;
    /// Deletes every blob of the transfer, partial or complete (succeeds when none).
    async fn delete_transfer(&self, transfer: &TransferId) -> Result<(), StoreError>;
}
