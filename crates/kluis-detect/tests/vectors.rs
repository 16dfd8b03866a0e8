//! The shared vectors (docs/test-vectors/detect-vectors.json), which every
//! binding's tests run too: exactly these findings, in this order.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose

use kluis_detect::{Kind, scan_text};
use serde_json::Value;

#[test]
fn shared_vectors() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/test-vectors/detect-vectors.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let kinds: Vec<&str> = doc["kinds"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
    assert_eq!(kinds, Kind::ALL.map(Kind::as_str), "the kinds' names are fixed");
    let vectors = doc["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 30);
    for v in vectors {
        let (name, text) = (v["name"].as_str().unwrap(), v["text"].as_str().unwrap());
        let expected: Vec<(String, u64, u64)> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["kind"].as_str().unwrap().to_owned(), f["start"].as_u64().unwrap(), f["end"].as_u64().unwrap()))
            .collect();
        let found = scan_text(text);
        let got: Vec<(String, u64, u64)> =
            found.iter().map(|f| (f.kind.as_str().to_owned(), f.start as u64, f.end as u64)).collect();
        assert_eq!(got, expected, "{name}: {text:?}");
        for f in found.iter().filter(|f| !f.kind.is_special_category()) {
            assert!(!f.excerpt.contains(&text[f.start..f.end]), "{name}: the excerpt shows the number: {}", f.excerpt);
            assert!(!f.reason_en.is_empty() && !f.reason_nl.is_empty() && f.confidence > 0.0 && f.confidence <= 1.0);
        }
    }
}
