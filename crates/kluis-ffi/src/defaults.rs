//! The Rust defaults of every record that has defaults, exported so that a
//! foreign caller (and each binding's tests) can see them.
//!
//! uniffi writes a record's field defaults into the generated Python,
//! Kotlin and C# code as literals, and takes them only from literals in
//! `#[uniffi(default = ...)]`. The functions here return the values of the
//! Rust crates' own `Default`s and constants, converted; the tests below
//! read the literals back from the uniffi metadata compiled into this
//! library and compare them with those values, field by field, so that a
//! literal that drifts from Rust fails `cargo test`, and each binding's
//! tests compare a record built with no arguments with these functions.
//!
//! (The examples live here rather than on the functions: the functions'
//! documentation is copied into the Python, Kotlin and C# code.)
//!
//! ```
//! use kluis_ffi::*;
//! assert_eq!(default_seal_options().chunk_size, 1 << kluis_core::DEFAULT_CHUNK_LOG2);
//! assert_eq!(default_seal_options().argon2, default_argon2_params());
//! assert_eq!(default_open_limits().max_m_kib, kluis_core::OpenLimits::default().max_m_kib);
//! assert_eq!(default_receive_options().limits, None); // the transfer limits
//! assert_eq!(default_http_options().retries, kluis_transfer::HttpOptions::default().retries);
//! let request = default_transfer_request("ann@example.org".into(), vec![], vec![], "pw".into());
//! assert_eq!(request.expires_in_seconds, kluis_transfer::DEFAULT_EXPIRES_IN.as_secs());
//! ```

use kluis_transfer as kt;

use crate::http::HttpOptions;
use crate::transfer::{FileSource, ReceiveOptions, SendOptions, TransferRequest};
use crate::types::{Argon2Params, Metadata, OpenLimits, SealOptions};

/// The Argon2id cost a sealer uses by default (`kluis_core::Argon2Params::DEFAULT`:
/// 64 MiB, 3 passes, 4 lanes).
#[uniffi::export]
pub fn default_argon2_params() -> Argon2Params {
    Argon2Params::default()
}

/// Metadata with no field set (`kluis_core::Metadata::default()`).
#[uniffi::export]
pub fn default_metadata() -> Metadata {
    Metadata::default()
}

/// How `seal_bytes` and the other sealing calls seal when given no options
/// (`kluis_core::SealOptions::default()`).
#[uniffi::export]
pub fn default_seal_options() -> SealOptions {
    SealOptions::default()
}

/// The limits `open_bytes` and the other opening calls apply when given
/// none (`kluis_core::OpenLimits::default()`: the most any Kluis envelope
/// asks).
#[uniffi::export]
pub fn default_open_limits() -> OpenLimits {
    OpenLimits::default()
}

/// How `send_transfer` seals and uploads when given no options
/// (`kluis_transfer::SendOptions::default()`).
#[uniffi::export]
pub fn default_send_options() -> SendOptions {
    SendOptions::default()
}

/// How `open_transfer` opens and downloads when given no options
/// (`kluis_transfer::ReceiveOptions::default()`; its limits, the transfer
/// limits, are `limits` None).
#[uniffi::export]
pub fn default_receive_options() -> ReceiveOptions {
    ReceiveOptions::default()
}

/// How an `HttpTransport` made without options talks to its server
/// (`kluis_transfer::HttpOptions::default()`).
#[uniffi::export]
pub fn default_http_options() -> HttpOptions {
    HttpOptions::default()
}

