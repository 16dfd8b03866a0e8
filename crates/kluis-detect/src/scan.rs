//! [`scan_text`]: one pass over the words (context words, person words,
//! special-category terms: [`crate::terms`]), one walk over the digits, and
//! a look after each document word for its number.

use std::collections::VecDeque;

use crate::Kind;
use crate::finding::Finding;
use crate::numbers::scan_numbers;
use crate::terms::{Class, Strength, is_word_byte, lists, word_at};

/// A weak term counts when a person word is this close (bytes, either
/// side) in the same sentence...
const PERSON_REACH: usize = 100;
/// ... or a strong term of its kind is this close (or another weak term of
/// its kind is in its sentence).
const KIN_REACH: usize = 150;
/// A document number follows its context word within this many bytes.
const DOCUMENT_REACH: usize = 60;

/// Confidence of a strong term, and of a weak term with context.
const STRONG: f32 = 0.85;
const WEAK: f32 = 0.6;

/// Finds the sensitive information in `text`.
///
/// One pass over the text for the word lists and one walk over its digits:
/// linear in the text's length. The findings come sorted by `start`.
///
/// ```
/// use kluis_detect::{scan_text, Kind};
/// let text = "Graag overmaken op NL91 ABNA 0417 1643 00. Cliënt heeft diabetes.";
/// let kinds: Vec<Kind> = scan_text(text).iter().map(|f| f.kind).collect();
/// assert_eq!(kinds, [Kind::Iban, Kind::Health]);
/// assert!(scan_text("Ordernummer 123456782, bel 06-12345678.").is_empty());
/// ```
pub fn scan_text(text: &str) -> Vec<Finding> {
    let bytes = text.as_bytes();
    let lists = lists();
    let mut out = Vec::new();
    let mut ctx = Contexts::default();
    let mut terms = TermState::default();
    for (start, mut end, entry) in lists.words(bytes) {
        if entry.stem {
            // A stem's finding is the whole word it starts.
            while word_at(bytes, end) {
                end += 1;
            }
        } else if word_at(bytes, end) {
            continue;
        }
        match entry.class {
            Class::BsnContext => ctx.bsn.push((start, end)),
            Class::IdContext => ctx.id.push((start, end)),
            Class::LicenceContext => ctx.licence.push((start, end)),
            Class::Person => terms.person(start, end, text, &mut out),
            Class::Benign => {}
            Class::Term(kind, strength) => terms.term(kind, strength, start, end, text, &mut out),
        }
    }
    scan_numbers(text, &ctx, &mut out);
    scan_documents(text, &ctx, &mut out);
    out.sort_by_key(|f| (f.start, f.end, f.kind));
    out.dedup_by_key(|f| (f.start, f.end, f.kind));
    out
}

/// Where the context words of numbers are (start, end), in text order.
#[derive(Default)]
pub(crate) struct Contexts {
    bsn: Vec<(usize, usize)>,
    id: Vec<(usize, usize)>,
    licence: Vec<(usize, usize)>,
}

impl Contexts {
    /// Whether a BSN context word ends at most `before` bytes before
    /// `start` or starts at most `after` bytes after `end`.
    /// Table rows count as one sentence: a header line's word reaches the
    /// rows below it, but not past a full stop.
    pub(crate) fn bsn_near(&self, text: &[u8], start: usize, end: usize, before: usize, after: usize) -> bool {
        let words = &self.bsn;
        // The first word that ends after start - before.
        let from = words.partition_point(|&(_, e)| e + before < start);
        words[from..]
            .iter()
            .take_while(|&&(s, _)| s <= end + after)
            .any(|&(s, e)| (e <= start && !sentence_ends(text, e, start)) || (s >= end && !sentence_ends(text, end, s)))
    }
}

/// The weak terms waiting for context, and what was seen last.
#[derive(Default)]
struct TermState {
    last_person_end: Option<usize>,
    /// By kind index: the end of the last strong term of that kind.
    last_strong: [Option<usize>; Kind::ALL.len()],
    pending: VecDeque<(Kind, usize, usize)>,
}

