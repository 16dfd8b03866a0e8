//! Redacted excerpts: the surroundings of a finding, never the full number.

/// Bytes of context shown on each side of a finding (widened to a
/// character boundary).
const CONTEXT: usize = 24;

/// The text around `start..end` on one line, with every digit masked except
/// the last two digits of the finding itself; for a number (`mask_letters`)
/// the letters inside the finding are masked too, except its first two (an
/// IBAN's country) and last two characters.
pub(crate) fn excerpt(text: &str, start: usize, end: usize, mask_letters: bool) -> String {
    let from = floor_boundary(text, start.saturating_sub(CONTEXT));
    let to = ceil_boundary(text, (end + CONTEXT).min(text.len()));
    // The last two alphanumeric characters of the finding stay visible.
    let mut keep_from = end;
    let mut kept = 0;
    for (i, b) in text.as_bytes()[start..end].iter().enumerate().rev() {
        if b.is_ascii_alphanumeric() {
            kept += 1;
            keep_from = start + i;
            if kept == 2 {
                break;
            }
        }
    }
    let mut out = String::with_capacity(to - from + 2);
    if from > 0 {
        out.push('…');
    }
    for (i, c) in text[from..to].char_indices() {
        let at = from + i;
        let inside = (start..end).contains(&at);
        let masked = if inside {
            at < keep_from && (c.is_ascii_digit() || (mask_letters && c.is_ascii_alphabetic() && at >= start + 2))
        } else {
            c.is_ascii_digit()
        };
        match c {
            _ if masked => out.push('*'),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    if to < text.len() {
        out.push('…');
    }
    out
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_the_last_two_digits() {
        let text = "Mijn BSN is 1234.56.782, tel 0612345678.";
        let start = text.find("1234").unwrap();
        let e = excerpt(text, start, start + 11, true);
        assert!(e.contains("****.**.*82"), "{e}");
        assert!(!e.contains("0612345678"), "{e}");
    }

    #[test]
    fn keeps_the_iban_country() {
        let text = "IBAN NL91ABNA0417164300.";
        let e = excerpt(text, 5, 23, true);
        assert_eq!(e, format!("IBAN NL{}00.", "*".repeat(14)));
    }

    #[test]
    fn respects_character_boundaries_and_newlines() {
        let text = "ééééééééééééééééé\npatiënt met diabetes ééééééééééééééé";
        let start = text.find("diabetes").unwrap();
        let e = excerpt(text, start, start + 8, false);
        assert!(e.contains("diabetes") && !e.contains('\n'), "{e}");
    }
}
