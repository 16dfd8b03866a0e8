//! Outgoing mail: SMTP (lettre on tokio, rustls) or `.eml` files in a
//! folder, and the texts of the server's three mails, in English or Dutch.
//! Each mail is `multipart/alternative`: its text, and an HTML version made
//! from that text ([`html`]). No mail carries a secret other than the
//! one-time code of the code mail.

pub mod html;

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use kluis_protocol::{Announcement, Language, RecipientNotice, TransferId};

use crate::config::{Config, SmtpTls};

/// A mail could not be built or sent.
#[derive(Debug, thiserror::Error)]
#[error("mail: {0}")]
pub struct MailError(String);

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Dir(AsyncFileTransport<Tokio1Executor>),
}

/// Sends the server's mails.
#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::Dir(_) => "maildir",
        };
        f.debug_struct("Mailer").field("transport", &kind).field("from", &self.from.to_string()).finish()
    }
}

impl Mailer {
    /// The mailer the configuration describes.
    pub fn from_config(config: &Config) -> Result<Self, MailError> {
        let bad = |e: &dyn std::fmt::Display| MailError(e.to_string());
        if let Some(dir) = &config.maildir {
            std::fs::create_dir_all(&dir.path).map_err(|e| bad(&e))?;
            let from = dir.from.parse::<Mailbox>().map_err(|e| bad(&e))?;
            return Ok(Mailer { transport: Transport::Dir(AsyncFileTransport::new(&dir.path)), from });
        }
        let Some(smtp) = &config.smtp else {
            return Err(MailError("no mail transport configured".into()));
        };
        let from = smtp.from.parse::<Mailbox>().map_err(|e| bad(&e))?;
        let mut builder = if let Some(url) = &smtp.url {
            AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| bad(&e))?
        } else {
            let host = smtp.host.as_deref().ok_or_else(|| MailError("smtp.host or smtp.url is required".into()))?;
            let (builder, port) = match smtp.tls {
                SmtpTls::None => (AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host), 25),
                SmtpTls::Starttls => {
                    (AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(|e| bad(&e))?, 587)
                }
                SmtpTls::Tls => (AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(|e| bad(&e))?, 465),
            };
            builder.port(smtp.port.unwrap_or(port))
        };
        if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let transport = builder.timeout(Some(Duration::from_secs(30))).build();
        Ok(Mailer { transport: Transport::Smtp(transport), from })
    }

    /// Sends a mail: `body` as text, and as HTML made from it.
    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), MailError> {
        self.send_mail(to, None, subject, body).await
    }

    /// [`Mailer::send`] with the HTML version marked as `language`.
    pub async fn send_in(&self, to: &str, language: Language, subject: &str, body: String) -> Result<(), MailError> {
        self.send_mail(to, Some(language), subject, body).await
    }

    async fn send_mail(
        &self,
        to: &str,
        language: Option<Language>,
        subject: &str,
        body: String,
    ) -> Result<(), MailError> {
        let to = to.parse::<Mailbox>().map_err(|e| MailError(e.to_string()))?;
        let subject = clean_line(subject);
        let html = html::from_text(&body, &subject, language.map(Language::code));
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .multipart(MultiPart::alternative_plain_html(body, html))
            .map_err(|e| MailError(e.to_string()))?;
        match &self.transport {
            Transport::Smtp(t) => t.send(message).await.map(drop).map_err(|e| MailError(e.to_string())),
            Transport::Dir(t) => t.send(message).await.map(drop).map_err(|e| MailError(e.to_string())),
        }
    }
}

/// One line of text for a header or a line of a mail (the subject, the file
/// names a sender discloses): control characters, line and paragraph
/// separators and invisible formatting characters (Unicode's format
/// category, which holds the bidirectional controls) become spaces, so that
/// a sender cannot break a header or disguise a name (`invoice\u{202E}fdp.exe`
/// shows as `invoice fdp.exe`, not as `invoiceexe.pdf`). ZWJ and ZWNJ stay, as
/// in the file-name rule of kluis-core: scripts and emoji need them.
///
/// ```
/// use kluis_server::mail::clean_line;
/// assert_eq!(clean_line("invoice\u{202E}fdp.exe"), "invoice fdp.exe");
/// assert_eq!(clean_line("a\r\nBcc: x"), "a  Bcc: x");
/// ```
pub fn clean_line(text: &str) -> String {
    text.chars().map(|c| if hides_or_breaks(c) { ' ' } else { c }).collect()
}

fn hides_or_breaks(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    c.is_control()
        || (matches!(
            c.general_category(),
            GeneralCategory::Format | GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator
        ) && !matches!(c, '\u{200C}' | '\u{200D}'))
}

