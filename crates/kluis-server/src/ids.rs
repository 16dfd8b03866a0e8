//! The id checks of docs/TRANSFER.md §2: 26 lower-case base32 characters
//! whose last one has its 2 low bits zero; a blob is `manifest` or an id.

/// Whether `text` is the canonical text of a transfer or blob id.
pub fn is_id(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 26
        && bytes.iter().all(|b| matches!(b, b'a'..=b'z' | b'2'..=b'7'))
        && matches!(bytes[25], b'a' | b'e' | b'i' | b'm' | b'q' | b'u' | b'y' | b'4')
}

/// Whether `text` names a blob: `manifest` or an id.
pub fn is_blob_name(text: &str) -> bool {
    text == "manifest" || is_id(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_strict() {
        assert!(is_id("aaaaaaaaaaaaaaaaaaaaaaaaaa"));
        assert!(is_id("abcdefghijklmnopqrstuvwx27"[..25].to_string().add_last('q').as_str()));
        assert!(!is_id("aaaaaaaaaaaaaaaaaaaaaaaaab"), "low bits of the last character");
        assert!(!is_id("AAAAAAAAAAAAAAAAAAAAAAAAAA"));
        assert!(!is_id("aaaaaaaaaaaaaaaaaaaaaaaaa"));
        assert!(!is_id("aaaaaaaaaaaaaaaaaaaaaaaa1a"));
        assert!(is_blob_name("manifest"));
        assert!(!is_blob_name("../manifest"));
    }

    trait AddLast {
        fn add_last(self, c: char) -> String;
    }
    impl AddLast for String {
        fn add_last(mut self, c: char) -> String {
            self.push(c);
            self
        }
    }
}