/// A request with the given sender, recipients, files and password, and
/// the defaults for the rest: no subject, no message, available for
/// `kluis_transfer::DEFAULT_EXPIRES_IN` (7 days), a weak password refused.
#[uniffi::export]
pub fn default_transfer_request(
    sender: String,
    recipients: Vec<String>,
    files: Vec<FileSource>,
    password: String,
) -> TransferRequest {
    TransferRequest {
        sender,
        recipients,
        files,
        password,
        subject: String::new(),
        message: None,
        expires_in_seconds: kt::DEFAULT_EXPIRES_IN.as_secs(),
        allow_weak_password: false,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use uniffi_meta::{DefaultValueMetadata, LiteralMetadata, Metadata as Meta};

    use super::*;
    use crate::http::UNIFFI_META_KLUIS_FFI_RECORD_HTTPOPTIONS;
    use crate::transfer::{
        UNIFFI_META_KLUIS_FFI_RECORD_RECEIVEOPTIONS, UNIFFI_META_KLUIS_FFI_RECORD_SENDOPTIONS,
        UNIFFI_META_KLUIS_FFI_RECORD_TRANSFERREQUEST, receive_options, send_options,
    };
    use crate::types::{
        UNIFFI_META_KLUIS_FFI_RECORD_ARGON2PARAMS, UNIFFI_META_KLUIS_FFI_RECORD_METADATA,
        UNIFFI_META_KLUIS_FFI_RECORD_OPENLIMITS, UNIFFI_META_KLUIS_FFI_RECORD_SEALOPTIONS, core_limits, core_options,
    };

    /// A field default, as uniffi's metadata holds it or as a Rust value.
    #[derive(Debug, PartialEq)]
    enum Lit {
        UInt(u64),
        Bool(bool),
        Str(String),
        None,
        Some(Box<Lit>),
        /// `#[uniffi(default)]`: the type's own default (for a record, its
        /// constructor without arguments, itself checked here).
        TypeDefault,
        /// A metadata literal of a kind this test does not expect.
        Other(String),
    }

    impl Lit {
        fn of_meta(d: &DefaultValueMetadata) -> Lit {
            match d {
                DefaultValueMetadata::Default => Lit::TypeDefault,
                DefaultValueMetadata::Literal(l) => match l {
                    LiteralMetadata::UInt(v, _, _) => Lit::UInt(*v),
                    LiteralMetadata::Boolean(b) => Lit::Bool(*b),
                    LiteralMetadata::String(s) => Lit::Str(s.clone()),
                    LiteralMetadata::None => Lit::None,
                    LiteralMetadata::Some { inner } => Lit::Some(Box::new(Lit::of_meta(inner))),
                    other => Lit::Other(format!("{other:?}")),
                },
            }
        }
    }

    /// A Rust value as the literal that must stand for it.
    trait AsLit {
        fn lit(&self) -> Lit;
    }

    macro_rules! uint_lit {
        ($($t:ty),*) => {$(
            impl AsLit for $t {
                fn lit(&self) -> Lit {
                    Lit::UInt(u64::from(*self))
                }
            }
        )*};
    }
    uint_lit!(u8, u32, u64);

    impl AsLit for bool {
        fn lit(&self) -> Lit {
            Lit::Bool(*self)
        }
    }

    impl AsLit for String {
        fn lit(&self) -> Lit {
            Lit::Str(self.clone())
        }
    }

    impl<T: AsLit> AsLit for Option<T> {
        fn lit(&self) -> Lit {
            self.as_ref().map_or(Lit::None, |v| Lit::Some(Box::new(v.lit())))
        }
    }

    /// Records and enums have no literal: present as a default, they fail
    /// the comparison.
    macro_rules! no_lit {
        ($($t:ty),*) => {$(
            impl AsLit for $t {
                fn lit(&self) -> Lit {
                    Lit::Other(format!("{self:?}"))
                }
            }
        )*};
    }
    no_lit!(Metadata, OpenLimits, crate::notice::Language);

    /// A nested record stands for `#[uniffi(default)]` only when it is its
    /// own Rust default.
    impl AsLit for Argon2Params {
        fn lit(&self) -> Lit {
            if *self == Argon2Params::default() { Lit::TypeDefault } else { Lit::Other(format!("{self:?}")) }
        }
    }

    /// The fields of record `meta` that have a default, with their literals.
    fn declared(meta: &[u8]) -> (String, Vec<(String, Lit)>) {
        let Ok(Meta::Record(record)) = uniffi_meta::read_metadata(meta) else {
            panic!("not the uniffi metadata of a record");
        };
        let fields = record
            .fields
            .iter()
            .filter_map(|f| f.default.as_ref().map(|d| (f.name.clone(), Lit::of_meta(d))))
            .collect();
        (record.name, fields)
    }

    /// Compares the literal defaults of record `$meta` with the fields of
    /// `$value`, the Rust defaults; the fields listed must be exactly the
    /// record's fields that have a default, in order.
    macro_rules! check_defaults {
        ($meta:expr, $value:expr, [$($field:ident),* $(,)?]) => {{
            let value = $value;
            let rust: Vec<(String, Lit)> = vec![$((stringify!($field).to_owned(), value.$field.lit())),*];
            let (name, literals) = declared(&$meta);
            assert_eq!(literals, rust, "{name}: the #[uniffi(default)] literals (left) differ from the Rust defaults (right)");
        }};
    }

    /// Every literal default that Python, Kotlin and C# see is the Rust
    /// default: a change of a Rust default (or of a literal) fails here.
    #[test]
    fn record_literals_are_the_rust_defaults() {
        check_defaults!(UNIFFI_META_KLUIS_FFI_RECORD_ARGON2PARAMS, default_argon2_params(), [m_kib, t, p]);
        check_defaults!(
            UNIFFI_META_KLUIS_FFI_RECORD_METADATA,
            default_metadata(),
            [name, media_type, size, modified, extra_json]
        );
        check_defaults!(
            UNIFFI_META_KLUIS_FFI_RECORD_SEALOPTIONS,
            default_seal_options(),
            [chunk_size, argon2, metadata, threads]
        );
        check_defaults!(
            UNIFFI_META_KLUIS_FFI_RECORD_OPENLIMITS,
            default_open_limits(),
            [max_m_kib, max_t, max_p, max_password_slots]
        );
        check_defaults!(
            UNIFFI_META_KLUIS_FFI_RECORD_SENDOPTIONS,
            default_send_options(),
            [argon2, chunk_size, piece_size, temp_dir, now]
        );
        check_defaults!(
            UNIFFI_META_KLUIS_FFI_RECORD_RECEIVEOPTIONS,
            default_receive_options(),
            [limits, piece_size, now]
        );
        check_defaults!(
            UNIFFI_META_KLUIS_FFI_RECORD_HTTPOPTIONS,
            default_http_options(),
            [download_limit, disclose_names, connect_timeout_ms, read_timeout_ms, retries, language]
        );
        check_defaults!(
            UNIFFI_META_KLUIS_FFI_RECORD_TRANSFERREQUEST,
            default_transfer_request("a@example.org".into(), vec![], vec![], "pw".into()),
            [subject, message, expires_in_seconds, allow_weak_password]
        );
    }

    /// The check itself sees a literal that differs.
    #[test]
    fn a_drifted_literal_is_seen() {
        let (_, literals) = declared(&UNIFFI_META_KLUIS_FFI_RECORD_ARGON2PARAMS);
        let drifted = Argon2Params { t: default_argon2_params().t + 1, ..default_argon2_params() };
        assert_ne!(
            literals,
            vec![("m_kib".into(), drifted.m_kib.lit()), ("t".into(), drifted.t.lit()), ("p".into(), drifted.p.lit())]
        );
        assert_eq!(drifted.lit(), Lit::Other(format!("{drifted:?}")));
    }

    /// The default records convert back to exactly the Rust defaults they
    /// were made from.
    #[test]
    fn default_records_convert_back_exactly() {
        let core_argon2 = kluis_core::Argon2Params::default();
        assert_eq!(kluis_core::Argon2Params::from(default_argon2_params()), core_argon2);

        assert_eq!(kluis_core::Metadata::try_from(default_metadata()).ok(), Some(kluis_core::Metadata::default()));

        let seal = core_options(Some(default_seal_options())).unwrap();
        let core_seal = kluis_core::SealOptions::default();
        assert_eq!(
            (seal.chunk_size(), seal.argon2(), seal.metadata()),
            (core_seal.chunk_size(), core_seal.argon2(), core_seal.metadata())
        );

        let limits = core_limits(Some(default_open_limits()), kluis_core::OpenLimits::TRANSFER).unwrap();
        assert_eq!(limits, kluis_core::OpenLimits::default());

        let send = send_options(Some(default_send_options())).unwrap();
        let kt_send = kt::SendOptions::default();
        assert_eq!(send.argon2, kt_send.argon2);
        assert_eq!(send.chunk_size, kt_send.chunk_size);
        assert_eq!(send.piece_size, kt_send.piece_size);
        assert_eq!(send.temp_dir, kt_send.temp_dir);
        assert_eq!(send.now, kt_send.now);
        assert_eq!(send.upload_attempts, kt_send.upload_attempts);

        let receive = receive_options(Some(default_receive_options())).unwrap();
        let kt_receive = kt::ReceiveOptions::default();
        assert_eq!(
            (receive.limits, receive.piece_size, receive.now),
            (kt_receive.limits, kt_receive.piece_size, kt_receive.now)
        );

        let http = kt::HttpOptions::try_from(default_http_options()).unwrap();
        assert_eq!(http, kt::HttpOptions::default());

        let request = kt::TransferRequest::from(default_transfer_request("a@x".into(), vec![], vec![], "pw".into()));
        assert_eq!(request.expires_in, kt::DEFAULT_EXPIRES_IN);
        assert_eq!((request.subject.as_str(), request.message, request.allow_weak_password), ("", None, false));
    }

    /// Values that are not the defaults convert both ways too (so the
    /// check above is not passing on a conversion that ignores its input).
    #[test]
    fn other_values_convert_both_ways() {
        let receive = kt::ReceiveOptions { limits: kluis_core::OpenLimits::ENVELOPE, ..kt::ReceiveOptions::default() };
        assert_eq!(ReceiveOptions::from(receive).limits, Some(OpenLimits::default()));
        let http = kt::HttpOptions {
            connect_timeout: Duration::from_millis(1500),
            language: Some(kt::Language::Nl),
            ..kt::HttpOptions::default()
        };
        assert_eq!(kt::HttpOptions::try_from(HttpOptions::from(http.clone())).ok(), Some(http));
        let send = kt::SendOptions { piece_size: 4096, temp_dir: Some("/tmp/k".into()), ..kt::SendOptions::default() };
        let back = send_options(Some(SendOptions::from(send))).unwrap();
        assert_eq!((back.piece_size, back.temp_dir), (4096, Some("/tmp/k".into())));
    }
}
