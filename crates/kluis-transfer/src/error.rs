//! [`TransferError`]: why a transfer could not be sent or received.

use std::io;
use std::path::PathBuf;

use kluis_core::{OpenError, SealError};

use crate::transport::TransportError;
use kluis_protocol::LinkError;
use kluis_protocol::rfc3339;

/// Why a transfer could not be sent, opened or downloaded.
///
/// The variants a recipient meets are distinct, so a user interface can say
/// what happened: [`WrongPassword`](TransferError::WrongPassword),
/// [`Expired`](TransferError::Expired), [`NotFound`](TransferError::NotFound)
/// and [`Tampered`](TransferError::Tampered) (stored bytes that fail
/// verification: modified, truncated, swapped in from elsewhere).
///
/// ```
/// use kluis_transfer::TransferError;
/// let e = TransferError::Expired { expired_at: 0 };
/// assert_eq!(e.to_string(), "the transfer expired at 1970-01-01T00:00:00Z");
/// assert_eq!(e.kind(), "Expired");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransferError {
    /// The password does not open the transfer's manifest.
    #[error("wrong password")]
    WrongPassword,
    /// The transfer's authenticated expiry time has passed.
    #[error("the transfer expired at {}", rfc3339(*expired_at))]
    Expired {
        /// Expiry time from the manifest, in seconds since the Unix epoch.
        expired_at: u64,
    },
    /// The transfer, or one of its files, is not (or no longer, or not yet
    /// completely) in the store.
    #[error("not found: {what}")]
    NotFound {
        /// What is missing.
        what: String,
    },
    /// Stored bytes failed verification: an envelope that does not
    /// authenticate, a file whose SHA-256 or size differs from the
    /// manifest, a blob taken from another transfer or position, a manifest
    /// that names another transfer.
    #[error("{what} failed verification (tampered, corrupted or swapped): {reason}")]
    Tampered {
        /// Which blob or file.
        what: String,
        /// What did not verify.
        reason: String,
    },
    /// A file name that cannot be used: empty, `.`/`..`, a path, control
    /// characters, too long, or not portable (docs/TRANSFER.md §6.3).
    #[error("file name {name:?} refused: {reason}")]
    InvalidName {
        /// The name as given or as found in the manifest.
        name: String,
        /// Why it was refused.
        reason: String,
    },
    /// A user-chosen password was rated too weak and weak passwords were not
    /// explicitly allowed.
    #[error("password refused as too weak: {reason}")]
    WeakPassword {
        /// What is wrong with it, for the user.
        reason: String,
    },
    /// The manifest opened with the password but breaks the rules of
    /// docs/TRANSFER.md (malformed JSON, unknown fields, limits exceeded).
    #[error("invalid manifest: {0}")]
    InvalidManifest(String),
    /// The manifest has a version this library does not read.
    #[error("unsupported manifest version {0}")]
    UnsupportedManifest(u64),
    /// An argument is out of range or inconsistent.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A link that is not a Kluis transfer link.
    #[error(transparent)]
    InvalidLink(#[from] LinkError),
    /// The destination file exists and overwriting was not asked for.
    #[error("{} already exists", path.display())]
    AlreadyExists {
        /// The destination.
        path: PathBuf,
    },
    /// An envelope was refused for a reason other than tampering (a newer
    /// format version, Argon2 costs above the reader's limits).
    #[error("envelope refused: {0}")]
    Envelope(OpenError),
    /// Sealing failed (other than through I/O).
    #[error("sealing failed: {0}")]
    Seal(SealError),
    /// The transport failed (other than "not found").
    #[error("transport: {0}")]
    Transport(TransportError),
    /// A local file could not be read or written.
    #[error("I/O error: {0}")]
    Io(#[from] io::Error),
    /// The operating system's random generator failed.
    #[error("the operating system's random number generator failed")]
    Randomness,
}

/// What kind of failure a [`TransferError`] is, for front ends that map
/// errors onto their own (the bindings' exception classes, the CLI's exit
/// codes): one exhaustive classification, so a new [`TransferError`]
/// variant must be given a category here and cannot fall silently into a
/// catch-all arm elsewhere. Not `#[non_exhaustive]` on purpose: a new
/// category is a change every front end has to make.
///
/// ```
/// use kluis_transfer::{ErrorCategory, TransferError};
/// assert_eq!(TransferError::WrongPassword.category(), ErrorCategory::WrongPassword);
/// assert!(ErrorCategory::Tampered.is_refusal());
/// assert!(!ErrorCategory::Transport.is_refusal());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCategory {
    /// The password does not open the transfer.
    WrongPassword,
    /// The transfer's authenticated expiry has passed.
    Expired,
    /// No such transfer or file (or not finished uploading).
    NotFound,
    /// Stored bytes failed verification.
    Tampered,
    /// The manifest opened but this version cannot read it (it breaks the
    /// rules, or has another version).
    UnreadableManifest,
    /// An envelope refused for a reason other than tampering or the
    /// reader's Argon2 limits: a newer format version
    /// ([`TransferError::Envelope`]).
    Envelope,
    /// An envelope that asks for more Argon2 work than the reader's limits
    /// allow, refused before any key derivation ([`TransferError::Envelope`]
    /// with [`OpenError::LimitsExceeded`]).
    LimitsExceeded,
    /// What the caller asked for cannot be done as given: a file name, an
    /// argument, a link.
    InvalidRequest,
    /// A chosen password was rated too weak.
    WeakPassword,
    /// The destination exists and replacing it was not asked for.
    AlreadyExists,
    /// Sealing refused its arguments ([`TransferError::Seal`], other than
    /// through I/O or the random generator).
    Seal,
    /// The transport failed.
    Transport,
    /// Local files or the random generator failed (also when sealing).
    Io,
}

