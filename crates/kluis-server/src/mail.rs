//! Outgoing mail: SMTP (lettre on tokio, rustls) or `.eml` files in a folder.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

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

    /// Sends a plain-text mail.
    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), MailError> {
        let to = to.parse::<Mailbox>().map_err(|e| MailError(e.to_string()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(clean_line(subject))
            .body(body)
            .map_err(|e| MailError(e.to_string()))?;
        match &self.transport {
            Transport::Smtp(t) => t.send(message).await.map(drop).map_err(|e| MailError(e.to_string())),
            Transport::Dir(t) => t.send(message).await.map(drop).map_err(|e| MailError(e.to_string())),
        }
    }
}

/// One line of text without control characters (headers, subjects).
pub fn clean_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}
