//! The resume-and-retry policy of a send (docs/TRANSFER.md §5.1), one rule
//! for every front end: `kluis send`, `send_transfer` in Rust and in every
//! binding.
//!
//! A failed upload attempt is resumed when the failure may pass: the
//! transport's [`TransportError::Io`] (the network, a server's `5xx`) or
//! [`TransportError::Conflict`] (the store's state moved on, such as a
//! piece whose answer was lost). Each new attempt repeats the announcement
//! and continues every blob from the length the store holds, so no byte is
//! sent twice except a piece whose success was never confirmed. At most
//! [`UPLOAD_ATTEMPTS`] attempts in all by default.

use crate::error::TransferError;
use crate::progress::Progress;
use crate::send::{PreparedTransfer, SentTransfer};
use crate::transport::{Transport, TransportError};

/// How often [`send_transfer`](crate::send_transfer) attempts an upload in
/// all by default ([`SendOptions::upload_attempts`](crate::SendOptions)).
pub const UPLOAD_ATTEMPTS: u32 = 3;

/// Whether the policy resumes after `error`: a transport failure that may
/// pass (`Io`, `Conflict`); never a refusal, a missing transfer or a local
/// failure.
///
/// ```
/// use kluis_transfer::{TransferError, TransportError, is_resumable};
/// assert!(is_resumable(&TransferError::Transport(TransportError::Io("reset".into()))));
/// assert!(!is_resumable(&TransferError::Transport(TransportError::Other("401".into()))));
/// assert!(!is_resumable(&TransferError::WrongPassword));
/// ```
pub fn is_resumable(error: &TransferError) -> bool {
    matches!(error, TransferError::Transport(TransportError::Io(_) | TransportError::Conflict(_)))
}

impl PreparedTransfer {
    /// Uploads like [`upload`](PreparedTransfer::upload), resuming after a
    /// failure that [`is_resumable`], up to `attempts` attempts in all (at
    /// least one). `on_resume` hears of each failure before the next attempt
    /// (`kluis send` prints a note).
    ///
    /// ```
    /// use std::time::Duration;
    /// use kluis_transfer::*;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let store = MemoryTransport::new();
    /// let request = TransferRequest {
    ///     from: "ann@example.org".into(),
    ///     to: vec!["bob@example.org".into()],
    ///     subject: "Minutes".into(),
    ///     message: None,
    ///     files: vec![FileSource::bytes("minutes.txt", b"all agreed".to_vec())],
    ///     expires_in: Duration::from_secs(86_400),
    ///     password: generate_password(PasswordStyle::Characters)?,
    ///     allow_weak_password: false,
    /// };
    /// let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
    /// let prepared = PreparedTransfer::prepare(request, &options, &NoProgress)?;
    /// let mut resumed = 0;
    /// let sent = prepared.upload_resuming(&store, &NoProgress, UPLOAD_ATTEMPTS, &mut |_| resumed += 1)?;
    /// assert_eq!((sent.id, resumed), (prepared.id(), 0));
    /// # Ok(()) }
    /// ```
    pub fn upload_resuming(
        &self,
        transport: &dyn Transport,
        progress: &dyn Progress,
        attempts: u32,
        on_resume: &mut dyn FnMut(&TransferError),
    ) -> Result<SentTransfer, TransferError> {
        let mut attempt = 1;
        loop {
            match self.upload(transport, progress) {
                Err(e) if is_resumable(&e) && attempt < attempts => {
                    on_resume(&e);
                    attempt += 1;
                }
                result => return result,
            }
        }
    }
}
