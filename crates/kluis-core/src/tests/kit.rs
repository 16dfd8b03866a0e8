//! The malformed-envelope kit in `docs/test-vectors/malformed/`: hand-made
//! broken envelopes, each with the error a reader must give. Regenerated
//! here byte for byte; `tests/malformed_kit.rs` drives them through every
//! opening path.

use serde_json::{Value, json};

use super::support::{Assembly, RawSlot, docs_dir, plaintext};
use crate::header::FIXED_LEN;
use crate::keys::{Key, Password};
use crate::limits::Argon2Params;

const PASSWORD: &str = "kluis \u{2713} geheim";
const KEY: [u8; 32] = [0xa5; 32];
const C: usize = 4096;

fn key_asm(meta: Option<&str>) -> Assembly {
    Assembly {
        file_key: [1; 32],
        salt: [2; 32],
        chunk_log2: 12,
        slots: vec![RawSlot::Key(Key::from_bytes(KEY))],
        metadata_json: meta.map(|m| m.as_bytes().to_vec()),
    }
}

fn password_asm(params: Argon2Params, file_key: u8) -> Assembly {
    Assembly {
        file_key: [file_key; 32],
        salt: [3; 32],
        chunk_log2: 12,
        slots: vec![RawSlot::Password(Password::new(PASSWORD), params, [4; 16])],
        metadata_json: None,
    }
}

struct Case {
    name: String,
    secret: &'static str,
    expect: &'static str,
    about: String,
    bytes: Vec<u8>,
}

fn case(name: &str, secret: &'static str, expect: &'static str, about: &str, bytes: Vec<u8>) -> Case {
    Case { name: name.to_owned(), secret, expect, about: about.to_owned(), bytes }
}

/// Offsets in the key envelope's header (one key slot).
const SLOT_AT: usize = FIXED_LEN; // kind
const META_LEN_AT: usize = SLOT_AT + 3 + 80;

fn set(mut b: Vec<u8>, at: usize, bytes: &[u8]) -> Vec<u8> {
    b[at..at + bytes.len()].copy_from_slice(bytes);
    b
}

fn flip(mut b: Vec<u8>, at: usize) -> Vec<u8> {
    b[at] ^= 0x01;
    b
}

