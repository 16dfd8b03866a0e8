//! Precision and recall per kind on the labelled synthetic corpus
//! (tests/corpus/: 600 Dutch and English documents as text, HTML, .eml,
//! .docx and PDF, generated from a fixed seed into a temporary folder).
//!
//! ```text
//! cargo test -p kluis-detect --profile fast --test precision_recall -- --nocapture   # prints the table
//! ```
//!
//! Numbers are counted one by one (a found number is right when the corpus
//! put that number there); a special category per document (found in a
//! document that speaks of it, or not).

#![allow(clippy::unwrap_used)] // test helpers panic on purpose

mod corpus;

use std::collections::{BTreeMap, BTreeSet};

use kluis_detect::{Kind, Limits, MediaType, extract_text, scan_text};

const SEED: u64 = 15;
const DOCUMENTS: usize = 600;

#[derive(Default, Debug)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 { 1.0 } else { self.tp as f64 / (self.tp + self.fp) as f64 }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 { 1.0 } else { self.tp as f64 / (self.tp + self.fn_) as f64 }
    }
}

fn normalise(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

#[test]
fn precision_and_recall_per_kind() {
    let docs = corpus::generate(SEED, DOCUMENTS);
    let dir = tempfile::tempdir().unwrap();
    let mut counts: BTreeMap<Kind, Counts> = Kind::ALL.iter().map(|k| (*k, Counts::default())).collect();
    let mut misses: Vec<String> = Vec::new();
    for doc in &docs {
        let path = dir.path().join(&doc.name);
        std::fs::write(&path, &doc.bytes).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let media = MediaType::sniff(&bytes, Some(doc.format.extension()));
        let text = extract_text(&bytes, media, &Limits::default()).unwrap_or_else(|e| panic!("{}: {e}", doc.name));
        let findings = scan_text(&text);

        let found_numbers: BTreeSet<(&str, String)> = findings
            .iter()
            .filter(|f| !f.kind.is_special_category())
            .map(|f| (f.kind.as_str(), normalise(&text[f.start..f.end])))
            .collect();
        let expected: BTreeSet<(&str, String)> = doc.numbers.iter().map(|(k, v)| (*k, normalise(v))).collect();
        for item in found_numbers.union(&expected) {
            let kind = Kind::from_name(item.0).unwrap();
            let c = counts.get_mut(&kind).unwrap();
            match (found_numbers.contains(item), expected.contains(item)) {
                (true, true) => c.tp += 1,
                (true, false) => {
                    c.fp += 1;
                    misses.push(format!("{}: false {} {}", doc.name, item.0, item.1));
                }
                _ => {
                    c.fn_ += 1;
                    misses.push(format!("{}: missed {} {}", doc.name, item.0, item.1));
                }
            }
        }
        let found_terms: BTreeSet<&str> =
            findings.iter().filter(|f| f.kind.is_special_category()).map(|f| f.kind.as_str()).collect();
        for kind in Kind::ALL.iter().filter(|k| k.is_special_category()) {
            let c = counts.get_mut(kind).unwrap();
            match (found_terms.contains(kind.as_str()), doc.terms.contains(kind.as_str())) {
                (true, true) => c.tp += 1,
                (true, false) => {
                    c.fp += 1;
                    let f = findings.iter().find(|f| f.kind == *kind).unwrap();
                    misses.push(format!("{}: false {kind} {:?}", doc.name, &text[f.start..f.end]));
                }
                (false, true) => {
                    c.fn_ += 1;
                    misses.push(format!("{}: missed {kind}", doc.name));
                }
                (false, false) => {}
            }
        }
    }

    println!("| kind | support | true pos. | false pos. | false neg. | precision | recall |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (kind, c) in &counts {
        println!(
            "| `{kind}` | {} | {} | {} | {} | {:.1} % | {:.1} % |",
            c.tp + c.fn_,
            c.tp,
            c.fp,
            c.fn_,
            100.0 * c.precision(),
            100.0 * c.recall()
        );
    }
    for m in &misses {
        println!("{m}");
    }

    assert!(docs.len() >= 500);
    for format in corpus::Format::ALL {
        assert!(docs.iter().filter(|d| d.format == format).count() >= 100, "{format:?}");
    }
    for (kind, c) in &counts {
        let support = c.tp + c.fn_;
        assert!(support >= 20, "{kind}: only {support} labelled in the corpus");
        let (min_precision, min_recall) = if kind.is_special_category() { (0.90, 0.90) } else { (0.98, 0.99) };
        assert!(c.precision() >= min_precision, "{kind}: precision {:.3} below {min_precision}", c.precision());
        assert!(c.recall() >= min_recall, "{kind}: recall {:.3} below {min_recall}", c.recall());
    }
}

#[test]
fn the_corpus_is_the_same_for_the_same_seed() {
    let a = corpus::generate(SEED, 20);
    let b = corpus::generate(SEED, 20);
    assert!(a.iter().zip(&b).all(|(x, y)| x.bytes == y.bytes && x.numbers == y.numbers && x.terms == y.terms));
    assert!(corpus::generate(SEED + 1, 20).iter().zip(&a).any(|(x, y)| x.bytes != y.bytes));
}
