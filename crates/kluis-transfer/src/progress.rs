//! Progress reports for long operations.

/// What is being done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Phase {
    /// Encrypting a file into its local, sealed copy (plaintext bytes).
    Sealing,
    /// Sending sealed bytes to the transport (envelope bytes).
    Uploading,
    /// Fetching, decrypting and verifying a file (envelope bytes).
    Downloading,
}

/// One progress report: `done` of `total` bytes of one file (or of the
/// manifest) in one phase.
///
/// ```
/// use kluis_transfer::{Phase, ProgressEvent};
/// let e = ProgressEvent { phase: Phase::Uploading, file: Some(0), done: 512, total: 1024 };
/// assert_eq!(e.fraction(), 0.5);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgressEvent {
    /// What is being done.
    pub phase: Phase,
    /// Index of the file in the transfer; `None` for the manifest.
    pub file: Option<u32>,
    /// Bytes done so far (for uploads, including bytes a resumed upload
    /// found already stored).
    pub done: u64,
    /// Bytes in all.
    pub total: u64,
}

impl ProgressEvent {
    /// `done / total` in 0.0..=1.0 (1.0 when there is nothing to do).
    pub fn fraction(&self) -> f64 {
        if self.total == 0 { 1.0 } else { (self.done as f64 / self.total as f64).min(1.0) }
    }
}

/// Receives progress reports. Implemented for closures; a foreign-language
/// binding can implement it as a callback interface.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use kluis_transfer::{Progress, ProgressEvent, Phase};
/// let seen = AtomicU64::new(0);
/// let progress = |e: ProgressEvent| seen.store(e.done, Ordering::Relaxed);
/// progress.progress(ProgressEvent { phase: Phase::Sealing, file: Some(1), done: 7, total: 9 });
/// assert_eq!(seen.load(Ordering::Relaxed), 7);
/// ```
pub trait Progress: Send + Sync {
    /// Called after each piece of work; `done` never decreases within one
    /// phase of one file.
    fn progress(&self, event: ProgressEvent);
}

impl<F: Fn(ProgressEvent) + Send + Sync> Progress for F {
    fn progress(&self, event: ProgressEvent) {
        self(event)
    }
}

/// Ignores progress reports.
///
/// ```
/// use kluis_transfer::{NoProgress, Progress, ProgressEvent, Phase};
/// NoProgress.progress(ProgressEvent { phase: Phase::Downloading, file: None, done: 0, total: 0 });
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn progress(&self, _event: ProgressEvent) {}
}
