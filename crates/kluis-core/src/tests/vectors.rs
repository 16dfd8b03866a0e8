//! The brief's vectors (every intermediate value) and the project's own
//! vectors in `docs/test-vectors/kluis-vectors.json`, re-derived byte for byte.

use std::io::Write;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::support::{Assembly, RawSlot, ReplayRng, docs_dir, hex32, plaintext};
use crate::keys::{Key, Password, Secret};
use crate::limits::{Argon2Params, OpenLimits};
use crate::schedule::{EnvelopeKeys, Kek};
use crate::seal::{SealOptions, Sealer};
use crate::{inspect_bytes, open_bytes};

fn sha256_hex(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

fn argon2_of(v: &Value) -> Option<(Argon2Params, [u8; 16])> {
    let a = &v["inputs"]["argon2"];
    if a.is_null() {
        return None;
    }
    let params = Argon2Params {
        m_kib: a["m_kib"].as_u64().unwrap() as u32,
        t: a["t"].as_u64().unwrap() as u32,
        p: a["p"].as_u64().unwrap() as u8,
    };
    Some((params, hex::decode(a["salt"].as_str().unwrap()).unwrap().try_into().unwrap()))
}

fn secrets_of(v: &Value) -> Vec<Secret> {
    let inputs = &v["inputs"];
    inputs["slot_order"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|kind| match kind.as_str().unwrap() {
            "password" => Some(Secret::password(inputs["password"].as_str().unwrap())),
            "key" => Some(Secret::Key(Key::from_hex(inputs["key"].as_str().unwrap()).unwrap())),
            _ => None,
        })
        .collect()
}

/// Seals a vector through the public `Sealer`, with randomness replayed.
fn seal_vector(v: &Value) -> Vec<u8> {
    let inputs = &v["inputs"];
    let mut options = SealOptions::default().with_chunk_size(1 << inputs["chunk_log2"].as_u64().unwrap()).unwrap();
    let argon = argon2_of(v);
    if let Some((params, _)) = argon {
        options = options.with_argon2(params).unwrap();
    }
    if let Some(json) = inputs["metadata_json"].as_str() {
        options = options.with_metadata_json(json).unwrap();
    }
    let file_key = hex32(inputs["file_key"].as_str().unwrap());
    let salt = hex32(inputs["salt"].as_str().unwrap());
    let argon_salt = argon.map(|(_, s)| s.to_vec()).unwrap_or_default();
    let mut rng = ReplayRng::new(&[&file_key, &salt, &argon_salt]);
    let mut sealer = Sealer::with_rng(Vec::new(), &secrets_of(v), &options, &mut rng).unwrap();
    let pt = plaintext(inputs["plaintext_len"].as_u64().unwrap() as usize);
    // Odd write sizes: the output must not depend on them.
    for piece in pt.chunks(999) {
        sealer.write_all(piece).unwrap();
    }
    assert!(rng.exhausted(), "{}: randomness drawn in another order or amount", v["name"]);
    sealer.finish().unwrap()
}

fn check_envelope(v: &Value, envelope: &[u8]) {
    let name = v["name"].as_str().unwrap();
    assert_eq!(envelope.len() as u64, v["envelope_len"].as_u64().unwrap(), "{name}: length");
    assert_eq!(sha256_hex(envelope), v["envelope_sha256"].as_str().unwrap(), "{name}: sha256");
    if let Some(h) = v["envelope_hex"].as_str() {
        assert_eq!(hex::encode(envelope), h, "{name}: bytes");
    }
    let header_len = v["intermediate"]["header_len"].as_u64().unwrap();
    assert_eq!(inspect_bytes(envelope).unwrap().header_len, header_len, "{name}: header_len");
    // Every secret opens it to the plaintext.
    let pt = plaintext(v["inputs"]["plaintext_len"].as_u64().unwrap() as usize);
    assert_eq!(sha256_hex(&pt), v["inputs"]["plaintext_sha256"].as_str().unwrap());
    for secret in secrets_of(v) {
        let (opened, meta) = open_bytes(envelope, &secret, &OpenLimits::default()).unwrap();
        assert!(opened == pt, "{name}: plaintext");
        assert_eq!(meta.is_some(), !v["inputs"]["metadata_json"].is_null(), "{name}: metadata");
    }
}

fn check_intermediates(v: &Value) {
    let name = v["name"].as_str().unwrap();
    let inputs = &v["inputs"];
    let im = &v["intermediate"];
    let salt = hex32(inputs["salt"].as_str().unwrap());
    if let Some((params, argon_salt)) = argon2_of(v) {
        let kek =
            Kek::from_password(&Password::new(inputs["password"].as_str().unwrap()), &argon_salt, params).unwrap();
        let slot = &im["password_slot"];
        assert_eq!(hex::encode(kek.bytes()), slot["kek"].as_str().unwrap(), "{name}: kek");
        let (wrap_key, commit) = kek.slot_keys(&salt);
        assert_eq!(hex::encode(wrap_key.as_ref()), slot["wrap_key"].as_str().unwrap(), "{name}: wrap_key");
        assert_eq!(hex::encode(commit), slot["commit"].as_str().unwrap(), "{name}: commit");
    }
    if let Some(key) = inputs["key"].as_str() {
        let kek = Kek::from_key(&Key::from_hex(key).unwrap());
        let (wrap_key, commit) = kek.slot_keys(&salt);
        assert_eq!(
            hex::encode(wrap_key.as_ref()),
            im["key_slot"]["wrap_key"].as_str().unwrap(),
            "{name}: key wrap_key"
        );
        assert_eq!(hex::encode(commit), im["key_slot"]["commit"].as_str().unwrap(), "{name}: key commit");
    }
    let file_key = Zeroizing::new(hex32(inputs["file_key"].as_str().unwrap()));
    let keys = EnvelopeKeys::derive(&file_key, &salt);
    assert_eq!(hex::encode(keys.mac_key.as_ref()), im["mac_key"].as_str().unwrap(), "{name}: mac_key");
    assert_eq!(hex::encode(keys.payload_key.as_ref()), im["payload_key"].as_str().unwrap(), "{name}: payload_key");
    assert_eq!(hex::encode(keys.meta_key.as_ref()), im["meta_key"].as_str().unwrap(), "{name}: meta_key");
    let envelope = seal_vector(v);
    let header_len = im["header_len"].as_u64().unwrap() as usize;
    assert_eq!(hex::encode(&envelope[header_len - 32..header_len]), im["header_mac"].as_str().unwrap(), "{name}: mac");
}

#[test]
fn brief_vectors_reproduce_byte_for_byte() {
    let text = std::fs::read_to_string(docs_dir().join("envelope-v1-vectors.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let vectors = doc["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 4);
    for v in vectors {
        check_intermediates(v);
        check_envelope(v, &seal_vector(v));
    }
}

/// One project vector: its inputs in the brief's schema, plus optional
/// `unknown_slots` (kind and body) placed by `slot_order` entries "unknown".
struct Case {
    name: &'static str,
    about: &'static str,
    password: Option<&'static str>,
    key: Option<[u8; 32]>,
    slot_order: &'static [&'static str],
    chunk_log2: u8,
    metadata_json: Option<&'static str>,
    plaintext_len: usize,
}

const FILE_KEY: [u8; 32] = [
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12,
    0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
];
const SALT: [u8; 32] = [
    0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32,
    0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
];
const ARGON_SALT: [u8; 16] =
    [0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f];
const KEY: [u8; 32] = [0xa5; 32];
const UNKNOWN_KIND: u8 = 0x7f;
const UNKNOWN_BODY: &[u8] = b"future slot kind";

fn cases() -> Vec<Case> {
    let key = Some(KEY);
    vec![
        Case {
            name: "key_4k_chunks_5000_bytes",
            about: "two chunks, the last one partial",
            password: None,
            key,
            slot_order: &["key"],
            chunk_log2: 12,
            metadata_json: None,
            plaintext_len: 5000,
        },
        Case {
            name: "key_8k_chunks_exact_two",
            about: "plaintext an exact multiple of the chunk size: the final chunk is full",
            password: None,
            key,
            slot_order: &["key"],
            chunk_log2: 13,
            metadata_json: None,
            plaintext_len: 16384,
        },
        Case {
            name: "key_64k_chunks_empty",
            about: "empty plaintext: one empty final chunk",
            password: None,
            key,
            slot_order: &["key"],
            chunk_log2: 16,
            metadata_json: None,
            plaintext_len: 0,
        },
        Case {
            name: "key_64k_chunks_one_byte",
            about: "one byte",
            password: None,
            key,
            slot_order: &["key"],
            chunk_log2: 16,
            metadata_json: None,
            plaintext_len: 1,
        },
        Case {
            name: "key_1m_chunks_2_5m",
            about: "1 MiB chunks, three chunks (hex omitted: checked by length and SHA-256)",
            password: None,
            key,
            slot_order: &["key"],
            chunk_log2: 20,
            metadata_json: None,
            plaintext_len: 2_621_440,
        },
        Case {
            name: "key_16m_chunks_small",
            about: "largest chunk size with a small plaintext",
            password: None,
            key,
            slot_order: &["key"],
            chunk_log2: 24,
            metadata_json: None,
            plaintext_len: 300,
        },
        Case {
            name: "key_then_password_metadata_full",
            about: "two slots (key first), metadata with every defined key and an unknown one",
            password: Some("Vertrouwelijk\u{a0}2026 bijlage"),
            key,
            slot_order: &["key", "password"],
            chunk_log2: 12,
            metadata_json: Some(
                r#"{"name":"begroting.xlsx","type":"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet","size":4097,"modified":"2026-11-26T12:00:00Z","x-afdeling":"financien"}"#,
            ),
            plaintext_len: 4097,
        },
        Case {
            name: "password_nfd_spaces",
            about: "a password typed in NFD with a no-break space; opens with its NFC form and a plain space",
            password: Some("cafe\u{301}\u{a0}geheim"),
            key: None,
            slot_order: &["password"],
            chunk_log2: 12,
            metadata_json: None,
            plaintext_len: 100,
        },
        Case {
            name: "unknown_kind_then_key",
            about: "a slot of unknown kind 0x7f (skipped by its body_len) before a key slot",
            password: None,
            key,
            slot_order: &["unknown", "key"],
            chunk_log2: 12,
            metadata_json: Some(r#"{"name":"a.txt"}"#),
            plaintext_len: 10,
        },
    ]
}

fn build_case(c: &Case) -> (Vec<u8>, Value) {
    let params = Argon2Params::INSECURE_TEST;
    let slots = c
        .slot_order
        .iter()
        .map(|k| match *k {
            "password" => RawSlot::Password(Password::new(c.password.unwrap()), params, ARGON_SALT),
            "key" => RawSlot::Key(Key::from_bytes(c.key.unwrap())),
            _ => RawSlot::Unknown(UNKNOWN_KIND, UNKNOWN_BODY.to_vec()),
        })
        .collect();
    let asm = Assembly {
        file_key: FILE_KEY,
        salt: SALT,
        chunk_log2: c.chunk_log2,
        slots,
        metadata_json: c.metadata_json.map(|m| m.as_bytes().to_vec()),
    };
    let pt = plaintext(c.plaintext_len);
    let envelope = asm.sealed(&pt);
    let header = asm.header();
    let salt = SALT;
    let file_key = Zeroizing::new(FILE_KEY);
    let keys = EnvelopeKeys::derive(&file_key, &salt);
    let mut im = serde_json::Map::new();
    if let Some(pw) = c.password {
        let kek = Kek::from_password(&Password::new(pw), &ARGON_SALT, params).unwrap();
        let (wk, commit) = kek.slot_keys(&salt);
        im.insert(
            "password_slot".into(),
            json!({"kek": hex::encode(kek.bytes()), "wrap_key": hex::encode(wk.as_ref()), "commit": hex::encode(commit)}),
        );
    }
    if let Some(k) = c.key {
        let (wk, commit) = Kek::from_key(&Key::from_bytes(k)).slot_keys(&salt);
        im.insert("key_slot".into(), json!({"wrap_key": hex::encode(wk.as_ref()), "commit": hex::encode(commit)}));
    }
    im.insert("mac_key".into(), json!(hex::encode(keys.mac_key.as_ref())));
    im.insert("payload_key".into(), json!(hex::encode(keys.payload_key.as_ref())));
    im.insert("meta_key".into(), json!(hex::encode(keys.meta_key.as_ref())));
    im.insert("header_mac".into(), json!(hex::encode(&header.bytes[header.bytes.len() - 32..])));
    im.insert("header_len".into(), json!(header.bytes.len()));
    let vector = json!({
        "name": c.name,
        "about": c.about,
        "inputs": {
            "password": c.password,
            "key": c.key.map(hex::encode),
            "slot_order": c.slot_order,
            "unknown_slot": if c.slot_order.contains(&"unknown") { json!({"kind": UNKNOWN_KIND, "body": hex::encode(UNKNOWN_BODY)}) } else { Value::Null },
            "argon2": if c.password.is_some() { json!({"m_kib": params.m_kib, "t": params.t, "p": params.p, "salt": hex::encode(ARGON_SALT)}) } else { Value::Null },
            "file_key": hex::encode(FILE_KEY),
            "salt": hex::encode(SALT),
            "chunk_log2": c.chunk_log2,
            "metadata_json": c.metadata_json,
            "plaintext_len": c.plaintext_len,
            "plaintext_sha256": sha256_hex(&pt),
        },
        "intermediate": Value::Object(im),
        "envelope_len": envelope.len(),
        "envelope_sha256": sha256_hex(&envelope),
        "envelope_header_hex": hex::encode(&header.bytes),
        "envelope_hex": if envelope.len() <= 70_000 { json!(hex::encode(&envelope)) } else { Value::Null },
    });
    (envelope, vector)
}

/// Regenerates `kluis-vectors.json` and requires the committed file to be
/// identical (set `KLUIS_REGENERATE_VECTORS=1` to rewrite it after a
/// deliberate change). Every vector also opens with each of its secrets, and
/// those without an unknown slot are re-sealed through the public `Sealer`.
#[test]
fn project_vectors_are_reproduced() {
    let mut vectors = Vec::new();
    for c in cases() {
        let (envelope, v) = build_case(&c);
        check_envelope(&v, &envelope);
        if !c.slot_order.contains(&"unknown") {
            assert_eq!(seal_vector(&v), envelope, "{}: public sealer differs", c.name);
        }
        vectors.push(v);
    }
    let doc = json!({
        "about": "Kluis project vectors for envelope format v1 (docs/FORMAT.md), in the schema of envelope-v1-vectors.json. Plaintext byte i is i mod 251. Password slots use Argon2id m_kib=1024, t=1, p=1. A slot_order entry \"unknown\" is a slot of kind inputs.unknown_slot.kind with body inputs.unknown_slot.body (hex). Generated by crates/kluis-core/src/tests/vectors.rs.",
        "vectors": vectors,
    });
    let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    let path = docs_dir().join("kluis-vectors.json");
    if std::env::var_os("KLUIS_REGENERATE_VECTORS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).expect("docs/test-vectors/kluis-vectors.json is missing");
    assert!(committed == text, "kluis-vectors.json differs from what the code produces");
}

#[test]
fn nfd_and_nbsp_passwords_open_each_other() {
    let (envelope, _) = build_case(&cases().into_iter().find(|c| c.name == "password_nfd_spaces").unwrap());
    for typed in ["caf\u{e9} geheim", "cafe\u{301} geheim", "caf\u{e9}\u{202f}geheim", "caf\u{e9}\u{3000}geheim"] {
        let (pt, _) = open_bytes(&envelope, &Secret::password(typed), &OpenLimits::default()).unwrap();
        assert_eq!(pt, plaintext(100), "{typed:?}");
    }
    assert!(open_bytes(&envelope, &Secret::password("cafe geheim"), &OpenLimits::default()).is_err());
}
