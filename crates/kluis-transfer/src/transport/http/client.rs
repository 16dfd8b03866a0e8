//! The HTTP client under [`HttpTransport`](super::HttpTransport) and the
//! sign-in calls: one server address, an agent with timeouts, retries with
//! a doubling delay after network errors and `5xx` answers, and the
//! reading of answers through kluis-protocol's types.

use std::time::Duration;

use kluis_protocol::{ErrorBody, ErrorCode, ErrorKind, Language, Link, TransferId};
use serde::Serialize;
use serde::de::DeserializeOwned;
use ureq::Agent;

use super::signin::Token;
use crate::transport::TransportError;

/// The most bytes one response body may hold (a piece is at most 64 MiB).
pub(super) const MAX_BODY: u64 = 64 << 20;
/// The most bytes a JSON answer may hold.
pub(super) const MAX_JSON: u64 = 1 << 20;

/// How an [`HttpTransport`] talks to its server, and what a sender
/// discloses to it.
///
/// ```
/// use kluis_transfer::HttpOptions;
/// let options = HttpOptions { download_limit: Some(3), ..HttpOptions::default() };
/// assert!(!options.disclose_names); // by default the notice mail carries no subject or file name
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpOptions {
    /// Announced with each transfer: after this many downloads of the
    /// manifest the server refuses further ones (`None`: unlimited).
    pub download_limit: Option<u64>,
    /// Send the subject and the file names with the announcement, so that
    /// the server's notice mail can show them. Off by default: they are
    /// confidential (sealed in the manifest) and the mail travels in clear.
    pub disclose_names: bool,
    /// The language of the server's notice mail to the recipients (none:
    /// the server's default, English). Sent only when set.
    pub language: Option<Language>,
    /// The longest wait for a connection.
    pub connect_timeout: Duration,
    /// The longest wait for the server on an open connection: for the
    /// answer to start, and for each read or write of the socket.
    pub read_timeout: Duration,
    /// How often a request that failed on the network or with a `5xx`
    /// answer is repeated.
    pub retries: u32,
    /// The wait before the first repetition; it doubles each time.
    pub retry_delay: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            download_limit: None,
            disclose_names: false,
            language: None,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            retries: 4,
            retry_delay: Duration::from_millis(500),
        }
    }
}

/// Why a call to a Kluis server failed.
///
/// ```
/// use kluis_transfer::HttpError;
/// let limited = HttpError::RateLimited { retry_after: Some(30), message: "at most 20 transfers per sender per 3600 s".into() };
/// assert_eq!(limited.to_string(), "rate limited, retry in 30 s (at most 20 transfers per sender per 3600 s)");
/// let quota = HttpError::QuotaExceeded("ann@example.org has 20 GiB of 20 GiB announced".into());
/// assert_eq!(quota.to_string(), "storage quota exceeded: ann@example.org has 20 GiB of 20 GiB announced");
/// assert_eq!(HttpError::CodeRefused.to_string(), "the server refused the code (wrong, expired or already used)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// The server address is not `https://host[:port][/prefix]` (or `http`
    /// to a loopback host).
    #[error("invalid server address {url:?}: {reason}")]
    InvalidServer {
        /// The address given.
        url: String,
        /// Why it is refused.
        reason: String,
    },
    /// The server refused the address to verify (`400 invalid_address`).
    #[error("the server refused the address: {0}")]
    InvalidAddress(String),
    /// `401 invalid_code`: the code is wrong, expired or already used (the
    /// server does not say which).
    #[error("the server refused the code (wrong, expired or already used)")]
    CodeRefused,
    /// `429 rate_limited`: a rate limit of the server, which the message
    /// names (transfers or recipients per sender or client, reads of a
    /// transfer, code requests).
    #[error("rate limited, {}{}", retry_text(*.retry_after), detail(.message))]
    RateLimited {
        /// Seconds to wait, from `Retry-After`, when the server said.
        retry_after: Option<u64>,
        /// The server's message (which limit), possibly empty.
        message: String,
    },
    /// `413 quota_exceeded`: the transfer would take the sender's storage
    /// quota, or the server's, past its limit; space is released as
    /// transfers expire or are deleted.
    #[error("storage quota exceeded: {0}")]
    QuotaExceeded(String),
    /// `413 notice_too_large`: the notice mail would carry more than the
    /// server mails (a subject or file names too long, too many recipients).
    #[error("the server refuses the notice: {0}")]
    NoticeTooLarge(String),
    /// `403 domain_not_allowed`: the server's domain policy does not let
    /// this sender send, or not to these recipients.
    #[error("refused by the server's domain policy: {0}")]
    DomainNotAllowed(String),
    /// `401` for a token: missing, expired or unknown.
    #[error("the server refused the sender's token ({0}): verify the address again")]
    Unauthorized(String),
    /// Any other error answer.
    #[error("the server answered {status} {code}: {message}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// The `error` field of the answer.
        code: String,
        /// The `message` field of the answer.
        message: String,
    },
    /// No answer: connection refused or lost, a timeout, a name that does
    /// not resolve, a TLS failure.
    #[error("network error: {0}")]
    Network(String),
    /// An answer that does not follow docs/SERVER.md.
    #[error("unexpected answer from the server: {0}")]
    Protocol(String),
}

