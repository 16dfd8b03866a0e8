//! # kluis-transfer: sending files end-to-end encrypted
//!
//! A *transfer* is what a sender hands to recipients: sender and recipient
//! addresses, a subject, an optional confidential message, one or more
//! files, a creation time and an expiry time. It is encrypted on the
//! sender's device; storage sees only opaque blobs.
//!
//! - Each file is its own [`kluis_core`] envelope under a fresh random
//!   32-byte key (a raw-key slot).
//! - A *manifest* (JSON: the fields above and, per file, blob id, name,
//!   media type, size, SHA-256 and key) is sealed in its own envelope with
//!   the transfer password, so a recipient runs Argon2 once per transfer.
//! - The expiry is inside the manifest, so it is authenticated: a recipient
//!   refuses an expired transfer even if storage still serves it. A copy in
//!   clear lets storage purge.
//! - A [`Transport`] moves the sealed blobs: [`MemoryTransport`] for tests,
//!   [`DirectoryTransport`] for a local folder, and `HttpTransport` for a
//!   Kluis drop server (docs/SERVER.md; cargo feature `http`, on by
//!   default); it can be implemented in other languages through bindings.
//! - A [`Link`] names the transfer and where it is stored; it never carries
//!   the password.
//!
//! - Every rule also runs without I/O, for hosts that do their own (a
//!   browser's `fetch` through kluis-wasm): [`TransferSealer`] and
//!   [`FileSealer`] seal a transfer from bytes the host feeds in,
//!   [`session`] holds the upload, manifest and file machines that the
//!   functions above run on, and [`http`] maps them onto the drop server's
//!   requests ([`http::SendSession`], [`http::OpenSession`],
//!   [`http::FileSession`]). With the default features `fs` and `http` off
//!   the crate builds for `wasm32-unknown-unknown`.
//!
//! `docs/TRANSFER.md` specifies the manifest and the storage layout.
//!
//! ```
//! use std::time::Duration;
//! use kluis_transfer::*;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let store = DirectoryTransport::open(dir.path().join("store"))?;
//!
//! // Sender
//! let password = generate_password(PasswordStyle::Characters)?; // tell it by phone, never in the mail
//! let request = TransferRequest {
//!     from: "ann@example.org".into(),
//!     to: vec!["bob@example.org".into()],
//!     subject: "Contract".into(),
//!     message: Some("Bob, the signed contract.".into()),
//!     files: vec![FileSource::bytes("contract.pdf", b"%PDF-1.7 ...".to_vec())],
//!     expires_in: Duration::from_secs(7 * 86_400),
//!     password: password.clone(),
//!     allow_weak_password: false,
//! };
//! let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() }; // tests only
//! let sent = send_transfer(&store, request, &options, &NoProgress)?;
//! let link = Link::directory(store.root(), sent.id)?.to_string(); // goes into the mail
//!
//! // Recipient
//! let Link::Directory { store: root, transfer } = Link::parse(&link)? else { unreachable!() };
//! let store = DirectoryTransport::open(root)?;
//! let opened = open_transfer(&store, &transfer, &password, &ReceiveOptions::default())?;
//! assert_eq!(opened.info().message.as_deref(), Some("Bob, the signed contract."));
//! let saved = opened.download_file(&store, 0, dir.path(), false, &NoProgress)?;
//! assert_eq!(std::fs::read(saved)?, b"%PDF-1.7 ...");
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod draft;
mod error;
pub mod http;
mod manifest;
mod names;
mod password;
#[cfg(feature = "fs")]
mod prepared;
mod progress;
mod receive;
mod resume;
mod send;
pub mod session;
#[cfg(feature = "testing")]
pub mod testing;
mod transport;

pub use draft::{ChunkedFile, FileSealer, FileSpec, SealedFile, SealedTransfer, SendRequest, TransferSealer};
pub use error::{ErrorCategory, TransferError};
pub use http::{HttpError, HttpOptions, Token};
/// The wire contract shared with the drop server (ids, links, the HTTP
/// API's types, the recipient notice), re-exported whole.
pub use kluis_protocol as protocol;
pub use kluis_protocol::{
    BlobId, BlobName, ID_LEN, ID_TEXT_LEN, IdError, IdText, Language, Link, LinkError, MANIFEST_BLOB, RandomError,
    RecipientNotice, TransferId,
};
pub use kluis_protocol::{rfc3339, unix_seconds};
pub use manifest::{
    FileInfo, MANIFEST_VERSION, MAX_ADDRESS_LEN, MAX_FILES, MAX_MANIFEST_LEN, MAX_MEDIA_TYPE_LEN, MAX_MESSAGE_LEN,
    MAX_NAME_LEN, MAX_RECIPIENTS, MAX_SUBJECT_LEN, TransferInfo,
};
pub use password::{
    MIN_PASSWORD_CHARS, MIN_PASSWORD_SCORE, PASSWORD_ALPHABET, PASSWORD_GROUP_LEN, PASSWORD_GROUPS, PASSWORD_WORDS,
    PasswordRating, PasswordStyle, generate_password, rate_password,
};
#[cfg(feature = "fs")]
pub use prepared::{PreparedTransfer, send_transfer};
pub use progress::{NoProgress, Phase, Progress, ProgressEvent};
pub use receive::{OpenedTransfer, ReceiveOptions, open_transfer};
pub use resume::{UPLOAD_ATTEMPTS, is_resumable};
pub use send::{
    DEFAULT_EXPIRES_IN, DEFAULT_PIECE_SIZE, FileSource, MAX_EXPIRES_IN, SendOptions, SentTransfer, TransferRequest,
    upload_blob,
};
#[cfg(feature = "fs")]
pub use transport::DirectoryTransport;
#[cfg(feature = "http")]
pub use transport::http::{HttpTransport, confirm_code, request_code};
pub use transport::{MemoryTransport, TransferPlan, Transport, TransportError, purge_expired};

/// Re-exported from [`kluis_core`], for callers that need nothing else from it.
pub use kluis_core::{Argon2Params, OpenLimits, Password};
