//! The envelope's header: sealing one, measuring one as it arrives, opening
//! one (Argon2 for a password: the package calls these in a worker), and
//! inspecting one without a secret.

use kluis_core::{HeaderLen, SlotInfo};
use wasm_bindgen::prelude::*;

use crate::convert::{self, bytes, object};
use crate::error::Failure;

/// Builds the header for `secrets` with `options` (`{ chunkSize?, argon2?:
/// { mKib, t, p }, metadata?: { name?, mediaType?, modified? } }`): returns
/// `{ header: Uint8Array, chunkKey: Uint8Array }`, the envelope's first bytes
/// and the key its chunks are sealed with.
///
/// ```js
/// const { header, chunkKey } = sealHeader([{ password: 'paard batterij' }], { chunkSize: 65536 });
/// ```
#[wasm_bindgen(js_name = sealHeader)]
pub fn seal_header(secrets: JsValue, options: JsValue) -> Result<JsValue, Failure> {
    let secrets = convert::secrets(&secrets)?;
    let options = convert::seal_options(&options)?;
    let (header, key) = kluis_core::seal_header(&secrets, &options)?;
    Ok(object(&[("header", bytes(&header)), ("chunkKey", bytes(key.as_bytes()))]))
}

/// How far `prefix` is from a whole header: `{ complete: true, length }`, or
/// `{ complete: false, length }` with the bytes needed in all before asking
/// again. A prefix that cannot start an envelope is refused at once.
///
/// ```js
/// headerLength(new Uint8Array([0x4b, 0x4c])); // { complete: false, length: 6 }: the magic first
/// ```
#[wasm_bindgen(js_name = headerLength)]
pub fn header_length(prefix: &[u8]) -> Result<JsValue, Failure> {
    let (complete, length) = match kluis_core::header_len(prefix)? {
        HeaderLen::Complete(n) => (true, n),
        HeaderLen::NeedMore(n) => (false, n),
    };
    Ok(object(&[("complete", complete.into()), ("length", (length as f64).into())]))
}

/// Opens the header at the start of `bytes` with `secret` under `limits`:
/// returns `{ chunkKey, headerLength, metadata, metadataJson }`
/// (`metadata` and `metadataJson` `null` when the envelope has none).
///
/// ```js
/// const { chunkKey, headerLength, metadata } = openHeader(prefix, { password }, { maxMKib: 262144 });
/// ```
#[wasm_bindgen(js_name = openHeader)]
pub fn open_header(bytes_in: &[u8], secret: JsValue, limits: JsValue) -> Result<JsValue, Failure> {
    let secret = convert::secret(&secret)?;
    let limits = convert::limits(&limits)?;
    let opened = kluis_core::open_header(bytes_in, &secret, &limits)?;
    let (metadata, json) = match &opened.metadata {
        Some(m) => {
            (convert::metadata_to_js(m), serde_json::to_string(m).map_or(JsValue::NULL, |j| JsValue::from_str(&j)))
        }
        None => (JsValue::NULL, JsValue::NULL),
    };
    Ok(object(&[
        ("chunkKey", bytes(opened.key.as_bytes())),
        ("headerLength", (opened.header_len as f64).into()),
        ("metadata", metadata),
        ("metadataJson", json),
    ]))
}

/// What the header says without a secret: `{ version, chunkSize,
/// headerLength, metadataLength, slots }`, each slot `{ kind: "password",
/// argon2: { mKib, t, p } }`, `{ kind: "key" }` or `{ kind: "unknown",
/// type, bodyLength }`. `bytes` may go on past the header.
///
/// ```js
/// inspect(envelope).slots; // [{ kind: 'password', argon2: { mKib: 65536, t: 3, p: 4 } }]
/// ```
#[wasm_bindgen]
pub fn inspect(bytes_in: &[u8]) -> Result<JsValue, Failure> {
    let info = kluis_core::inspect_bytes(bytes_in)?;
    let slots = js_sys::Array::new();
    for slot in &info.slots {
        slots.push(&match slot {
            SlotInfo::Password(p) => object(&[
                ("kind", "password".into()),
                ("argon2", object(&[("mKib", p.m_kib.into()), ("t", p.t.into()), ("p", u32::from(p.p).into())])),
            ]),
            SlotInfo::Key => object(&[("kind", "key".into())]),
            SlotInfo::Unknown { kind, body_len } => object(&[
                ("kind", "unknown".into()),
                ("type", u32::from(*kind).into()),
                ("bodyLength", u32::from(*body_len).into()),
            ]),
            _ => object(&[("kind", "unknown".into())]),
        });
    }
    Ok(object(&[
        ("version", u32::from(info.version).into()),
        ("chunkSize", (info.chunk_size as f64).into()),
        ("headerLength", (info.header_len as f64).into()),
        ("metadataLength", info.metadata_len.into()),
        ("slots", slots.into()),
    ]))
}
