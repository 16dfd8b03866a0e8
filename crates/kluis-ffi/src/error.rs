//! [`KluisError`], the one error type every export raises, and the mapping
//! of the core's (and the transfer crate's) errors onto it.
//!
//! It is a *flat* uniffi error: only the variant and the `Display` text
//! cross the FFI. Each variant becomes its own class (Python
//! `kluis.KluisError.WrongSecret`, Kotlin `nl.kluis.KluisException.WrongSecret`)
//! whose message is the readable text below, which a rich error (fields)
//! would turn into `field=value` text in both languages.

use kluis_core::{OpenError, SealError};
use kluis_transfer::{ErrorCategory, TransferError};

/// Why a Kluis call failed. Each kind is its own exception class.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum KluisError {
    /// No slot of the envelope opens with the given password or key (for a
    /// transfer: the password does not open it).
    #[error("{0}")]
    WrongSecret(String),
    /// The envelope or transfer was changed after sealing: a header or chunk
    /// that does not authenticate, chunks reordered, duplicated or from
    /// another envelope, bytes after the final chunk, a size that differs
    /// from the sealed metadata.
    #[error("{0}")]
    Tampered(String),
    /// The envelope ends before its final chunk.
    #[error("{0}")]
    Truncated(String),
    /// The header asks for more Argon2 work than the reader's limits allow
    /// (refused before any key derivation).
    #[error("{0}")]
    LimitsExceeded(String),
    /// Not a Kluis envelope, an unsupported format version, or a header
    /// that cannot be parsed; for a transfer, a manifest that opened but
    /// breaks the rules of docs/TRANSFER.md or has an unknown version.
    #[error("{0}")]
    Malformed(String),
    /// The transfer's expiry time has passed.
    #[error("{0}")]
    Expired(String),
    /// The transfer, or a file of it, is not (or no longer) in the store.
    #[error("{0}")]
    NotFound(String),
    /// A user-chosen transfer password was rated too weak.
    #[error("{0}")]
    WeakPassword(String),
    /// The destination file exists and overwriting was not asked for.
    #[error("{0}")]
    AlreadyExists(String),
    /// An argument is out of range or inconsistent: a key that is not 32
    /// bytes, no secret or too many, an empty password, a bad chunk size,
    /// Argon2 cost or metadata, an object used after `finish`.
    #[error("{0}")]
    InvalidArgument(String),
    /// The transport (store) failed, other than "not found".
    #[error("{0}")]
    Transport(String),
    /// Reading or writing a local file failed.
    #[error("{0}")]
    Io(String),
}

impl KluisError {
    pub(crate) fn invalid(msg: impl Into<String>) -> Self {
        KluisError::InvalidArgument(msg.into())
    }
}

impl From<OpenError> for KluisError {
    fn from(err: OpenError) -> Self {
        let msg = err.to_string();
        match err {
            OpenError::WrongSecret => KluisError::WrongSecret(msg),
            OpenError::HeaderTampered
            | OpenError::ChunkTampered { .. }
            | OpenError::TrailingData
            | OpenError::SizeMismatch { .. } => KluisError::Tampered(msg),
            OpenError::Truncated => KluisError::Truncated(msg),
            OpenError::LimitsExceeded(_) => KluisError::LimitsExceeded(msg),
            OpenError::BadMagic | OpenError::UnsupportedVersion(_) | OpenError::MalformedHeader { .. } => {
                KluisError::Malformed(msg)
            }
            OpenError::Io(_) => KluisError::Io(msg),
            // `OpenError` is non-exhaustive: a kind added later is still an
            // envelope refused.
            _ => KluisError::Malformed(msg),
        }
    }
}

impl From<SealError> for KluisError {
    fn from(err: SealError) -> Self {
        let msg = err.to_string();
        match err {
            SealError::Io(_) | SealError::Randomness => KluisError::Io(msg),
            _ => KluisError::InvalidArgument(msg),
        }
    }
}

