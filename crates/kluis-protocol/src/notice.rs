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
/// A link to a drop server (`https://`, or `http://` on a test machine)
/// tells the recipient to open it in a browser, where the server's receive
/// page asks for the password, and keeps one line for command-line users;
/// any other link (a shared folder's `file://`) can only be received with
/// `kluis receive`, so the notice says that.
///
/// ```
/// use kluis_protocol::{Language, RecipientNotice};
/// let link = "https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa";
/// let notice = RecipientNotice::new(Language::En, "ann@example.org", link, 1_700_604_800);
/// assert_eq!(notice.subject, "Encrypted files from ann@example.org");
/// assert!(notice.body.contains(link));
/// assert!(notice.body.contains("until 2023-11-21 22:13 UTC"));
/// assert!(notice.body.contains("Open this link in your browser"));
/// let dutch = RecipientNotice::new(Language::Nl, "ann@example.org", link, 1_700_604_800);
/// assert_eq!(dutch.subject, "Versleutelde bestanden van ann@example.org");
/// assert!(dutch.body.contains("Open deze link in uw browser"));
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
        let web = opens_in_a_browser(&link);
        match language {
            Language::En => RecipientNotice {
                subject: format!("Encrypted files from {sender}"),
                body: if web {
                    format!(
                        "Hello,\n\
                         \n\
                         {sender} has sent you files with Kluis. The files are encrypted.\n\
                         You can get them until {until}.\n\
                         \n\
                         Open this link in your browser:\n\
                         \n\
                         \x20   {link}\n\
                         \n\
                         Then type the password. The sender tells you the password by phone\n\
                         or by text message (SMS): it is not in this mail. After that you can\n\
                         save the files on your computer or phone.\n\
                         \n\
                         Do you use the Kluis command line? Then run:\n\
                         \n\
                         \x20   kluis receive {command}\n"
                    )
                } else {
                    format!(
                        "Hello,\n\
                         \n\
                         {sender} has sent you files with Kluis. The files are encrypted.\n\
                         You can get them until {until} at this link:\n\
                         \n\
                         \x20   {link}\n\
                         \n\
                         The sender tells you the password by phone or by text message (SMS):\n\
                         it is not in this mail. To receive the files, run\n\
                         \n\
                         \x20   kluis receive {command}\n\
                         \n\
                         and type the password when asked. The files are checked and saved in\n\
                         the current folder.\n"
                    )
                },
            },
            Language::Nl => RecipientNotice {
                subject: format!("Versleutelde bestanden van {sender}"),
                body: if web {
                    format!(
                        "Hallo,\n\
                         \n\
                         {sender} heeft u bestanden gestuurd met Kluis. De bestanden zijn\n\
                         versleuteld. U kunt ze ophalen tot {until}.\n\
                         \n\
                         Open deze link in uw browser:\n\
                         \n\
                         \x20   {link}\n\
                         \n\
                         Typ dan het wachtwoord. Dat krijgt u van de afzender via de telefoon\n\
                         of per sms. Het wachtwoord staat niet in deze mail. Daarna kunt u de\n\
                         bestanden opslaan op uw computer of telefoon.\n\
                         \n\
                         Gebruikt u de opdrachtregel van Kluis? Typ dan:\n\
                         \n\
                         \x20   kluis receive {command}\n"
                    )
                } else {
                    format!(
                        "Hallo,\n\
                         \n\
                         {sender} heeft u bestanden gestuurd met Kluis. De bestanden zijn\n\
                         versleuteld. U kunt ze ophalen tot {until} via deze link:\n\
                         \n\
                         \x20   {link}\n\
                         \n\
                         Het wachtwoord krijgt u van de afzender via de telefoon of per sms.\n\
                         Het staat niet in deze mail. Om de bestanden op te halen, typt u\n\
                         \n\
                         \x20   kluis receive {command}\n\
                         \n\
                         en daarna het wachtwoord. De bestanden worden gecontroleerd en in de\n\
                         huidige map opgeslagen.\n"
                    )
                },
            },
        }
    }
}

/// Whether `link` is a drop server's page (`https://` or `http://`), which
/// a browser opens.
fn opens_in_a_browser(link: &str) -> bool {
    let scheme = link.split_once("://").map(|(scheme, _)| scheme.to_ascii_lowercase());
    matches!(scheme.as_deref(), Some("https" | "http"))
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

    /// The sentences that tell a recipient of a web link what to do.
    fn browser_steps(language: Language) -> [&'static str; 3] {
        match language {
            Language::En => [
                "Open this link in your browser:",
                "Then type the password. The sender tells you the password by phone\nor by text message (SMS): it is not in this mail.",
                "Do you use the Kluis command line? Then run:",
            ],
            Language::Nl => [
                "Open deze link in uw browser:",
                "Typ dan het wachtwoord. Dat krijgt u van de afzender via de telefoon\nof per sms. Het wachtwoord staat niet in deze mail.",
                "Gebruikt u de opdrachtregel van Kluis? Typ dan:",
            ],
        }
    }

    #[test]
    fn web_links_are_opened_in_a_browser_with_the_password_told_apart() {
        for language in Language::ALL {
            let notice = RecipientNotice::new(language, "ann@example.org", LINK, 1_700_604_800);
            assert!(notice.body.contains(&format!("\n    {LINK}\n")), "{language}: {}", notice.body);
            for step in browser_steps(language) {
                assert!(notice.body.contains(step), "{language}: {step:?} in {}", notice.body);
            }
            // The command line keeps one short line, last.
            assert!(notice.body.ends_with(&format!(":\n\n    kluis receive {LINK}\n")), "{language}");
            assert!(!notice.body.to_lowercase().contains("install"), "{language}");
            assert!(notice.body.contains("2023-11-21 22:13 UTC"), "{language}");
            assert!(notice.subject.contains("ann@example.org"));
            assert!(notice.body.lines().all(|l| l.chars().count() <= 76), "{language}: {}", notice.body);
        }
        let local = RecipientNotice::new(Language::En, "a@b", "http://localhost:8080/t/a", 0);
        assert!(local.body.contains(browser_steps(Language::En)[0]), "{}", local.body);
    }

    #[test]
    fn folder_links_are_received_with_the_command_line() {
        let link = "file:///srv/kluis%20share/t/aaaaaaaaaaaaaaaaaaaaaaaaaa";
        for language in Language::ALL {
            let notice = RecipientNotice::new(language, "ann@example.org", link, 1_700_604_800);
            assert!(notice.body.contains(&format!("\n    {link}\n")), "{language}: {}", notice.body);
            assert!(notice.body.contains(&format!("\n    kluis receive {link}\n")), "{language}");
            assert!(!notice.body.contains(browser_steps(language)[0]), "{language}: {}", notice.body);
        }
        let spaced = RecipientNotice::new(Language::Nl, "ann@example.org", "file:///a b/t/x", 0);
        assert!(spaced.body.contains("    kluis receive 'file:///a b/t/x'\n"), "{}", spaced.body);
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