impl TermState {
    fn person(&mut self, start: usize, end: usize, text: &str, out: &mut Vec<Finding>) {
        self.expire(start);
        let bytes = text.as_bytes();
        // Waiting terms in the same sentence are about this person.
        self.pending.retain(|&(kind, s, e)| {
            let same = start - e.min(start) <= PERSON_REACH && same_sentence(bytes, e, start);
            if same {
                out.push(Finding::new(kind, s, e, WEAK, text));
            }
            !same
        });
        self.last_person_end = Some(end);
    }

    fn term(&mut self, kind: Kind, strength: Strength, start: usize, end: usize, text: &str, out: &mut Vec<Finding>) {
        self.expire(start);
        let bytes = text.as_bytes();
        let slot = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        let word = |s: usize, e: usize| text[s..e].to_ascii_lowercase();
        // Waiting weak terms of this kind are confirmed by a strong term
        // nearby, or by another weak term of the kind in their sentence.
        let mut confirmed = false;
        let mut i = 0;
        while i < self.pending.len() {
            let (k, s, e) = self.pending[i];
            let by_strong = strength == Strength::Strong && start - e.min(start) <= KIN_REACH;
            let by_other =
                strength == Strength::Weak && same_sentence(bytes, e, start) && word(s, e) != word(start, end);
            if k == kind && (by_strong || by_other) {
                out.push(Finding::new(k, s, e, WEAK, text));
                self.pending.remove(i);
                confirmed |= by_other;
            } else {
                i += 1;
            }
        }
        let strong_near = self.last_strong[slot].is_some_and(|e| start - e.min(start) <= KIN_REACH);
        let person_near = self
            .last_person_end
            .is_some_and(|e| start - e.min(start) <= PERSON_REACH && same_sentence(bytes, e, start));
        match strength {
            Strength::Strong => {
                out.push(Finding::new(kind, start, end, STRONG, text));
                self.last_strong[slot] = Some(end);
            }
            Strength::Weak if person_near || strong_near || confirmed => {
                out.push(Finding::new(kind, start, end, WEAK, text))
            }
            Strength::Weak => self.pending.push_back((kind, start, end)),
        }
    }

    /// Drops the waiting terms that no later word can confirm any more.
    fn expire(&mut self, at: usize) {
        while self.pending.front().is_some_and(|&(_, _, e)| e + PERSON_REACH.max(KIN_REACH) < at) {
            self.pending.pop_front();
        }
    }
}

/// Whether no sentence ends between `from` and `to`: no line break, and
/// no `.`, `!` or `?` followed by a space (a title's dot right at `from`,
/// as in "Mevr. Jansen", does not count).
fn same_sentence(bytes: &[u8], from: usize, to: usize) -> bool {
    let from = if bytes.get(from) == Some(&b'.') { from + 1 } else { from };
    !sentence_ends(bytes, from, to) && memchr::memchr(b'\n', &bytes[from.min(to)..to]).is_none()
}

/// Whether a `.`, `!` or `?` followed by white space lies between `from`
/// and `to`.
pub(crate) fn sentence_ends(bytes: &[u8], from: usize, to: usize) -> bool {
    if from >= to {
        return false;
    }
    let gap = &bytes[from..(to + 1).min(bytes.len())];
    gap.windows(2).any(|w| matches!(w[0], b'.' | b'!' | b'?') && w[1].is_ascii_whitespace())
}

/// Document numbers after their context words: a Dutch passport or identity
/// card number (two letters, six letters or digits, one digit; no letter O)
/// and a driving licence number (ten digits).
fn scan_documents(text: &str, ctx: &Contexts, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    let find = |contexts: &[(usize, usize)], kind: Kind, fits: fn(&[u8]) -> bool, out: &mut Vec<Finding>| {
        for &(_, end) in contexts {
            let stop = (end + DOCUMENT_REACH).min(bytes.len());
            let mut i = end;
            while i < stop {
                if !bytes[i].is_ascii_alphanumeric() {
                    i += 1;
                    continue;
                }
                let w = i;
                while i < bytes.len() && is_word_byte(bytes[i]) {
                    i += 1;
                }
                if fits(&bytes[w..i]) {
                    out.push(Finding::new(kind, w, i, 0.9, text));
                    break;
                }
            }
        }
    };
    find(&ctx.id, Kind::IdDocument, is_document_number, out);
    find(&ctx.licence, Kind::DrivingLicence, |w| w.len() == 10 && w.iter().all(u8::is_ascii_digit), out);
}

