//! Transports: where sealed blobs are stored and how they move.
//!
//! A [`Transport`] moves opaque, already-sealed bytes. It never sees a
//! password, a key, a file name or a message: blobs are named by
//! [`BlobName`] (`manifest` or a random [`BlobId`](crate::BlobId)), and the
//! only clear-text fact about a transfer is its expiry time, which storage
//! needs in order to purge.

#[cfg(feature = "fs")]
mod directory;
#[cfg(feature = "http")]
pub(crate) mod http;
mod memory;

#[cfg(feature = "fs")]
pub use directory::DirectoryTransport;
pub use memory::MemoryTransport;

use kluis_protocol::{BlobName, TransferId};

/// Why a transport operation failed. A single flat enum of strings, so that
/// implementations in other languages (through bindings) can map their own
/// errors onto it.
///
/// ```
/// use kluis_transfer::TransportError;
/// let e = TransportError::Conflict("blob is already complete".into());
/// assert_eq!(e.to_string(), "conflict: blob is already complete");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The transfer or blob does not exist (or, for reads, is not complete).
    #[error("not found: {0}")]
    NotFound(String),
    /// The operation contradicts the stored state: writing to a complete
    /// blob or a finished transfer, an offset past the end, a length that
    /// does not match.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The storage medium failed.
    #[error("I/O error: {0}")]
    Io(String),
    /// Anything else (network, authorisation, a foreign exception).
    #[error("{0}")]
    Other(String),
}

/// What a sender is about to upload, announced to the transport before the
/// first byte ([`Transport::begin_transfer`]).
///
/// Storage that only holds blobs (a folder, memory) ignores it. A server
/// that mails the recipients needs the addresses, the expiry and the blob
/// sizes up front (docs/SERVER.md). The `subject` and `file_names` are
/// confidential (they are sealed in the manifest): a transport MUST NOT
/// store or send them unless its user explicitly opted in, as
/// [`HttpTransport`](crate::HttpTransport) does only with
/// `HttpOptions::disclose_names`.
///
/// ```
/// use kluis_transfer::{BlobName, TransferId, TransferPlan};
/// let plan = TransferPlan {
///     id: TransferId::from_bytes([0; 16]),
///     sender: "ann@example.org".into(),
///     recipients: vec!["bob@example.org".into()],
///     expires_at: 1_700_000_000,
///     blobs: vec![(BlobName::Manifest, 1234)],
///     subject: "Contract".into(),
///     file_names: vec!["contract.pdf".into()],
/// };
/// assert_eq!(plan.total_size(), 1234);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct TransferPlan {
    /// The transfer's id.
    pub id: TransferId,
    /// The sender's address.
    pub sender: String,
    /// The recipients' addresses.
    pub recipients: Vec<String>,
    /// The expiry, Unix seconds (the one sealed in the manifest).
    pub expires_at: u64,
    /// Every blob with its sealed size: the files' blobs in order, then
    /// `manifest`.
    pub blobs: Vec<(BlobName, u64)>,
    /// The subject (confidential: see above).
    pub subject: String,
    /// The files' names, in order (confidential: see above).
    pub file_names: Vec<String>,
}

impl TransferPlan {
    /// The sealed bytes of all blobs together.
    pub fn total_size(&self) -> u64 {
        self.blobs.iter().map(|(_, size)| size).sum()
    }
}

/// Shows the id, counts and sizes; never the subject or the file names.
impl std::fmt::Debug for TransferPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferPlan")
            .field("id", &self.id)
            .field("recipients", &self.recipients.len())
            .field("expires_at", &self.expires_at)
            .field("blobs", &self.blobs.len())
            .field("total_size", &self.total_size())
            .finish_non_exhaustive()
    }
}

