//! Typed errors: one enum for sealing, one for opening.

use std::io;

/// Why an envelope could not be sealed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// No secret was given, or more than 16.
    #[error("an envelope needs between 1 and 16 secrets, got {0}")]
    SecretCount(usize),
    /// More than four passwords were given (each costs the reader an Argon2 run).
    #[error("an envelope holds at most 4 passwords, got {0}")]
    TooManyPasswords(usize),
    /// The password is empty after normalisation.
    #[error("the password is empty")]
    EmptyPassword,
    /// The Argon2 parameters are outside what a default reader accepts.
    #[error("invalid Argon2 parameters: {0}")]
    InvalidArgon2(String),
    /// The chunk size is not a power of two between 4 KiB and 16 MiB.
    #[error("chunk size must be a power of two between 4096 and 16777216 bytes, got {0}")]
    InvalidChunkSize(u64),
    /// The metadata is not a JSON object, is over 65,536 bytes, or holds an invalid field.
    #[error("invalid metadata: {0}")]
    InvalidMetadata(String),
    /// The plaintext length differs from the `size` announced in the metadata.
    #[error("metadata announces {expected} bytes but {actual} were written")]
    SizeMismatch {
        /// Size announced in the metadata.
        expected: u64,
        /// Bytes actually written.
        actual: u64,
    },
    /// A chunk handed to [`crate::ChunkCipher::seal`] has a length no
    /// sealer writes: a chunk other than the final one must hold exactly the
    /// chunk size, the final one at most that and, unless it is chunk 0, at
    /// least one byte.
    #[error("chunk {index} cannot hold {len} bytes")]
    ChunkLength {
        /// The chunk's index.
        index: u64,
        /// Its plaintext length.
        len: usize,
    },
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed")]
    Randomness,
    /// Reading the input or writing the output failed.
    #[error("I/O error: {0}")]
    Io(#[from] io::Error),
}

/// Why an envelope was refused or could not be read.
///
/// Every variant except [`OpenError::Io`] means the envelope itself is
/// refused; no plaintext that was not authenticated has been released.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The input does not start with the Kluis magic bytes.
    #[error("not a Kluis envelope (bad magic bytes)")]
    BadMagic,
    /// The envelope's format version is not supported by this reader.
    #[error("unsupported envelope version {0}")]
    UnsupportedVersion(u8),
    /// A header field is out of range or cut short.
    #[error("malformed header: {field}: {reason}")]
    MalformedHeader {
        /// The header field at fault.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The header asks for more Argon2 work than the reader's limits allow.
    #[error("refused before any key derivation: {0}")]
    LimitsExceeded(String),
    /// No slot of the envelope opens with the given secret.
    #[error("wrong password or key")]
    WrongSecret,
    /// The header MAC does not verify: the header was changed after sealing.
    #[error("the header was tampered with (MAC mismatch)")]
    HeaderTampered,
    /// A chunk failed to authenticate: tampered, reordered, duplicated or from another envelope.
    #[error("chunk {index} failed to authenticate (tampered, reordered, duplicated or from another envelope)")]
    ChunkTampered {
        /// Index of the chunk, from 0.
        index: u64,
    },
    /// The envelope ends before its final chunk.
    #[error("the envelope is truncated (final chunk missing)")]
    Truncated,
    /// Bytes follow the final chunk.
    #[error("unexpected data after the final chunk")]
    TrailingData,
    /// The plaintext length differs from the `size` in the metadata.
    #[error("metadata announces {expected} bytes but the payload holds {actual}")]
    SizeMismatch {
        /// Size announced in the metadata.
        expected: u64,
        /// Plaintext length found.
        actual: u64,
    },
    /// Reading the input or writing the output failed.
    #[error("I/O error: {0}")]
    Io(#[from] io::Error),
}

impl OpenError {
    /// Recovers the [`OpenError`] carried by an [`io::Error`] returned from
    /// [`crate::Opener`]'s `Read`/`Seek` implementations.
    ///
    /// ```
    /// use kluis_core::OpenError;
    /// let err = std::io::Error::new(std::io::ErrorKind::InvalidData, OpenError::TrailingData);
    /// assert!(matches!(OpenError::from_io(err), OpenError::TrailingData));
    /// ```
    pub fn from_io(err: io::Error) -> Self {
        match err.downcast::<OpenError>() {
            Ok(open) => open,
            Err(err) => OpenError::Io(err),
        }
    }

    /// A stable name for the kind of refusal (the variant's name), for
    /// logs, bindings and test tables.
    ///
    /// ```
    /// assert_eq!(kluis_core::OpenError::WrongSecret.kind(), "WrongSecret");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            OpenError::BadMagic => "BadMagic",
            OpenError::UnsupportedVersion(_) => "UnsupportedVersion",
            OpenError::MalformedHeader { .. } => "MalformedHeader",
            OpenError::LimitsExceeded(_) => "LimitsExceeded",
            OpenError::WrongSecret => "WrongSecret",
            OpenError::HeaderTampered => "HeaderTampered",
            OpenError::ChunkTampered { .. } => "ChunkTampered",
            OpenError::Truncated => "Truncated",
            OpenError::TrailingData => "TrailingData",
            OpenError::SizeMismatch { .. } => "SizeMismatch",
            OpenError::Io(_) => "Io",
        }
    }

    /// Wraps the error in an [`io::Error`] (for `Read`/`Seek`), unwrapping an I/O error.
    pub(crate) fn into_io(self) -> io::Error {
        match self {
            OpenError::Io(err) => err,
            OpenError::Truncated => io::Error::new(io::ErrorKind::UnexpectedEof, self),
            other => io::Error::new(io::ErrorKind::InvalidData, other),
        }
    }

    /// A copy of this error for replaying after a failure (I/O errors keep
    /// their kind and message).
    pub(crate) fn replay(&self) -> Self {
        match self {
            OpenError::BadMagic => OpenError::BadMagic,
            OpenError::UnsupportedVersion(v) => OpenError::UnsupportedVersion(*v),
            OpenError::MalformedHeader { field, reason } => OpenError::MalformedHeader { field, reason },
            OpenError::LimitsExceeded(s) => OpenError::LimitsExceeded(s.clone()),
            OpenError::WrongSecret => OpenError::WrongSecret,
            OpenError::HeaderTampered => OpenError::HeaderTampered,
            OpenError::ChunkTampered { index } => OpenError::ChunkTampered { index: *index },
            OpenError::Truncated => OpenError::Truncated,
            OpenError::TrailingData => OpenError::TrailingData,
            OpenError::SizeMismatch { expected, actual } => {
                OpenError::SizeMismatch { expected: *expected, actual: *actual }
            }
            OpenError::Io(e) => OpenError::Io(io::Error::new(e.kind(), e.to_string())),
        }
    }
}