fn detail(message: &str) -> String {
    if message.is_empty() { String::new() } else { format!(" ({message})") }
}

fn retry_text(retry_after: Option<u64>) -> String {
    match retry_after {
        Some(secs) => format!("retry in {secs} s"),
        None => "retry later".into(),
    }
}

impl From<HttpError> for TransportError {
    /// The status table of docs/SERVER.md ([`ErrorKind::of_error`]); a
    /// network failure is `Io`, every other failure (the refusals by policy
    /// included: rate limits, quotas, the notice, the domain policy)
    /// `Other`.
    fn from(e: HttpError) -> Self {
        let text = e.to_string();
        let kind = match &e {
            HttpError::Status { status, code, .. } => ErrorKind::of_error(*status, code.parse().ok()),
            HttpError::Network(_) => ErrorKind::Io,
            _ => ErrorKind::Other,
        };
        match kind {
            ErrorKind::NotFound => TransportError::NotFound(text),
            ErrorKind::Conflict => TransportError::Conflict(text),
            ErrorKind::Io => TransportError::Io(text),
            ErrorKind::Other => TransportError::Other(text),
        }
    }
}

/// Checks a server address and returns it without a trailing `/`: it must
/// be `https://host[:port][/prefix]`, or `http` to a loopback host, with
/// no query, fragment or credentials (the rules of links, docs/TRANSFER.md §9).
pub(super) fn server_base(url: &str) -> Result<String, HttpError> {
    let invalid = |reason: String| HttpError::InvalidServer { url: url.to_owned(), reason };
    match Link::server(url.trim(), TransferId::from_bytes([0; 16])) {
        Ok(Link::Server { base, .. }) => Ok(base),
        Ok(Link::Directory { .. }) => Err(invalid("not an https address".into())),
        Err(e) => Err(invalid(e.to_string())),
    }
}

/// An answer: status, `Retry-After`, body.
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) retry_after: Option<u64>,
    /// `Content-Length`, read for `HEAD`.
    pub(super) content_length: Option<u64>,
    pub(super) body: Vec<u8>,
}

impl Answer {
    /// The body as the kluis-protocol type `T`.
    pub(super) fn json<T: DeserializeOwned>(&self) -> Result<T, HttpError> {
        serde_json::from_slice(&self.body)
            .map_err(|e| HttpError::Protocol(format!("{} answer does not follow docs/SERVER.md: {e}", self.status)))
    }

    /// The error an answer with a status of 400 or more stands for.
    pub(super) fn error(&self) -> HttpError {
        let parsed: Option<ErrorBody> = serde_json::from_slice(&self.body).ok();
        let code = parsed.as_ref().map(|b| b.error.clone()).unwrap_or_default();
        let mut message: String = match parsed {
            Some(body) => body.message,
            None => String::from_utf8_lossy(&self.body).chars().take(200).collect(),
        };
        if message.is_empty() {
            // An answer without a body (HEAD).
            message = match self.status {
                404 => "not found",
                410 => "gone (expired, or the download limit was reached)",
                _ => "no details given",
            }
            .into();
        }
        match (self.status, code.parse::<ErrorCode>().ok()) {
            (429, _) => HttpError::RateLimited { retry_after: self.retry_after, message },
            (401, _) => HttpError::Unauthorized(if message.is_empty() { code } else { message }),
            (_, Some(ErrorCode::QuotaExceeded)) => HttpError::QuotaExceeded(message),
            (_, Some(ErrorCode::NoticeTooLarge)) => HttpError::NoticeTooLarge(message),
            (_, Some(ErrorCode::DomainNotAllowed)) => HttpError::DomainNotAllowed(message),
            (status, _) => HttpError::Status { status, code, message },
        }
    }
}

