//! # kluis-ffi: Kluis for Python and Kotlin (uniffi)
//!
//! A thin layer: each export converts its arguments, calls `kluis-core` or
//! `kluis-transfer`, and maps the result and errors. No cryptography or
//! transfer logic lives here.
//!
//! | export | wraps |
//! |---|---|
//! | [`seal_bytes`], [`open_bytes`], [`seal_file`], [`open_file`], [`inspect`] | the core's functions of the same names (`inspect` = `inspect_bytes`) |
//! | [`Sealer`] | `kluis_core::Sealer<Vec<u8>>`, drained after each write |
//! | [`Opener`] | `kluis_core::PushOpener` |
//! | [`send_transfer`], [`open_transfer`] → [`ReceivedTransfer`], [`parse_link`] | `kluis_transfer`'s send and receive |
//! | [`generate_password`], [`rate_password`] | `kluis_transfer`'s password functions |
//! | [`Transport`] (implementable in Python/Kotlin; [`TransferPlan`], [`BlobSize`]), [`DirectoryTransport`] | `kluis_transfer::Transport` through an adapter (`transport.rs`) |
//! | [`HttpTransport`] ([`HttpOptions`]), [`request_code`], [`confirm_code`] → [`SenderToken`] | `kluis_transfer`'s client of a Kluis server (`http.rs`) |
//! | [`recipient_notice`] → [`RecipientNotice`] ([`Language`]) | `kluis_protocol::RecipientNotice`, the mail text of `kluis send` and the server (`notice.rs`) |
//! | [`default_seal_options`], [`default_open_limits`], [`default_http_options`], ... | the Rust `Default`s of every record with defaults (`defaults.rs`) |
//! | [`KluisError`] | every error, one class per kind (`error.rs`) |
//!
//! The bindings are generated from the compiled library by the
//! `uniffi-bindgen` binary of the `kluis-bindgen` crate (same uniffi
//! version), configured by `uniffi.toml` beside this crate's Cargo.toml.
//!
//! Threads: uniffi calls into Rust without holding Python's GIL (ctypes
//! releases it) and on the calling JVM thread only, so long work (files,
//! Argon2) blocks no other thread; objects lock their own state.
//!
//! Unsafe code: the workspace's `forbid(unsafe_code)` applies here too; the
//! FFI glue that uniffi's macros generate is the only unsafe code, and the
//! lint does not apply to external macro output.

uniffi::setup_scaffolding!();

mod defaults;
mod detect;
mod envelope;
mod error;
mod http;
mod notice;
mod stream;
mod transfer;
mod transport;
mod types;

pub use defaults::{
    default_argon2_params, default_http_options, default_metadata, default_open_limits, default_receive_options,
    default_seal_options, default_send_options, default_transfer_request,
};
pub use detect::{Finding, scan_file, scan_text};
pub use envelope::{inspect, open_bytes, open_file, seal_bytes, seal_file};
pub use error::KluisError;
pub use http::{HttpOptions, HttpTransport, SenderToken, confirm_code, request_code};
pub use notice::{Language, RecipientNotice, recipient_notice};
pub use stream::{Opener, Sealer};
pub use transfer::{
    FileSource, PasswordRating, PasswordStyle, ReceiveOptions, ReceivedTransfer, SendOptions, SentTransfer,
    TransferFile, TransferInfo, TransferLink, TransferRequest, generate_password, open_transfer, parse_link,
    rate_password, send_transfer,
};
pub use transport::{BlobSize, DirectoryTransport, TransferPlan, Transport, TransportError, purge_expired};
pub use types::{Argon2Params, EnvelopeInfo, Metadata, OpenLimits, Opened, SealOptions, Secret, SlotInfo};
