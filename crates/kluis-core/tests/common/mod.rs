//! Shared helpers for the integration tests.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use kluis_core::{Argon2Params, Key, SealOptions, Secret, seal_bytes};

/// The raw key used by most tests.
pub fn key() -> Secret {
    Secret::Key(Key::from_bytes([0xa5; 32]))
}

/// Byte `i` is `i mod 251`.
pub fn plaintext(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// Given chunk size and cheap Argon2.
pub fn options(chunk_size: u64) -> SealOptions {
    SealOptions::default().with_chunk_size(chunk_size).unwrap().with_argon2(Argon2Params::INSECURE_TEST).unwrap()
}

/// Seals `pt` under [`key`].
pub fn seal_with_key(pt: &[u8], chunk_size: u64) -> Vec<u8> {
    seal_bytes(pt, &[key()], &options(chunk_size)).unwrap()
}
