//! Random 128-bit identifiers in a URL- and file-name-safe text form.
//!
//! Text form: the 16 bytes in lowercase RFC 4648 base32 without padding,
//! always 26 characters from `a`–`z` and `2`–`7`. Lowercase base32 is safe
//! in URLs, in file names on case-insensitive file systems, and read aloud.
//! Parsing is strict: exactly 26 characters of that alphabet, and the two
//! unused low bits of the last character must be zero, so every id has
//! exactly one text form.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Number of random bytes in an id.
pub const ID_LEN: usize = 16;

/// Length of the text form of an id.
pub const ID_TEXT_LEN: usize = 26;

const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// Why a text is not an id.
///
/// ```
/// use kluis_protocol::{IdError, TransferId};
/// assert_eq!("abc".parse::<TransferId>().unwrap_err(), IdError::Length(3));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// The text does not have 26 characters (bytes).
    #[error("an id has 26 characters, got {0}")]
    Length(usize),
    /// A character outside `a`–`z`, `2`–`7` (upper case is refused too).
    #[error("an id uses only a-z and 2-7")]
    Character,
    /// The last character has non-zero padding bits (not the canonical form).
    #[error("an id's last character must be one of a, e, i, m, q, u, y, 4")]
    NotCanonical,
}

fn encode(bytes: &[u8; ID_LEN]) -> [u8; ID_TEXT_LEN] {
    let mut out = [0u8; ID_TEXT_LEN];
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut n = 0;
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out[n] = ALPHABET[((acc >> bits) & 31) as usize];
            n += 1;
        }
    }
    // 128 = 25·5 + 3: the last character holds 3 bits and 2 zero bits.
    out[n] = ALPHABET[((acc << (5 - bits)) & 31) as usize];
    out
}

fn decode(text: &str) -> Result<[u8; ID_LEN], IdError> {
    let text = text.as_bytes();
    if text.len() != ID_TEXT_LEN {
        return Err(IdError::Length(text.len()));
    }
    let mut out = [0u8; ID_LEN];
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut n = 0;
    for &c in text {
        let v = match c {
            b'a'..=b'z' => c - b'a',
            b'2'..=b'7' => c - b'2' + 26,
            _ => return Err(IdError::Character),
        };
        acc = (acc << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            if n < ID_LEN {
                out[n] = (acc >> bits) as u8;
            }
            n += 1;
        }
        acc &= (1 << bits) - 1;
    }
    if acc != 0 {
        return Err(IdError::NotCanonical);
    }
    Ok(out)
}

/// The operating system's random generator failed (feature `random`).
///
/// ```
/// assert_eq!(kluis_protocol::RandomError.to_string(), "the operating system's random number generator failed");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the operating system's random number generator failed")]
pub struct RandomError;

