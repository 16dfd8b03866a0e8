//! Builds envelopes byte by byte from docs/FORMAT.md, for the cases the
//! kluis-core library refuses to seal (a metadata `name` with a folder part:
//! `Metadata::to_json` and `SealOptions::with_metadata_json` both reject it).
//!
//! One raw-key slot, one chunk of at most 64 KiB. The builder is checked
//! against the library by `forged_envelope_with_a_plain_name_opens` in
//! cli.rs, so a refusal of a forged envelope is about its name, not about a
//! forging mistake.

use aes_gcm_siv::aead::{Aead, KeyInit, Payload};
use aes_gcm_siv::{Aes256GcmSiv, Nonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;

fn hkdf(ikm: &[u8], salt: &[u8], info: &[u8], out: &mut [u8]) {
    Hkdf::<Sha256>::new(Some(salt), ikm).expand(info, out).expect("short HKDF output");
}

fn aead(key: &[u8], nonce: [u8; 12], aad: &[u8], msg: &[u8]) -> Vec<u8> {
    let cipher = Aes256GcmSiv::new_from_slice(key).expect("32-byte key");
    cipher.encrypt(&Nonce::from(nonce), Payload { msg, aad }).expect("AES-GCM-SIV")
}

/// An envelope (format v1, chunk size 64 KiB) that `key` opens, holding
/// `plaintext` (at most 64 KiB) and exactly `metadata_json` as metadata.
pub(crate) fn key_envelope(key: &[u8; 32], metadata_json: &str, plaintext: &[u8]) -> Vec<u8> {
    assert!(plaintext.len() <= 1 << 16);
    let file_key = [0x42u8; 32];
    let salt = [0x17u8; 32];

    // §4 key schedule.
    let mut okm = [0u8; 96];
    hkdf(&file_key, &salt, b"kluis/v1 keys", &mut okm);
    let (mac_key, payload_key, meta_key) = (&okm[..32], &okm[32..64], &okm[64..]);

    // §6.2 raw-key slot: kind 0x02, body = commit || wrapped.
    let mut okm2 = [0u8; 64];
    hkdf(key, &salt, b"kluis/v1 slot\x02", &mut okm2);
    let wrapped = aead(&okm2[..32], [0; 12], b"", &file_key);

    // §6.1 header.
    let mut header = b"KLUIS\0".to_vec();
    header.push(1); // version
    header.push(16); // chunk_log2
    header.extend_from_slice(&salt);
    header.push(1); // slot_count
    header.push(2); // kind: raw key
    header.extend_from_slice(&80u16.to_be_bytes());
    header.extend_from_slice(&okm2[32..]);
    header.extend_from_slice(&wrapped);
    // §6.3 metadata.
    let meta_ct = aead(meta_key, [0; 12], b"", metadata_json.as_bytes());
    header.extend_from_slice(&u32::try_from(meta_ct.len()).expect("small").to_be_bytes());
    header.extend_from_slice(&meta_ct);
    // §6.4 header MAC.
    let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(mac_key).expect("any key length");
    mac.update(&header);
    let header_mac = mac.finalize().into_bytes();
    header.extend_from_slice(&header_mac);

    // §7.1 the only chunk: index 0, final flag.
    let mut nonce = [0u8; 12];
    nonce[11] = 1;
    let chunk = aead(payload_key, nonce, &header_mac, plaintext);
    header.extend_from_slice(&chunk);
    header
}
