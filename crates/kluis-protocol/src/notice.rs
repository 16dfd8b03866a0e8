//! The recipient notice: the subject and text of the mail that carries a
//! transfer's link, in English or Dutch.
//!
//! One text for every front end: `kluis send` prints it, the drop server
//! mails it, and the bindings hand it to an add-in that pastes it into a
//! mail. It holds the sender's address, the link, the expiry and how to open
//! the transfer, and never the password, the subject, a file name or the
//! message: the mail travels in the clear. (A drop server may add the
//! subject and file names below it, only when the sender opted in.)

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::time::rfc3339;

/// The language of a notice. The sender chooses; the default is English.
///
/// ```
/// use kluis_protocol::Language;
/// assert_eq!(Language::default(), Language::En);
/// assert_eq!("nl".parse::<Language>(), Ok(Language::Nl));
/// assert_eq!(Language::Nl.to_string(), "nl");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English (`en`).
    #[default]
    En,
    /// Dutch (`nl`).
    Nl,
}

impl Language {
    /// Every language, in the order of their codes.
    pub const ALL: [Language; 2] = [Language::En, Language::Nl];

    /// The language's code: `en` or `nl`.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Nl => "nl",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A language code other than `en` or `nl`.
///
/// ```
/// assert!("de".parse::<kluis_protocol::Language>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?} (expected en or nl)")]
pub struct UnknownLanguage(pub String);

impl FromStr for Language {
    type Err = UnknownLanguage;
    fn from_str(s: &str) -> Result<Self, UnknownLanguage> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" => Ok(Language::En),
            "nl" => Ok(Language::Nl),
            _ => Err(UnknownLanguage(s.to_owned())),
        }
    }
}

/// The subject and plain-text body of the mail that gives recipients the
/// link (never the password).
///
/// ```
/// use kluis_protocol::{Language, RecipientNotice};
/// let link = "https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa";
/// let notice = RecipientNotice::new(Language::En, "ann@example.org", link, 1_700_604_800);
/// assert_eq!(notice.subject, "Encrypted files from ann@example.org");
/// assert!(notice.body.contains(link));
/// assert!(notice.body.contains("until 2023-11-21 22:13 UTC"));
/// let dutch = RecipientNotice::new(Language::Nl, "ann@example.org", link, 1_700_604_800);
/// assert_eq!(dutch.subject, "Versleutelde bestanden van ann@example.org");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientNotice {
    /// The mail's subject.
    pub subject: String,
    /// The mail's text.
    pub body: String,
}

impl RecipientNotice {
    /// The notice for a transfer from `sender` at `link`, available until
    /// `expires_at` (Unix seconds).
    pub fn new(language: Language, sender: &str, link: &str, expires_at: u64) -> RecipientNotice {
        let sender = one_line(sender);
        let link = one_line(link);
        let until = readable_time(expires_at);
        let command = shell_word(&link);
        match language {
            Language::En => RecipientNotice {
                subject: format!("Encrypted files from {sender}"),
                body: format!(
                    "Hello,\n\
                     \n\
                     {sender} has sent you files, encrypted end to end with Kluis.\n\
                     You can receive them until {until} at this link:\n\
                     \n\
                     \x20   {link}\n\
                     \n\
                     You will get the password separately, by phone or text message: it is\n\
                     not in this mail. To receive the files, run\n\
                     \n\
                     \x20   kluis receive {command}\n\
                     \n\
                     and type the password when asked. The files are checked and saved in\n\
                     the current folder.\n"
                ),
            },
            Language::Nl => RecipientNotice {
                subject: format!("Versleutelde bestanden van {sender}"),
                body: format!(
                    "Hallo,\n\
                     \n\
                     {sender} heeft u bestanden gestuurd, end-to-end versleuteld met Kluis.\n\
                     U kunt ze tot {until} ontvangen via deze link:\n\
                     \n\
                     \x20   {link}\n\
                     \n\
                     Het wachtwoord krijgt u apart, per telefoon of sms: het staat niet in\n\
                     deze mail. Om de bestanden te ontvangen, voert u uit\n\
                     \n\
                     \x20   kluis receive {command}\n\
                     \n\
                     en typt u het wachtwoord als daarom wordt gevraagd. De bestanden worden\n\
                     gecontroleerd en in de huidige map opgeslagen.\n"
                ),
            },
        }
    }
}

/// `2026-12-03 20:39 UTC`.
fn readable_time(unix: u64) -> String {
    let stamp = rfc3339(unix);
    match (stamp.get(..10), stamp.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time} UTC"),
        _ => stamp,
    }
}

/// One line of text without control characters.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// `text` as one word for a POSIX shell: unchanged when it holds only
/// characters no shell treats specially, otherwise in single quotes.
///
/// ```
/// # use kluis_protocol::notice::shell_word;
/// assert_eq!(shell_word("https://x.org/t/a"), "https://x.org/t/a");
/// assert_eq!(shell_word("file:///a b/c"), "'file:///a b/c'");
/// assert_eq!(shell_word("it's"), "'it'\\''s'");
/// ```
pub fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:%@+=,".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa";

    #[test]
    fn notices_hold_the_link_and_no_secret() {
        for language in Language::ALL {
            let notice = RecipientNotice::new(language, "ann@example.org", LINK, 1_700_604_800);
            assert!(notice.body.contains(&format!("    {LINK}\n")), "{language}: {}", notice.body);
            assert!(notice.body.contains(&format!("    kluis receive {LINK}\n")), "{language}");
            assert!(notice.body.contains("2023-11-21 22:13 UTC"), "{language}");
            assert!(notice.subject.contains("ann@example.org"));
        }
    }

    #[test]
    fn control_characters_cannot_forge_lines() {
        let notice = RecipientNotice::new(Language::En, "a@b\r\nBcc: x@y", LINK, 0);
        assert!(!notice.subject.contains('\n') && !notice.subject.contains('\r'));
        assert!(!notice.body.contains("\nBcc"));
    }

    #[test]
    fn languages_round_trip() {
        for language in Language::ALL {
            assert_eq!(language.code().parse::<Language>(), Ok(language));
            let json = serde_json::to_string(&language).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", language.code()));
        }
        assert_eq!(" NL ".parse::<Language>(), Ok(Language::Nl));
    }
}