#[cfg(feature = "random")]
fn random_bytes() -> Result<[u8; ID_LEN], RandomError> {
    let mut b = [0u8; ID_LEN];
    getrandom::fill(&mut b).map_err(|_| RandomError)?;
    Ok(b)
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name([u8; ID_LEN]);

        impl $name {
            /// Draws a fresh id from the operating system's random generator
            /// (feature `random`; a browser client draws its own bytes and
            /// uses [`from_bytes`](Self::from_bytes)).
            #[cfg(feature = "random")]
            pub fn generate() -> Result<Self, RandomError> {
                random_bytes().map($name)
            }

            /// Wraps 16 bytes.
            pub const fn from_bytes(bytes: [u8; ID_LEN]) -> Self {
                $name(bytes)
            }

            /// The 16 bytes.
            pub const fn as_bytes(&self) -> &[u8; ID_LEN] {
                &self.0
            }

            /// Parses the 26-character text form, strictly.
            pub fn parse(text: &str) -> Result<Self, IdError> {
                decode(text).map($name)
            }

            /// The 26-character text form without allocating.
            pub fn to_text(&self) -> IdText {
                IdText(encode(&self.0))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.to_text().as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.to_text().as_str())
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                Self::parse(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.to_text().as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

id_type! {
    /// Names a transfer: 16 random bytes, 26 characters of lowercase base32.
    ///
    /// It carries no secret; it appears in links and storage paths.
    ///
    /// ```
    /// use kluis_protocol::TransferId;
    /// let id = TransferId::from_bytes([42; 16]);
    /// let text = id.to_string();
    /// assert_eq!(text.len(), 26);
    /// assert_eq!(text.parse::<TransferId>().unwrap(), id);
    /// assert!(text.to_uppercase().parse::<TransferId>().is_err());
    /// ```
    TransferId
}

id_type! {
    /// Names one file's envelope inside a transfer: 16 random bytes, in the
    /// same text form as [`TransferId`]. It reveals nothing about the file.
    ///
    /// ```
    /// use kluis_protocol::BlobId;
    /// let id = BlobId::from_bytes([0; 16]);
    /// assert_eq!(id.to_string(), "aaaaaaaaaaaaaaaaaaaaaaaaaa");
    /// assert_eq!(BlobId::parse("aaaaaaaaaaaaaaaaaaaaaaaaab").unwrap_err(), kluis_protocol::IdError::NotCanonical);
    /// ```
    BlobId
}

/// The text form of an id, held on the stack.
///
/// ```
/// use kluis_protocol::TransferId;
/// let id = TransferId::from_bytes([0xff; 16]);
/// assert_eq!(id.to_text().as_str(), "77777777777777777777777774");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdText([u8; ID_TEXT_LEN]);

impl IdText {
    /// The 26 characters.
    pub fn as_str(&self) -> &str {
        // Only ASCII from ALPHABET is ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Debug for IdText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// The name of a blob inside a transfer: the sealed manifest, or one file's
/// envelope. Blob names never reveal file names.
///
/// Text form: `manifest`, or the [`BlobId`] text.
///
/// ```
/// use kluis_protocol::{BlobId, BlobName};
/// assert_eq!(BlobName::Manifest.to_string(), "manifest");
/// let file = BlobName::File(BlobId::from_bytes([1; 16]));
/// assert_eq!(file.to_string().parse::<BlobName>().unwrap(), file);
/// assert!("../manifest".parse::<BlobName>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum BlobName {
    /// The transfer's sealed manifest.
    Manifest,
    /// One file's envelope.
    File(BlobId),
}

/// Text form of [`BlobName::Manifest`].
pub const MANIFEST_BLOB: &str = "manifest";

impl BlobName {
    /// Parses `manifest` or a blob id, strictly.
    pub fn parse(text: &str) -> Result<Self, IdError> {
        if text == MANIFEST_BLOB { Ok(BlobName::Manifest) } else { BlobId::parse(text).map(BlobName::File) }
    }
}

impl fmt::Display for BlobName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlobName::Manifest => f.write_str(MANIFEST_BLOB),
            BlobName::File(id) => fmt::Display::fmt(id, f),
        }
    }
}

impl FromStr for BlobName {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        Self::parse(s)
    }
}

impl Serialize for BlobName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            BlobName::Manifest => s.serialize_str(MANIFEST_BLOB),
            BlobName::File(id) => s.serialize_str(id.to_text().as_str()),
        }
    }
}

impl<'de> Deserialize<'de> for BlobName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The pattern of an id's text form (docs/TRANSFER.md §2), for schemas.
pub const ID_PATTERN: &str = "^[a-z2-7]{25}[aeimquy4]$";

/// The pattern of a blob name's text form, for schemas.
pub const BLOB_NAME_PATTERN: &str = "^(manifest|[a-z2-7]{25}[aeimquy4])$";

#[cfg(feature = "openapi")]
mod schemas {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

