//! The length of an envelope before it is sealed: it follows from the
//! plaintext's length, the slots and the options alone, so a host can
//! announce a blob's size and upload its first bytes while the rest is
//! still being sealed.

use crate::error::SealError;
use crate::header::{FIXED_LEN, KEY_BODY_LEN, MAC_LEN, MAX_PASSWORD_SLOTS, MAX_SLOTS, PASSWORD_BODY_LEN};
use crate::keys::Secret;
use crate::primitives::TAG_LEN;
use crate::seal::SealOptions;

/// The exact length of the envelope that sealing `plaintext_len` bytes for
/// `secrets` with `options` (chunk size, metadata) gives, without sealing
/// anything (no Argon2, no randomness): the header (its slots and sealed
/// metadata) and every chunk with its tag. The secrets are refused as
/// sealing would refuse them.
///
/// ```
/// use kluis_core::{Key, SealOptions, Secret, envelope_len, seal_bytes};
/// let secrets = [Secret::Key(Key::from_bytes([7; 32]))];
/// let options = SealOptions::default();
/// let envelope = seal_bytes(&[1; 70_000], &secrets, &options).unwrap();
/// assert_eq!(envelope_len(70_000, &secrets, &options).unwrap(), envelope.len() as u64);
/// ```
pub fn envelope_len(plaintext_len: u64, secrets: &[Secret], options: &SealOptions) -> Result<u64, SealError> {
    if secrets.is_empty() || secrets.len() > MAX_SLOTS {
        return Err(SealError::SecretCount(secrets.len()));
    }
    let passwords = secrets.iter().filter(|s| matches!(s, Secret::Password(_))).count();
    if passwords > MAX_PASSWORD_SLOTS {
        return Err(SealError::TooManyPasswords(passwords));
    }
    let slots: usize = secrets
        .iter()
        .map(|s| 3 + if matches!(s, Secret::Password(_)) { PASSWORD_BODY_LEN } else { KEY_BODY_LEN })
        .sum();
    let metadata = options.metadata_json.as_ref().map_or(0, |json| json.len() + TAG_LEN);
    let header = (FIXED_LEN + slots + 4 + metadata + MAC_LEN) as u64;
    Ok(header + payload_len(plaintext_len, options.chunk_size() as u64))
}

/// The sealed chunks of `plaintext_len` bytes: at least one chunk (an empty
/// plaintext is one empty final chunk), each with its tag.
pub(crate) fn payload_len(plaintext_len: u64, chunk_size: u64) -> u64 {
    let chunks = plaintext_len.div_ceil(chunk_size).max(1);
    plaintext_len + chunks * TAG_LEN as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Argon2Params, Key, Metadata, seal_bytes};

    #[test]
    fn the_computed_length_is_the_sealed_length() -> Result<(), SealError> {
        let options = SealOptions::default().with_chunk_size(4096)?.with_argon2(Argon2Params::INSECURE_TEST)?;
        let key = Secret::Key(Key::from_bytes([2; 32]));
        let secret_sets = [vec![key.clone()], vec![Secret::password("p4ss")], vec![Secret::password("p"), key]];
        for secrets in &secret_sets {
            for len in [0usize, 1, 4095, 4096, 4097, 8192, 10_000] {
                let named = options.clone().with_metadata(&Metadata::named("offer.pdf").with_size(len as u64))?;
                for opts in [&options, &named] {
                    let sealed = seal_bytes(&vec![9; len], secrets, opts)?;
                    assert_eq!(envelope_len(len as u64, secrets, opts)?, sealed.len() as u64, "{len} bytes");
                }
            }
        }
        Ok(())
    }

    #[test]
    fn secrets_that_sealing_refuses_are_refused() {
        let options = SealOptions::default();
        assert!(matches!(envelope_len(1, &[], &options), Err(SealError::SecretCount(0))));
        let five: Vec<Secret> = (0..5).map(|i| Secret::password(format!("p{i}"))).collect();
        assert!(matches!(envelope_len(1, &five, &options), Err(SealError::TooManyPasswords(5))));
    }
}
