//! [`MemoryTransport`]: everything in a map, for tests and examples.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use super::{Transport, TransportError};
use kluis_protocol::{BlobName, TransferId};

#[derive(Default)]
struct Stored {
    partial: HashMap<BlobName, Vec<u8>>,
    complete: HashMap<BlobName, Vec<u8>>,
    expires_at: Option<u64>,
}

/// A [`Transport`] that keeps everything in memory. For tests and examples;
/// it also lets a test damage stored blobs.
///
/// ```
/// use kluis_transfer::{BlobName, MemoryTransport, Transport, TransferId};
/// let store = MemoryTransport::new();
/// let t = TransferId::generate()?;
/// store.put_range(&t, &BlobName::Manifest, 0, b"abc")?;
/// store.finish_blob(&t, &BlobName::Manifest, 3)?;
/// store.modify_blob(&t, &BlobName::Manifest, |bytes| bytes[0] ^= 1);
/// assert_eq!(store.read_range(&t, &BlobName::Manifest, 0, 3)?, b"`bc");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Default)]
pub struct MemoryTransport {
    transfers: Mutex<BTreeMap<TransferId, Stored>>,
}

impl MemoryTransport {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<TransferId, Stored>> {
        // A panic while holding the lock leaves consistent maps behind.
        self.transfers.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Changes a complete blob in place (tests: corruption, truncation).
    /// Returns false when there is no such complete blob.
    pub fn modify_blob(&self, transfer: &TransferId, blob: &BlobName, f: impl FnOnce(&mut Vec<u8>)) -> bool {
        match self.lock().get_mut(transfer).and_then(|t| t.complete.get_mut(blob)) {
            Some(bytes) => {
                f(bytes);
                true
            }
            None => false,
        }
    }

    /// Stores `bytes` as a complete blob, replacing any blob of that name
    /// (tests: swapping blobs between transfers). Removing it again:
    ///
    /// ```
    /// use kluis_transfer::{BlobName, MemoryTransport, Transport, TransferId};
    /// let store = MemoryTransport::new();
    /// let t = TransferId::generate()?;
    /// store.replace_blob(&t, &BlobName::Manifest, b"forged".to_vec());
    /// assert_eq!(store.blobs(&t), vec![(BlobName::Manifest, 6)]);
    /// assert!(store.remove_blob(&t, &BlobName::Manifest));
    /// assert_eq!(store.complete_len(&t, &BlobName::Manifest)?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn replace_blob(&self, transfer: &TransferId, blob: &BlobName, bytes: Vec<u8>) {
        let mut map = self.lock();
        let t = map.entry(*transfer).or_default();
        t.partial.remove(blob);
        t.complete.insert(*blob, bytes);
    }

    /// Removes a blob, partial or complete (tests: a missing blob).
    pub fn remove_blob(&self, transfer: &TransferId, blob: &BlobName) -> bool {
        let mut map = self.lock();
        let Some(t) = map.get_mut(transfer) else { return false };
        t.partial.remove(blob).is_some() | t.complete.remove(blob).is_some()
    }

    /// The complete blobs of a transfer and their lengths.
    pub fn blobs(&self, transfer: &TransferId) -> Vec<(BlobName, u64)> {
        let map = self.lock();
        let mut out: Vec<_> = map
            .get(transfer)
            .map(|t| t.complete.iter().map(|(name, bytes)| (*name, bytes.len() as u64)).collect())
            .unwrap_or_default();
        out.sort();
        out
    }
}

fn not_found(transfer: &TransferId, blob: &BlobName) -> TransportError {
    TransportError::NotFound(format!("{blob} of transfer {transfer}"))
}