/// The layout of a Dutch passport or identity card number (since 2014).
fn is_document_number(w: &[u8]) -> bool {
    let letter = |c: &u8| c.is_ascii_uppercase() && *c != b'O';
    w.len() == 9
        && w[..2].iter().all(letter)
        && w[2..8].iter().all(|c| letter(c) || c.is_ascii_digit())
        && w[8].is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<&'static str> {
        scan_text(text).iter().map(|f| f.kind.as_str()).collect()
    }

    #[test]
    fn bsn_needs_context_or_grouping() {
        assert_eq!(kinds("BSN: 123456782"), ["bsn"]);
        assert_eq!(kinds("123456782 is het burgerservicenummer"), ["bsn"]);
        assert_eq!(kinds("Nummer 1234.56.782"), ["bsn"]);
        assert!(kinds("Factuur 123456782").is_empty());
        assert!(kinds("Uw BSN staat op de pas. Ordernummer 123456782").is_empty(), "another sentence");
        assert_eq!(kinds("naam;bsn\nJan;111222333"), ["bsn"], "a table's header");
        assert!(kinds("BSN: 123456783").is_empty(), "wrong check digit");
        assert_eq!(kinds("sofinummer 12345672"), ["bsn"], "eight digits, a leading zero implied");
        assert!(kinds("12345672").is_empty());
        assert_eq!(kinds("BSN's: 111222333, 123456782 en 1234.56.782"), ["bsn", "bsn", "bsn"]);
    }

    #[test]
    fn glued_numbers_are_not_numbers() {
        for text in ["BSN A123456782", "BSN 123456782-B", "BSN +123456782", "BSN 1.234.567,82", "BSN ORD-123456782"] {
            assert!(kinds(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn cards_and_ibans() {
        assert_eq!(kinds("kaart 4111 1111 1111 1111 geldig"), ["credit_card"]);
        assert_eq!(kinds("Amex 3782-822463-10005."), ["credit_card"]);
        assert!(kinds("kaart 4111 1111 1111 1112").is_empty());
        assert_eq!(kinds("IBAN DE89 3704 0044 0532 0130 00, BIC"), ["iban"]);
        assert_eq!(kinds("(GB82WEST12345698765432)"), ["iban"]);
        assert!(kinds("NL91ABNA0417164301").is_empty());
        assert!(kinds("NL91ABNA04171643001").is_empty(), "too long");
    }

    #[test]
    fn documents_need_their_word() {
        assert_eq!(kinds("Paspoortnummer: SPECI2014."), ["id_document"]);
        assert!(kinds("Code SPECI2014.").is_empty());
        assert_eq!(kinds("rijbewijsnummer 5012345678"), ["driving_licence"]);
    }

    #[test]
    fn weak_terms_need_a_person() {
        assert_eq!(kinds("De kerk is open op zondag."), Vec::<&str>::new());
        assert_eq!(kinds("Mevrouw Jansen gaat elke week naar de kerk."), ["religion"]);
        assert_eq!(kinds("naar de kerk, zegt de cliënt"), ["religion"]);
        assert_eq!(kinds("Health and safety rules for her visit."), Vec::<&str>::new());
        assert_eq!(kinds("Hij heeft een strafblad."), ["criminal_record"]);
        assert_eq!(kinds("De moskee en de ramadan"), ["religion", "religion"]);
        assert_eq!(kinds("De vakbond belt.\nDe vakbond mailt."), Vec::<&str>::new(), "the same weak word twice");
        assert_eq!(kinds("Zij heeft een strafblad.\nDe politie belde."), ["criminal_record", "criminal_record"]);
        assert_eq!(kinds("Geachte mevrouw Jansen,\nDe kerk is open."), Vec::<&str>::new());
        assert_eq!(kinds("Hij belde. De kerk is open."), Vec::<&str>::new());
        assert_eq!(kinds("Mevr. Jansen gaat naar de kerk."), ["religion"]);
    }

    #[test]
    fn no_break_spaces_separate_words() {
        assert_eq!(kinds("BSN\u{a0}111222333"), ["bsn"]);
        assert_eq!(kinds("111222333\u{202f}BSN"), ["bsn"]);
        assert_eq!(kinds("strafblad\u{a0}x"), ["criminal_record"]);
    }
}
