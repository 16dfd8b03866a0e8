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
//! [`UPLOAD_ATTEMPTS`] attempts in all by default. The policy itself runs
//! in [`session::Upload`](crate::session::Upload).

use crate::error::TransferError;
use crate::transport::TransportError;

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