fn cases() -> Vec<Case> {
    let pt = plaintext(10_000); // three chunks of 4 KiB: 4096, 4096, 1808
    let ka = key_asm(None);
    let good = ka.sealed(&pt);
    let header_len = ka.header().bytes.len();
    let stride = C + 16;
    let chunk = |i: usize| good[header_len + i * stride..(header_len + (i + 1) * stride).min(good.len())].to_vec();
    let head = good[..header_len].to_vec();
    let join = |parts: &[Vec<u8>]| parts.concat();

    let fast = Argon2Params::INSECURE_TEST;
    let pa = password_asm(fast, 5);
    let pgood = pa.sealed(&pt);
    let plen = pa.header().bytes.len();
    // Password slot body starts after kind (1) and body_len (2).
    let body = FIXED_LEN + 3;

    let exact = plaintext(2 * C);
    let exact_env = ka.sealed(&exact);

    let mut v = vec![
        case("bad_magic", "key", "BadMagic", "first magic byte changed", flip(good.clone(), 0)),
        case("empty_file", "key", "BadMagic", "zero bytes", Vec::new()),
        case("not_an_envelope", "key", "BadMagic", "a text file", b"Dear colleague, please find attached".to_vec()),
        case("unknown_version", "key", "UnsupportedVersion", "version byte 2", set(good.clone(), 6, &[2])),
        case("version_zero", "key", "UnsupportedVersion", "version byte 0", set(good.clone(), 6, &[0])),
        case("chunk_log2_11", "key", "MalformedHeader", "chunk_log2 below 12", set(good.clone(), 7, &[11])),
        case("chunk_log2_25", "key", "MalformedHeader", "chunk_log2 above 24", set(good.clone(), 7, &[25])),
        case("chunk_log2_255", "key", "MalformedHeader", "chunk_log2 0xff", set(good.clone(), 7, &[255])),
        case("zero_slots", "key", "MalformedHeader", "slot_count 0", set(good.clone(), 40, &[0])),
        case("seventeen_slots", "key", "MalformedHeader", "slot_count 17", set(good.clone(), 40, &[17])),
        case("slot_count_255", "key", "MalformedHeader", "slot_count 0xff", set(good.clone(), 40, &[255])),
        case(
            "key_slot_body_len_79",
            "key",
            "MalformedHeader",
            "raw-key slot with body_len 79",
            set(good.clone(), SLOT_AT + 1, &[0, 79]),
        ),
        case(
            "key_slot_body_len_65535",
            "key",
            "MalformedHeader",
            "raw-key slot with body_len 65535",
            set(good.clone(), SLOT_AT + 1, &[0xff, 0xff]),
        ),
        case(
            "password_slot_body_len_106",
            "password",
            "MalformedHeader",
            "password slot with body_len 106",
            set(pgood.clone(), FIXED_LEN + 1, &[0, 106]),
        ),
        case(
            "meta_len_1",
            "key",
            "MalformedHeader",
            "meta_len 1 (below a tag)",
            set(good.clone(), META_LEN_AT, &1u32.to_be_bytes()),
        ),
        case(
            "meta_len_15",
            "key",
            "MalformedHeader",
            "meta_len 15",
            set(good.clone(), META_LEN_AT, &15u32.to_be_bytes()),
        ),
        case(
            "meta_len_65553",
            "key",
            "MalformedHeader",
            "metadata over the size limit: meta_len 65553",
            set(good.clone(), META_LEN_AT, &65_553u32.to_be_bytes()),
        ),
        case(
            "meta_len_4g",
            "key",
            "MalformedHeader",
            "meta_len 0xffffffff",
            set(good.clone(), META_LEN_AT, &u32::MAX.to_be_bytes()),
        ),
        case(
            "argon2_memory_4tib",
            "password",
            "LimitsExceeded",
            "Argon2 memory 0xffffffff KiB (4 TiB)",
            set(pgood.clone(), body, &u32::MAX.to_be_bytes()),
        ),
        case(
            "argon2_memory_over_1gib",
            "password",
            "LimitsExceeded",
            "Argon2 memory 1 GiB + 1 KiB",
            set(pgood.clone(), body, &1_048_577u32.to_be_bytes()),
        ),
        case(
            "argon2_time_2pow32",
            "password",
            "LimitsExceeded",
            "Argon2 time cost 2^32 - 1",
            set(pgood.clone(), body + 4, &u32::MAX.to_be_bytes()),
        ),
        case(
            "argon2_time_zero",
            "password",
            "LimitsExceeded",
            "Argon2 time cost 0",
            set(pgood.clone(), body + 4, &0u32.to_be_bytes()),
        ),
        case("argon2_lanes_zero", "password", "LimitsExceeded", "Argon2 lanes 0", set(pgood.clone(), body + 8, &[0])),
        case(
            "argon2_lanes_255",
            "password",
            "LimitsExceeded",
            "Argon2 lanes 255",
            set(pgood.clone(), body + 8, &[255]),
        ),
        case(
            "argon2_memory_below_8_per_lane",
            "password",
            "LimitsExceeded",
            "Argon2 m=64 KiB with 16 lanes",
            set(set(pgood.clone(), body, &64u32.to_be_bytes()), body + 8, &[16]),
        ),
        case("wrong_key", "wrong-key", "WrongSecret", "a valid envelope opened with another key", good.clone()),
        case(
            "wrong_password",
            "wrong-password",
            "WrongSecret",
            "a valid envelope opened with another password",
            pgood.clone(),
        ),
        case(
            "password_for_key_envelope",
            "password",
            "WrongSecret",
            "a password against an envelope with only a key slot",
            good.clone(),
        ),
        case(
            "key_slot_commit_flipped",
            "key",
            "WrongSecret",
            "one bit of the slot commitment",
            flip(good.clone(), SLOT_AT + 3),
        ),
        case(
            "key_slot_wrapped_flipped",
            "key",
            "WrongSecret",
            "one bit of the wrapped file key",
            flip(good.clone(), SLOT_AT + 3 + 32),
        ),
        case(
            "password_slot_salt_flipped",
            "password",
            "WrongSecret",
            "one bit of the Argon2 salt",
            flip(pgood.clone(), body + 9),
        ),
        case(
            "header_salt_flipped",
            "key",
            "WrongSecret",
            "one bit of the header salt (slot keys change)",
            flip(good.clone(), 8),
        ),
        case(
            "header_mac_bit_flip",
            "key",
            "HeaderTampered",
            "last bit of the header MAC",
            flip(good.clone(), header_len - 1),
        ),
        case(
            "chunk_log2_changed",
            "key",
            "HeaderTampered",
            "chunk_log2 12 -> 13 (valid, but not what was sealed)",
            set(good.clone(), 7, &[13]),
        ),
        case(
            "password_argon2_lowered",
            "password",
            "WrongSecret",
            "Argon2 passes raised 1 -> 2 (another kek, no match)",
            set(pgood.clone(), body + 4, &2u32.to_be_bytes()),
        ),
        case(
            "chunk_0_bit_flip",
            "key",
            "ChunkTampered",
            "one bit of chunk 0's ciphertext",
            flip(good.clone(), header_len + 10),
        ),
        case(
            "final_tag_bit_flip",
            "key",
            "ChunkTampered",
            "one bit of the final chunk's tag",
            flip(good.clone(), good.len() - 1),
        ),
        case(
            "chunks_swapped",
            "key",
            "ChunkTampered",
            "chunks 0 and 1 swapped",
            join(&[head.clone(), chunk(1), chunk(0), chunk(2)]),
        ),
        case(
            "chunk_duplicated",
            "key",
            "ChunkTampered",
            "chunk 0 repeated as chunk 1",
            join(&[head.clone(), chunk(0), chunk(0), chunk(1), chunk(2)]),
        ),
        case(
            "chunk_dropped",
            "key",
            "ChunkTampered",
            "middle chunk removed",
            join(&[head.clone(), chunk(0), chunk(2)]),
        ),
        case(
            "missing_final_chunk",
            "key",
            "Truncated",
            "final chunk removed (cut at a chunk boundary)",
            join(&[head.clone(), chunk(0), chunk(1)]),
        ),
        case("header_only", "key", "Truncated", "no chunk at all", head.clone()),
        case(
            "cut_inside_final_chunk",
            "key",
            "ChunkTampered",
            "final chunk cut short by 100 bytes",
            good[..good.len() - 100].to_vec(),
        ),
        case(
            "cut_to_15_bytes_of_chunk",
            "key",
            "ChunkTampered",
            "only 15 bytes after chunk 1",
            good[..header_len + 2 * stride + 15].to_vec(),
        ),
        case(
            "trailing_byte",
            "key",
            "TrailingData",
            "one byte after a full final chunk",
            [exact_env.clone(), vec![0]].concat(),
        ),
        case(
            "trailing_garbage",
            "key",
            "TrailingData",
            "4 KiB of garbage after a full final chunk",
            [exact_env.clone(), vec![0x55; 4096]].concat(),
        ),
        case(
            "trailing_garbage_after_short_final",
            "key",
            "ChunkTampered",
            "garbage after a short final chunk merges into it",
            [good.clone(), b"garbage".to_vec()].concat(),
        ),
        case(
            "envelope_appended_to_itself",
            "key",
            "TrailingData",
            "the whole envelope twice",
            [exact_env.clone(), exact_env.clone()].concat(),
        ),
    ];

    // Cases that need a valid MAC over bad content, or chunks sealed with
    // the wrong flags: assembled with the keys.
    let other = password_asm(fast, 6).sealed(&pt);
    let oh = plen;
    v.push(case(
        "chunk_from_other_envelope_same_password",
        "password",
        "ChunkTampered",
        "chunk 1 taken from another envelope sealed with the same password",
        [
            pgood[..oh + stride].to_vec(),
            other[oh + stride..oh + 2 * stride].to_vec(),
            pgood[oh + 2 * stride..].to_vec(),
        ]
        .concat(),
    ));
    v.push(case(
        "final_flag_on_middle_chunk",
        "key",
        "TrailingData",
        "chunk 0 sealed as final, followed by more chunks",
        ka.envelope(&[(&pt[..C], true), (&pt[C..2 * C], false), (&pt[2 * C..], true)]),
    ));
    v.push(case(
        "no_final_flag",
        "key",
        "Truncated",
        "every chunk sealed as a middle chunk",
        ka.envelope(&[(&pt[..C], false), (&pt[C..2 * C], false), (&pt[2 * C..], false)]),
    ));
    v.push(case(
        "empty_final_chunk_after_chunk_0",
        "key",
        "ChunkTampered",
        "an authentic but empty final chunk after two full chunks",
        ka.envelope(&[(&exact[..C], false), (&exact[C..], false), (&[], true)]),
    ));
    v.push(case(
        "metadata_not_json",
        "key",
        "MalformedHeader",
        "authentic metadata that is not JSON",
        key_asm(Some("not json {")).sealed(&pt),
    ));
    v.push(case(
        "metadata_array",
        "key",
        "MalformedHeader",
        "authentic metadata that is a JSON array",
        key_asm(Some("[1,2]")).sealed(&pt),
    ));
    v.push(case(
        "metadata_size_string",
        "key",
        "MalformedHeader",
        "authentic metadata whose size is a string",
        key_asm(Some(r#"{"size":"10000"}"#)).sealed(&pt),
    ));
    v.push(case(
        "metadata_name_not_a_string",
        "key",
        "MalformedHeader",
        "authentic metadata whose name is a number",
        key_asm(Some(r#"{"name":5}"#)).sealed(&pt),
    ));
    v.push(case(
        "size_smaller_than_payload",
        "key",
        "SizeMismatch",
        "metadata size 9999, payload 10000 bytes",
        key_asm(Some(r#"{"size":9999}"#)).sealed(&pt),
    ));
    v.push(case(
        "size_larger_than_payload",
        "key",
        "SizeMismatch",
        "metadata size 20000, payload 10000 bytes",
        key_asm(Some(r#"{"size":20000}"#)).sealed(&pt),
    ));

    // The header cut inside each field.
    let cuts: [(&str, usize); 9] = [
        ("magic", 3),
        ("version", 6),
        ("chunk_log2", 7),
        ("salt", 20),
        ("slot_count", 40),
        ("slot_body_len", SLOT_AT + 2),
        ("slot_body", SLOT_AT + 40),
        ("meta_len", META_LEN_AT + 2),
        ("header_mac", header_len - 5),
    ];
    for (field, at) in cuts {
        let expect = if at < 6 { "BadMagic" } else { "MalformedHeader" };
        v.push(case(
            &format!("header_cut_in_{field}"),
            "key",
            expect,
            &format!("input ends inside {field}"),
            good[..at].to_vec(),
        ));
    }
    let meta = key_asm(Some(r#"{"name":"x"}"#));
    let mh = meta.header().bytes.len();
    v.push(case(
        "header_cut_in_meta_ct",
        "key",
        "MalformedHeader",
        "input ends inside meta_ct",
        meta.sealed(&pt)[..mh - 40].to_vec(),
    ));
    v
}

/// Regenerates the kit and requires `docs/test-vectors/malformed/` to hold
/// exactly these files (set `KLUIS_REGENERATE_VECTORS=1` to rewrite).
#[test]
fn malformed_kit_is_reproduced() {
    let dir = docs_dir().join("malformed");
    let regenerate = std::env::var_os("KLUIS_REGENERATE_VECTORS").is_some();
    if regenerate {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
    }
    let cases = cases();
    assert!(cases.len() >= 40);
    let mut table = Vec::new();
    for c in &cases {
        let file = format!("fail_{}.kluis", c.name);
        if regenerate {
            std::fs::write(dir.join(&file), &c.bytes).unwrap();
        }
        let committed = std::fs::read(dir.join(&file)).unwrap_or_else(|_| panic!("{file} is missing"));
        assert!(committed == c.bytes, "{file} differs from what the code produces");
        table.push(json!({"file": file, "secret": c.secret, "expect": c.expect, "about": c.about}));
    }
    let doc = json!({
        "about": "Malformed Kluis envelopes. Each file must be refused with the error kind in `expect` (docs/FORMAT.md section 10), releasing no plaintext. Secrets: `key` = 32 bytes 0xa5 (raw-key slot), `password` = \"kluis \u{2713} geheim\", `wrong-key` = 32 bytes 0x5a, `wrong-password` = \"not the password\". Generated by crates/kluis-core/src/tests/kit.rs.",
        "secrets": {"key": hex::encode(KEY), "password": PASSWORD, "wrong-key": hex::encode([0x5a; 32]), "wrong-password": "not the password"},
        "cases": table,
    });
    let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    if regenerate {
        std::fs::write(dir.join("cases.json"), &text).unwrap();
    }
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    assert_eq!(committed, doc, "cases.json differs from what the code produces");
    let on_disk = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(on_disk, cases.len() + 1, "stray files in {}", dir.display());
}
