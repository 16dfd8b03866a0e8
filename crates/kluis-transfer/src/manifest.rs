//! The manifest: what a transfer holds, sealed with the transfer password.
//!
//! docs/TRANSFER.md, "Manifest", specifies the JSON. The wire structs here
//! follow it field for field and parse strictly: unknown or duplicate
//! fields, wrong types, non-canonical ids or hex, and texts or counts over
//! the limits are refused.

use kluis_core::Key;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

use crate::error::TransferError;
use kluis_protocol::{BlobId, TransferId};

/// The manifest version this library writes and reads.
pub const MANIFEST_VERSION: u64 = 1;
/// Largest manifest JSON text, in bytes (8 MiB).
pub const MAX_MANIFEST_LEN: usize = 8 << 20;
/// Most files in one transfer.
pub const MAX_FILES: usize = 10_000;
/// Most recipients of one transfer.
pub const MAX_RECIPIENTS: usize = 1_000;
/// Longest address, in bytes.
pub const MAX_ADDRESS_LEN: usize = 320;
/// Longest subject, in bytes.
pub const MAX_SUBJECT_LEN: usize = 998;
/// Longest message, in bytes (1 MiB).
pub const MAX_MESSAGE_LEN: usize = 1 << 20;
/// Longest file name, in bytes (the common file-system limit).
pub const MAX_NAME_LEN: usize = 255;
/// Longest media type, in bytes.
pub const MAX_MEDIA_TYPE_LEN: usize = 255;

/// What a transfer holds, as the recipient sees it after opening the
/// manifest: everything but the file keys.
///
/// ```
/// # use kluis_transfer::{TransferInfo, TransferId};
/// fn describe(info: &TransferInfo) -> String {
///     format!("{} sent {} file(s): {}", info.from, info.files.len(), info.subject)
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferInfo {
    /// The transfer's id (the manifest names it, and it was checked).
    pub id: TransferId,
    /// The sender's address.
    pub from: String,
    /// The recipients' addresses.
    pub to: Vec<String>,
    /// The subject.
    pub subject: String,
    /// The confidential message, if any.
    pub message: Option<String>,
    /// Creation time, Unix seconds.
    pub created_at: u64,
    /// Expiry time, Unix seconds: recipients refuse the transfer from then on.
    pub expires_at: u64,
    /// The files, in the sender's order.
    pub files: Vec<FileInfo>,
}

/// One file of a transfer (its key stays inside the library).
///
/// ```
/// use kluis_transfer::{BlobId, FileInfo};
/// let f = FileInfo { blob: BlobId::from_bytes([0; 16]), name: "a.txt".into(), media_type: None, size: 0, sha256: [0; 32] };
/// assert_eq!(f.sha256_hex().len(), 64);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileInfo {
    /// The blob holding the file's envelope.
    pub blob: BlobId,
    /// The file name, as the sender gave it (check it before use: the
    /// download functions do).
    pub name: String,
    /// The media type, if known.
    pub media_type: Option<String>,
    /// The plaintext size in bytes.
    pub size: u64,
    /// SHA-256 of the plaintext.
    pub sha256: [u8; 32],
}

impl FileInfo {
    /// The SHA-256 as 64 lowercase hex digits.
    pub fn sha256_hex(&self) -> String {
        to_hex(&self.sha256)
    }
}

pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Exactly 64 lowercase hex digits.
fn parse_hex32(text: &str) -> Option<[u8; 32]> {
    let t = text.as_bytes();
    if t.len() != 64 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(t.chunks_exact(2)) {
        *o = (digit(pair[0])? << 4) | digit(pair[1])?;
    }
    Some(out)
}

fn ser_sha256<S: Serializer>(v: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&to_hex(v))
}

fn de_sha256<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
    let text = <&'de str>::deserialize(d)?;
    parse_hex32(text).ok_or_else(|| D::Error::custom("sha256 must be 64 lowercase hex digits"))
}

fn ser_key<S: Serializer>(key: &Key, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&key.to_hex())
}