impl Transport for MemoryTransport {
    fn put_range(
        &self,
        transfer: &TransferId,
        blob: &BlobName,
        offset: u64,
        data: &[u8],
    ) -> Result<(), TransportError> {
        let mut map = self.lock();
        if let Some(t) = map.get(transfer) {
            if t.expires_at.is_some() {
                return Err(TransportError::Conflict(format!("transfer {transfer} is finished")));
            }
            if t.complete.contains_key(blob) {
                return Err(TransportError::Conflict(format!("{blob} is already complete")));
            }
        }
        let current = map.get(transfer).and_then(|t| t.partial.get(blob)).map_or(0, Vec::len);
        let offset = usize::try_from(offset)
            .ok()
            .filter(|&o| o <= current)
            .ok_or_else(|| TransportError::Conflict(format!("offset {offset} is past the end ({current})")))?;
        let bytes = map.entry(*transfer).or_default().partial.entry(*blob).or_default();
        bytes.truncate(offset);
        bytes.extend_from_slice(data);
        Ok(())
    }

    fn partial_len(&self, transfer: &TransferId, blob: &BlobName) -> Result<Option<u64>, TransportError> {
        Ok(self.lock().get(transfer).and_then(|t| t.partial.get(blob)).map(|b| b.len() as u64))
    }

    fn finish_blob(&self, transfer: &TransferId, blob: &BlobName, total_len: u64) -> Result<(), TransportError> {
        let mut map = self.lock();
        let t = map.get_mut(transfer).ok_or_else(|| not_found(transfer, blob))?;
        if let Some(bytes) = t.partial.get(blob) {
            if bytes.len() as u64 != total_len {
                return Err(TransportError::Conflict(format!("{blob} holds {} bytes, not {total_len}", bytes.len())));
            }
            if let Some(bytes) = t.partial.remove(blob) {
                t.complete.insert(*blob, bytes);
            }
            return Ok(());
        }
        match t.complete.get(blob) {
            Some(bytes) if bytes.len() as u64 == total_len => Ok(()),
            Some(bytes) => Err(TransportError::Conflict(format!("{blob} is complete with {} bytes", bytes.len()))),
            None => Err(not_found(transfer, blob)),
        }
    }

    fn complete_len(&self, transfer: &TransferId, blob: &BlobName) -> Result<Option<u64>, TransportError> {
        Ok(self.lock().get(transfer).and_then(|t| t.complete.get(blob)).map(|b| b.len() as u64))
    }

    fn read_range(
        &self,
        transfer: &TransferId,
        blob: &BlobName,
        offset: u64,
        len: u64,
    ) -> Result<Vec<u8>, TransportError> {
        let map = self.lock();
        let bytes = map.get(transfer).and_then(|t| t.complete.get(blob)).ok_or_else(|| not_found(transfer, blob))?;
        let start = usize::try_from(offset).unwrap_or(usize::MAX).min(bytes.len());
        let end = start.saturating_add(usize::try_from(len).unwrap_or(usize::MAX)).min(bytes.len());
        Ok(bytes[start..end].to_vec())
    }

    fn finish_transfer(&self, transfer: &TransferId, expires_at: u64) -> Result<(), TransportError> {
        let mut map = self.lock();
        let t = map.get_mut(transfer).ok_or_else(|| not_found(transfer, &BlobName::Manifest))?;
        match t.expires_at {
            Some(e) if e == expires_at => Ok(()),
            Some(e) => Err(TransportError::Conflict(format!("transfer {transfer} already expires at {e}"))),
            None if !t.complete.contains_key(&BlobName::Manifest) => {
                Err(TransportError::Conflict(format!("transfer {transfer} has no complete manifest")))
            }
            None => {
                t.expires_at = Some(expires_at);
                Ok(())
            }
        }
    }

    fn expiry(&self, transfer: &TransferId) -> Result<Option<u64>, TransportError> {
        self.lock()
            .get(transfer)
            .map(|t| t.expires_at)
            .ok_or_else(|| TransportError::NotFound(format!("transfer {transfer}")))
    }

    fn delete_transfer(&self, transfer: &TransferId) -> Result<(), TransportError> {
        self.lock().remove(transfer);
        Ok(())
    }

    fn list_expired(&self, now: u64) -> Result<Vec<TransferId>, TransportError> {
        Ok(self.lock().iter().filter(|(_, t)| t.expires_at.is_some_and(|e| e <= now)).map(|(id, _)| *id).collect())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn contract() {
        super::super::contract::check(&super::MemoryTransport::new());
    }
}
