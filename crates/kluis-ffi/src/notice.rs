//! The recipient notice: [`recipient_notice`] renders the subject and text
//! of the mail that carries a transfer's link, the same text `kluis send`
//! prints and a Kluis drop server mails (`kluis_protocol::RecipientNotice`).
//! (The example lives here: the function's documentation is copied into
//! the Python, Kotlin and C# code.)
//!
//! ```
//! use kluis_ffi::{Language, recipient_notice};
//! let link = "https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa";
//! let notice = recipient_notice("ann@example.org".into(), link.into(), 1_700_604_800, Some(Language::Nl))?;
//! assert_eq!(notice.subject, "Versleutelde bestanden van ann@example.org");
//! assert!(notice.body.contains(link));
//! # Ok::<(), kluis_ffi::KluisError>(())
//! ```

use kluis_transfer as kt;

use crate::error::KluisError;

/// The language of a recipient notice, and of a drop server's notice mail
/// (`HttpOptions.language`). The default is
/// English (`kluis_protocol::Language::default()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Language {
    /// English (`en`).
    En,
    /// Dutch (`nl`).
    Nl,
}

impl Default for Language {
    fn default() -> Self {
        kt::Language::default().into()
    }
}

impl From<kt::Language> for Language {
    fn from(l: kt::Language) -> Self {
        match l {
            kt::Language::En => Language::En,
            kt::Language::Nl => Language::Nl,
        }
    }
}

impl From<Language> for kt::Language {
    fn from(l: Language) -> Self {
        match l {
            Language::En => kt::Language::En,
            Language::Nl => kt::Language::Nl,
        }
    }
}

/// The subject and plain-text body of the mail that gives recipients a
/// transfer's link. It names the sender, the link, the expiry and how to
/// receive, and never the password, the subject, a file name or the
/// message: the mail travels in the clear.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct RecipientNotice {
    /// The mail's subject.
    pub subject: String,
    /// The mail's text (lines end in `\n`).
    pub body: String,
}

/// The notice for the transfer at `link`, sent by `sender` and available
/// until `expires_at` (Unix seconds, as in `SentTransfer.expires_at`), in
/// `language` (None: English). `link` must be a transfer link
/// (`DirectoryTransport.link`, `HttpTransport.link`): anything else, or a
/// link with a query or fragment that could carry a secret, raises
/// `InvalidArgument`.
#[uniffi::export(default(language = None))]
pub fn recipient_notice(
    sender: String,
    link: String,
    expires_at: u64,
    language: Option<Language>,
) -> Result<RecipientNotice, KluisError> {
    kt::Link::parse(&link).map_err(|e| KluisError::invalid(format!("{link:?} is not a transfer link: {e}")))?;
    let language = language.map_or_else(kt::Language::default, Into::into);
    let notice = kt::RecipientNotice::new(language, &sender, &link, expires_at);
    Ok(RecipientNotice { subject: notice.subject, body: notice.body })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa";

    /// Each language renders exactly the text of kluis-protocol (which the
    /// CLI and the server use), and None is the Rust default language.
    #[test]
    fn notices_are_the_protocols() {
        for language in kt::Language::ALL {
            let ours = recipient_notice("ann@example.org".into(), LINK.into(), 1_700_604_800, Some(language.into()));
            let theirs = kt::RecipientNotice::new(language, "ann@example.org", LINK, 1_700_604_800);
            assert_eq!(ours.ok(), Some(RecipientNotice { subject: theirs.subject, body: theirs.body }));
            assert_eq!(kt::Language::from(Language::from(language)), language);
        }
        let default = recipient_notice("ann@example.org".into(), LINK.into(), 0, None).ok();
        let english = recipient_notice("ann@example.org".into(), LINK.into(), 0, Some(Language::En)).ok();
        assert_eq!(default, english);
        assert_eq!(Language::default(), Language::En);
    }

    #[test]
    fn only_a_transfer_link_is_accepted() {
        for bad in
            ["", "https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa#pw=geheim", "mailto:a@b", "https://x.org/"]
        {
            let r = recipient_notice("ann@example.org".into(), bad.into(), 0, None);
            assert!(
                matches!(&r, Err(KluisError::InvalidArgument(m)) if m.contains("not a transfer link")),
                "{bad}: {r:?}"
            );
        }
    }
}