/// The mail with a sender's one-time code, valid `minutes`, in `language`.
pub fn code_mail(code: &str, minutes: u64, language: Language) -> (String, String) {
    match language {
        Language::En => (
            "Your Kluis verification code".to_owned(),
            format!(
                "Your Kluis verification code is {code}\n\nIt is valid for {minutes} minutes and can be used once.\n\
                 If you did not ask for it, ignore this mail.\n"
            ),
        ),
        Language::Nl => (
            "Uw Kluis-verificatiecode".to_owned(),
            format!(
                "Uw Kluis-verificatiecode is {code}\n\nDe code is {minutes} minuten geldig en werkt één keer.\n\
                 Hebt u er niet om gevraagd? Dan kunt u deze mail negeren.\n"
            ),
        ),
    }
}

/// The recipients' mail: kluis-protocol's [`RecipientNotice`] in the
/// language the sender chose, and below it, only when the sender opted in,
/// the subject and the file names.
pub fn recipient_mail(a: &Announcement, link: &str, expires_at: u64) -> (String, String) {
    let notice = RecipientNotice::new(a.language.unwrap_or_default(), &a.sender, link, expires_at);
    let (mut subject, mut body) = (notice.subject, notice.body);
    if let Some(told) = &a.notice {
        if let Some(s) = told.subject.as_deref() {
            subject = format!("{subject}: {}", clean_line(s));
        }
        if !told.file_names.is_empty() {
            body.push_str("\nFiles:\n");
            for name in &told.file_names {
                body.push_str(&format!("  - {}\n", clean_line(name)));
            }
        }
    }
    (subject, body)
}

/// The sender's mail after the first download of `transfer`, in `language`.
pub fn downloaded_mail(transfer: &TransferId, link: &str, language: Language) -> (String, String) {
    match language {
        Language::En => (
            "Your Kluis transfer was downloaded".to_owned(),
            format!("Your Kluis transfer {transfer} was downloaded for the first time.\n\nLink: {link}\n"),
        ),
        Language::Nl => (
            "Uw Kluis-zending is gedownload".to_owned(),
            format!("Uw Kluis-zending {transfer} is voor het eerst gedownload.\n\nLink: {link}\n"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use kluis_protocol::{BlobName, BlobSize, Language, Notice};

    use super::*;

    fn announcement(notice: Option<Notice>, language: Option<Language>) -> Announcement {
        Announcement {
            id: TransferId::from_bytes([0; 16]),
            sender: "ann@example.org".into(),
            recipients: vec!["bob@example.org".into()],
            expires_at: 1_700_604_800,
            download_limit: None,
            blobs: vec![BlobSize { name: BlobName::Manifest, size: 1 }],
            notice,
            language,
        }
    }

    #[test]
    fn recipients_get_the_shared_notice_and_names_only_when_disclosed() {
        let link = "https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa";
        let (subject, body) = recipient_mail(&announcement(None, None), link, 1_700_604_800);
        let english = RecipientNotice::new(Language::En, "ann@example.org", link, 1_700_604_800);
        assert_eq!((subject.as_str(), body.as_str()), (english.subject.as_str(), english.body.as_str()));
        let told = Notice { subject: Some("Contract\nBcc: x".into()), file_names: vec!["a.pdf".into()] };
        let (subject, body) = recipient_mail(&announcement(Some(told), Some(Language::Nl)), link, 1_700_604_800);
        assert_eq!(subject, "Versleutelde bestanden van ann@example.org: Contract Bcc: x");
        assert!(body.contains(link) && body.ends_with("\nFiles:\n  - a.pdf\n"), "{body}");
        assert!(body.contains(&format!("Open deze link in uw browser:\n\n    {link}\n")), "{body}");
    }

    #[test]
    fn disclosed_names_and_subjects_cannot_hide_or_reorder_text() {
        let link = "https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa";
        let told = Notice {
            subject: Some("Factuur\u{2067}\u{200B}".into()),
            file_names: vec![
                "invoice\u{202E}fdp.exe".into(),
                "a\u{2028}b\u{FEFF}.pdf".into(),
                "\u{1F469}\u{200D}\u{1F4BB}.png".into(),
            ],
        };
        let (subject, body) = recipient_mail(&announcement(Some(told), None), link, 1_700_604_800);
        for text in [&subject, &body] {
            assert!(
                !text.chars().any(|c| matches!(c, '\u{202E}' | '\u{2067}' | '\u{200B}' | '\u{2028}' | '\u{FEFF}')),
                "{text:?}"
            );
        }
        assert!(body.contains("  - invoice fdp.exe\n") && body.contains("  - a b .pdf\n"), "{body}");
        // The emoji's joiner stays, as in kluis-core's file-name rule.
        assert!(body.contains("\u{1F469}\u{200D}\u{1F4BB}.png"), "{body}");
    }
}
