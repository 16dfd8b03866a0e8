//! Helpers shared by the integration tests.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use kluis_transfer::*;

/// A password that passes the strength check.
pub const PASSWORD: &str = "zwaluw-kompas-9-tegelvloer-okapi";

pub fn password() -> Password {
    Password::new(PASSWORD)
}

/// Fast Argon2, 4 KiB chunks (so small files span several chunks), small pieces.
pub fn send_options() -> SendOptions {
    SendOptions { argon2: Argon2Params::INSECURE_TEST, chunk_size: 4096, piece_size: 8192, ..SendOptions::default() }
}

pub fn receive_options() -> ReceiveOptions {
    ReceiveOptions { piece_size: 8192, ..ReceiveOptions::default() }
}

/// `n` bytes of a recognisable pattern.
pub fn pattern(n: usize, seed: u8) -> Vec<u8> {
    (0..n).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

pub fn request(files: Vec<FileSource>) -> TransferRequest {
    TransferRequest {
        from: "ann@example.org".into(),
        to: vec!["bob@example.org".into(), "carol@example.net".into()],
        subject: "Kwartaalcijfers".into(),
        message: Some("Bob, Carol,\nde cijfers. Bel me voor het wachtwoord.".into()),
        files,
        expires_in: Duration::from_secs(7 * 86_400),
        password: password(),
        allow_weak_password: false,
    }
}

pub fn send(transport: &dyn Transport, files: Vec<FileSource>) -> SentTransfer {
    send_transfer(transport, request(files), &send_options(), &NoProgress).unwrap()
}

pub fn open(transport: &dyn Transport, id: &TransferId) -> Result<OpenedTransfer, TransferError> {
    open_transfer(transport, id, &password(), &receive_options())
}

pub fn read(transport: &dyn Transport, opened: &OpenedTransfer, index: usize) -> Result<Vec<u8>, TransferError> {
    let mut out = Vec::new();
    opened.read_file(transport, index, &mut out, &NoProgress)?;
    Ok(out)
}

/// A time `secs` seconds from now.
pub fn in_secs(secs: u64) -> SystemTime {
    SystemTime::now() + Duration::from_secs(secs)
}

/// Records progress events.
#[derive(Default)]
pub struct Recorder(pub Mutex<Vec<ProgressEvent>>);

impl Progress for Recorder {
    fn progress(&self, event: ProgressEvent) {
        self.0.lock().unwrap().push(event);
    }
}

/// A transport that fails once, in the middle of a write, after `budget`
/// bytes: the failing `put_range` stores only part of its data (as an
/// interrupted connection would) and returns an error. Counts every byte
/// that reaches the inner transport.
pub struct Flaky<'a> {
    pub inner: &'a dyn Transport,
    pub budget: AtomicU64,
    pub written: AtomicU64,
    pub failures: AtomicU64,
}

impl<'a> Flaky<'a> {
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
