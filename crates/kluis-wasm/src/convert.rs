#![cfg_attr(not(feature = "envelope"), allow(dead_code))]

//! Reading the JavaScript arguments (plain objects, numbers, byte arrays)
//! into the core's types, and writing results back as plain objects.

use js_sys::{Object, Reflect, Uint8Array};
use kluis_core::{Argon2Params, Key, Metadata, OpenLimits, SealOptions, Secret};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Failure;

/// JavaScript's `Number.MAX_SAFE_INTEGER`: the largest whole number below
/// which every whole number is a double.
pub(crate) const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// `obj[name]`, `None` when absent (undefined or null).
fn field(obj: &JsValue, name: &str) -> Option<JsValue> {
    if !obj.is_object() {
        return None;
    }
    Reflect::get(obj, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

/// A whole number in `0..=max` (JavaScript numbers are doubles).
pub(crate) fn whole(value: f64, max: f64, what: &str) -> Result<f64, Failure> {
    if value.fract() == 0.0 && (0.0..=max).contains(&value) {
        Ok(value)
    } else {
        Err(Failure::invalid(format!("{what} must be a whole number from 0 to {max}, got {value}")))
    }
}

fn number(obj: &JsValue, name: &str, max: f64) -> Result<Option<f64>, Failure> {
    match field(obj, name) {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) => whole(n, max, name).map(Some),
            None => Err(Failure::invalid(format!("{name} must be a number"))),
        },
    }
}

fn text(obj: &JsValue, name: &str) -> Result<Option<String>, Failure> {
    match field(obj, name) {
        None => Ok(None),
        Some(v) => v.as_string().map(Some).ok_or_else(|| Failure::invalid(format!("{name} must be a string"))),
    }
}

/// `{ password: string }` or `{ key: Uint8Array }` (32 bytes).
pub(crate) fn secret(value: &JsValue) -> Result<Secret, Failure> {
    if let Some(password) = field(value, "password") {
        let password = password.as_string().ok_or_else(|| Failure::invalid("password must be a string"))?;
        return Ok(Secret::password(password));
    }
    if let Some(key) = field(value, "key") {
        let bytes = key.dyn_into::<Uint8Array>().map_err(|_| Failure::invalid("key must be a Uint8Array"))?;
        let mut raw = zeroize::Zeroizing::new(bytes.to_vec());
        let key = Key::from_slice(&raw);
        zeroize::Zeroize::zeroize(&mut *raw);
        return Ok(Secret::Key(key?));
    }
    Err(Failure::invalid("a secret is { password: string } or { key: Uint8Array }"))
}

/// An array of secrets.
pub(crate) fn secrets(value: &JsValue) -> Result<Vec<Secret>, Failure> {
    if !js_sys::Array::is_array(value) {
        return Ok(vec![secret(value)?]);
    }
    js_sys::Array::from(value).iter().map(|s| secret(&s)).collect()
}

/// `{ mKib, t, p }`, each defaulting to the sealing default.
fn argon2(value: &JsValue) -> Result<Argon2Params, Failure> {
    let d = Argon2Params::DEFAULT;
    Ok(Argon2Params {
        m_kib: number(value, "mKib", f64::from(u32::MAX))?.map_or(d.m_kib, |n| n as u32),
        t: number(value, "t", f64::from(u32::MAX))?.map_or(d.t, |n| n as u32),
        p: number(value, "p", f64::from(u8::MAX))?.map_or(d.p, |n| n as u8),
    })
}

/// `{ name?, mediaType?, modified? }` (`modified`: RFC 3339 text).
pub(crate) fn metadata(value: &JsValue) -> Result<Metadata, Failure> {
    Ok(Metadata {
        name: text(value, "name")?,
        media_type: text(value, "mediaType")?,
        modified: text(value, "modified")?,
        ..Metadata::default()
    })
}

/// `{ chunkSize?, argon2?, metadata? }`.
pub(crate) fn seal_options(value: &JsValue) -> Result<SealOptions, Failure> {
    let mut options = SealOptions::default();
    if let Some(size) = number(value, "chunkSize", MAX_SAFE_INTEGER)? {
        options = options.with_chunk_size(size as u64)?;
    }
    if let Some(params) = field(value, "argon2") {
        options = options.with_argon2(argon2(&params)?)?;
    }
    if let Some(m) = field(value, "metadata") {
        options = options.with_metadata(&metadata(&m)?)?;
    }
    Ok(options)
}

/// `{ maxMKib?, maxT?, maxP?, maxPasswordSlots? }` over the envelope defaults.
pub(crate) fn limits(value: &JsValue) -> Result<OpenLimits, Failure> {
    let d = OpenLimits::default();
    Ok(OpenLimits {
        max_m_kib: number(value, "maxMKib", f64::from(u32::MAX))?.map_or(d.max_m_kib, |n| n as u32),
        max_t: number(value, "maxT", f64::from(u32::MAX))?.map_or(d.max_t, |n| n as u32),
        max_p: number(value, "maxP", f64::from(u8::MAX))?.map_or(d.max_p, |n| n as u8),
        max_password_slots: number(value, "maxPasswordSlots", f64::from(u8::MAX))?
            .map_or(d.max_password_slots, |n| n as u8),
    })
}

/// Builds a plain object from `(name, value)` pairs, leaving out
/// `undefined` values.
pub(crate) fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let obj = Object::new();
    for (name, value) in pairs {
        if !value.is_undefined() {
            // Defining a property on a fresh plain object cannot fail.
            let _ = Reflect::set(&obj, &JsValue::from_str(name), value);
        }
    }
    obj.into()
}

/// `undefined` for `None`.
pub(crate) fn opt<T: Into<JsValue>>(value: Option<T>) -> JsValue {
    value.map_or(JsValue::UNDEFINED, Into::into)
}

/// The metadata as the package shows it: `{ name?, mediaType?, size?,
/// modified? }` (keys this version does not define are left out).
pub(crate) fn metadata_to_js(m: &Metadata) -> JsValue {
    object(&[
        ("name", opt(m.name.clone())),
        ("mediaType", opt(m.media_type.clone())),
        ("size", opt(m.size.map(|s| s as f64))),
        ("modified", opt(m.modified.clone())),
    ])
}

/// Bytes as a fresh `Uint8Array` (copied out of wasm memory).
pub(crate) fn bytes(data: &[u8]) -> JsValue {
    Uint8Array::from(data).into()
}
