//! Transfer passwords: generated ones, and a strength rating for chosen ones.

use kluis_core::Password;
use zeroize::Zeroize;

use crate::error::TransferError;

/// The characters of generated passwords: digits and lowercase letters
/// without `0`, `1`, `i`, `l` and `o`, which are easily confused (31
/// characters, 4.95 bits each).
pub const PASSWORD_ALPHABET: &str = "23456789abcdefghjkmnpqrstuvwxyz";

/// Characters per dash-separated group of a generated password.
pub const PASSWORD_GROUP_LEN: usize = 4;

/// Groups in a generated password: 6 × 4 = 24 characters, 118.9 bits.
pub const PASSWORD_GROUPS: usize = 6;

/// Words in a generated word password: 10 × 11 bits = 110 bits.
pub const PASSWORD_WORDS: usize = 10;

/// The shortest user-chosen password that is accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The lowest acceptable zxcvbn score (0..=4).
pub const MIN_PASSWORD_SCORE: u8 = 3;

/// The kind of password [`generate_password`] makes.
///
/// ```
/// use kluis_transfer::PasswordStyle;
/// assert!(PasswordStyle::Characters.entropy_bits() >= 100.0);
/// assert!(PasswordStyle::Words.entropy_bits() >= 100.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PasswordStyle {
    /// Six groups of four characters from [`PASSWORD_ALPHABET`], separated
    /// by dashes, e.g. `k7mq-3xpz-h9wd-2rtf-bn4c-e8ya`: 118.9 bits.
    #[default]
    Characters,
    /// Ten words from the BIP-39 English list (2048 words, unique in their
    /// first four letters, chosen to be told apart when read), separated by
    /// dashes: 110 bits.
    Words,
}

impl PasswordStyle {
    /// The entropy of a generated password of this style, in bits.
    pub fn entropy_bits(self) -> f64 {
        match self {
            PasswordStyle::Characters => {
                (PASSWORD_GROUPS * PASSWORD_GROUP_LEN) as f64 * (PASSWORD_ALPHABET.len() as f64).log2()
            }
            PasswordStyle::Words => PASSWORD_WORDS as f64 * 11.0,
        }
    }
}

/// Fills `buf` from the operating system's random generator.
fn random(buf: &mut [u8]) -> Result<(), TransferError> {
    getrandom::fill(buf).map_err(|_| TransferError::Randomness)
}

/// Generates a random password of at least 100 bits (see [`PasswordStyle`]).
/// The password is exactly the text shown, dashes included.
///
/// ```
/// use kluis_transfer::{generate_password, rate_password, PasswordStyle};
/// let pw = generate_password(PasswordStyle::Characters)?;
/// assert_eq!(pw.expose().len(), 29);
/// assert!(pw.expose().split('-').all(|g| g.len() == 4));
/// assert!(rate_password(&pw, &[]).acceptable);
/// let words = generate_password(PasswordStyle::Words)?;
/// assert_eq!(words.expose().split('-').count(), 10);
/// # Ok::<(), kluis_transfer::TransferError>(())
/// ```
pub fn generate_password(style: PasswordStyle) -> Result<Password, TransferError> {
    let mut out = String::with_capacity(128);
    match style {
        PasswordStyle::Characters => {
            let alphabet = PASSWORD_ALPHABET.as_bytes();
            // Rejection sampling: bytes below 248 = 8·31 map uniformly.
            let limit = (256 / alphabet.len() * alphabet.len()) as u8;
            let mut buf = [0u8; 64];
            let mut produced = 0;
            while produced < PASSWORD_GROUPS * PASSWORD_GROUP_LEN {
                random(&mut buf)?;
                for &b in &buf {
                    if b >= limit || produced == PASSWORD_GROUPS * PASSWORD_GROUP_LEN {
                        continue;
                    }
                    if produced > 0 && produced % PASSWORD_GROUP_LEN == 0 {
                        out.push('-');
                    }
                    out.push(char::from(alphabet[usize::from(b) % alphabet.len()]));
                    produced += 1;
                }
            }
            buf.zeroize();
        }
        PasswordStyle::Words => {
            let list = bip39::Language::English.word_list();
            let mut buf = [0u8; 2 * PASSWORD_WORDS];
            random(&mut buf)?;
            for (i, pair) in buf.chunks_exact(2).enumerate() {
                if i > 0 {
                    out.push('-');
                }
                // 2048 = 2^11 words: the low 11 bits index them without bias.
                let index = usize::from(u16::from_be_bytes([pair[0], pair[1]]) & 0x07ff);
                out.push_str(list[index]);
            }
            buf.zeroize();
        }
    }
    Ok(Password::new(out))
}

