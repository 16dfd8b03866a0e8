//! [`CliError`]: every way a command can fail, each with its exit status.
//!
//! | exit | meaning |
//! |---:|---|
//! | 0 | success |
//! | 1 | the envelope was refused, or reading or writing failed |
//! | 2 | the command line cannot be carried out as given (clap's own errors are 2 as well) |

use std::fmt;
use std::io;

use kluis_core::{OpenError, SealError};

/// Exit status for a refused envelope or a failed read or write.
pub(crate) const EXIT_FAILURE: u8 = 1;
/// Exit status for a usage error (the same as clap's).
pub(crate) const EXIT_USAGE: u8 = 2;

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
    /// Reading or writing failed; the message names the file. Exit status 1.
    #[error("{0}")]
    Io(io::Error),
    /// Sealing or opening failed for another reason. Exit status 1.
    #[error("{0}")]
    Failed(String),
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
            CliError::Refused(_) | CliError::Io(_) | CliError::Failed(_) => EXIT_FAILURE,
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
}
