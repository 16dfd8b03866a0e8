//! Numbers: citizen service numbers, IBANs and card numbers, found by one
//! walk from digit to digit.
//!
//! A *token* is a run of digit groups joined by single spaces, dots or
//! hyphens (`1234 5678 9012 3456`, `1234.56.782`). A token glued to a word
//! (`A123456782`, `+31 6 ...`, `12,50`, `123456782-B`) is not a number of
//! any of these kinds. Within a token, spans of whole groups with one kind
//! of separator are tried, longest first, against the card layouts and
//! checks, then the BSN layouts and the 11-proof. An IBAN is recognised
//! where two capital letters precede a digit: its country gives its length.

use crate::Kind;
use crate::checks::{bsn_eleven_proof, card_issuer, iban_length, iban_mod97, luhn};
use crate::finding::Finding;
use crate::scan::{Contexts, sentence_ends};
use crate::terms::{is_word_byte, word_at, word_before};

/// Most groups read into one token; a longer token is cut (bounded work).
const MAX_GROUPS: usize = 64;
/// A BSN context word may end this many bytes before the number...
const BSN_BEFORE: usize = 80;
/// ... or start this many bytes after it.
const BSN_AFTER: usize = 40;
/// A BSN this close after an accepted one shares its context (a list).
const BSN_CHAIN: usize = 80;

/// Appends the numbers found in `text` to `out`.
pub(crate) fn scan_numbers(text: &str, ctx: &Contexts, out: &mut Vec<Finding>) {
    let b = text.as_bytes();
    let n = b.len();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut seps: Vec<u8> = Vec::new();
    let mut last_bsn_end: Option<usize> = None;
    let mut i = 0;
    while i < n {
        match next_digit(b, i) {
            Some(k) => i = k,
            None => break,
        }
        let start = i;
        if start >= 2
            && b[start - 1].is_ascii_uppercase()
            && b[start - 2].is_ascii_uppercase()
            && !word_before(b, start - 2)
        {
            if let Some(end) = iban_at(b, start - 2) {
                out.push(Finding::new(Kind::Iban, start - 2, end, 0.99, text));
                i = end;
                continue;
            }
        }
        groups.clear();
        seps.clear();
        let mut j = start;
        loop {
            let g0 = j;
            while j < n && b[j].is_ascii_digit() {
                j += 1;
            }
            groups.push((g0, j));
            if groups.len() < MAX_GROUPS && j + 1 < n && matches!(b[j], b' ' | b'.' | b'-') && b[j + 1].is_ascii_digit()
            {
                seps.push(b[j]);
                j += 1;
            } else {
                break;
            }
        }
        i = j;
        if attached_before(b, start) || attached_after(b, j) {
            continue;
        }
        let mut token = Token { text, groups: &groups, seps: &seps, ctx, last_bsn_end: &mut last_bsn_end };
        token.classify(out);
    }
}

/// The position of the next ASCII digit at or after `from`. Blocks of 32
/// bytes are tested whole first (the compiler turns that test into vector
/// instructions): text is mostly not digits.
fn next_digit(b: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while at + 32 <= b.len() {
        let block = &b[at..at + 32];
        if block.iter().fold(false, |any, c| any | (c.wrapping_sub(b'0') < 10)) {
            break;
        }
        at += 32;
    }
    b[at..].iter().position(u8::is_ascii_digit).map(|k| at + k)
}

/// A token glued to what precedes it: a word (`A123`), a country code
/// (`+31`), or a word and a joiner (`ORD-123`, `v1.2`).
fn attached_before(b: &[u8], start: usize) -> bool {
    if start == 0 {
        return false;
    }
    let p = b[start - 1];
    word_before(b, start)
        || p == b'+'
        || (matches!(p, b'.' | b',' | b'-' | b'/' | b'_') && start >= 2 && is_word_byte(b[start - 2]))
}

/// A token glued to what follows it: a word (`123abc`), decimals (`12,50`),
/// a joiner and a word (`123-B`, `12/03`), a mail address or message id
/// (`123456782@example.org`).
fn attached_after(b: &[u8], end: usize) -> bool {
    let Some(&p) = b.get(end) else { return false };
    let next = b.get(end + 1).copied();
    word_at(b, end)
        || p == b'@'
        || (p == b',' && next.is_some_and(|c| c.is_ascii_digit()))
        || (matches!(p, b'-' | b'/' | b'_') && next.is_some_and(is_word_byte))
}

struct Token<'a> {
    text: &'a str,
    groups: &'a [(usize, usize)],
    seps: &'a [u8],
    ctx: &'a Contexts,
    last_bsn_end: &'a mut Option<usize>,
}

