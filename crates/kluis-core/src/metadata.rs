//! The encrypted metadata: a JSON object with a few defined keys.

use serde::{Deserialize, Serialize};

use crate::header::MAX_METADATA_LEN;

/// The metadata sealed in the header (encrypted and authenticated).
///
/// Unknown keys are kept in [`Metadata::extra`] and written back unchanged.
///
/// ```
/// use kluis_core::Metadata;
/// let m = Metadata::named("report.pdf").with_size(1234);
/// assert_eq!(m.to_json().unwrap(), r#"{"name":"report.pdf","size":1234}"#);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// File name, without any directory part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Media type, e.g. `application/pdf`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Plaintext length in bytes; a reader refuses a payload of another length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Modification time, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// Keys this version does not define, preserved as they were.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Metadata {
    /// Metadata holding only a file name.
    pub fn named(name: impl Into<String>) -> Self {
        Metadata { name: Some(name.into()), ..Metadata::default() }
    }

    /// Sets the plaintext size.
    pub fn with_size(mut self, size: u64) -> Self {
        self.size = Some(size);
        self
    }

    /// Sets the media type.
    pub fn with_media_type(mut self, media_type: impl Into<String>) -> Self {
        self.media_type = Some(media_type.into());
        self
    }

    /// Serialises to compact JSON, checking the size limit and the name.
    pub fn to_json(&self) -> Result<String, String> {
        let json = serde_json::to_string(self).map_err(|e| e.to_string())?;
        Self::from_json(&json)?;
        Ok(json)
    }

    /// Parses and checks metadata JSON: an object of at most 65,536 bytes,
    /// defined keys of the right type, a `name` without a directory part.
    pub fn from_json(json: &str) -> Result<Self, String> {
        if json.len() > MAX_METADATA_LEN {
            return Err(format!("{} bytes, above the limit of {MAX_METADATA_LEN}", json.len()));
        }
        let value: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
        if !value.is_object() {
            return Err("not a JSON object".to_owned());
        }
        let meta: Metadata = serde_json::from_value(value).map_err(|e| e.to_string())?;
        if let Some(name) = &meta.name {
            if !is_plain_file_name(name) {
                return Err(format!("name {name:?} is not a plain file name"));
            }
        }
        Ok(meta)
    }
}

/// True when `name` can be used as a file name in a folder: not empty, not
/// `.` or `..`, no path separator (`/` or `\`), no NUL.
///
/// ```
/// use kluis_core::is_plain_file_name;
/// assert!(is_plain_file_name("résumé.pdf"));
/// assert!(!is_plain_file_name("../etc/passwd"));
/// assert!(!is_plain_file_name("a\\b"));
/// ```
pub fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0'])
}
