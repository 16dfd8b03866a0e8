//! Test helpers for transport authors (cargo feature `testing`): the
//! [`Transport`] contract as one check, and [`Flaky`], a transport that
//! injects a dropped connection. The same check runs against the folder and
//! memory stores here; a transport written in another language, or a new
//! Rust one, is held to it the same way.

use std::sync::atomic::{AtomicU64, Ordering};

use kluis_protocol::{BlobName, TransferId};

use crate::transport::{TransferPlan, Transport, TransportError};

/// Checks every rule of the [`Transport`] contract (docs/TRANSFER.md §7)
/// against an empty store; panics, naming the broken rule. It uses the
/// transfers `0101…` and `0202…` (as bytes).
///
/// ```
/// kluis_transfer::testing::check_transport_contract(&kluis_transfer::MemoryTransport::new());
/// ```
pub fn check_transport_contract(transport: &dyn Transport) {
    crate::transport::contract::check(transport);
}

/// A transport that fails once, in the middle of a write, after `budget`
/// bytes: the failing `put_range` stores only part of its data (as an
/// interrupted connection would) and returns [`TransportError::Io`]. Counts
/// every byte that reaches the inner transport.
///
/// ```
/// use std::sync::atomic::Ordering;
/// use kluis_transfer::{BlobName, MemoryTransport, TransferId, Transport, testing::Flaky};
/// let store = MemoryTransport::new();
/// let flaky = Flaky::new(&store, 3);
/// let t = TransferId::from_bytes([0; 16]);
/// assert!(flaky.put_range(&t, &BlobName::Manifest, 0, b"hello").is_err());
/// assert_eq!(flaky.written.load(Ordering::SeqCst), 3);
/// assert!(flaky.put_range(&t, &BlobName::Manifest, 3, b"lo").is_ok());
/// ```
pub struct Flaky<'a> {
    /// The transport the calls go to.
    pub inner: &'a dyn Transport,
    /// Bytes left before the failure.
    pub budget: AtomicU64,
    /// Bytes that reached the inner transport.
    pub written: AtomicU64,
    /// Failures injected so far.
    pub failures: AtomicU64,
}

impl<'a> Flaky<'a> {
    /// Fails once after `budget` bytes of `put_range`.
    pub fn new(inner: &'a dyn Transport, budget: u64) -> Self {
        Flaky { inner, budget: AtomicU64::new(budget), written: AtomicU64::new(0), failures: AtomicU64::new(0) }
    }
}

impl Transport for Flaky<'_> {
    fn begin_transfer(&self, plan: &TransferPlan) -> Result<(), TransportError> {
        self.inner.begin_transfer(plan)
    }
    fn put_range(&self, t: &TransferId, b: &BlobName, offset: u64, data: &[u8]) -> Result<(), TransportError> {
        let budget = self.budget.load(Ordering::SeqCst);
        if (data.len() as u64) > budget {
            let part = &data[..budget as usize];
            self.inner.put_range(t, b, offset, part)?;
            self.written.fetch_add(part.len() as u64, Ordering::SeqCst);
            self.budget.store(u64::MAX, Ordering::SeqCst);
            self.failures.fetch_add(1, Ordering::SeqCst);
            return Err(TransportError::Io("connection reset by peer".into()));
        }
        self.budget.fetch_sub(data.len() as u64, Ordering::SeqCst);
        self.inner.put_range(t, b, offset, data)?;
        self.written.fetch_add(data.len() as u64, Ordering::SeqCst);
        Ok(())
    }
    fn partial_len(&self, t: &TransferId, b: &BlobName) -> Result<Option<u64>, TransportError> {
        self.inner.partial_len(t, b)
    }
    fn finish_blob(&self, t: &TransferId, b: &BlobName, total: u64) -> Result<(), TransportError> {
        self.inner.finish_blob(t, b, total)
    }
    fn complete_len(&self, t: &TransferId, b: &BlobName) -> Result<Option<u64>, TransportError> {
        self.inner.complete_len(t, b)
    }
    fn read_range(&self, t: &TransferId, b: &BlobName, offset: u64, len: u64) -> Result<Vec<u8>, TransportError> {
        self.inner.read_range(t, b, offset, len)
    }
    fn finish_transfer(&self, t: &TransferId, expires_at: u64) -> Result<(), TransportError> {
        self.inner.finish_transfer(t, expires_at)
    }
    fn expiry(&self, t: &TransferId) -> Result<Option<u64>, TransportError> {
        self.inner.expiry(t)
    }
    fn delete_transfer(&self, t: &TransferId) -> Result<(), TransportError> {
        self.inner.delete_transfer(t)
    }
    fn list_expired(&self, now: u64) -> Result<Vec<TransferId>, TransportError> {
        self.inner.list_expired(now)
    }
}
