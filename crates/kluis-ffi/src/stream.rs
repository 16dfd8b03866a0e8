//! [`Sealer`] and [`Opener`]: sealing and opening a stream piece by piece.
//!
//! Both hold their state behind a `Mutex`, so one object may be shared
//! between threads (calls on it are serialised).

use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard};

use kluis_core as core;

use crate::error::KluisError;
use crate::types::{Metadata, OpenLimits, SealOptions, Secret, core_limits, core_options, core_secrets};

/// A poisoned lock means a panic during another call on the same object;
/// the core's state machines stay consistent through it, so carry on.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Seals a stream: each `write` returns the envelope bytes that are ready,
/// `finish` the rest. Concatenated, they are the envelope.
#[derive(uniffi::Object)]
pub struct Sealer {
    /// `None` once finished (or failed while finishing).
    inner: Mutex<Option<core::Sealer<Vec<u8>>>>,
}

#[uniffi::export]
impl Sealer {
    /// Starts an envelope for `secrets` (1 to 16, at most 4 passwords). The
    /// header (and its Argon2 work for passwords) is made here.
    #[uniffi::constructor(default(options = None))]
    pub fn new(secrets: Vec<Secret>, options: Option<SealOptions>) -> Result<Arc<Self>, KluisError> {
        let sealer = core::Sealer::new(Vec::new(), &core_secrets(secrets)?, &core_options(options)?)?;
        Ok(Arc::new(Sealer { inner: Mutex::new(Some(sealer)) }))
    }

    /// Adds plaintext; returns the envelope bytes now ready (the header on
    /// the first call, then whole sealed chunks; possibly empty).
    pub fn write(&self, data: Vec<u8>) -> Result<Vec<u8>, KluisError> {
        let mut guard = lock(&self.inner);
        let sealer = guard.as_mut().ok_or_else(|| KluisError::invalid("the sealer is already finished"))?;
        // The sink is a Vec, so a failed write is the core refusing the data
        // (more than the metadata's `size` announces), not I/O.
        sealer.write_all(&data).map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidInput => KluisError::invalid(e.to_string()),
            _ => KluisError::Io(e.to_string()),
        })?;
        Ok(std::mem::take(sealer.get_mut()))
    }

    /// Seals the final chunk and returns the remaining envelope bytes. The
    /// sealer cannot be used afterwards.
    pub fn finish(&self) -> Result<Vec<u8>, KluisError> {
        let sealer = lock(&self.inner).take().ok_or_else(|| KluisError::invalid("the sealer is already finished"))?;
        Ok(sealer.finish()?)
    }
}

/// Opens an envelope that arrives in pieces. `write` returns only plaintext
/// that has been authenticated; `finish` returns the last of it and fails
/// if the envelope is truncated. Any split of the input gives the same
/// output and the same error.
#[derive(uniffi::Object)]
pub struct Opener {
    inner: Mutex<core::PushOpener>,
}

#[uniffi::export]
impl Opener {
    /// A new opener for `secret`; `limits` None means the default limits.
    #[uniffi::constructor(default(limits = None))]
    pub fn new(secret: Secret, limits: Option<OpenLimits>) -> Result<Arc<Self>, KluisError> {
        let opener = core::PushOpener::new(secret.try_into()?, core_limits(limits, core::OpenLimits::ENVELOPE)?);
        Ok(Arc::new(Opener { inner: Mutex::new(opener) }))
    }

    /// Feeds envelope bytes; returns the plaintext now authenticated
    /// (possibly empty). The header is verified, and any Argon2 work done,
    /// in the call that completes it.
    pub fn write(&self, data: Vec<u8>) -> Result<Vec<u8>, KluisError> {
        let mut out = Vec::new();
        lock(&self.inner).update(&data, &mut out)?;
        Ok(out)
    }

    /// Ends the input: returns the last authenticated plaintext, or fails
    /// (`Truncated` when the final chunk is missing).
    pub fn finish(&self) -> Result<Vec<u8>, KluisError> {
        let mut out = Vec::new();
        lock(&self.inner).finish(&mut out)?;
        Ok(out)
    }

    /// The sealed metadata, once the header has been verified.
    pub fn metadata(&self) -> Option<Metadata> {
        lock(&self.inner).metadata().cloned().map(Into::into)
    }
}
