//! Generated passwords: random, easy to read aloud and to type.
//!
//! A password is [`SYMBOLS`] symbols drawn uniformly from [`ALPHABET`] with
//! the operating system's random generator, written in groups of
//! [`GROUP_LEN`] joined by `-`, for example `k7dm-3xq9-...`. The alphabet
//! leaves out the look-alikes `0 o 1 l i`, so a password read from paper or
//! over the phone is typed right the first time. Its strength is
//! `SYMBOLS · log2(31)` ≈ 118.9 bits ([`ENTROPY_BITS`]), well above the
//! 100 bits asked for.
//!
//! This module depends on nothing else in the CLI so that it can move to a
//! library crate as it is.

use zeroize::Zeroizing;

/// The symbols a generated password is made of: the digits 2 to 9 and the
/// lowercase letters without `i`, `l` and `o`.
pub(crate) const ALPHABET: &[u8; 31] = b"23456789abcdefghjkmnpqrstuvwxyz";

/// Number of random symbols in a password.
pub(crate) const SYMBOLS: usize = 24;

/// Symbols per group; groups are joined by `-`.
pub(crate) const GROUP_LEN: usize = 4;

/// Entropy of a generated password, in bits: `SYMBOLS · log2(31)`.
pub(crate) const ENTROPY_BITS: f64 = SYMBOLS as f64 * 4.954_196_310_386_876;

// The promise of `--generate-password`, checked when compiling.
const _: () = assert!(ENTROPY_BITS >= 100.0);

/// Bytes at or above this value are rejected so that `byte % 31` is uniform
/// (248 = 8 · 31).
const REJECT_FROM: u8 = (256 / ALPHABET.len() * ALPHABET.len()) as u8;

/// Generates a password from the operating system's random generator.
///
/// ```text
/// let password = generate()?;   // e.g. "k7dm-3xq9-ab2c-u8we-h4tn-9pzr"
/// ```
pub(crate) fn generate() -> Result<Zeroizing<String>, getrandom::Error> {
    generate_with(getrandom::fill)
}

/// Generates a password, drawing random bytes with `fill`.
fn generate_with<E>(mut fill: impl FnMut(&mut [u8]) -> Result<(), E>) -> Result<Zeroizing<String>, E> {
    let groups = SYMBOLS.div_ceil(GROUP_LEN);
    let mut out = Zeroizing::new(String::with_capacity(SYMBOLS + groups));
    let mut random = Zeroizing::new([0u8; 64]);
    let mut next = random.len();
    let mut produced = 0;
    while produced < SYMBOLS {
        if next == random.len() {
            fill(random.as_mut())?;
            next = 0;
        }
        let byte = random[next];
        next += 1;
        if byte >= REJECT_FROM {
            continue;
        }
        if produced > 0 && produced % GROUP_LEN == 0 {
            out.push('-');
        }
        out.push(char::from(ALPHABET[usize::from(byte) % ALPHABET.len()]));
        produced += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strong_enough() {
        assert!((ENTROPY_BITS - SYMBOLS as f64 * (ALPHABET.len() as f64).log2()).abs() < 1e-9);
        assert_eq!(REJECT_FROM, 248);
    }

    #[test]
    fn alphabet_is_unambiguous_and_distinct() {
        for c in b"01ilo" {
            assert!(!ALPHABET.contains(c), "{}", char::from(*c));
        }
        let mut sorted = ALPHABET.to_vec();
        sorted.dedup();
        assert_eq!(sorted.len(), 31);
    }

    #[test]
    fn shape() {
        let pw = generate().expect("OS random generator");
        let groups: Vec<&str> = pw.split('-').collect();
        assert_eq!(groups.len(), SYMBOLS / GROUP_LEN);
        assert!(groups.iter().all(|g| g.len() == GROUP_LEN && g.bytes().all(|b| ALPHABET.contains(&b))));
        assert_ne!(*pw, *generate().expect("OS random generator"));
    }

    #[test]
    fn rejects_biased_bytes_and_covers_the_alphabet() {
        // Bytes 248..=255 would favour the first eight symbols: they are skipped.
        let mut counter = 0u8;
        let pw = generate_with(|buf: &mut [u8]| {
            for b in buf.iter_mut() {
                *b = if counter % 2 == 0 { 255 } else { counter / 2 };
                counter = counter.wrapping_add(1);
            }
            Ok::<(), ()>(())
        })
        .expect("infallible");
        let symbols: String = pw.chars().filter(|&c| c != '-').collect();
        assert_eq!(symbols, std::str::from_utf8(&ALPHABET[..SYMBOLS]).expect("ASCII"));

        // Every byte below 248 maps to symbol byte % 31, so each symbol is equally likely.
        let mut seen = [0u32; 31];
        for byte in 0..REJECT_FROM {
            seen[usize::from(byte) % 31] += 1;
        }
        assert!(seen.iter().all(|&n| n == 8));
    }

    #[test]
    fn random_failure_is_reported() {
        assert_eq!(generate_with(|_: &mut [u8]| Err("no entropy")).map(|_| ()), Err("no entropy"));
    }
}
