//! The transfer manifest parser, reached through the public
//! `open_transfer`: the fuzzer's bytes are the manifest JSON, sealed here
//! with the transfer password (cheap Argon2, see `kluis_fuzz::FUZZ_LIMITS`)
//! into a `MemoryTransport`, then opened as a recipient would.
//!
//! Checks: no panic; an accepted manifest respects the documented limits
//! and names this transfer, is not expired, and gets one distinct save name
//! per file; no error message and no `Debug` output contains a file key
//! from the manifest.
#![no_main]

use std::collections::HashSet;
use std::time::{Duration, UNIX_EPOCH};

use kluis_core::{SealOptions, Secret, seal_bytes};
use kluis_fuzz::{FUZZ_LIMITS, PASSWORD, SEED_ARGON2};
use kluis_transfer::{
    BlobName, MAX_FILES, MAX_NAME_LEN, MAX_RECIPIENTS, MemoryTransport, Password, ReceiveOptions, TransferId,
    Transport, open_transfer,
};
use libfuzzer_sys::fuzz_target;

/// The transfer the seeds name ("aaaaaaaaaaaaaaaaaaaaaaaaaa").
const ID: TransferId = TransferId::from_bytes([0; 16]);
/// "Now" for the expiry check: 2023-11-14T22:13:20Z.
const NOW: u64 = 1_700_000_000;

/// Every string value of a `"key"` member in the input, JSON escapes
/// decoded, that looks like a key (at least 32 hex digits): these must
/// never be printed, whatever else is wrong with the manifest. (Values whose
/// digits also occur elsewhere in the input are left out: a name or subject
/// holding the same digits may be printed.)
fn keys_in(json: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(json);
    let lower = text.to_ascii_lowercase();
    let mut keys = Vec::new();
    for (i, _) in text.match_indices("\"key\"") {
        let after = i + 5;
        let colon = text[after..].trim_start();
        let Some(value) = colon.strip_prefix(':') else { continue };
        let value = value.trim_start();
        let start = text.len() - value.len();
        let mut values = serde_json::Deserializer::from_str(value).into_iter::<String>();
        let Some(Ok(decoded)) = values.next() else { continue };
        let end = start + values.byte_offset();
        let hex: String = decoded.chars().filter(char::is_ascii_hexdigit).collect();
        if hex.len() < 32 {
            continue;
        }
        let key = hex[..32].to_ascii_lowercase();
        let elsewhere = format!("{}\u{0}{}", &lower[..start], &lower[end..]);
        if !elsewhere.contains(key.as_str()) {
            keys.push(key);
        }
    }
    keys
}

fn assert_no_key(keys: &[String], printed: &str, what: &str) {
    let printed = printed.to_ascii_lowercase();
    for k in keys {
        assert!(!printed.contains(k.as_str()), "{what} prints a file key: {printed}");
    }
}

fuzz_target!(|json: &[u8]| {
    let options = SealOptions::default().with_argon2(SEED_ARGON2).unwrap();
    let Ok(sealed) = seal_bytes(json, &[Secret::password(PASSWORD)], &options) else { return };
    let store = MemoryTransport::new();
    store.put_range(&ID, &BlobName::Manifest, 0, &sealed).unwrap();
    store.finish_blob(&ID, &BlobName::Manifest, sealed.len() as u64).unwrap();
    store.finish_transfer(&ID, NOW + 86_400).unwrap();
    let receive =
        ReceiveOptions { limits: FUZZ_LIMITS, now: Some(UNIX_EPOCH + Duration::from_secs(NOW)), ..Default::default() };
    let keys = keys_in(json);
    match open_transfer(&store, &ID, &Password::new(PASSWORD), &receive) {
        Ok(opened) => {
            let info = opened.info();
            assert_eq!(info.id, ID);
            assert!(info.expires_at > NOW && info.created_at <= info.expires_at);
            assert!((1..=MAX_RECIPIENTS).contains(&info.to.len()));
            assert!((1..=MAX_FILES).contains(&info.files.len()));
            let mut blobs = HashSet::new();
            let mut saves = HashSet::new();
            for (i, f) in info.files.iter().enumerate() {
                assert!(blobs.insert(f.blob), "a blob appears twice");
                assert!(!f.name.is_empty() && f.name.len() <= MAX_NAME_LEN);
                let save = opened.save_name(i).expect("a file without a save name");
                assert!(saves.insert(save.to_lowercase()), "two files share the save name {save:?}");
            }
            assert!(opened.save_name(info.files.len()).is_none());
            assert_no_key(&keys, &format!("{opened:?}"), "OpenedTransfer's Debug");
            assert_no_key(&keys, &format!("{info:?}"), "TransferInfo's Debug");
        }
        Err(e) => {
            assert_no_key(&keys, &e.to_string(), "the error message");
            assert_no_key(&keys, &format!("{e:?}"), "the error's Debug");
        }
    }
});