    fn text(pattern: &str, description: &str) -> RefOr<Schema> {
        ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern)).description(Some(description)).into()
    }

    impl utoipa::PartialSchema for super::TransferId {
        fn schema() -> RefOr<Schema> {
            text(super::ID_PATTERN, "a transfer id: 26 lower-case base32 characters")
        }
    }
    impl utoipa::ToSchema for super::TransferId {}

    impl utoipa::PartialSchema for super::BlobId {
        fn schema() -> RefOr<Schema> {
            text(super::ID_PATTERN, "a blob id: 26 lower-case base32 characters")
        }
    }
    impl utoipa::ToSchema for super::BlobId {}

    impl utoipa::PartialSchema for super::BlobName {
        fn schema() -> RefOr<Schema> {
            text(super::BLOB_NAME_PATTERN, "`manifest` or a blob id")
        }
    }
    impl utoipa::ToSchema for super::BlobName {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_known_values() {
        assert_eq!(TransferId::from_bytes([0; 16]).to_string(), "a".repeat(26));
        // RFC 4648 test vector "foobar" -> MZXW6YTBOI (extended to 16 bytes here by our own encoder).
        let mut b = [0u8; 16];
        b[..6].copy_from_slice(b"foobar");
        assert!(TransferId::from_bytes(b).to_string().starts_with("mzxw6ytboi"));
        for i in 0..=255u8 {
            let id = BlobId::from_bytes([i; 16]);
            assert_eq!(BlobId::parse(&id.to_string()).unwrap(), id);
        }
    }

    #[test]
    fn strict_parsing() {
        let good = TransferId::from_bytes([7; 16]).to_string();
        assert!(TransferId::parse(&good).is_ok());
        assert_eq!(TransferId::parse(&good[..25]), Err(IdError::Length(25)));
        assert_eq!(TransferId::parse(&format!("{good}a")), Err(IdError::Length(27)));
        assert_eq!(TransferId::parse(&good.to_uppercase()), Err(IdError::Character));
        assert_eq!(TransferId::parse("aaaaaaaaaaaaaaaaaaaaaaaaa1"), Err(IdError::Character));
        assert_eq!(TransferId::parse("aaaaaaaaaaaaaaaaaaaaaaaaa="), Err(IdError::Character));
        assert_eq!(TransferId::parse("aaaaaaaaaaaaaaaaaaaaaaaa/."), Err(IdError::Character));
        // Non-zero padding bits in the last character.
        assert_eq!(TransferId::parse("aaaaaaaaaaaaaaaaaaaaaaaaab"), Err(IdError::NotCanonical));
        assert_eq!(TransferId::parse("aaaaaaaaaaaaaaaaaaaaaaaaae").unwrap().as_bytes()[15], 1);
        // Multi-byte characters count as bytes.
        assert_eq!(TransferId::parse("ä").unwrap_err(), IdError::Length(2));
    }

    #[test]
    fn patterns_match_the_parsers() {
        // The schema patterns say what the parsers accept: the last
        // character is one whose 2 low bits are zero.
        let last: String = ALPHABET
            .iter()
            .map(|&c| char::from(c))
            .filter(|c| TransferId::parse(&format!("{}{c}", "a".repeat(25))).is_ok())
            .collect();
        assert_eq!(last, "aeimquy4");
        assert!(ID_PATTERN.contains("[aeimquy4]") && BLOB_NAME_PATTERN.contains("manifest|"));
    }

    #[test]
    fn blob_names_as_json() {
        let file = BlobName::File(BlobId::from_bytes([3; 16]));
        for name in [BlobName::Manifest, file] {
            let json = serde_json::to_string(&name).unwrap();
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<BlobName>(&json).unwrap(), name);
        }
        assert!(serde_json::from_str::<BlobName>("\"../manifest\"").is_err());
    }

    #[test]
    fn blob_names() {
        assert_eq!(BlobName::parse("manifest").unwrap(), BlobName::Manifest);
        assert!(BlobName::parse("Manifest").is_err());
        assert!(BlobName::parse("expires").is_err());
        assert!(BlobName::parse("").is_err());
    }

    #[test]
    fn serde_as_text() {
        let id = TransferId::from_bytes([9; 16]);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
        assert_eq!(serde_json::from_str::<TransferId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<TransferId>("\"AAAA\"").is_err());
    }

    #[cfg(feature = "random")]
    #[test]
    fn generated_ids_differ() {
        assert_ne!(TransferId::generate().unwrap(), TransferId::generate().unwrap());
    }
}