/// The request methods used.
#[derive(Clone, Copy, Debug)]
pub(super) enum Method {
    Get,
    Head,
    Post,
    Put,
    Delete,
}

/// One server: its base address, an agent with the timeouts, the retry
/// policy.
pub(super) struct Client {
    pub(super) base: String,
    agent: Agent,
    retries: u32,
    retry_delay: Duration,
}

impl Client {
    pub(super) fn new(server: &str, options: &HttpOptions) -> Result<Client, HttpError> {
        let base = server_base(server)?;
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(options.connect_timeout))
            .timeout_recv_response(Some(options.read_timeout))
            .timeout_per_read(Some(options.read_timeout))
            .timeout_per_write(Some(options.read_timeout))
            .user_agent(concat!("kluis/", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(Client { base, agent: config.into(), retries: options.retries, retry_delay: options.retry_delay })
    }

    /// Sends one request, repeating it after a network error or a `5xx`
    /// answer, and returns the last answer (any status).
    pub(super) fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&Token>,
        range: Option<String>,
        body: Option<(&str, &[u8])>,
        limit: u64,
    ) -> Result<Answer, HttpError> {
        let mut delay = self.retry_delay;
        let mut attempt = 0;
        loop {
            let result = self.once(method, path, token, range.as_deref(), body, limit);
            let retry = match &result {
                Err(HttpError::Network(_)) => true,
                Ok(answer) => answer.status >= 500,
                Err(_) => false,
            };
            if !retry || attempt >= self.retries {
                return result;
            }
            attempt += 1;
            std::thread::sleep(delay);
            delay = delay.saturating_mul(2);
        }
    }

    fn once(
        &self,
        method: Method,
        path: &str,
        token: Option<&Token>,
        range: Option<&str>,
        body: Option<(&str, &[u8])>,
        limit: u64,
    ) -> Result<Answer, HttpError> {
        let url = format!("{}{path}", self.base);
        let bearer = token.map(|t| zeroize::Zeroizing::new(format!("Bearer {}", t.expose())));
        let (content_type, data) = body.unwrap_or(("application/json", &[]));
        let sent = match method {
            Method::Get | Method::Head | Method::Delete => {
                let mut request = match method {
                    Method::Get => self.agent.get(&url),
                    Method::Head => self.agent.head(&url),
                    _ => self.agent.delete(&url),
                };
                if let Some(bearer) = &bearer {
                    request = request.header("Authorization", bearer.as_str());
                }
                if let Some(range) = range {
                    request = request.header("Range", range);
                }
                request.call()
            }
            Method::Post | Method::Put => {
                let mut request = match method {
                    Method::Post => self.agent.post(&url),
                    _ => self.agent.put(&url),
                };
                if let Some(bearer) = &bearer {
                    request = request.header("Authorization", bearer.as_str());
                }
                request.content_type(content_type).send(data)
            }
        };
        let mut response = sent.map_err(network)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let content_length = response
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if matches!(method, Method::Head) {
            return Ok(Answer { status, retry_after, content_length, body: Vec::new() });
        }
        let body = response.body_mut().with_config().limit(limit).read_to_vec().map_err(network)?;
        Ok(Answer { status, retry_after, content_length, body })
    }

    /// A request with a JSON body (`body`, a kluis-protocol type) or none.
    pub(super) fn json_call<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        token: Option<&Token>,
        body: Option<&B>,
    ) -> Result<Answer, HttpError> {
        let text = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| HttpError::Protocol(format!("a request could not be written: {e}")))?;
        self.call(method, path, token, None, text.as_deref().map(|t| ("application/json", t)), MAX_JSON)
    }
}

/// No body, for [`Client::json_call`].
pub(super) const NO_BODY: Option<&()> = None;

fn network(e: ureq::Error) -> HttpError {
    match e {
        ureq::Error::BodyExceedsLimit(limit) => {
            HttpError::Protocol(format!("the answer is longer than the {limit} bytes expected"))
        }
        ureq::Error::BadUri(uri) => HttpError::Protocol(format!("invalid address {uri}")),
        e => HttpError::Network(e.to_string()),
    }
}