/// Borrows the text from the (zeroized) input, so no stray copy of the key
/// is left behind; a key written with JSON escapes is refused.
fn de_key<'de, D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
    /// Takes the key only in its canonical form, a string borrowed straight
    /// from the JSON (escapes make serde copy it: refused). No error quotes
    /// the value, so a key never reaches an error message.
    struct KeyVisitor;

    impl<'de> serde::de::Visitor<'de> for KeyVisitor {
        type Value = Key;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("64 lowercase hex digits")
        }

        fn visit_borrowed_str<E: serde::de::Error>(self, text: &'de str) -> Result<Key, E> {
            let bytes =
                Zeroizing::new(parse_hex32(text).ok_or_else(|| E::custom("key must be 64 lowercase hex digits"))?);
            Ok(Key::from_bytes(*bytes))
        }

        fn visit_str<E: serde::de::Error>(self, _text: &str) -> Result<Key, E> {
            Err(E::custom("key must be 64 lowercase hex digits, without escapes"))
        }
    }

    d.deserialize_str(KeyVisitor)
}

/// The manifest, field for field as in docs/TRANSFER.md.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Manifest {
    pub(crate) version: u64,
    pub(crate) transfer: TransferId,
    pub(crate) from: String,
    pub(crate) to: Vec<String>,
    pub(crate) subject: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<String>,
    pub(crate) created: u64,
    pub(crate) expires: u64,
    pub(crate) files: Vec<ManifestFile>,
}

/// One file entry of the manifest.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ManifestFile {
    pub(crate) blob: BlobId,
    pub(crate) name: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub(crate) media_type: Option<String>,
    pub(crate) size: u64,
    #[serde(serialize_with = "ser_sha256", deserialize_with = "de_sha256")]
    pub(crate) sha256: [u8; 32],
    #[serde(serialize_with = "ser_key", deserialize_with = "de_key")]
    pub(crate) key: Key,
}

#[derive(Deserialize)]
struct VersionProbe {
    version: u64,
}

/// Checks a text field: length in bytes and no control characters (except
/// line breaks and tabs where `multiline`).
fn check_text(field: &str, value: &str, max: usize, multiline: bool) -> Result<(), String> {
    if value.len() > max {
        return Err(format!("{field} is {} bytes, above the limit of {max}", value.len()));
    }
    if value.chars().any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'))) {
        return Err(format!("{field} contains control characters"));
    }
    Ok(())
}

/// An address: `local@domain`, no white space or control characters.
pub(crate) fn check_address(field: &str, value: &str) -> Result<(), String> {
    check_text(field, value, MAX_ADDRESS_LEN, false)?;
    let ok = match value.rsplit_once('@') {
        Some((local, domain)) => !local.is_empty() && !domain.is_empty(),
        None => false,
    };
    if !ok || value.chars().any(char::is_whitespace) {
        return Err(format!("{field} {value:?} is not an address (local@domain)"));
    }
    Ok(())
}

/// A media type: `type/subtype` in printable ASCII without spaces.
pub(crate) fn check_media_type(value: &str) -> Result<(), String> {
    let ok = value.len() <= MAX_MEDIA_TYPE_LEN
        && value.bytes().all(|b| b.is_ascii_graphic())
        && value.split_once('/').is_some_and(|(t, s)| !t.is_empty() && !s.is_empty());
    if ok { Ok(()) } else { Err(format!("media type {value:?} is not type/subtype")) }
}

