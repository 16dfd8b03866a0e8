//! [`HttpTransport`], the client of a Kluis drop server, and sender
//! verification ([`request_code`], [`confirm_code`]): conversions around
//! `kluis_transfer`'s, nothing more.

use std::sync::Arc;
use std::time::Duration;

use kluis_transfer as kt;

use crate::error::KluisError;
use crate::notice::Language;
// Names the exported `Transport` impl (export_rust_transport!) uses.
use crate::transport::{TransferPlan, Transport, TransportError, parse_blob, parse_transfer};

/// How an [`HttpTransport`] talks to its server and what a sender
/// discloses to it (`kluis_transfer::HttpOptions`). The field defaults are
/// `kluis_transfer::HttpOptions::default()`'s ([`default_http_options`]
/// returns them; a test checks each literal below against it).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct HttpOptions {
    /// After this many downloads the server refuses the transfer (None:
    /// unlimited).
    #[uniffi(default = None)]
    pub download_limit: Option<u64>,
    /// Send the subject and file names to the server for its notice mail
    /// (off by default: they are confidential).
    #[uniffi(default = false)]
    pub disclose_names: bool,
    /// The longest wait for a connection, in milliseconds (1 to 3600000).
    #[uniffi(default = 10000)]
    pub connect_timeout_ms: u64,
    /// The longest wait for the server on an open connection, in
    /// milliseconds (1 to 3600000).
    #[uniffi(default = 60000)]
    pub read_timeout_ms: u64,
    /// How often a request that failed on the network or with a 5xx answer
    /// is repeated (with a doubling wait from 0.5 s; at most 10).
    #[uniffi(default = 4)]
    pub retries: u32,
    /// The language of the server's notice mail to the recipients (None:
    /// the server's default, English); see `recipient_notice`.
    #[uniffi(default = None)]
    pub language: Option<Language>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        kt::HttpOptions::default().into()
    }
}

/// A duration in whole milliseconds (a longer one than `u64::MAX` ms
/// cannot come from [`HttpOptions`], whose bound is one hour).
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl From<kt::HttpOptions> for HttpOptions {
    fn from(o: kt::HttpOptions) -> Self {
        HttpOptions {
            download_limit: o.download_limit,
            disclose_names: o.disclose_names,
            connect_timeout_ms: millis(o.connect_timeout),
            read_timeout_ms: millis(o.read_timeout),
            retries: o.retries,
            language: o.language.map(Into::into),
        }
    }
}

/// Longest timeout a foreign caller may set: one hour.
const MAX_TIMEOUT_MS: u64 = 3_600_000;
/// Most retries: the doubling wait reaches 8.5 minutes at the tenth.
const MAX_RETRIES: u32 = 10;

impl TryFrom<HttpOptions> for kt::HttpOptions {
    type Error = KluisError;

    fn try_from(o: HttpOptions) -> Result<Self, KluisError> {
        for (field, ms) in [("connect_timeout_ms", o.connect_timeout_ms), ("read_timeout_ms", o.read_timeout_ms)] {
            if !(1..=MAX_TIMEOUT_MS).contains(&ms) {
                return Err(KluisError::invalid(format!("HttpOptions.{field} {ms} outside 1..={MAX_TIMEOUT_MS}")));
            }
        }
        if o.retries > MAX_RETRIES {
            return Err(KluisError::invalid(format!("HttpOptions.retries {} is above {MAX_RETRIES}", o.retries)));
        }
        Ok(kt::HttpOptions {
            download_limit: o.download_limit,
            disclose_names: o.disclose_names,
            connect_timeout: Duration::from_millis(o.connect_timeout_ms),
            read_timeout: Duration::from_millis(o.read_timeout_ms),
            retries: o.retries,
            language: o.language.map(Into::into),
            // Not exposed: the wait before the first repetition.
            ..kt::HttpOptions::default()
        })
    }
}

/// Server errors as [`KluisError`]s: a bad server address or an address
/// the server refuses is `InvalidArgument`; everything else (a refused
/// code, rate limiting, a refused token, the network) is `Transport`, with
/// the reason in the message.
impl From<kt::HttpError> for KluisError {
    fn from(e: kt::HttpError) -> Self {
        if e.is_invalid_argument() {
            KluisError::InvalidArgument(e.to_string())
        } else {
            KluisError::Transport(e.to_string())
        }
    }
}

/// A sender's token from [`confirm_code`], to pass to [`HttpTransport`].
/// Keep it private: it lets anyone send as the verified address until it
/// expires.
#[derive(Clone, uniffi::Record)]
pub struct SenderToken {
    /// The bearer token.
    pub token: String,
    /// When the server stops accepting it (Unix seconds).
    pub expires_at: u64,
}

impl std::fmt::Debug for SenderToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SenderToken(<redacted>, expires_at: {})", self.expires_at)
    }
}

