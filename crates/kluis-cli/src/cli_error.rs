//! [`CliError`]: every way a command can fail, each with its exit status.
//!
//! | exit | meaning |
//! |---:|---|
//! | 0 | success |
//! | 1 | the envelope or transfer was refused (wrong password, expired, not found, tampered), or reading or writing failed |
//! | 2 | the command line cannot be carried out as given (clap's own errors are 2 as well) |
//! | 3 | `kluis scan --fail-on-sensitive` found sensitive information |

use std::fmt;
use std::io;

use kluis_core::{OpenError, SealError};
use kluis_transfer::{ErrorCategory, TransferError};

/// Exit status for a refused envelope or a failed read or write.
pub(crate) const EXIT_FAILURE: u8 = 1;
/// Exit status for a usage error (the same as clap's).
pub(crate) const EXIT_USAGE: u8 = 2;
/// Exit status of `kluis scan --fail-on-sensitive` when it found something.
pub(crate) const EXIT_SENSITIVE: u8 = 3;

/// Why a command failed. Displayed after `kluis: ` on one line of standard
/// error; never holds a secret.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// The command line asks for something that cannot be done as given:
    /// missing or malformed secret, conflicting options, an output that
    /// exists without `--force`, an unsafe file name. Exit status 2.
    #[error("{0}")]
    Usage(String),
    /// The envelope was refused (wrong secret, tampered, truncated, not an
    /// envelope, ...). Exit status 1.
    #[error("refused: {0}")]
    Refused(OpenError),
    /// A transfer was refused: wrong password, expired, tampered, a
    /// manifest this version cannot read. Exit status 1.
    #[error("refused: {0}")]
    TransferRefused(TransferError),
    /// Reading or writing failed; the message names the file. Exit status 1.
    #[error("{0}")]
    Io(io::Error),
    /// Sealing or opening failed for another reason. Exit status 1.
    #[error("{0}")]
    Failed(String),
    /// `kluis scan --fail-on-sensitive` found this many things. Exit status 3.
    #[error("sensitive information found ({0} findings)")]
    Sensitive(usize),
}

impl CliError {
    /// A usage error (exit status 2).
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        CliError::Usage(message.into())
    }

    /// An I/O error, with `context` (e.g. `reading report.pdf`) in front.
    pub(crate) fn io(context: impl fmt::Display, err: io::Error) -> Self {
        CliError::Io(io::Error::new(err.kind(), format!("{context}: {err}")))
    }

    /// The process exit status for this error.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => EXIT_USAGE,
            CliError::Sensitive(_) => EXIT_SENSITIVE,
            CliError::Refused(_) | CliError::TransferRefused(_) | CliError::Io(_) | CliError::Failed(_) => EXIT_FAILURE,
        }
    }
}

impl From<OpenError> for CliError {
    /// I/O errors stay I/O errors (the readers and writers of this crate
    /// already name their file); everything else is a refusal.
    fn from(err: OpenError) -> Self {
        match err {
            OpenError::Io(err) => CliError::Io(err),
            other => CliError::Refused(other),
        }
    }
}

impl From<SealError> for CliError {
    fn from(err: SealError) -> Self {
        match err {
            SealError::Io(err) => CliError::Io(err),
            SealError::SizeMismatch { expected, actual } => CliError::Failed(format!(
                "the input changed while it was being sealed ({expected} bytes when it was opened, {actual} read)"
            )),
            SealError::Randomness => CliError::Failed(err.to_string()),
            // Everything else is about what the command line asked for.
            other => CliError::Usage(other.to_string()),
        }
    }
}

impl From<TransferError> for CliError {
    /// What the stored transfer is to blame for is a refusal (exit 1); what
    /// the command line asked for is a usage error (exit 2): a file name
    /// that cannot be used, a weak password, an argument out of range, a
    /// bad link, an existing file.
    /// By [`TransferError::category`], exhaustively.
    fn from(err: TransferError) -> Self {
        match err.category() {
            ErrorCategory::WrongPassword
            | ErrorCategory::Expired
            | ErrorCategory::Tampered
            | ErrorCategory::UnreadableManifest
            | ErrorCategory::Envelope
            | ErrorCategory::LimitsExceeded => CliError::TransferRefused(err),
            ErrorCategory::NotFound | ErrorCategory::Seal | ErrorCategory::Transport => {
                CliError::Failed(err.to_string())
            }
            ErrorCategory::AlreadyExists => match err {
                TransferError::AlreadyExists { path } => {
                    CliError::usage(format!("{} already exists (use --force to replace it)", path.display()))
                }
                other => CliError::usage(other.to_string()),
            },
            ErrorCategory::WeakPassword => match err {
                TransferError::WeakPassword { reason } => CliError::usage(format!(
                    "password refused as too weak: {reason} (--allow-weak-password sends anyway)"
                )),
                other => CliError::usage(other.to_string()),
            },
            ErrorCategory::InvalidRequest => CliError::usage(err.to_string()),
            ErrorCategory::Io => match err {
                TransferError::Io(e) => CliError::Io(e),
                other => CliError::Failed(other.to_string()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_and_messages() {
        let refused = CliError::from(OpenError::WrongSecret);
        assert_eq!(refused.exit_code(), 1);
        assert_eq!(refused.to_string(), "refused: wrong password or key");

        let io = CliError::from(OpenError::Io(io::Error::other("disk full")));
        assert_eq!(io.exit_code(), 1);
        assert_eq!(io.to_string(), "disk full");

        assert_eq!(CliError::from(SealError::EmptyPassword).exit_code(), 2);
        assert_eq!(CliError::from(SealError::SizeMismatch { expected: 1, actual: 2 }).exit_code(), 1);
        assert_eq!(CliError::usage("no").exit_code(), 2);

        let ctx = CliError::io("reading a.txt", io::Error::new(io::ErrorKind::NotFound, "gone"));
        assert_eq!(ctx.to_string(), "reading a.txt: gone");
        assert!(matches!(ctx, CliError::Io(e) if e.kind() == io::ErrorKind::NotFound));
    }

    #[test]
    fn transfer_errors() {
        let e = |err: TransferError| {
            let cli = CliError::from(err);
            (cli.exit_code(), cli.to_string())
        };
        assert_eq!(e(TransferError::WrongPassword), (1, "refused: wrong password".into()));
        assert_eq!(
            e(TransferError::Expired { expired_at: 0 }),
            (1, "refused: the transfer expired at 1970-01-01T00:00:00Z".into())
        );
        assert_eq!(e(TransferError::NotFound { what: "transfer x".into() }), (1, "not found: transfer x".into()));
        let tampered = e(TransferError::Tampered { what: "file 1".into(), reason: "bad".into() });
        assert!(tampered.0 == 1 && tampered.1.starts_with("refused: file 1 failed verification"), "{tampered:?}");
        let weak = e(TransferError::WeakPassword { reason: "short".into() });
        assert!(weak.0 == 2 && weak.1.contains("--allow-weak-password"), "{weak:?}");
        let exists = e(TransferError::AlreadyExists { path: "a.txt".into() });
        assert_eq!(exists, (2, "a.txt already exists (use --force to replace it)".into()));
        assert_eq!(e(TransferError::InvalidName { name: "../x".into(), reason: "r".into() }).0, 2);
        assert_eq!(e(TransferError::Io(io::Error::other("disk full"))), (1, "disk full".into()));
        assert_eq!(e(TransferError::Randomness).0, 1);
    }
}
