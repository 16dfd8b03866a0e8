//! # kluis-core: the Kluis envelope format, version 1
//!
//! An *envelope* holds one file, encrypted so that any of up to 16 secrets
//! opens it: passwords (Argon2id) or 32-byte raw keys. Its payload is cut
//! into chunks of AES-256-GCM-SIV, so it is written and read as a stream in
//! constant memory, and any byte range can be decrypted without reading the
//! rest. The metadata (file name, type, size) is encrypted too.
//! `docs/FORMAT.md` specifies every byte.
//!
//! ## Where to start
//!
//! | you have | call |
//! |---|---|
//! | bytes in memory | [`seal_bytes`], [`open_bytes`] |
//! | files on disk | [`seal_file`], [`open_file`] (a regular output appears only when complete; `/dev/null`, a FIFO or `/dev/stdout` is written in place: [`OutputFile`]) |
//! | a stream (`Write` / `Read`) | [`Sealer`], [`Opener`] (`Seek` for random access) |
//! | pieces arriving from elsewhere | [`PushOpener`] |
//! | an envelope and no secret | [`inspect`] |
//! | a recorded file name to write to disk | [`save_name`] (the one file-name rule: [`file_name_problem`]) |
//! | workers of your own for the chunks (WebAssembly) | [`seal_header`], [`open_header`], [`ChunkSplitter`], [`ChunkCipher`] |
//!
//! ```
//! use kluis_core::{open_bytes, seal_bytes, Argon2Params, Key, Metadata, OpenLimits, SealOptions, Secret};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // The recipient's password and the sender's own key both open it.
//! let sender_key = Key::generate()?;
//! let secrets = [Secret::password("paard batterij nietje"), Secret::Key(sender_key.clone())];
//! let options = SealOptions::default()
//!     .with_argon2(Argon2Params::INSECURE_TEST)? // doc test speed only; the default is 64 MiB
//!     .with_metadata(&Metadata::named("notulen.txt"))?;
//! let envelope = seal_bytes(b"vertrouwelijk", &secrets, &options)?;
//!
//! let (plaintext, metadata) = open_bytes(&envelope, &Secret::Key(sender_key), &OpenLimits::default())?;
//! assert_eq!(plaintext, b"vertrouwelijk");
//! assert_eq!(metadata.unwrap().name.as_deref(), Some("notulen.txt"));
//! # Ok(()) }
//! ```
//!
//! ## Guarantees
//!
//! - Nothing is released that has not been authenticated; truncation,
//!   reordering, duplication, trailing bytes and header changes are each
//!   refused with their own [`OpenError`].
//! - Argon2 costs are checked against [`OpenLimits`] before any key
//!   derivation, so a hostile header cannot make the reader allocate 4 TiB.
//! - Passwords, keys and derived keys are zeroized on drop and print as
//!   `<redacted>`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod chunks;
mod error;
mod file;
mod header;
mod inspect;
mod keys;
mod limits;
mod metadata;
mod names;
mod open;
mod output;
mod primitives;
mod push;
mod schedule;
mod seal;
mod size;
mod stream;
mod unlock;
mod workers;

#[cfg(test)]
mod tests;

pub use chunks::{
    ChunkCipher, ChunkKey, ChunkSplitter, HeaderLen, OpenedHeader, Piece, ReleaseCheck, header_len, open_header,
    seal_header,
};
pub use error::{OpenError, SealError};
pub use file::{AtomicFile, open_file, seal_file};
pub use header::{
    DEFAULT_CHUNK_LOG2, MAGIC, MAX_CHUNK_LOG2, MAX_METADATA_LEN, MAX_PASSWORD_SLOTS, MAX_SLOTS, MIN_CHUNK_LOG2, VERSION,
};
pub use inspect::{EnvelopeInfo, SlotInfo, inspect, inspect_bytes};
pub use keys::{InvalidKey, Key, Password, Secret};
pub use limits::{Argon2Params, OpenLimits};
pub use metadata::Metadata;
pub use names::{
    MAX_FILE_NAME_BYTES, MAX_FILE_NAME_UTF16_NFD, file_name_problem, is_invisible_char, is_plain_file_name, save_name,
};
pub use open::{Opener, open_bytes};
pub use output::{OutputError, OutputFile, OutputKind};
pub use push::PushOpener;
pub use seal::{SealOptions, Sealer, seal_bytes};
pub use size::envelope_len;
pub use workers::Threads;
