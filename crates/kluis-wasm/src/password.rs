//! Transfer passwords: generating one, rating one a person chose
//! (kluis-transfer's rules, so every binding says the same).

use wasm_bindgen::prelude::*;

#[cfg(feature = "rate")]
use crate::convert::{object, opt};
#[cfg(feature = "generate")]
use crate::error::Failure;

#[cfg(feature = "generate")]
/// A random password of at least 100 bits: `style` `"characters"` (the
/// default, `k7mq-3xpz-...`) or `"words"` (ten words).
///
/// ```js
/// generatePassword('words'); // 'employ-source-foot-...' (ten words)
/// ```
#[wasm_bindgen(js_name = generatePassword)]
pub fn generate_password(style: Option<String>) -> Result<String, Failure> {
    let style = match style.as_deref() {
        None | Some("characters") => kluis_transfer::PasswordStyle::Characters,
        Some("words") => kluis_transfer::PasswordStyle::Words,
        Some(other) => {
            return Err(Failure::invalid(format!("style must be \"characters\" or \"words\", got {other:?}")));
        }
    };
    Ok(kluis_transfer::generate_password(style)?.expose().to_owned())
}

#[cfg(feature = "rate")]
/// Rates a password a person chose: `{ acceptable, score, guessesLog10,
/// chars, warning?, suggestions, reason? }`; `context` lists words the
/// password should not lean on (names, addresses).
///
/// ```js
/// ratePassword('hunter2', []).acceptable; // false
/// ```
#[wasm_bindgen(js_name = ratePassword)]
pub fn rate_password(password: String, context: Option<Vec<String>>) -> JsValue {
    let context = context.unwrap_or_default();
    let words: Vec<&str> = context.iter().map(String::as_str).collect();
    let rating = kluis_transfer::rate_password(&kluis_core::Password::new(password), &words);
    let suggestions: js_sys::Array = rating.suggestions.iter().map(|s| JsValue::from_str(s)).collect();
    object(&[
        ("acceptable", rating.acceptable.into()),
        ("score", u32::from(rating.score).into()),
        ("guessesLog10", rating.guesses_log10.into()),
        ("chars", (rating.chars as f64).into()),
        ("warning", opt(rating.warning.clone())),
        ("suggestions", suggestions.into()),
        ("reason", opt(rating.reason())),
    ])
}