/// Asks the server to mail a one-time code to `address`; returns when the
/// code expires (Unix seconds).
#[uniffi::export]
pub fn request_code(server: String, address: String) -> Result<u64, KluisError> {
    Ok(kt::request_code(&server, &address)?)
}

/// Confirms the mailed `code` and returns the sender's token. A wrong,
/// expired or used code raises `KluisError.Transport` ("the server refused
/// the code ...").
#[uniffi::export]
pub fn confirm_code(server: String, address: String, code: String) -> Result<SenderToken, KluisError> {
    let token = kt::confirm_code(&server, &address, &code)?;
    Ok(SenderToken { token: token.expose().to_owned(), expires_at: token.expires_at() })
}

/// A transport to a Kluis drop server (docs/SERVER.md). Pass it wherever a
/// `Transport` is expected: `send_transfer` with a token, `open_transfer`
/// without one.
#[derive(uniffi::Object)]
pub struct HttpTransport {
    inner: kt::HttpTransport,
}

#[uniffi::export]
impl HttpTransport {
    /// The transport to the server at `base_url` (`https://host[:port][/prefix]`;
    /// `http` only to localhost), sending with `token` (None to receive).
    #[uniffi::constructor(default(token = None, options = None))]
    pub fn new(base_url: String, token: Option<String>, options: Option<HttpOptions>) -> Result<Arc<Self>, KluisError> {
        // The expiry only informs; the server decides.
        let token = token.map(|t| kt::Token::new(t, u64::MAX));
        let options = options.map(kt::HttpOptions::try_from).transpose()?.unwrap_or_default();
        Ok(Arc::new(HttpTransport { inner: kt::HttpTransport::new(&base_url, token, options)? }))
    }

    /// The server's base address.
    pub fn server(&self) -> String {
        self.inner.server().to_owned()
    }

    /// The link for the recipients: the one the server returned, else
    /// `<server>/t/<id>`.
    pub fn link(&self, transfer_id: String) -> Result<String, KluisError> {
        let id = parse_transfer(&transfer_id).map_err(|e| KluisError::invalid(e.to_string()))?;
        Ok(self.inner.link(&id))
    }
}

crate::transport::export_rust_transport!(HttpTransport);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses_and_errors() {
        assert!(
            HttpTransport::new("https://kluis.example.org/".into(), None, None)
                .is_ok_and(|t| t.server() == "https://kluis.example.org")
        );
        let insecure = HttpTransport::new("http://kluis.example.org".into(), Some("t".into()), None);
        assert!(matches!(insecure, Err(KluisError::InvalidArgument(m)) if m.contains("use https")));
        let refused = KluisError::from(kt::HttpError::CodeRefused);
        assert!(matches!(refused, KluisError::Transport(m) if m.contains("refused the code")));
    }

    #[test]
    fn options_and_tokens_convert() {
        let options = HttpOptions {
            download_limit: Some(2),
            disclose_names: true,
            connect_timeout_ms: 1500,
            read_timeout_ms: 2500,
            retries: 1,
            language: Some(Language::Nl),
        };
        // Sizes a foreign caller passes are bounded (a u64::MAX timeout
        // overflows a deadline; u32::MAX retries wait forever).
        for bad in [
            HttpOptions { connect_timeout_ms: u64::MAX, ..options.clone() },
            HttpOptions { read_timeout_ms: 0, ..options.clone() },
            HttpOptions { retries: u32::MAX, ..options.clone() },
        ] {
            assert!(matches!(kt::HttpOptions::try_from(bad.clone()), Err(KluisError::InvalidArgument(_))), "{bad:?}");
            let refused = HttpTransport::new("https://kluis.example.org".into(), None, Some(bad));
            assert!(matches!(refused, Err(KluisError::InvalidArgument(m)) if m.contains("HttpOptions.")));
        }
        let o = kt::HttpOptions::try_from(options).unwrap();
        assert_eq!((o.download_limit, o.disclose_names, o.retries), (Some(2), true, 1));
        assert_eq!(o.language, Some(kt::Language::Nl));
        assert_eq!((o.connect_timeout, o.read_timeout), (Duration::from_millis(1500), Duration::from_millis(2500)));
        let token = SenderToken { token: "secret".into(), expires_at: 1 };
        assert!(!format!("{token:?}").contains("secret"));
    }

    #[test]
    fn plans_round_trip() {
        let plan = kt::TransferPlan {
            id: kt::TransferId::from_bytes([0; 16]),
            sender: "a@x".into(),
            recipients: vec!["b@y".into()],
            expires_at: 9,
            blobs: vec![(kt::BlobName::Manifest, 5)],
            subject: "s".into(),
            file_names: vec!["f".into()],
        };
        let foreign = TransferPlan::from(&plan);
        assert_eq!(foreign.blobs, vec![crate::transport::BlobSize { name: "manifest".into(), size: 5 }]);
        assert!(kt::TransferPlan::try_from(foreign).is_ok_and(|p| p == plan));
    }
}
