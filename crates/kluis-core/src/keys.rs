//! Secrets: passwords and raw keys, zeroized on drop and never printed.

use std::fmt;

use unicode_normalization::UnicodeNormalization;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::primitives::KEY_LEN;

/// A 32-byte raw key for a raw-key slot (for example the sender's own key).
///
/// ```
/// use kluis_core::Key;
/// let key = Key::from_hex(&"ab".repeat(32)).unwrap();
/// assert_eq!(format!("{key:?}"), "Key(<redacted>)");
/// ```
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Key([u8; KEY_LEN]);

/// A key of the wrong length or encoding.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a key is 32 raw bytes or 64 hexadecimal characters")]
pub struct InvalidKey;

impl Key {
    /// Wraps 32 bytes.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Key(bytes)
    }

    /// Copies a 32-byte slice.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, InvalidKey> {
        let arr: [u8; KEY_LEN] = bytes.try_into().map_err(|_| InvalidKey)?;
        Ok(Key(arr))
    }

    /// Parses 64 hexadecimal characters (surrounding white space ignored).
    pub fn from_hex(text: &str) -> Result<Self, InvalidKey> {
        let text = text.trim().as_bytes();
        if text.len() != 2 * KEY_LEN {
            return Err(InvalidKey);
        }
        let mut out = [0u8; KEY_LEN];
        for (o, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
            let hi = hex_digit(pair[0]).ok_or(InvalidKey)?;
            let lo = hex_digit(pair[1]).ok_or(InvalidKey)?;
            *o = (hi << 4) | lo;
        }
        Ok(Key(out))
    }

    /// Reads a key file's content: 32 raw bytes, or 64 hex characters with
    /// optional surrounding white space.
    pub fn from_file_bytes(content: &[u8]) -> Result<Self, InvalidKey> {
        if content.len() == KEY_LEN {
            return Key::from_slice(content);
        }
        let text = std::str::from_utf8(content).map_err(|_| InvalidKey)?;
        Key::from_hex(text)
    }

    /// Draws a fresh key from the operating system's random generator.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut k = [0u8; KEY_LEN];
        getrandom::fill(&mut k)?;
        Ok(Key(k))
    }

    /// The key bytes.
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// The key as 64 lowercase hex characters, in a zeroizing string.
    pub fn to_hex(&self) -> Zeroizing<String> {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut s = Zeroizing::new(String::with_capacity(2 * KEY_LEN));
        for b in self.0 {
            s.push(char::from(DIGITS[usize::from(b >> 4)]));
            s.push(char::from(DIGITS[usize::from(b & 15)]));
        }
        s
    }
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

/// A password, zeroized on drop and never printed.
///
/// ```
/// use kluis_core::Password;
/// let pw = Password::new("geheim");
/// assert_eq!(format!("{pw:?}"), "Password(<redacted>)");
/// ```
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Password(String);

impl Password {
    /// Wraps a password as typed.
    pub fn new(password: impl Into<String>) -> Self {
        Password(password.into())
    }

    /// The password as typed.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The form that is hashed: every Unicode space separator (category Zs)
    /// becomes U+0020, then NFC (in the spirit of RFC 8265 OpaqueString).
    pub fn normalized(&self) -> Zeroizing<String> {
        let spaced: Zeroizing<String> =
            Zeroizing::new(self.0.chars().map(|c| if is_space_separator(c) { ' ' } else { c }).collect());
        Zeroizing::new(spaced.nfc().collect())
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// Unicode general category Zs (space separators). The set has been stable
/// since Unicode 4.0: SPACE, NO-BREAK SPACE, OGHAM SPACE MARK, EN QUAD ..
/// HAIR SPACE, NARROW NO-BREAK SPACE, MEDIUM MATHEMATICAL SPACE and
/// IDEOGRAPHIC SPACE.
fn is_space_separator(c: char) -> bool {
    matches!(c, '\u{0020}' | '\u{00A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}')
}

/// A secret that opens (or is allowed to open) an envelope.
///
/// ```
/// use kluis_core::{Key, Secret};
/// let secrets = [Secret::password("recipient's password"), Secret::Key(Key::from_bytes([7; 32]))];
/// assert_eq!(format!("{:?}", secrets[0]), "Password(Password(<redacted>))");
/// ```
#[derive(Clone, Debug)]
pub enum Secret {
    /// A password: a password slot, Argon2id.
    Password(Password),
    /// A 32-byte key: a raw-key slot.
    Key(Key),
}

impl Secret {
    /// Shorthand for `Secret::Password(Password::new(p))`.
    pub fn password(p: impl Into<String>) -> Self {
        Secret::Password(Password::new(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_maps_spaces_and_composes() {
        let nfd = Password::new("cafe\u{301}\u{00A0}ol\u{e9}\u{3000}x");
        let nfc = Password::new("caf\u{e9} ol\u{e9} x");
        assert_eq!(*nfd.normalized(), *nfc.normalized());
        // Tabs and line breaks are not space separators.
        assert_ne!(*Password::new("a\tb").normalized(), *Password::new("a b").normalized());
    }

    #[test]
    fn key_parsing() {
        let k = Key::from_file_bytes(format!("{}\n", "0f".repeat(32)).as_bytes()).unwrap();
        assert_eq!(k.as_bytes(), &[0x0f; 32]);
        assert_eq!(*k.to_hex(), "0f".repeat(32));
        assert_eq!(Key::from_file_bytes(&[1; 32]).unwrap().as_bytes(), &[1; 32]);
        assert_eq!(Key::from_hex("zz").unwrap_err(), InvalidKey);
        assert!(Key::from_file_bytes(&[1; 31]).is_err());
        assert!(Key::from_hex(&"g0".repeat(32)).is_err());
    }
}