/// How strong a user-chosen password is, by the zxcvbn estimator.
///
/// ```
/// use kluis_transfer::{rate_password, Password};
/// let weak = rate_password(&Password::new("password123"), &[]);
/// assert!(!weak.acceptable);
/// assert!(weak.score < 3);
/// assert!(weak.reason().is_some());
/// let strong = rate_password(&Password::new("Tulpen fietsen 7 keer langs de Amstel"), &[]);
/// assert!(strong.acceptable, "{:?}", strong.reason());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PasswordRating {
    /// zxcvbn score: 0 (guessable in 10³ tries) to 4 (more than 10¹⁰).
    pub score: u8,
    /// Whether the policy accepts it: score ≥ 3 and at least 10 characters.
    pub acceptable: bool,
    /// What is wrong with it, if zxcvbn found a pattern.
    pub warning: Option<String>,
    /// How to make it stronger.
    pub suggestions: Vec<String>,
    /// log₁₀ of the estimated number of guesses.
    pub guesses_log10: f64,
    /// Length in characters (after normalisation).
    pub chars: usize,
}

impl PasswordRating {
    /// Why the password is not acceptable, in a sentence for the user;
    /// `None` when it is.
    pub fn reason(&self) -> Option<String> {
        if self.acceptable {
            return None;
        }
        let mut reason = if self.chars < MIN_PASSWORD_CHARS {
            format!("it has {} characters; at least {MIN_PASSWORD_CHARS} are needed", self.chars)
        } else {
            format!(
                "it is too easy to guess (about 10^{:.0} guesses; strength {} of 4, at least {MIN_PASSWORD_SCORE} needed)",
                self.guesses_log10.max(0.0),
                self.score
            )
        };
        if let Some(warning) = &self.warning {
            reason.push_str(". ");
            reason.push_str(warning.trim_end_matches('.'));
        }
        if let Some(suggestion) = self.suggestions.first() {
            reason.push_str(". ");
            reason.push_str(suggestion.trim_end_matches('.'));
        }
        Some(reason)
    }
}

/// Rates `password` with zxcvbn. `context` holds words the password should
/// not be built from (sender, recipients, subject): they count as known.
///
/// The policy: acceptable iff the score is at least 3 and the password has
/// at least 10 characters. Only the first 100 characters are analysed
/// (a zxcvbn limit); longer passwords are at least as strong.
///
/// ```
/// use kluis_transfer::{rate_password, Password};
/// let rating = rate_password(&Password::new("short"), &[]);
/// assert!(!rating.acceptable);
/// assert!(rating.reason().unwrap().starts_with("it has 5 characters; at least 10 are needed"));
/// // Names from the transfer itself count as easy to guess.
/// let pw = Password::new("bakkerijjansen");
/// assert!(rate_password(&pw, &["p.jansen@bakkerij.nl"]).guesses_log10 < rate_password(&pw, &[]).guesses_log10);
/// ```
pub fn rate_password(password: &Password, context: &[&str]) -> PasswordRating {
    let normalized = password.normalized();
    let mut inputs: Vec<&str> = Vec::new();
    for item in context {
        inputs.push(item);
        // Parts of addresses and subjects count too: "p.jansen@bakkerij.nl"
        // gives "jansen" and "bakkerij".
        inputs.extend(item.split(|c: char| !c.is_alphanumeric()).filter(|p| p.chars().count() >= 3));
    }
    let entropy = zxcvbn::zxcvbn(&normalized, &inputs);
    let score = u8::from(entropy.score());
    let chars = normalized.chars().count();
    let feedback = entropy.feedback();
    PasswordRating {
        score,
        acceptable: score >= MIN_PASSWORD_SCORE && chars >= MIN_PASSWORD_CHARS,
        warning: feedback.and_then(|f| f.warning()).map(|w| w.to_string()),
        suggestions: feedback.map(|f| f.suggestions().iter().map(ToString::to_string).collect()).unwrap_or_default(),
        guesses_log10: if entropy.guesses_log10().is_finite() { entropy.guesses_log10() } else { 0.0 },
        chars,
    }
}

