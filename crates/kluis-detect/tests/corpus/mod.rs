//! A labelled corpus of synthetic Dutch and English documents, generated
//! from a seed (the same seed, the same corpus): letters and notes that
//! hold valid numbers (BSN, IBAN, card, passport, driving licence) and
//! special-category statements about a person, among near misses (one
//! digit off, a wrong check digit, numbers without their context word,
//! phone and order numbers, dates, amounts, tracking numbers as long as
//! card numbers) and
//! impersonal uses of the same words. Each document is written as plain
//! text, HTML, .eml (sometimes with an attachment), .docx or .pdf.
//!
//! The numbers are computed here from their definitions (11-proof, ISO
//! 7064 mod 97-10, Luhn), independently of kluis-detect's code.
//!
//! Used by `tests/precision_recall.rs` (precision and recall per kind) and by
//! `examples/detect_corpus.rs` (writes the corpus to a folder).

#![allow(dead_code, unreachable_pub)]

mod numbers;
mod render;
mod sentences;

use std::collections::BTreeSet;

pub use render::Format;

/// One generated document and what it holds.
pub struct Doc {
    /// File name, with the extension of its format.
    pub name: String,
    pub format: Format,
    pub bytes: Vec<u8>,
    /// The numbers it holds: (kind, the number's letters and digits).
    pub numbers: BTreeSet<(&'static str, String)>,
    /// The special categories it speaks of.
    pub terms: BTreeSet<&'static str>,
}

/// A deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn digit(&mut self) -> u8 {
        self.below(10) as u8
    }
}

/// A sentence and what it holds.
#[derive(Default)]
pub struct Sentence {
    pub text: String,
    pub numbers: Vec<(&'static str, String)>,
    pub terms: Vec<&'static str>,
}

/// `count` documents from `seed`, the formats in turn.
pub fn generate(seed: u64, count: usize) -> Vec<Doc> {
    let mut rng = Rng::new(seed);
    (0..count).map(|i| document(&mut rng, i)).collect()
}

fn document(rng: &mut Rng, index: usize) -> Doc {
    let dutch = rng.chance(55);
    let format = Format::ALL[index % Format::ALL.len()];
    let mut body: Vec<Sentence> = Vec::new();
    body.push(sentences::greeting(rng, dutch));
    let items = 2 + rng.below(6);
    for _ in 0..items {
        let s = match rng.below(10) {
            0..=2 => sentences::number(rng, dutch),
            3..=4 => sentences::term(rng, dutch),
            5..=7 => sentences::near_miss(rng, dutch),
            8 => sentences::impersonal(rng, dutch),
            _ => sentences::filler(rng, dutch),
        };
        body.push(s);
        if rng.chance(40) {
            body.push(sentences::filler(rng, dutch));
        }
    }
    body.push(sentences::closing(rng, dutch));
    let mut numbers = BTreeSet::new();
    let mut terms = BTreeSet::new();
    for s in &body {
        numbers.extend(s.numbers.iter().cloned());
        terms.extend(s.terms.iter().copied());
    }
    let subject = if dutch { "Uw aanvraag" } else { "Your request" };
    let bytes = render::render(format, subject, &body, rng);
    Doc { name: format!("doc{index:04}.{}", format.extension()), format, bytes, numbers, terms }
}
