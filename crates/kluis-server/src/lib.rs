//! # kluis-server: the Kluis drop server
//!
//! Holds sealed transfer blobs (docs/FORMAT.md, docs/TRANSFER.md) for
//! recipients to fetch, verifies senders by a mailed one-time code and
//! mails recipients a notice with the link. The HTTP contract is
//! docs/SERVER.md.
#![forbid(unsafe_code)]

pub mod storage;

/// Reusable checks for implementations of [`storage::BlobStore`].
#[doc(hidden)]
pub mod testing;