/// Refuses a weak password unless `allow_weak`; the error carries the reason.
pub(crate) fn check_password(password: &Password, allow_weak: bool, context: &[&str]) -> Result<(), TransferError> {
    if password.normalized().is_empty() {
        return Err(TransferError::WeakPassword { reason: "the password is empty".into() });
    }
    if allow_weak {
        return Ok(());
    }
    match rate_password(password, context).reason() {
        None => Ok(()),
        Some(reason) => Err(TransferError::WeakPassword { reason }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_characters() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let pw = generate_password(PasswordStyle::Characters).unwrap();
            let text = pw.expose();
            assert_eq!(text.len(), 29);
            let groups: Vec<_> = text.split('-').collect();
            assert_eq!(groups.len(), PASSWORD_GROUPS);
            for g in groups {
                assert_eq!(g.len(), PASSWORD_GROUP_LEN);
                assert!(g.chars().all(|c| PASSWORD_ALPHABET.contains(c)), "{text}");
            }
            // Every generated password passes the policy without an override.
            assert!(rate_password(&pw, &[]).acceptable, "{text}");
            assert!(seen.insert(text.to_owned()));
        }
    }

    #[test]
    fn alphabet_is_unambiguous_and_entropy_is_enough() {
        assert_eq!(PASSWORD_ALPHABET.len(), 31);
        for c in ['0', '1', 'i', 'l', 'o'] {
            assert!(!PASSWORD_ALPHABET.contains(c));
        }
        assert!((PasswordStyle::Characters.entropy_bits() - 118.9).abs() < 0.1);
        assert!(PasswordStyle::Words.entropy_bits() >= 100.0);
    }

    #[test]
    fn generated_words() {
        let list = bip39::Language::English.word_list();
        assert_eq!(list.len(), 2048);
        for _ in 0..50 {
            let pw = generate_password(PasswordStyle::Words).unwrap();
            let words: Vec<_> = pw.expose().split('-').collect();
            assert_eq!(words.len(), PASSWORD_WORDS);
            assert!(words.iter().all(|w| list.contains(w)));
            assert!(rate_password(&pw, &[]).acceptable, "{}", pw.expose());
        }
    }

    #[test]
    fn policy() {
        for weak in ["", "password", "password123", "Summer2024!", "qwertyuiop", "aaaaaaaaaaaaaaaa", "1234567890"] {
            let r = rate_password(&Password::new(weak), &[]);
            assert!(!r.acceptable, "{weak}");
            assert!(r.reason().is_some());
        }
        // Strong by zxcvbn but too short for the policy.
        let r = rate_password(&Password::new("x7#Qp!2zK"), &[]);
        assert!(r.score >= 3, "{r:?}");
        assert!(!r.acceptable);
        assert!(r.reason().unwrap().contains("at least 10"));
        // Built from the context: weaker than without it.
        let pw = Password::new("bakkerijjansen");
        let alone = rate_password(&pw, &[]);
        let with = rate_password(&pw, &["p.jansen@bakkerij.nl"]);
        assert!(with.guesses_log10 < alone.guesses_log10, "{alone:?} {with:?}");
    }

    #[test]
    fn check_refuses_weak_unless_allowed() {
        let weak = Password::new("letmein");
        let e = check_password(&weak, false, &[]).unwrap_err();
        assert!(matches!(e, TransferError::WeakPassword { ref reason } if reason.contains("at least 10")), "{e}");
        check_password(&weak, true, &[]).unwrap();
        assert!(check_password(&Password::new(""), true, &[]).is_err());
    }
}