/// Storage for sealed transfers: byte ranges of named blobs.
///
/// The trait is object safe and uses only ids, byte slices, `u64` offsets
/// and lengths, so it can be implemented outside Rust (a binding exposes it
/// as a foreign trait with ids as strings): a C#, Kotlin or Python host can
/// upload with its own HTTP stack. Offsets make uploads resumable and
/// downloads rangeable.
///
/// # Model
///
/// A transfer holds blobs. A blob is first *partial* (being uploaded), then,
/// after [`finish_blob`](Transport::finish_blob), *complete*: visible to
/// readers, immutable. A partial blob is never visible to
/// [`read_range`](Transport::read_range). After
/// [`finish_transfer`](Transport::finish_transfer) the transfer is complete
/// and immutable, and carries its expiry time.
///
/// # Contract
///
/// - `begin_transfer(plan)`: called by the sender before every upload
///   attempt, the first and each resumed one, so it MUST be idempotent:
///   announcing the same plan again succeeds. The default does nothing.
/// - `put_range(t, b, offset, data)`: `offset` must not exceed the partial
///   blob's current length (0 when there is none, in which case the blob is
///   created). The partial blob becomes its first `offset` bytes followed by
///   `data`. Writing at the current length appends; the uploader in this
///   crate only ever appends, so a store that cannot rewind may answer
///   `offset < length` with [`TransportError::Conflict`]. Writing to a blob
///   that is already complete, or to a finished transfer, is a `Conflict`.
/// - `partial_len`: the length of the partial blob, `None` when there is no
///   partial blob (never started, or already complete).
/// - `finish_blob(t, b, total_len)`: the partial blob, which must hold
///   exactly `total_len` bytes, becomes complete **atomically**. Calling it
///   again for a blob that is already complete with that length succeeds
///   (so a retry after a lost answer is harmless); another length is a
///   `Conflict`; no blob at all is `NotFound`.
/// - `complete_len`: the length of the complete blob, `None` when it is not
///   complete.
/// - `read_range(t, b, offset, len)`: the bytes `offset .. min(offset + len,
///   complete_len)` of a complete blob (empty when `offset` is at or past
///   the end); `NotFound` when the blob is not complete.
/// - `finish_transfer(t, expires_at)`: the transfer is complete, expiring
///   at `expires_at` (Unix seconds). Requires the `manifest` blob to be
///   complete (`Conflict` otherwise, `NotFound` for an unknown transfer).
///   Repeating it with the same time succeeds; another time is a `Conflict`.
/// - `expiry(t)`: `Some(expires_at)` for a finished transfer, `None` for one
///   still being uploaded, `NotFound` for an unknown one.
/// - `delete_transfer(t)`: removes the transfer and all its blobs; deleting
///   an unknown transfer succeeds.
/// - `list_expired(now)`: the finished transfers with `expires_at <= now`.
///
/// ```
/// use kluis_transfer::{BlobName, MemoryTransport, Transport, TransferId, TransportError};
/// let store = MemoryTransport::new();
/// let t = TransferId::generate()?;
/// store.put_range(&t, &BlobName::Manifest, 0, b"sealed ")?;
/// store.put_range(&t, &BlobName::Manifest, 7, b"bytes")?;
/// // A partial blob is invisible to readers.
/// assert!(matches!(store.read_range(&t, &BlobName::Manifest, 0, 100), Err(TransportError::NotFound(_))));
/// store.finish_blob(&t, &BlobName::Manifest, 12)?;
/// assert_eq!(store.read_range(&t, &BlobName::Manifest, 7, 100)?, b"bytes");
/// store.finish_transfer(&t, 1_700_000_000)?;
/// assert_eq!(store.list_expired(1_700_000_000)?, vec![t]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Transport: Send + Sync {
    /// Announces the transfer about to be uploaded (see the contract); the
    /// default does nothing.
    fn begin_transfer(&self, plan: &TransferPlan) -> Result<(), TransportError> {
        let _ = plan;
        Ok(())
    }

    /// Writes `data` at `offset` into the partial blob (see the contract).
    fn put_range(&self, transfer: &TransferId, blob: &BlobName, offset: u64, data: &[u8])
    -> Result<(), TransportError>;

    /// Length of the partial (incomplete) blob, if there is one.
    fn partial_len(&self, transfer: &TransferId, blob: &BlobName) -> Result<Option<u64>, TransportError>;

    /// Makes the partial blob of exactly `total_len` bytes complete, atomically.
    fn finish_blob(&self, transfer: &TransferId, blob: &BlobName, total_len: u64) -> Result<(), TransportError>;

    /// Length of the complete blob, if it is complete.
    fn complete_len(&self, transfer: &TransferId, blob: &BlobName) -> Result<Option<u64>, TransportError>;

    /// Reads up to `len` bytes at `offset` of a complete blob.
    fn read_range(
        &self,
        transfer: &TransferId,
        blob: &BlobName,
        offset: u64,
        len: u64,
    ) -> Result<Vec<u8>, TransportError>;

    /// Marks the transfer complete, expiring at `expires_at` (Unix seconds).
    fn finish_transfer(&self, transfer: &TransferId, expires_at: u64) -> Result<(), TransportError>;

    /// The expiry of a finished transfer; `None` while it is being uploaded.
    fn expiry(&self, transfer: &TransferId) -> Result<Option<u64>, TransportError>;

    /// Deletes the transfer and its blobs (succeeds if it does not exist).
    fn delete_transfer(&self, transfer: &TransferId) -> Result<(), TransportError>;

    /// Finished transfers whose expiry is at or before `now` (Unix seconds).
    fn list_expired(&self, now: u64) -> Result<Vec<TransferId>, TransportError>;
}

