//! The key schedule: file key, derived envelope keys, slot wrapping.

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::header::{COMMIT_LEN, KIND_KEY, KIND_PASSWORD, SALT_LEN, WRAPPED_LEN};
use crate::keys::{Key, Password};
use crate::limits::Argon2Params;
use crate::primitives::{self, KEY_LEN, SymKey};

const INFO_KEYS: &[u8] = b"kluis/v1 keys";
const INFO_SLOT: &[u8] = b"kluis/v1 slot";
const ZERO_NONCE: [u8; 12] = [0; 12];

/// The per-envelope random key that every slot wraps.
pub(crate) type FileKey = SymKey;

/// Keys derived from the file key and the header salt.
pub(crate) struct EnvelopeKeys {
    pub(crate) mac_key: SymKey,
    pub(crate) payload_key: SymKey,
    pub(crate) meta_key: SymKey,
}

impl EnvelopeKeys {
    /// `mac_key || payload_key || meta_key = HKDF(file_key, salt, "kluis/v1 keys", 96)`.
    pub(crate) fn derive(file_key: &FileKey, salt: &[u8; SALT_LEN]) -> Self {
        let mut okm = Zeroizing::new([0u8; 3 * KEY_LEN]);
        primitives::hkdf(file_key.as_ref(), salt, &[INFO_KEYS], okm.as_mut());
        let part = |i: usize| {
            let mut k = Zeroizing::new([0u8; KEY_LEN]);
            k.copy_from_slice(&okm[i * KEY_LEN..(i + 1) * KEY_LEN]);
            k
        };
        EnvelopeKeys { mac_key: part(0), payload_key: part(1), meta_key: part(2) }
    }
}

/// A slot's key-encryption key, from a password (Argon2id) or a raw key.
pub(crate) struct Kek {
    kind: u8,
    key: SymKey,
}

impl Kek {
    /// `Argon2id(UTF-8(norm(password)), argon_salt, m, t, p)`.
    pub(crate) fn from_password(
        password: &Password,
        argon_salt: &[u8],
        params: Argon2Params,
    ) -> Result<Self, argon2::Error> {
        let normalized = password.normalized();
        let key = primitives::argon2id(normalized.as_bytes(), argon_salt, params)?;
        Ok(Kek { kind: KIND_PASSWORD, key })
    }

    /// The caller's 32-byte key, used as is.
    pub(crate) fn from_key(key: &Key) -> Self {
        Kek { kind: KIND_KEY, key: Zeroizing::new(*key.as_bytes()) }
    }

    #[cfg(test)]
    pub(crate) fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.key
    }

    /// `wrap_key || commit = HKDF(kek, salt, "kluis/v1 slot" || kind, 64)`.
    pub(crate) fn slot_keys(&self, salt: &[u8; SALT_LEN]) -> (SymKey, [u8; COMMIT_LEN]) {
        let mut okm = Zeroizing::new([0u8; KEY_LEN + COMMIT_LEN]);
        primitives::hkdf(self.key.as_ref(), salt, &[INFO_SLOT, &[self.kind]], okm.as_mut());
        let mut wrap_key = Zeroizing::new([0u8; KEY_LEN]);
        wrap_key.copy_from_slice(&okm[..KEY_LEN]);
        let mut commit = [0u8; COMMIT_LEN];
        commit.copy_from_slice(&okm[KEY_LEN..]);
        (wrap_key, commit)
    }

    /// Wraps the file key: returns `(commit, wrapped)`.
    pub(crate) fn wrap(&self, salt: &[u8; SALT_LEN], file_key: &FileKey) -> ([u8; COMMIT_LEN], [u8; WRAPPED_LEN]) {
        let (wrap_key, commit) = self.slot_keys(salt);
        let mut buf = Vec::with_capacity(WRAPPED_LEN);
        buf.extend_from_slice(file_key.as_ref());
        primitives::aead_seal(&primitives::aead(&wrap_key), &ZERO_NONCE, &[], &mut buf);
        let mut wrapped = [0u8; WRAPPED_LEN];
        wrapped.copy_from_slice(&buf);
        (commit, wrapped)
    }

    /// Unwraps the file key if `commit` matches (compared in constant time).
    ///
    /// `None`: this secret does not fit the slot, or the slot's `wrapped`
    /// field does not decrypt (the slot then counts as not matching).
    pub(crate) fn unwrap(
        &self,
        salt: &[u8; SALT_LEN],
        commit: &[u8; COMMIT_LEN],
        wrapped: &[u8; WRAPPED_LEN],
    ) -> Option<FileKey> {
        let (wrap_key, expected) = self.slot_keys(salt);
        if !bool::from(expected.ct_eq(commit)) {
            return None;
        }
        let mut buf = Zeroizing::new(*wrapped);
        let n = primitives::aead_open(&primitives::aead(&wrap_key), &ZERO_NONCE, &[], buf.as_mut()).ok()?;
        let mut file_key = Zeroizing::new([0u8; KEY_LEN]);
        file_key.copy_from_slice(&buf[..n]);
        Some(file_key)
    }
}
