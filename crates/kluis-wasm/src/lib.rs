//! # kluis-wasm: Kluis as a WebAssembly module
//!
//! The engine of the npm package `kluis` (bindings/js), built for
//! `wasm32-unknown-unknown` with wasm-bindgen. As thin as kluis-ffi: it
//! converts JavaScript values to the core's types and back, and maps
//! errors to the kinds every binding uses ([`Failure`]); every rule is
//! kluis-core's or kluis-transfer's, so a page behaves as the `kluis`
//! command does.
//!
//! The package's own API (`sealBytes`, `sealStream`, ...) is written in
//! TypeScript over these exports, since WebAssembly has no threads: it
//! runs [`envelope::seal_header`] and [`envelope::open_header`] (Argon2)
//! and the chunk work ([`chunks::ChunkCipher`]) in Web Workers or Node
//! worker threads, and cuts and orders the stream on the caller's thread
//! ([`chunks::ChunkSplitter`], [`chunks::ReleaseCheck`]).
//!
//! | file | holds |
//! |---|---|
//! | `envelope.rs` | `sealHeader`, `headerLength`, `openHeader`, `inspect` |
//! | `chunks.rs` | `ChunkCipher`, `ChunkSplitter`, `ReleaseCheck` |
//! | `password.rs` | `generatePassword`, `ratePassword` |
//! | `notice.rs` | `recipientNotice` (in every module that holds kluis-transfer) |
//! | `http.rs` | a session's steps and answers as JavaScript objects; `SignIn` (sender verification) |
//! | `send.rs` | `Sealing` (a transfer sealed from the host's chunks), `Upload` |
//! | `open.rs` | `Opening` (a link's manifest), `Opened`, `FileDownload` |
//! | `detect.rs` | `scanText`, `scanBytes` (kluis-detect) |
//! | `convert.rs` | JavaScript objects to the core's types and back |
//! | `error.rs` | [`Failure`]: the thrown `KluisError` |
//!
//! The features (all on by default) pick what a module holds: `envelope`,
//! `generate` (generatePassword), `rate` (ratePassword, zxcvbn: large),
//! `receive` (the drop server's client without sending: sender
//! verification, opening, downloads) and `transfer` (`receive` and
//! sending; kluis-transfer's sans-IO sessions, which the package drives
//! with `fetch`). The npm package ships three modules: `envelope` +
//! `generate`, which every page loads; `receive`, loaded by the first
//! open or verification; and `rate` + `transfer` (sealing a transfer checks
//! the password with zxcvbn), loaded by the first rating or send. A fourth, `detect` (scanText,
//! scanBytes: kluis-detect's extraction and term lists), is built by the
//! package as a module of its own, loaded on the first scan.
//!
//! Randomness comes from `crypto.getRandomValues` (getrandom's `wasm_js`
//! backend); there is no rayon and no thread in this build.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "envelope")]
pub mod chunks;
mod convert;
#[cfg(feature = "detect")]
pub mod detect;
#[cfg(feature = "envelope")]
pub mod envelope;
mod error;
#[cfg(feature = "receive")]
pub mod http;
#[cfg(any(feature = "generate", feature = "rate", feature = "receive"))]
pub mod notice;
#[cfg(feature = "receive")]
pub mod open;
#[cfg(any(feature = "generate", feature = "rate"))]
pub mod password;
#[cfg(feature = "transfer")]
pub mod send;

pub use error::Failure;