impl ErrorCategory {
    /// Whether the stored transfer was refused (rather than the request,
    /// the transport or the local machine failing).
    pub fn is_refusal(self) -> bool {
        matches!(
            self,
            ErrorCategory::WrongPassword
                | ErrorCategory::Expired
                | ErrorCategory::Tampered
                | ErrorCategory::UnreadableManifest
                | ErrorCategory::Envelope
                | ErrorCategory::LimitsExceeded
        )
    }
}

impl From<kluis_protocol::RandomError> for TransferError {
    fn from(_: kluis_protocol::RandomError) -> Self {
        TransferError::Randomness
    }
}

impl TransferError {
    /// A stable name for the kind of error (the variant's name), for logs,
    /// bindings and exit codes.
    ///
    /// ```
    /// assert_eq!(kluis_transfer::TransferError::WrongPassword.kind(), "WrongPassword");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            TransferError::WrongPassword => "WrongPassword",
            TransferError::Expired { .. } => "Expired",
            TransferError::NotFound { .. } => "NotFound",
            TransferError::Tampered { .. } => "Tampered",
            TransferError::InvalidName { .. } => "InvalidName",
            TransferError::WeakPassword { .. } => "WeakPassword",
            TransferError::InvalidManifest(_) => "InvalidManifest",
            TransferError::UnsupportedManifest(_) => "UnsupportedManifest",
            TransferError::InvalidArgument(_) => "InvalidArgument",
            TransferError::InvalidLink(_) => "InvalidLink",
            TransferError::AlreadyExists { .. } => "AlreadyExists",
            TransferError::Envelope(_) => "Envelope",
            TransferError::Seal(_) => "Seal",
            TransferError::Transport(_) => "Transport",
            TransferError::Io(_) => "Io",
            TransferError::Randomness => "Randomness",
        }
    }

    /// The error's [`ErrorCategory`]; every variant has one (no catch-all
    /// over the variants). An [`Envelope`](TransferError::Envelope) or
    /// [`Seal`](TransferError::Seal) error is classified by the core error
    /// it carries, so that a front end never has to look inside.
    ///
    /// ```
    /// use kluis_core::OpenError;
    /// use kluis_transfer::{ErrorCategory, TransferError};
    /// assert_eq!(TransferError::InvalidArgument("x".into()).category(), ErrorCategory::InvalidRequest);
    /// assert_eq!(TransferError::Randomness.category(), ErrorCategory::Io);
    /// let limits = TransferError::Envelope(OpenError::LimitsExceeded("m_kib".into()));
    /// assert_eq!(limits.category(), ErrorCategory::LimitsExceeded);
    /// ```
    pub fn category(&self) -> ErrorCategory {
        match self {
            TransferError::WrongPassword => ErrorCategory::WrongPassword,
            TransferError::Expired { .. } => ErrorCategory::Expired,
            TransferError::NotFound { .. } => ErrorCategory::NotFound,
            TransferError::Tampered { .. } => ErrorCategory::Tampered,
            TransferError::InvalidManifest(_) | TransferError::UnsupportedManifest(_) => {
                ErrorCategory::UnreadableManifest
            }
            TransferError::Envelope(OpenError::LimitsExceeded(_)) => ErrorCategory::LimitsExceeded,
            // `OpenError` is the core's and non-exhaustive: any other kind
            // is an envelope this reader does not accept.
            TransferError::Envelope(_) => ErrorCategory::Envelope,
            TransferError::InvalidName { .. } | TransferError::InvalidArgument(_) | TransferError::InvalidLink(_) => {
                ErrorCategory::InvalidRequest
            }
            TransferError::WeakPassword { .. } => ErrorCategory::WeakPassword,
            TransferError::AlreadyExists { .. } => ErrorCategory::AlreadyExists,
            TransferError::Seal(SealError::Io(_) | SealError::Randomness) => ErrorCategory::Io,
            // `SealError` is the core's and non-exhaustive: any other kind
            // is an argument it refused.
            TransferError::Seal(_) => ErrorCategory::Seal,
            TransferError::Transport(_) => ErrorCategory::Transport,
            TransferError::Io(_) | TransferError::Randomness => ErrorCategory::Io,
        }
    }

    pub(crate) fn tampered(what: impl Into<String>, reason: impl Into<String>) -> Self {
        TransferError::Tampered { what: what.into(), reason: reason.into() }
    }

    pub(crate) fn not_found(what: impl Into<String>) -> Self {
        TransferError::NotFound { what: what.into() }
    }

    pub(crate) fn invalid(msg: impl Into<String>) -> Self {
        TransferError::InvalidArgument(msg.into())
    }

    /// Maps an error from opening the envelope `what`. `password` tells
    /// whether a wrong secret means a wrong password (the manifest) or a blob
    /// that is not the one the manifest's key belongs to (a file).
    pub(crate) fn from_open(err: OpenError, what: &str, password: bool) -> Self {
        match err {
            OpenError::WrongSecret if password => TransferError::WrongPassword,
            OpenError::WrongSecret => {
                TransferError::tampered(what, "the manifest's key does not open it (a blob from elsewhere)")
            }
            OpenError::Io(e) => TransferError::Io(e),
            e @ (OpenError::UnsupportedVersion(_) | OpenError::LimitsExceeded(_)) => TransferError::Envelope(e),
            e => TransferError::tampered(what, e.to_string()),
        }
    }

    /// Maps a transport error; `NotFound` names `what`.
    pub(crate) fn from_transport(err: TransportError, what: impl FnOnce() -> String) -> Self {
        match err {
            TransportError::NotFound(_) => TransferError::not_found(what()),
            e => TransferError::Transport(e),
        }
    }
}

