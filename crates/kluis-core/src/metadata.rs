//! The encrypted metadata: a JSON object with a few defined keys.

use serde::{Deserialize, Serialize};

use crate::header::MAX_METADATA_LEN;
use crate::names::{file_name_problem, is_plain_file_name, save_name};

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
        Self::from_json(&json)?.check_name()?;
        Ok(json)
    }

    /// Checks that `name`, if present, is a plain file name (what a sealer
    /// must write; see [`is_plain_file_name`]).
    pub fn check_name(&self) -> Result<(), String> {
        match self.name.as_deref().map(|name| (name, file_name_problem(name))) {
            Some((name, Some(problem))) => Err(format!("name {name:?} is not a plain file name: {problem}")),
            _ => Ok(()),
        }
    }

    /// The name if it is safe to use as a file name in a folder.
    ///
    /// Readers accept any string as `name` (a sealer that broke the rule
    /// should not make the contents unreadable), so whoever turns it into a
    /// path must use this or [`Metadata::save_name`], or refuse.
    ///
    /// ```
    /// use kluis_core::Metadata;
    /// assert_eq!(Metadata::named("a.txt").plain_name(), Some("a.txt"));
    /// assert_eq!(Metadata::named("../a.txt").plain_name(), None);
    /// ```
    pub fn plain_name(&self) -> Option<&str> {
        self.name.as_deref().filter(|n| is_plain_file_name(n))
    }

    /// The name to save the contents under, by the rule every Kluis reader
    /// follows ([`save_name`](crate::save_name): invisible characters and a
    /// leading dot shown as `_`), or `None` when there is no name or it
    /// cannot be a file name.
    ///
    /// ```
    /// use kluis_core::Metadata;
    /// assert_eq!(Metadata::named(".bashrc").save_name().as_deref(), Some("_bashrc"));
    /// assert_eq!(Metadata::named("a\u{202e}txt.exe").save_name().as_deref(), Some("a_txt.exe"));
    /// assert_eq!(Metadata::named("../a.txt").save_name(), None);
    /// assert_eq!(Metadata::default().save_name(), None);
    /// ```
    pub fn save_name(&self) -> Option<String> {
        self.name.as_deref().and_then(|name| save_name(name).ok())
    }

    /// Parses and checks metadata JSON: an object of at most 65,536 bytes
    /// whose defined keys have the right types.
    pub fn from_json(json: &str) -> Result<Self, String> {
        if json.len() > MAX_METADATA_LEN {
            return Err(format!("{} bytes, above the limit of {MAX_METADATA_LEN}", json.len()));
        }
        let value: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
        if !value.is_object() {
            return Err("not a JSON object".to_owned());
        }
        serde_json::from_value(value).map_err(|e| e.to_string())
    }
}
