//! [`Failure`]: every error the module throws, as the JavaScript package's
//! `KluisError`: a `kind` from the list every binding uses
//! (docs/BINDINGS.md), the core's finer `reason`, and a readable message.

use kluis_core::{InvalidKey, OpenError, SealError};
#[cfg(any(feature = "generate", feature = "receive"))]
use kluis_transfer::TransferError;
#[cfg(feature = "receive")]
use kluis_transfer::{ErrorCategory, HttpError};
use wasm_bindgen::JsValue;

/// A failure on its way to JavaScript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The kind every binding uses: `WrongSecret`, `Tampered`, `Truncated`,
    /// `LimitsExceeded`, `Malformed`, `InvalidArgument`, `Io`, ...
    pub kind: &'static str,
    /// The core's own name for the refusal (`ChunkTampered`,
    /// `TrailingData`, ...), or the kind again.
    pub reason: &'static str,
    /// What went wrong, for a person.
    pub message: String,
}

impl Failure {
    /// An argument out of range or of the wrong type.
    ///
    /// ```
    /// let f = kluis_wasm::Failure::invalid("a key is 32 bytes");
    /// assert_eq!((f.kind, f.reason), ("InvalidArgument", "InvalidArgument"));
    /// ```
    pub fn invalid(message: impl Into<String>) -> Self {
        Failure { kind: "InvalidArgument", reason: "InvalidArgument", message: message.into() }
    }

    /// The JavaScript `Error` thrown: `name` `KluisError`, with `kind` and
    /// `reason` properties (the package wraps it in its `KluisError` class).
    pub fn into_js(self) -> JsValue {
        let error = js_sys::Error::new(&self.message);
        error.set_name("KluisError");
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&error, &"kind".into(), &self.kind.into());
        let _ = js_sys::Reflect::set(&error, &"reason".into(), &self.reason.into());
        error.into()
    }
}

impl From<Failure> for JsValue {
    fn from(f: Failure) -> JsValue {
        f.into_js()
    }
}

impl From<OpenError> for Failure {
    /// The mapping of kluis-ffi (crates/kluis-ffi/src/error.rs).
    ///
    /// ```
    /// use kluis_core::OpenError;
    /// let f = kluis_wasm::Failure::from(OpenError::TrailingData);
    /// assert_eq!((f.kind, f.reason), ("Tampered", "TrailingData"));
    /// ```
    fn from(err: OpenError) -> Self {
        let kind = match &err {
            OpenError::WrongSecret => "WrongSecret",
            OpenError::HeaderTampered
            | OpenError::ChunkTampered { .. }
            | OpenError::TrailingData
            | OpenError::SizeMismatch { .. } => "Tampered",
            OpenError::Truncated => "Truncated",
            OpenError::LimitsExceeded(_) => "LimitsExceeded",
            OpenError::Io(_) => "Io",
            // BadMagic, UnsupportedVersion, MalformedHeader, and any kind
            // added later: an envelope refused.
            _ => "Malformed",
        };
        Failure { kind, reason: err.kind(), message: err.to_string() }
    }
}

impl From<SealError> for Failure {
    fn from(err: SealError) -> Self {
        let kind = match err {
            SealError::Io(_) | SealError::Randomness => "Io",
            _ => "InvalidArgument",
        };
        Failure { kind, reason: kind, message: err.to_string() }
    }
}

impl From<InvalidKey> for Failure {
    fn from(_: InvalidKey) -> Self {
        Failure::invalid("a key is 32 bytes (a Uint8Array of length 32)")
    }
}

#[cfg(all(feature = "generate", not(feature = "receive")))]
impl From<TransferError> for Failure {
    fn from(err: TransferError) -> Self {
        let kind = match err {
            TransferError::Randomness => "Io",
            _ => "InvalidArgument",
        };
        Failure { kind, reason: err.kind(), message: err.to_string() }
    }
}

#[cfg(feature = "receive")]
impl From<TransferError> for Failure {
    /// By [`TransferError::category`], exhaustively, as kluis-ffi maps it:
    /// a new category does not compile until it is mapped here.
    ///
    /// ```
    /// use kluis_transfer::TransferError;
    /// let f = kluis_wasm::Failure::from(TransferError::WrongPassword);
    /// assert_eq!((f.kind, f.reason), ("WrongSecret", "WrongPassword"));
    /// ```
    fn from(err: TransferError) -> Self {
        let reason = err.kind();
        let message = err.to_string();
        let kind = match err.category() {
            ErrorCategory::WrongPassword => "WrongSecret",
            ErrorCategory::Expired => "Expired",
            ErrorCategory::NotFound => "NotFound",
            ErrorCategory::Tampered => "Tampered",
            ErrorCategory::WeakPassword => "WeakPassword",
            ErrorCategory::AlreadyExists => "AlreadyExists",
            // A manifest that opened with the password but breaks the rules.
            ErrorCategory::UnreadableManifest => "Malformed",
            ErrorCategory::InvalidRequest => "InvalidArgument",
            // The envelope's own kind (LimitsExceeded, Malformed, ...).
            ErrorCategory::Envelope | ErrorCategory::Seal => match err {
                TransferError::Envelope(e) => return Failure { reason, ..Failure::from(e) },
                TransferError::Seal(e) => return Failure { reason, ..Failure::from(e) },
                _ => "Malformed",
            },
            // Costs or slots past the limits, refused before any Argon2.
            ErrorCategory::LimitsExceeded => "LimitsExceeded",
            ErrorCategory::Transport => "Transport",
            ErrorCategory::Io => "Io",
        };
        Failure { kind, reason, message }
    }
}

#[cfg(feature = "receive")]
impl From<HttpError> for Failure {
    /// As kluis-ffi: a bad server address or an address the server refuses
    /// is `InvalidArgument`; everything else (a refused code, rate
    /// limiting, a refused token, the network) is `Transport`, with the
    /// reason in the message.
    ///
    /// ```
    /// let f = kluis_wasm::Failure::from(kluis_transfer::HttpError::CodeRefused);
    /// assert_eq!((f.kind, f.reason), ("Transport", "CodeRefused"));
    /// ```
    fn from(err: HttpError) -> Self {
        let kind = if err.is_invalid_argument() { "InvalidArgument" } else { "Transport" };
        let reason = err.reason();
        Failure { kind, reason, message: err.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_errors_keep_the_kinds_of_the_other_bindings() {
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
        ];
        for (err, kind) in cases {
            let reason = err.kind();
            let f = Failure::from(err);
            assert_eq!((f.kind, f.reason), (kind, reason));
            assert!(!f.message.is_empty());
        }
        assert_eq!(Failure::from(SealError::EmptyPassword).kind, "InvalidArgument");
        assert_eq!(Failure::from(SealError::Randomness).kind, "Io");
        assert_eq!(Failure::from(InvalidKey).kind, "InvalidArgument");
    }
}
