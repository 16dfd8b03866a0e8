//! The recipient notice (kluis-protocol's `RecipientNotice`): the subject
//! and text of the mail that carries a transfer's link, for an add-in that
//! pastes it into the mail being written. The text is the one `kluis send`
//! prints and a drop server mails; this file only converts.

use wasm_bindgen::prelude::*;

use crate::convert::object;
use crate::error::Failure;

/// The notice for the transfer at `link` from `sender`, available until
/// `expiresAt` (Unix seconds), in `language` (`"en"`, the default, or
/// `"nl"`): `{ subject, body }`, the body plain text with lines ending in
/// `\n`. It never holds the password, the subject, a file name or the
/// message. A `link` that is not a transfer link (or carries a query or
/// fragment) is `InvalidArgument`.
///
/// ```js
/// recipientNotice('ann@example.org', 'https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa', 1700604800, 'nl').subject;
/// // 'Versleutelde bestanden van ann@example.org'
/// ```
#[wasm_bindgen(js_name = recipientNotice)]
pub fn recipient_notice(
    sender: String,
    link: String,
    expires_at: f64,
    language: Option<String>,
) -> Result<JsValue, Failure> {
    let notice = notice(&sender, &link, expires_at, language.as_deref())?;
    Ok(object(&[("subject", notice.subject.into()), ("body", notice.body.into())]))
}

/// The checks and the text, apart from JavaScript (tested natively).
fn notice(
    sender: &str,
    link: &str,
    expires_at: f64,
    language: Option<&str>,
) -> Result<kluis_transfer::RecipientNotice, Failure> {
    kluis_transfer::Link::parse(link).map_err(|e| Failure::invalid(format!("{link:?} is not a transfer link: {e}")))?;
    let expires_at = crate::convert::whole(expires_at, 9_007_199_254_740_991.0, "expiresAt")? as u64;
    let language = match language {
        None => kluis_transfer::Language::default(),
        Some(code) => {
            code.parse().map_err(|e: kluis_transfer::protocol::UnknownLanguage| Failure::invalid(e.to_string()))?
        }
    };
    Ok(kluis_transfer::RecipientNotice::new(language, sender, link, expires_at))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa";

    #[test]
    fn the_text_is_the_protocols() {
        for language in kluis_transfer::Language::ALL {
            let ours = notice("ann@example.org", LINK, 1_700_604_800.0, Some(language.code()));
            let theirs = kluis_transfer::RecipientNotice::new(language, "ann@example.org", LINK, 1_700_604_800);
            assert_eq!(ours, Ok(theirs));
        }
        assert_eq!(notice("a@b.org", LINK, 0.0, None), notice("a@b.org", LINK, 0.0, Some("en")));
    }

    #[test]
    fn bad_arguments_are_refused() {
        for bad in ["", "https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa#pw=geheim", "https://x.org/"] {
            let r = notice("ann@example.org", bad, 0.0, None);
            assert!(
                matches!(&r, Err(f) if f.kind == "InvalidArgument" && f.message.contains("not a transfer link")),
                "{bad}: {r:?}"
            );
        }
        assert!(matches!(notice("a@b.org", LINK, 0.0, Some("de")), Err(f) if f.kind == "InvalidArgument"));
        assert!(matches!(notice("a@b.org", LINK, -1.0, None), Err(f) if f.kind == "InvalidArgument"));
        assert!(matches!(notice("a@b.org", LINK, 1.5, None), Err(f) if f.kind == "InvalidArgument"));
    }
}
