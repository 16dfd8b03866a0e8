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
        Self::from_json(&json)?.check_name()?;
        Ok(json)
    }

    /// Checks that `name`, if present, is a plain file name (what a sealer
    /// must write; see [`is_plain_file_name`]).
    pub fn check_name(&self) -> Result<(), String> {
        match &self.name {
            Some(name) if !is_plain_file_name(name) => Err(format!("name {name:?} is not a plain file name")),
            _ => Ok(()),
        }
    }

    /// The name if it is safe to use as a file name in a folder.
    ///
    /// Readers accept any string as `name` (a sealer that broke the rule
    /// should not make the contents unreadable), so whoever turns it into a
    /// path must use this, or refuse.
    ///
    /// ```
    /// use kluis_core::Metadata;
    /// assert_eq!(Metadata::named("a.txt").plain_name(), Some("a.txt"));
    /// assert_eq!(Metadata::named("../a.txt").plain_name(), None);
    /// ```
    pub fn plain_name(&self) -> Option<&str> {
        self.name.as_deref().filter(|n| is_plain_file_name(n))
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

/// True when `name` can be used as a file name in a folder on any common
/// system: [`file_name_problem`] finds nothing.
///
/// ```
/// use kluis_core::is_plain_file_name;
/// assert!(is_plain_file_name("résumé.pdf"));
/// assert!(!is_plain_file_name("../etc/passwd"));
/// assert!(!is_plain_file_name("a\\b"));
/// assert!(!is_plain_file_name("C:evil"));
/// assert!(!is_plain_file_name("nul.txt"));
/// assert!(!is_plain_file_name("what?.txt"));
/// ```
pub fn is_plain_file_name(name: &str) -> bool {
    file_name_problem(name).is_none()
}

/// Why `name` cannot be a file name in a folder on every common system, or
/// `None` when it can (the one file-name rule of Kluis, docs/TRANSFER.md
/// §6.3): not empty, not `.` or `..`, no `/` or `\\`, no control character,
/// at most 255 bytes, and nothing Windows refuses or reinterprets: `<>:"|?*`
/// (a `:` names a drive or an alternate data stream), a trailing dot or
/// space (silently dropped), a device name (`CON`, `PRN`, `AUX`, `NUL`,
/// `CONIN$`, `CONOUT$`, `COM0`–`COM9`, `LPT0`–`LPT9`, in any case, with or
/// without an extension).
///
/// ```
/// use kluis_core::file_name_problem;
/// assert_eq!(file_name_problem("report.pdf"), None);
/// assert_eq!(file_name_problem("lpt0.txt"), Some("is a Windows device name"));
/// ```
pub fn file_name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
        return Some("not a plain file name (empty, . or .., or contains / or \\)");
    }
    if name.chars().any(char::is_control) {
        return Some("contains control characters");
    }
    if name.len() > 255 {
        return Some("longer than 255 bytes");
    }
    if name.contains(['<', '>', ':', '"', '|', '?', '*']) {
        return Some("contains a character Windows does not allow (<>:\"|?*)");
    }
    if name.ends_with(['.', ' ']) {
        return Some("ends with a dot or a space");
    }
    let stem = name.split('.').next().unwrap_or(name).trim_end().to_ascii_uppercase();
    let device = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit());
    if device {
        return Some("is a Windows device name");
    }
    None
}