impl Manifest {
    /// Checks every rule of docs/TRANSFER.md except file names, which are
    /// checked where a file is written (a sender refuses them up front).
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.version != MANIFEST_VERSION {
            return Err(format!("version {} is not {MANIFEST_VERSION}", self.version));
        }
        check_address("from", &self.from)?;
        if self.to.is_empty() || self.to.len() > MAX_RECIPIENTS {
            return Err(format!("{} recipients; 1 to {MAX_RECIPIENTS} are allowed", self.to.len()));
        }
        for to in &self.to {
            check_address("to", to)?;
        }
        check_text("subject", &self.subject, MAX_SUBJECT_LEN, false)?;
        if let Some(message) = &self.message {
            check_text("message", message, MAX_MESSAGE_LEN, true)?;
        }
        if self.created > self.expires {
            return Err("created after it expires".into());
        }
        if self.files.is_empty() || self.files.len() > MAX_FILES {
            return Err(format!("{} files; 1 to {MAX_FILES} are allowed", self.files.len()));
        }
        let mut blobs = std::collections::HashSet::new();
        for f in &self.files {
            if !blobs.insert(f.blob) {
                return Err(format!("blob {} appears twice", f.blob));
            }
            if f.name.is_empty() || f.name.len() > MAX_NAME_LEN {
                return Err(format!("a file name is {} bytes; 1 to {MAX_NAME_LEN} are allowed", f.name.len()));
            }
            if let Some(t) = &f.media_type {
                check_media_type(t)?;
            }
        }
        Ok(())
    }

    /// The JSON text, compact, in a buffer that is zeroized on drop.
    pub(crate) fn to_json(&self) -> Result<Zeroizing<Vec<u8>>, TransferError> {
        self.check().map_err(TransferError::InvalidArgument)?;
        // Sized up front so the buffer holding the keys is not reallocated
        // (a reallocation would leave an unzeroized copy behind).
        let estimate = 1024
            + self.subject.len() * 6
            + self.message.as_ref().map_or(0, |m| m.len() * 6)
            + self.to.iter().map(|t| t.len() * 6 + 4).sum::<usize>()
            + self.files.iter().map(|f| 320 + f.name.len() * 6).sum::<usize>();
        let mut out = Zeroizing::new(Vec::with_capacity(estimate));
        serde_json::to_writer(&mut *out, self).map_err(|e| TransferError::InvalidArgument(e.to_string()))?;
        if out.len() > MAX_MANIFEST_LEN {
            return Err(TransferError::invalid(format!(
                "the manifest would be {} bytes, above the limit of {MAX_MANIFEST_LEN}: fewer files or a shorter message",
                out.len()
            )));
        }
        Ok(out)
    }

    /// Parses and checks a manifest that opened with the password of
    /// transfer `expected`.
    pub(crate) fn from_json(json: &[u8], expected: &TransferId) -> Result<Manifest, TransferError> {
        let invalid = |reason: String| TransferError::InvalidManifest(reason);
        if json.len() > MAX_MANIFEST_LEN {
            return Err(invalid(format!("{} bytes, above the limit of {MAX_MANIFEST_LEN}", json.len())));
        }
        let probe: VersionProbe = serde_json::from_slice(json).map_err(|e| invalid(format!("not a manifest: {e}")))?;
        if probe.version != MANIFEST_VERSION {
            return Err(TransferError::UnsupportedManifest(probe.version));
        }
        let manifest: Manifest = serde_json::from_slice(json).map_err(|e| invalid(e.to_string()))?;
        if manifest.transfer != *expected {
            return Err(TransferError::tampered(
                "manifest",
                format!("it belongs to transfer {}, not {expected}", manifest.transfer),
            ));
        }
        manifest.check().map_err(invalid)?;
        Ok(manifest)
    }

    pub(crate) fn info(&self) -> TransferInfo {
        TransferInfo {
            id: self.transfer,
            from: self.from.clone(),
            to: self.to.clone(),
            subject: self.subject.clone(),
            message: self.message.clone(),
            created_at: self.created,
            expires_at: self.expires,
            files: self
                .files
                .iter()
                .map(|f| FileInfo {
                    blob: f.blob,
                    name: f.name.clone(),
                    media_type: f.media_type.clone(),
                    size: f.size,
                    sha256: f.sha256,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample(id: TransferId) -> Manifest {
        Manifest {
            version: 1,
            transfer: id,
            from: "alice@example.org".into(),
            to: vec!["bob@example.org".into()],
            subject: "Contract".into(),
            message: Some("Hi Bob,\nthe signed copy.".into()),
            created: 1_700_000_000,
            expires: 1_700_604_800,
            files: vec![ManifestFile {
                blob: BlobId::from_bytes([1; 16]),
                name: "contract.pdf".into(),
                media_type: Some("application/pdf".into()),
                size: 3,
                sha256: [0xab; 32],
                key: Key::from_bytes([0x11; 32]),
            }],
        }
    }

    fn json(m: &Manifest) -> String {
        String::from_utf8(m.to_json().unwrap().to_vec()).unwrap()
    }

    #[test]
    fn round_trip_and_documented_form() {
        let id = TransferId::from_bytes([0; 16]);
        let m = sample(id);
        let text = json(&m);
        assert_eq!(
            text,
            concat!(
                r#"{"version":1,"transfer":"aaaaaaaaaaaaaaaaaaaaaaaaaa","from":"alice@example.org","#,
                r#""to":["bob@example.org"],"subject":"Contract","message":"Hi Bob,\nthe signed copy.","#,
                r#""created":1700000000,"expires":1700604800,"files":[{"blob":"aeaqcaibaeaqcaibaeaqcaibae","#,
                r#""name":"contract.pdf","type":"application/pdf","size":3,"#,
                r#""sha256":"abababababababababababababababababababababababababababababababab","#,
                r#""key":"1111111111111111111111111111111111111111111111111111111111111111"}]}"#
            )
        );
        let back = Manifest::from_json(text.as_bytes(), &id).unwrap();
        assert_eq!(back.info(), m.info());
        assert_eq!(back.files[0].key.as_bytes(), &[0x11; 32]);
    }

    fn refused(text: &str) -> TransferError {
        match Manifest::from_json(text.as_bytes(), &TransferId::from_bytes([0; 16])) {
            Ok(_) => panic!("accepted: {text}"),
            Err(e) => e,
        }
    }

    /// Fuzz finding `manifest/escaped-key-echoed-in-error`: an escaped key
    /// was quoted whole in the error message.
    #[test]
    fn an_escaped_key_is_refused_without_quoting_it() {
        let good = json(&sample(TransferId::from_bytes([0; 16])));
        let text = good.replace("\"1111", "\"\\u00311111").replacen("11111111\"}", "1111111\"}", 1);
        let err = refused(&text);
        assert!(!err.to_string().contains("111111111111"), "{err}");
        assert!(!format!("{err:?}").contains("111111111111"), "{err:?}");
    }

    #[test]
    fn strict_parsing() {
        let good = json(&sample(TransferId::from_bytes([0; 16])));
        let variants = [
            good.replace(r#""version":1,"#, r#""version":1,"extra":true,"#),
            good.replace(r#""size":3"#, r#""size":3,"size":4"#),
            good.replace(r#""size":3"#, r#""size":"3""#),
            good.replace(r#""size":3"#, r#""size":-3"#),
            good.replace("abababab", "ABABABAB"),
            good.replace("11111111", "1111111"),
            good.replace("\"1111", "\"\\u00311111").replacen("11111111\"}", "1111111\"}", 1),
            good.replace("aeaqcaibaeaqcaibaeaqcaibae", "aeaqcaibaeaqcaibaeaqcaibaf"),
            good.replace(r#""to":["bob@example.org"]"#, r#""to":[]"#),
            good.replace("bob@example.org", "bob"),
            good.replace("alice@example.org", "alice @example.org"),
            good.replace("Contract", "Con\u{7}tract"),
            good.replace(r#""files":[{"#, r#""files":[],"x":[{"#),
            good.replace("1700000000", "1800000000"),
            good.replace("application/pdf", "pdf"),
            good.replace(r#""name":"contract.pdf""#, r#""name":"""#),
            good.replace(r#","subject":"Contract""#, ""),
            "[]".into(),
            "".into(),
        ];
        for v in variants {
            let e = refused(&v);
            assert_eq!(e.kind(), "InvalidManifest", "{v}: {e}");
        }
        // A trailing space is JSON white space: fine. A second object is not.
        assert_eq!(refused(&format!("{good}{{}}")).kind(), "InvalidManifest");
    }

    #[test]
    fn version_and_binding() {
        let good = json(&sample(TransferId::from_bytes([0; 16])));
        assert!(matches!(
            refused(&good.replace(r#""version":1"#, r#""version":2"#)),
            TransferError::UnsupportedManifest(2)
        ));
        let other = Manifest::from_json(good.as_bytes(), &TransferId::from_bytes([1; 16]));
        assert!(matches!(other, Err(TransferError::Tampered { .. })));
    }

    #[test]
    fn duplicate_blobs_and_limits() {
        let mut m = sample(TransferId::from_bytes([0; 16]));
        m.files.push(ManifestFile { key: Key::from_bytes([2; 32]), name: "b".into(), ..clone_file(&m.files[0]) });
        assert!(m.check().unwrap_err().contains("twice"));
        let mut m = sample(TransferId::from_bytes([0; 16]));
        m.subject = "x".repeat(MAX_SUBJECT_LEN + 1);
        assert!(m.to_json().is_err());
        let mut m = sample(TransferId::from_bytes([0; 16]));
        m.message = Some("line\n\ttab\r\n".into());
        m.check().unwrap();
        m.files[0].name = "n".repeat(MAX_NAME_LEN + 1);
        assert!(m.check().is_err());
    }

    fn clone_file(f: &ManifestFile) -> ManifestFile {
        ManifestFile {
            blob: f.blob,
            name: f.name.clone(),
            media_type: f.media_type.clone(),
            size: f.size,
            sha256: f.sha256,
            key: f.key.clone(),
        }
    }
}
