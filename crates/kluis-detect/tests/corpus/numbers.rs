//! Valid numbers from their definitions, and their near misses.

use super::Rng;

fn digits_str(d: &[u8]) -> String {
    d.iter().map(|d| char::from(b'0' + d)).collect()
}

/// A BSN: eight random digits and the ninth that makes the 11-proof hold.
pub fn bsn(rng: &mut Rng) -> String {
    loop {
        let mut d: Vec<u8> = (0..8).map(|_| rng.digit()).collect();
        let sum: u32 = d.iter().zip((2..=9).rev()).map(|(d, w)| u32::from(*d) * w).sum();
        let check = sum % 11;
        if check == 10 || d.iter().all(|&x| x == 0) {
            continue;
        }
        d.push(check as u8);
        return digits_str(&d);
    }
}

/// A 9-digit number whose 11-proof fails.
pub fn not_bsn(rng: &mut Rng) -> String {
    loop {
        let d: Vec<u8> = (0..9).map(|_| rng.digit()).collect();
        let sum: i32 = d.iter().zip([9, 8, 7, 6, 5, 4, 3, 2, -1]).map(|(d, w)| i32::from(*d) * w).sum();
        if sum % 11 != 0 {
            return digits_str(&d);
        }
    }
}

/// The same number with one digit changed.
pub fn one_digit_off(rng: &mut Rng, number: &str) -> String {
    let positions: Vec<usize> = number.char_indices().filter(|(_, c)| c.is_ascii_digit()).map(|(i, _)| i).collect();
    let at = *rng.pick(&positions);
    let old = number.as_bytes()[at] - b'0';
    let new = (old + 1 + rng.below(9) as u8) % 10;
    let mut bytes = number.as_bytes().to_vec();
    bytes[at] = b'0' + new;
    String::from_utf8(bytes).unwrap_or_default()
}

/// The remainder of a digit/letter string modulo 97 (letters as 10..35).
fn mod97(s: &str) -> u32 {
    s.bytes().fold(0, |r, c| match c {
        b'0'..=b'9' => (r * 10 + u32::from(c - b'0')) % 97,
        _ => (r * 100 + u32::from(c - b'A' + 10)) % 97,
    })
}

/// (country, length of the BBAN, letters at the start of the BBAN).
const COUNTRIES: &[(&str, usize, usize)] = &[
    ("NL", 14, 4),
    ("NL", 14, 4),
    ("NL", 14, 4),
    ("BE", 12, 0),
    ("DE", 18, 0),
    ("GB", 18, 4),
    ("FR", 23, 0),
    ("ES", 20, 0),
    ("IT", 23, 1),
    ("LU", 16, 0),
    ("AT", 16, 0),
    ("CH", 17, 0),
    ("PL", 24, 0),
    ("NO", 11, 0),
];

/// An IBAN of a random country, check digits computed (ISO 7064 mod 97-10).
pub fn iban(rng: &mut Rng) -> String {
    let (country, len, letters) = *rng.pick(COUNTRIES);
    let bban: String = (0..len)
        .map(|i| if i < letters { char::from(b'A' + rng.below(26) as u8) } else { char::from(b'0' + rng.digit()) })
        .collect();
    let check = 98 - mod97(&format!("{bban}{country}00"));
    format!("{country}{check:02}{bban}")
}

/// An IBAN with its check digits changed (the rest valid).
pub fn iban_wrong_check(rng: &mut Rng) -> String {
    let good = iban(rng);
    let check: u32 = good[2..4].parse().unwrap_or(0);
    let mut wrong = 2 + rng.below(97) as u32;
    if wrong == check {
        wrong = if check == 98 { 2 } else { check + 1 };
    }
    format!("{}{wrong:02}{}", &good[..2], &good[4..])
}

/// Groups of four, as IBANs are printed.
pub fn in_fours(s: &str) -> String {
    s.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// (prefix, length) of card issuers.
const ISSUERS: &[(&str, usize)] = &[
    ("4", 16),
    ("4", 16),
    ("51", 16),
    ("53", 16),
    ("55", 16),
    ("2221", 16),
    ("34", 15),
    ("37", 15),
    ("6011", 16),
    ("3530", 16),
    ("36", 14),
];

/// A card number: an issuer prefix, random digits, the Luhn check digit.
pub fn card(rng: &mut Rng) -> String {
    let (prefix, len) = *rng.pick(ISSUERS);
    let mut d: Vec<u8> = prefix.bytes().map(|b| b - b'0').collect();
    while d.len() < len - 1 {
        d.push(rng.digit());
    }
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let v = u32::from(x) * if i % 2 == 0 { 2 } else { 1 };
            if v > 9 { v - 9 } else { v }
        })
        .sum();
    d.push(((10 - sum % 10) % 10) as u8);
    digits_str(&d)
}

/// A card number as printed: unbroken, in fours, or 4-6-5 / 4-6-4.
pub fn card_layout(rng: &mut Rng, n: &str) -> String {
    let sep = if rng.chance(50) { " " } else { "-" };
    match (n.len(), rng.below(3)) {
        (_, 0) => n.to_owned(),
        (15 | 14, _) => format!("{}{sep}{}{sep}{}", &n[..4], &n[4..10], &n[10..]),
        _ => n.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(sep),
    }
}

/// A Dutch passport or identity card number: two letters, six letters or
/// digits, one digit; no letter O.
pub fn document_number(rng: &mut Rng) -> String {
    const LETTERS: &[u8] = b"ABCDEFGHIJKLMNPQRSTUVWXYZ";
    let letter = |rng: &mut Rng| char::from(*rng.pick(LETTERS));
    let mut s: String = (0..2).map(|_| letter(rng)).collect();
    for _ in 0..6 {
        s.push(if rng.chance(70) { char::from(b'0' + rng.digit()) } else { letter(rng) });
    }
    s.push(char::from(b'0' + rng.digit()));
    s
}

/// A driving licence number: ten digits.
pub fn licence_number(rng: &mut Rng) -> String {
    let mut s = String::from(char::from(b'1' + rng.below(9) as u8));
    for _ in 0..9 {
        s.push(char::from(b'0' + rng.digit()));
    }
    s
}

/// `n` random digits.
pub fn random_digits(rng: &mut Rng, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + rng.digit())).collect()
}