impl From<SealError> for TransferError {
    fn from(err: SealError) -> Self {
        match err {
            SealError::Io(e) => TransferError::Io(e),
            SealError::Randomness => TransferError::Randomness,
            e => TransferError::Seal(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_errors_map_precisely() {
        let m = |e, pw| TransferError::from_open(e, "x", pw).kind();
        assert_eq!(m(OpenError::WrongSecret, true), "WrongPassword");
        assert_eq!(m(OpenError::WrongSecret, false), "Tampered");
        assert_eq!(m(OpenError::HeaderTampered, true), "Tampered");
        assert_eq!(m(OpenError::ChunkTampered { index: 3 }, false), "Tampered");
        assert_eq!(m(OpenError::Truncated, false), "Tampered");
        assert_eq!(m(OpenError::TrailingData, false), "Tampered");
        assert_eq!(m(OpenError::BadMagic, false), "Tampered");
        assert_eq!(m(OpenError::SizeMismatch { expected: 1, actual: 2 }, false), "Tampered");
        assert_eq!(m(OpenError::UnsupportedVersion(2), true), "Envelope");
        assert_eq!(m(OpenError::LimitsExceeded("m".into()), true), "Envelope");
        assert_eq!(m(OpenError::Io(io::Error::other("disk")), true), "Io");
    }

    /// Every variant's category, and the core errors inside `Envelope`
    /// and `Seal` classified by their kind.
    #[test]
    fn every_variant_has_its_category() {
        use ErrorCategory as C;
        let cases: Vec<(TransferError, ErrorCategory)> = vec![
            (TransferError::WrongPassword, C::WrongPassword),
            (TransferError::Expired { expired_at: 0 }, C::Expired),
            (TransferError::not_found("t"), C::NotFound),
            (TransferError::tampered("f", "r"), C::Tampered),
            (TransferError::InvalidName { name: "..".into(), reason: "r".into() }, C::InvalidRequest),
            (TransferError::WeakPassword { reason: "r".into() }, C::WeakPassword),
            (TransferError::InvalidManifest("x".into()), C::UnreadableManifest),
            (TransferError::UnsupportedManifest(9), C::UnreadableManifest),
            (TransferError::invalid("x"), C::InvalidRequest),
            (TransferError::InvalidLink(LinkError::BadPath), C::InvalidRequest),
            (TransferError::AlreadyExists { path: "f".into() }, C::AlreadyExists),
            (TransferError::Envelope(OpenError::UnsupportedVersion(2)), C::Envelope),
            (TransferError::Envelope(OpenError::LimitsExceeded("m".into())), C::LimitsExceeded),
            (TransferError::Seal(SealError::EmptyPassword), C::Seal),
            (TransferError::Seal(SealError::Io(io::Error::other("disk"))), C::Io),
            (TransferError::Seal(SealError::Randomness), C::Io),
            (TransferError::Transport(TransportError::Io("x".into())), C::Transport),
            (TransferError::Io(io::Error::other("disk")), C::Io),
            (TransferError::Randomness, C::Io),
        ];
        for (err, want) in cases {
            assert_eq!(err.category(), want, "{err:?}");
        }
        assert!(C::LimitsExceeded.is_refusal() && C::Envelope.is_refusal() && !C::Seal.is_refusal());
    }

    #[test]
    fn transport_errors_map() {
        let e = TransferError::from_transport(TransportError::NotFound("b".into()), || "file 2".into());
        assert!(matches!(e, TransferError::NotFound { ref what } if what == "file 2"));
        let e = TransferError::from_transport(TransportError::Io("disk full".into()), || unreachable!());
        assert_eq!(e.kind(), "Transport");
    }
}