/// Deletes every transfer that expired at or before `now` (Unix seconds)
/// and returns their ids.
///
/// ```
/// use kluis_transfer::{purge_expired, BlobName, MemoryTransport, Transport, TransferId};
/// let store = MemoryTransport::new();
/// let t = TransferId::generate()?;
/// store.put_range(&t, &BlobName::Manifest, 0, b"x")?;
/// store.finish_blob(&t, &BlobName::Manifest, 1)?;
/// store.finish_transfer(&t, 100)?;
/// assert!(purge_expired(&store, 99)?.is_empty());
/// assert_eq!(purge_expired(&store, 100)?, vec![t]);
/// assert!(store.expiry(&t).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn purge_expired(transport: &dyn Transport, now: u64) -> Result<Vec<TransferId>, TransportError> {
    let expired = transport.list_expired(now)?;
    for id in &expired {
        transport.delete_transfer(id)?;
    }
    Ok(expired)
}

#[cfg(any(test, feature = "testing"))]
pub(crate) mod contract {
    //! The [`Transport`] contract as a test run against each implementation
    //! (exported as `testing::check_transport_contract`).

    use super::*;

    fn manifest() -> BlobName {
        BlobName::Manifest
    }

    fn file(n: u8) -> BlobName {
        BlobName::File(crate::BlobId::from_bytes([n; 16]))
    }

    fn conflict<T: std::fmt::Debug>(r: Result<T, TransportError>) {
        assert!(matches!(r, Err(TransportError::Conflict(_))), "expected Conflict, got {r:?}");
    }

    fn not_found<T: std::fmt::Debug>(r: Result<T, TransportError>) {
        assert!(matches!(r, Err(TransportError::NotFound(_))), "expected NotFound, got {r:?}");
    }

