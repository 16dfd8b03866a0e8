//! Opening a header: slot search, header MAC, metadata.

use subtle::ConstantTimeEq;

use crate::chunks::ChunkKey;
use crate::error::OpenError;
use crate::header::{Header, Slot};
use crate::keys::Secret;
use crate::limits::OpenLimits;
use crate::metadata::Metadata;
use crate::primitives;
use crate::schedule::{EnvelopeKeys, FileKey, Kek};
use crate::stream::PayloadCipher;

const ZERO_NONCE: [u8; 12] = [0; 12];

/// What a successful unlock yields.
pub(crate) struct Unlocked {
    pub(crate) cipher: PayloadCipher,
    /// The payload key as workers take it ([`crate::chunks`]).
    pub(crate) key: ChunkKey,
    pub(crate) metadata: Option<Metadata>,
}

/// Finds the file key with `secret`, checks the header MAC, decrypts the metadata.
pub(crate) fn unlock(header: &Header, secret: &Secret, limits: &OpenLimits) -> Result<Unlocked, OpenError> {
    let file_key = find_file_key(header, secret, limits)?.ok_or(OpenError::WrongSecret)?;
    let keys = EnvelopeKeys::derive(&file_key, &header.salt);
    let mac = primitives::hmac(&keys.mac_key, header.authenticated_bytes());
    if !bool::from(mac.ct_eq(&header.mac)) {
        return Err(OpenError::HeaderTampered);
    }
    let metadata = decrypt_metadata(header, &keys)?;
    Ok(Unlocked {
        cipher: PayloadCipher::new(&keys.payload_key, &header.mac),
        key: ChunkKey::new(&keys.payload_key, &header.mac, header.chunk_log2),
        metadata,
    })
}

fn find_file_key(header: &Header, secret: &Secret, limits: &OpenLimits) -> Result<Option<FileKey>, OpenError> {
    match secret {
        Secret::Password(password) => {
            // The number of password slots and every slot's cost are checked
            // before any Argon2 work.
            limits.check_password_slots(header.slots.iter().filter(|s| matches!(s, Slot::Password(_))).count())?;
            for slot in &header.slots {
                if let Slot::Password(s) = slot {
                    limits.check(&s.params)?;
                }
            }
            for slot in &header.slots {
                if let Slot::Password(s) = slot {
                    let kek = Kek::from_password(password, &s.argon_salt, s.params)
                        .map_err(|e| OpenError::LimitsExceeded(format!("Argon2 refused the parameters: {e}")))?;
                    if let Some(file_key) = kek.unwrap(&header.salt, &s.commit, &s.wrapped) {
                        return Ok(Some(file_key));
                    }
                }
            }
            Ok(None)
        }
        Secret::Key(key) => {
            let kek = Kek::from_key(key);
            for slot in &header.slots {
                if let Slot::Key(s) = slot {
                    if let Some(file_key) = kek.unwrap(&header.salt, &s.commit, &s.wrapped) {
                        return Ok(Some(file_key));
                    }
                }
            }
            Ok(None)
        }
    }
}

fn decrypt_metadata(header: &Header, keys: &EnvelopeKeys) -> Result<Option<Metadata>, OpenError> {
    if header.meta_ct.is_empty() {
        return Ok(None);
    }
    let bad = OpenError::MalformedHeader { field: "metadata", reason: "not a JSON object with valid fields" };
    let mut buf = header.meta_ct.clone();
    let n = primitives::aead_open(&primitives::aead(&keys.meta_key), &ZERO_NONCE, &[], &mut buf)
        .map_err(|()| OpenError::MalformedHeader { field: "metadata", reason: "does not decrypt" })?;
    let json = std::str::from_utf8(&buf[..n]).map_err(|_| bad.replay())?;
    Metadata::from_json(json).map(Some).map_err(|_| bad)
}
