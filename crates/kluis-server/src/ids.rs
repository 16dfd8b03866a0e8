//! The id checks of docs/TRANSFER.md §2 (26 lower-case base32 characters
//! whose last one has its 2 low bits zero; a blob is `manifest` or an id),
//! as `kluis-transfer` parses them for every client.

use kluis_transfer::{BlobName, TransferId};

/// Whether `text` is the canonical text of a transfer or blob id.
pub fn is_id(text: &str) -> bool {
    TransferId::parse(text).is_ok()
}

/// Whether `text` names a blob: `manifest` or an id.
pub fn is_blob_name(text: &str) -> bool {
    BlobName::parse(text).is_ok()
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