impl From<TransferError> for KluisError {
    /// By [`TransferError::category`] alone, exhaustively and without
    /// looking inside the error: a new category does not compile until it
    /// is mapped here, and a new `TransferError` variant does not compile
    /// in kluis-transfer until it has a category.
    fn from(err: TransferError) -> Self {
        let msg = err.to_string();
        match err.category() {
            ErrorCategory::WrongPassword => KluisError::WrongSecret(msg),
            ErrorCategory::Expired => KluisError::Expired(msg),
            ErrorCategory::NotFound => KluisError::NotFound(msg),
            ErrorCategory::Tampered => KluisError::Tampered(msg),
            ErrorCategory::WeakPassword => KluisError::WeakPassword(msg),
            ErrorCategory::AlreadyExists => KluisError::AlreadyExists(msg),
            // A manifest that opened with the password but breaks the rules.
            ErrorCategory::UnreadableManifest => KluisError::Malformed(msg),
            // An envelope of a format version this library does not read.
            ErrorCategory::Envelope => KluisError::Malformed(msg),
            ErrorCategory::LimitsExceeded => KluisError::LimitsExceeded(msg),
            ErrorCategory::InvalidRequest | ErrorCategory::Seal => KluisError::InvalidArgument(msg),
            ErrorCategory::Transport => KluisError::Transport(msg),
            ErrorCategory::Io => KluisError::Io(msg),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(e: KluisError) -> String {
        format!("{e:?}").split('(').next().unwrap_or_default().to_owned()
    }

    #[test]
    fn open_errors_map_to_the_documented_kinds() {
        let cases: Vec<(OpenError, &str)> = vec![
            (OpenError::WrongSecret, "WrongSecret"),
            (OpenError::HeaderTampered, "Tampered"),
            (OpenError::ChunkTampered { index: 2 }, "Tampered"),
            (OpenError::TrailingData, "Tampered"),
            (OpenError::SizeMismatch { expected: 1, actual: 2 }, "Tampered"),
            (OpenError::Truncated, "Truncated"),
            (OpenError::LimitsExceeded("m".into()), "LimitsExceeded"),
            (OpenError::BadMagic, "Malformed"),
            (OpenError::UnsupportedVersion(9), "Malformed"),
            (OpenError::MalformedHeader { field: "salt", reason: "cut short" }, "Malformed"),
            (OpenError::Io(std::io::Error::other("disk")), "Io"),
        ];
        for (err, want) in cases {
            let text = err.to_string();
            let mapped = KluisError::from(err);
            assert_eq!(mapped.to_string(), text, "the message is the core's");
            assert_eq!(kind(mapped), want);
        }
    }

    #[test]
    fn seal_errors_map_to_invalid_argument_or_io() {
        assert_eq!(kind(SealError::EmptyPassword.into()), "InvalidArgument");
        assert_eq!(kind(SealError::SecretCount(0).into()), "InvalidArgument");
        assert_eq!(kind(SealError::Io(std::io::Error::other("disk")).into()), "Io");
    }

    /// Every `TransferError` variant (and each kind of core error inside
    /// `Envelope` and `Seal`) becomes its documented class.
    #[test]
    fn transfer_errors_map_to_their_kinds() {
        use kluis_transfer::{LinkError, TransportError};
        assert_eq!(
            kind(TransferError::InvalidName { name: "..".into(), reason: "r".into() }.into()),
            "InvalidArgument"
        );
        assert_eq!(kind(TransferError::InvalidLink(LinkError::BadPath).into()), "InvalidArgument");
        assert_eq!(kind(TransferError::Envelope(OpenError::UnsupportedVersion(2)).into()), "Malformed");
        assert_eq!(kind(TransferError::Seal(SealError::EmptyPassword).into()), "InvalidArgument");
        assert_eq!(kind(TransferError::Seal(SealError::Io(std::io::Error::other("disk"))).into()), "Io");
        assert_eq!(kind(TransferError::Seal(SealError::Randomness).into()), "Io");
        assert_eq!(kind(TransferError::Io(std::io::Error::other("disk")).into()), "Io");
        assert_eq!(kind(TransferError::Randomness.into()), "Io");
        assert_eq!(kind(TransferError::WrongPassword.into()), "WrongSecret");
        assert_eq!(kind(TransferError::Expired { expired_at: 0 }.into()), "Expired");
        assert_eq!(kind(TransferError::NotFound { what: "t".into() }.into()), "NotFound");
        assert_eq!(kind(TransferError::Tampered { what: "f".into(), reason: "r".into() }.into()), "Tampered");
        assert_eq!(kind(TransferError::WeakPassword { reason: "r".into() }.into()), "WeakPassword");
        assert_eq!(kind(TransferError::InvalidArgument("x".into()).into()), "InvalidArgument");
        assert_eq!(kind(TransferError::InvalidManifest("x".into()).into()), "Malformed");
        assert_eq!(kind(TransferError::UnsupportedManifest(9).into()), "Malformed");
        assert_eq!(kind(TransferError::AlreadyExists { path: "f".into() }.into()), "AlreadyExists");
        assert_eq!(kind(TransferError::Envelope(OpenError::LimitsExceeded("m".into())).into()), "LimitsExceeded");
        assert_eq!(kind(TransferError::Transport(TransportError::Io("x".into())).into()), "Transport");
        let e = KluisError::from(TransferError::Expired { expired_at: 0 });
        assert_eq!(e.to_string(), "the transfer expired at 1970-01-01T00:00:00Z");
    }
}
