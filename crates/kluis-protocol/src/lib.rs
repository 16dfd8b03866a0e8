//! # kluis-protocol: the wire contract of Kluis
//!
//! What a Kluis client and a Kluis drop server must agree on, and nothing
//! else: no cryptography, no HTTP client, no async runtime, only `serde`.
//! So the server (`kluis-server`), the Rust client (`kluis-transfer`'s
//! `HttpTransport`) and a browser client (compiled to
//! `wasm32-unknown-unknown`) all build on the same types.
//!
//! - [`TransferId`], [`BlobId`], [`BlobName`]: the ids of
//!   docs/TRANSFER.md §2, parsed strictly, with their own [`IdError`].
//! - [`wire`]: the body of every request and answer of docs/SERVER.md.
//! - [`paths`]: the URL paths, as route templates and filled in.
//! - [`ErrorCode`] and [`ErrorKind`]: the error codes and the one HTTP
//!   status → error kind table.
//! - [`Link`]: the link format (docs/TRANSFER.md §9).
//! - [`RecipientNotice`]: the mail text that carries a link, in English or
//!   Dutch ([`Language`]).
//! - [`rfc3339`]: the one time-stamp formatter.
//!
//! Features: `openapi` derives the utoipa schemas of the wire types (for
//! the server's `/openapi.json`); `random` adds `TransferId::generate` and
//! `BlobId::generate` (the operating system's random generator).
//!
//! ```
//! use kluis_protocol::{paths, Announcement, BlobName, BlobSize, Link, TransferId};
//! let id: TransferId = "aaaaaaaaaaaaaaaaaaaaaaaaaa".parse()?;
//! let link = Link::server("https://kluis.example.org", id)?;
//! assert_eq!(link.to_string(), format!("https://kluis.example.org{}", paths::page(&id)));
//! let body: Announcement = serde_json::from_str(
//!     r#"{"id":"aaaaaaaaaaaaaaaaaaaaaaaaaa","sender":"ann@example.org","recipients":["bob@example.org"],
//!         "expires_at":1767225600,"blobs":[{"name":"manifest","size":1234}]}"#,
//! )?;
//! assert_eq!(body.blobs, [BlobSize { name: BlobName::Manifest, size: 1234 }]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod ids;
mod link;
pub mod notice;
pub mod paths;
mod status;
mod time;
pub mod wire;

pub use ids::{
    BLOB_NAME_PATTERN, BlobId, BlobName, ID_LEN, ID_PATTERN, ID_TEXT_LEN, IdError, IdText, MANIFEST_BLOB, RandomError,
    TransferId,
};
pub use link::{Link, LinkError};
pub use notice::{Language, RecipientNotice, UnknownLanguage};
pub use status::{ErrorCode, ErrorKind, UnknownErrorCode};
pub use time::{rfc3339, unix_seconds};
pub use wire::{
    ADDRESS_PATTERN, Announcement, BlobSize, ConfirmRequest, CreatedAnswer, ErrorBody, FinishBlobRequest,
    FinishTransferRequest, Health, LinkAnswer, MAX_CLIENT_UPLOAD_REQUEST, Notice, OffsetQuery, PartialAnswer,
    ReplyAnswer, ReplyRequest, TokenAnswer, TransferSummary, UploadState, VerifyAnswer, VerifyRequest,
};
