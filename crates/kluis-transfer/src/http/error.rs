//! The HTTP client's options and errors, and the server address rule.

use std::time::Duration;

use kluis_protocol::{ErrorKind, Language, Link, TransferId};

use crate::transport::TransportError;

/// The most bytes a JSON answer may hold.
pub(crate) const MAX_JSON: u64 = 1 << 20;

/// How an [`HttpTransport`](crate::HttpTransport) talks to its server, and what a sender
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

impl HttpError {
    /// The variant's name (`"CodeRefused"`, `"RateLimited"`, ...): the
    /// `reason` the bindings report beside their error kind.
    ///
    /// ```
    /// use kluis_transfer::HttpError;
    /// assert_eq!(HttpError::Network("refused".into()).reason(), "Network");
    /// ```
    pub fn reason(&self) -> &'static str {
        match self {
            HttpError::InvalidServer { .. } => "InvalidServer",
            HttpError::InvalidAddress(_) => "InvalidAddress",
            HttpError::CodeRefused => "CodeRefused",
            HttpError::RateLimited { .. } => "RateLimited",
            HttpError::QuotaExceeded(_) => "QuotaExceeded",
            HttpError::NoticeTooLarge(_) => "NoticeTooLarge",
            HttpError::DomainNotAllowed(_) => "DomainNotAllowed",
            HttpError::Unauthorized(_) => "Unauthorized",
            HttpError::Status { .. } => "Status",
            HttpError::Network(_) => "Network",
            HttpError::Protocol(_) => "Protocol",
        }
    }

    /// Whether the caller's argument is at fault (a bad server address, an
    /// address the server refuses), which the bindings report as
    /// `InvalidArgument`; every other failure is the transport's.
    ///
    /// ```
    /// use kluis_transfer::HttpError;
    /// assert!(HttpError::InvalidAddress("no @".into()).is_invalid_argument());
    /// assert!(!HttpError::CodeRefused.is_invalid_argument());
    /// ```
    pub fn is_invalid_argument(&self) -> bool {
        matches!(self, HttpError::InvalidServer { .. } | HttpError::InvalidAddress(_))
    }
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
///
/// ```
/// use kluis_transfer::http::server_base;
/// assert_eq!(server_base("https://kluis.example.org/").ok().as_deref(), Some("https://kluis.example.org"));
/// assert!(server_base("http://kluis.example.org").is_err());
/// ```
pub fn server_base(url: &str) -> Result<String, HttpError> {
    let invalid = |reason: String| HttpError::InvalidServer { url: url.to_owned(), reason };
    match Link::server(url.trim(), TransferId::from_bytes([0; 16])) {
        Ok(Link::Server { base, .. }) => Ok(base),
        Ok(Link::Directory { .. }) => Err(invalid("not an https address".into())),
        Err(e) => Err(invalid(e.to_string())),
    }
}

/// The origin (`scheme://host[:port]`) of an http(s) address.
pub(crate) fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    url[after_scheme..].find('/').map_or(url, |i| &url[..after_scheme + i])
}

/// Whether `link`, as a server returned it, is a link to `transfer` on the
/// server at `base`'s own origin: only such a link goes into the
/// recipients' mail (not one to another host, scheme or port, nor a
/// `file://` link).
pub(crate) fn is_own_link(base: &str, transfer: &TransferId, link: &str) -> bool {
    match Link::parse(link) {
        Ok(Link::Server { base: b, transfer: t }) => t == *transfer && origin(&b) == origin(base),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::HttpError;

    #[test]
    fn every_reason_is_the_variant_name_and_only_addresses_are_arguments() {
        let all = [
            HttpError::InvalidServer { url: "u".into(), reason: "r".into() },
            HttpError::InvalidAddress("a".into()),
            HttpError::CodeRefused,
            HttpError::RateLimited { retry_after: None, message: String::new() },
            HttpError::QuotaExceeded("q".into()),
            HttpError::NoticeTooLarge("n".into()),
            HttpError::DomainNotAllowed("d".into()),
            HttpError::Unauthorized("t".into()),
            HttpError::Status { status: 500, code: "c".into(), message: "m".into() },
            HttpError::Network("n".into()),
            HttpError::Protocol("p".into()),
        ];
        let mut seen = std::collections::HashSet::new();
        for e in &all {
            let debug = format!("{e:?}");
            assert!(debug.starts_with(e.reason()), "{debug} vs {}", e.reason());
            assert!(seen.insert(e.reason()), "{} twice", e.reason());
            let argument = matches!(e.reason(), "InvalidServer" | "InvalidAddress");
            assert_eq!(e.is_invalid_argument(), argument, "{debug}");
        }
    }
}