impl Token<'_> {
    fn classify(&mut self, out: &mut Vec<Finding>) {
        let g = self.groups.len();
        let mut k = 0;
        while k < g {
            // The longest span from group k with one separator and ≤ 19 digits.
            let mut last = k;
            let mut total = self.len(k);
            while last + 1 < g && self.seps[last] == self.seps[k] && total + self.len(last + 1) <= 19 {
                last += 1;
                total += self.len(last);
            }
            let mut found = None;
            for m in (k..=last).rev() {
                if let Some(f) = self.span(k, m) {
                    found = Some((m, f));
                    break;
                }
            }
            match found {
                Some((m, f)) => {
                    if f.kind == Kind::Bsn {
                        *self.last_bsn_end = Some(f.end);
                    }
                    out.push(f);
                    k = m + 1;
                }
                None => k += 1,
            }
        }
    }

    fn len(&self, group: usize) -> usize {
        self.groups[group].1 - self.groups[group].0
    }

    /// The finding that groups `k..=m` make, if any.
    fn span(&self, k: usize, m: usize) -> Option<Finding> {
        // At most 19 digits, so at most 19 groups (no allocation per try).
        if m - k >= 19 {
            return None;
        }
        let mut sizes = [0usize; 19];
        for (slot, i) in sizes.iter_mut().zip(k..=m) {
            *slot = self.len(i);
        }
        let sizes = &sizes[..=m - k];
        let total: usize = sizes.iter().sum();
        if total > 19 {
            return None;
        }
        let sep = (m > k).then(|| self.seps[k]);
        let (start, end) = (self.groups[k].0, self.groups[m].1);
        let mut digits = [0u8; 19];
        let mut count = 0;
        for &c in &self.text.as_bytes()[start..end] {
            if c.is_ascii_digit() {
                digits[count] = c - b'0';
                count += 1;
            }
        }
        let digits = &digits[..count];
        if (13..=19).contains(&total) && card_layout(sizes, sep) && luhn(digits) && card_issuer(digits).is_some() {
            return Some(Finding::new(Kind::CreditCard, start, end, 0.95, self.text));
        }
        if total == 9 || (total == 8 && m == k) {
            // Alone or in a list separated by spaces; grouped 4.2.3 or 3.3.3.
            let spaced = self.seps.get(m).is_none_or(|&s| s == b' ') && (k == 0 || self.seps[k - 1] == b' ');
            let grouped = matches!(sizes, [4, 2, 3]);
            if !(grouped || matches!(sizes, [_] | [3, 3, 3])) || !spaced {
                return None;
            }
            let mut nine = [0u8; 9];
            nine[9 - total..].copy_from_slice(digits);
            if !bsn_eleven_proof(&nine) {
                return None;
            }
            let context = self.ctx.bsn_near(self.text.as_bytes(), start, end, BSN_BEFORE, BSN_AFTER)
                || self.last_bsn_end.is_some_and(|e| {
                    e <= start && start - e <= BSN_CHAIN && !sentence_ends(self.text.as_bytes(), e, start)
                });
            if context || (grouped && total == 9) {
                return Some(Finding::new(Kind::Bsn, start, end, if context { 0.97 } else { 0.85 }, self.text));
            }
        }
        None
    }
}

/// Card numbers are printed unbroken, in fours (the last group shorter), or
/// 4-6-5 (American Express) and 4-6-4 (Diners Club), with spaces or hyphens.
fn card_layout(sizes: &[usize], sep: Option<u8>) -> bool {
    match sep {
        None => true,
        Some(b' ' | b'-') => {
            let (last, init) = sizes.split_last().unwrap_or((&0, &[]));
            (init.iter().all(|&s| s == 4) && (1..=4).contains(last)) || matches!(sizes, [4, 6, 5] | [4, 6, 4])
        }
        Some(_) => false,
    }
}

/// The end of a valid IBAN starting at `s` (two capital letters), with no
/// spaces or with single spaces after each group of four.
fn iban_at(b: &[u8], s: usize) -> Option<usize> {
    let len = iban_length([b[s], b[s + 1]])?;
    let mut chars = [0u8; 34];
    let mut count = 0;
    let mut j = s;
    while count < len && j < b.len() {
        let c = b[j];
        if c.is_ascii_digit() || c.is_ascii_uppercase() || (count >= 4 && c.is_ascii_lowercase()) {
            chars[count] = c.to_ascii_uppercase();
            count += 1;
            j += 1;
        } else if c == b' ' && count % 4 == 0 && b.get(j + 1).is_some_and(u8::is_ascii_alphanumeric) {
            j += 1;
        } else {
            break;
        }
    }
    let glued = word_at(b, j);
    (count == len && !glued && chars[2].is_ascii_digit() && chars[3].is_ascii_digit() && iban_mod97(&chars[..len]))
        .then_some(j)
}
