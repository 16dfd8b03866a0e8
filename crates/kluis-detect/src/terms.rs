//! The word lists, Dutch and English, and the one automaton that finds all
//! of them in a single pass: context words for numbers, words that point at
//! a person, and the terms of each special category of personal data.
//!
//! A pattern ending in `*` is a stem (`diabet*` finds diabetes,
//! diabetisch, diabetespatiënt); every other pattern is a whole word. A
//! match starts only at a word start (a table of the patterns' first four
//! bytes rules out most words at once; the automaton runs anchored at the
//! others) and, unless a stem, ends at a word end. Matching ignores ASCII case.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};

use crate::Kind;

/// What a word in the lists stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// Names a citizen service number (a BSN needs one nearby unless grouped).
    BsnContext,
    /// Names a passport or identity card (its number follows).
    IdContext,
    /// Names a driving licence (its number follows).
    LicenceContext,
    /// Points at a person: a weak term near one is about that person.
    Person,
    /// A common phrase that holds a weak term without being about a person
    /// ("health and safety", "European Union"): the longest match wins, so
    /// the term inside it is not reported.
    Benign,
    /// A term of a special category; a strong one counts alone, a weak one
    /// only near a person or another term of its kind.
    Term(Kind, Strength),
}

/// How much a term says on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Strength {
    /// About a person's data whatever surrounds it ("diagnose", "strafblad").
    Strong,
    /// Needs context ("ziekenhuis", "kerk", "police").
    Weak,
}

use Class::*;

mod lists;
use lists::*;

/// One pattern of the automaton.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    pub(crate) class: Class,
    /// A stem: the match may continue into a longer word.
    pub(crate) stem: bool,
}

/// The automaton and, by pattern index, what each pattern stands for.
pub(crate) struct Lists {
    /// Every pattern, matched anchored (at a word start), longest first.
    automaton: AhoCorasick,
    entries: Vec<Entry>,
    /// Bit [`prefix_key`] set for the first four bytes of each pattern:
    /// most word starts are ruled out by one look-up.
    starts: Box<[u64; 1024]>,
}

/// A hash of the first four bytes at `i`, lower case, with everything from
/// the first byte that is not part of a word on set to zero ("de heer" and
/// "de jure" share "de\0\0"; "hiv" is "hiv\0"; "hive" is not).
fn prefix_key(text: &[u8], i: usize) -> usize {
    let mut key = 0u32;
    let mut ended = false;
    for k in 0..4 {
        let b = text.get(i + k).copied().unwrap_or(b' ');
        ended |= if b < 0x80 { !b.is_ascii_alphanumeric() } else { !word_at(text, i + k) };
        let b = if ended { 0 } else { b.to_ascii_lowercase() };
        key = key << 8 | u32::from(b);
    }
    (key.wrapping_mul(0x9E37_79B1) >> 16) as usize
}

impl Lists {
    /// The patterns found at word starts, in text order, each word start
    /// tried once and a match's words not tried again (the longest match,
    /// such as a benign phrase, wins). The match's end is not checked.
    pub(crate) fn words<'a>(&'a self, text: &'a [u8]) -> impl Iterator<Item = (usize, usize, Entry)> + 'a {
        let mut at = 0;
        std::iter::from_fn(move || {
            while at < text.len() {
                let i = at;
                at += 1;
                // Every pattern starts with an ASCII letter, at a word start.
                if !text[i].is_ascii_alphabetic() || word_before(text, i) {
                    continue;
                }
                let key = prefix_key(text, i);
                if self.starts[key >> 6] & (1 << (key & 63)) == 0 {
                    while at < text.len() && is_word_byte(text[at]) {
                        at += 1;
                    }
                    continue;
                }
                let input = Input::new(text).span(i..text.len()).anchored(Anchored::Yes);
                if let Some(m) = self.automaton.find(input) {
                    let entry = self.entries[m.pattern().as_usize()];
                    if entry.stem || !word_at(text, m.end()) {
                        at = m.end();
                    }
                    return Some((m.start(), m.end(), entry));
                }
            }
            None
        })
    }
}

/// The lists, built once.
pub(crate) fn lists() -> &'static Lists {
    static LISTS: OnceLock<Lists> = OnceLock::new();
    LISTS.get_or_init(build)
}

fn build() -> Lists {
    let mut patterns: Vec<&str> = Vec::new();
    let mut entries = Vec::new();
    let mut add = |words: &[&'static str], class: Class| {
        for w in words {
            let (pattern, stem) = match w.strip_suffix('*') {
                Some(p) => (p, true),
                None => (*w, false),
            };
            patterns.push(pattern);
            entries.push(Entry { class, stem });
        }
    };
    add(BSN, BsnContext);
    add(ID, IdContext);
    add(LICENCE, LicenceContext);
    add(PERSON, Person);
    add(BENIGN, Benign);
    for (kind, strength, words) in TERMS {
        add(words, Term(*kind, *strength));
    }
    let mut starts = Box::new([0u64; 1024]);
    for p in &patterns {
        let key = prefix_key(p.as_bytes(), 0);
        starts[key >> 6] |= 1 << (key & 63);
    }
    let automaton = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::DFA))
        .start_kind(StartKind::Anchored)
        .build(&patterns)
        .unwrap_or_else(|e| unreachable!("the word lists are small and fixed: {e}"));
    Lists { automaton, entries, starts }
}

/// A byte that continues a word: ASCII letters and digits and every byte of
/// a non-ASCII character (é, ë: Dutch words carry them).
pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// The spaces that are not ASCII (no-break U+00A0, figure U+2007, narrow
/// no-break U+202F): Word and HTML put them between a label and a number.
fn is_space_char(b: &[u8]) -> bool {
    b == [0xc2, 0xa0] || b == [0xe2, 0x80, 0x87] || b == [0xe2, 0x80, 0xaf]
}

/// Whether a word character ends just before byte `i`.
pub(crate) fn word_before(b: &[u8], i: usize) -> bool {
    i > 0
        && is_word_byte(b[i - 1])
        && !(i >= 2 && is_space_char(&b[i - 2..i]))
        && !(i >= 3 && is_space_char(&b[i - 3..i]))
}

/// Whether a word character starts at byte `i`.
pub(crate) fn word_at(b: &[u8], i: usize) -> bool {
    i < b.len()
        && is_word_byte(b[i])
        && !(b.len() >= i + 2 && is_space_char(&b[i..i + 2]))
        && !(b.len() >= i + 3 && is_space_char(&b[i..i + 3]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_is_lower_case_and_unique() {
        let mut seen = std::collections::HashSet::new();
        let all = BSN
            .iter()
            .chain(ID)
            .chain(LICENCE)
            .chain(PERSON)
            .chain(BENIGN)
            .chain(TERMS.iter().flat_map(|(_, _, w)| w.iter()));
        for w in all {
            assert_eq!(*w, w.to_lowercase(), "patterns are matched case-insensitively");
            assert!(seen.insert(*w), "{w} is listed twice");
        }
        assert_eq!(lists().entries.len(), seen.len());
        assert!(seen.iter().all(|w| w.as_bytes()[0].is_ascii_alphabetic()), "words start with a letter");
    }

    #[test]
    fn every_special_category_has_strong_and_weak_terms() {
        for kind in Kind::ALL.into_iter().filter(|k| k.is_special_category()) {
            for strength in [Strength::Strong, Strength::Weak] {
                assert!(
                    TERMS.iter().any(|(k, s, w)| *k == kind && *s == strength && !w.is_empty()),
                    "{kind} {strength:?}"
                );
            }
        }
    }
}