    pub(crate) fn check(t: &dyn Transport) {
        let a = TransferId::from_bytes([1; 16]);
        let b = TransferId::from_bytes([2; 16]);
        // Announcing is idempotent (and a no-op for plain stores).
        let plan = TransferPlan {
            id: a,
            sender: "ann@example.org".into(),
            recipients: vec!["bob@example.org".into()],
            expires_at: 100,
            blobs: vec![(file(1), 11), (file(2), 0), (manifest(), 15)],
            subject: String::new(),
            file_names: vec!["a".into(), "b".into()],
        };
        t.begin_transfer(&plan).expect("the Transport contract");
        t.begin_transfer(&plan).expect("the Transport contract");
        not_found(t.expiry(&a));
        assert_eq!(t.partial_len(&a, &manifest()).expect("the Transport contract"), None);
        assert_eq!(t.complete_len(&a, &manifest()).expect("the Transport contract"), None);
        not_found(t.read_range(&a, &manifest(), 0, 1));
        not_found(t.finish_blob(&a, &manifest(), 0));
        not_found(t.finish_transfer(&a, 5));

        // Offsets: no holes; rewinding truncates.
        conflict(t.put_range(&a, &file(1), 1, b"x"));
        t.put_range(&a, &file(1), 0, b"hello").expect("the Transport contract");
        assert_eq!(t.partial_len(&a, &file(1)).expect("the Transport contract"), Some(5));
        conflict(t.put_range(&a, &file(1), 6, b"!"));
        t.put_range(&a, &file(1), 5, b" world").expect("the Transport contract");
        t.put_range(&a, &file(1), 5, b" there").expect("the Transport contract");
        t.put_range(&a, &file(1), 11, b"").expect("the Transport contract");
        assert_eq!(t.partial_len(&a, &file(1)).expect("the Transport contract"), Some(11));
        assert_eq!(t.expiry(&a).expect("the Transport contract"), None);
        not_found(t.read_range(&a, &file(1), 0, 100));
        assert_eq!(t.complete_len(&a, &file(1)).expect("the Transport contract"), None);

        // Finishing: exact length, atomic, idempotent.
        conflict(t.finish_blob(&a, &file(1), 10));
        t.finish_blob(&a, &file(1), 11).expect("the Transport contract");
        t.finish_blob(&a, &file(1), 11).expect("the Transport contract");
        conflict(t.finish_blob(&a, &file(1), 12));
        assert_eq!(t.partial_len(&a, &file(1)).expect("the Transport contract"), None);
        assert_eq!(t.complete_len(&a, &file(1)).expect("the Transport contract"), Some(11));
        conflict(t.put_range(&a, &file(1), 0, b"again"));
        conflict(t.put_range(&a, &file(1), 11, b"more"));

        // Ranges.
        assert_eq!(t.read_range(&a, &file(1), 0, 100).expect("the Transport contract"), b"hello there");
        assert_eq!(t.read_range(&a, &file(1), 6, 3).expect("the Transport contract"), b"the");
        assert_eq!(t.read_range(&a, &file(1), 11, 3).expect("the Transport contract"), b"");
        assert_eq!(t.read_range(&a, &file(1), 50, 3).expect("the Transport contract"), b"");
        assert_eq!(t.read_range(&a, &file(1), 10, u64::MAX).expect("the Transport contract"), b"e");

        // An empty blob.
        t.put_range(&a, &file(2), 0, b"").expect("the Transport contract");
        assert_eq!(t.partial_len(&a, &file(2)).expect("the Transport contract"), Some(0));
        t.finish_blob(&a, &file(2), 0).expect("the Transport contract");
        assert_eq!(t.complete_len(&a, &file(2)).expect("the Transport contract"), Some(0));

        // Finishing the transfer needs the manifest.
        conflict(t.finish_transfer(&a, 100));
        t.put_range(&a, &manifest(), 0, b"sealed manifest").expect("the Transport contract");
        conflict(t.finish_transfer(&a, 100));
        t.finish_blob(&a, &manifest(), 15).expect("the Transport contract");
        t.finish_transfer(&a, 100).expect("the Transport contract");
        t.finish_transfer(&a, 100).expect("the Transport contract");
        conflict(t.finish_transfer(&a, 101));
        assert_eq!(t.expiry(&a).expect("the Transport contract"), Some(100));
        conflict(t.put_range(&a, &file(3), 0, b"late"));

        // A second transfer, unfinished.
        t.put_range(&b, &file(1), 0, b"other").expect("the Transport contract");
        assert_eq!(t.complete_len(&b, &file(1)).expect("the Transport contract"), None);
        assert_eq!(t.read_range(&a, &file(1), 0, 5).expect("the Transport contract"), b"hello");

        // Expiry listing and deletion.
        assert!(t.list_expired(99).expect("the Transport contract").is_empty());
        assert_eq!(t.list_expired(100).expect("the Transport contract"), vec![a]);
        assert_eq!(purge_expired(t, u64::MAX).expect("the Transport contract"), vec![a]);
        not_found(t.expiry(&a));
        not_found(t.read_range(&a, &file(1), 0, 5));
        assert_eq!(t.expiry(&b).expect("the Transport contract"), None);
        t.delete_transfer(&a).expect("the Transport contract");
        t.delete_transfer(&b).expect("the Transport contract");
        not_found(t.expiry(&b));
        assert!(t.list_expired(u64::MAX).expect("the Transport contract").is_empty());
    }
}
