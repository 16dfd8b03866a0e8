//! The drop server's HTTP API (docs/SERVER.md) without I/O: the requests
//! to make and the reading of their answers, as data, built and read only
//! through kluis-protocol's types, with the retry policy of every client.
//!
//! A host brings its own HTTP stack: the blocking
//! [`HttpTransport`](crate::HttpTransport) (feature `http`) sends these
//! requests with `ureq`; a browser or Node (kluis-wasm) sends them with
//! `fetch`. Either way the rules are these, once:
//!
//! - [`Exchange`]: one request, repeated after a network error or a `5xx`
//!   answer with a doubling delay ([`HttpOptions::retries`],
//!   [`HttpOptions::retry_delay`]).
//! - [`SendSession`], [`OpenSession`], [`FileSession`]: a send, the opening
//!   of a link, the download of one file, each a [`Step`] at a time, driving
//!   the machines of [`crate::session`] (the resume-by-offset policy of a
//!   send, the manifest's limits, the SHA-256 check of each file).
//! - [`code_request`], [`code_confirmation`]: sender verification.
//!
//! Status codes become errors by the one table of docs/SERVER.md
//! ([`kluis_protocol::ErrorKind::of_status`]).
//!
//! The loop of a host, for every session:
//!
//! ```
//! use kluis_transfer::http::{HttpRequest, HttpResponse, Step};
//! # use kluis_transfer::TransferError;
//! /// Sends `request` with the host's own HTTP stack.
//! fn fetch(request: &HttpRequest) -> Result<HttpResponse, String> {
//!     # let _ = request;
//!     Ok(HttpResponse::new(200, br#"{"expires_at":1}"#.to_vec()))
//! }
//! # fn main() -> Result<(), TransferError> {
//! let mut session = kluis_transfer::http::code_request("https://kluis.example.org", "ann@example.org")
//!     .map_err(|e| TransferError::Transport(e.into()))?;
//! let expires_at = loop {
//!     match session.poll() {
//!         Step::Send(request) => match fetch(&request) {
//!             Ok(answer) => session.respond(answer),
//!             Err(message) => session.network_error(message),
//!         },
//!         Step::Wait(delay) => std::thread::sleep(delay), // `await` a timer in JavaScript
//!         Step::Done(answer) => break kluis_transfer::http::code_requested(answer),
//!         _ => {} // progress and resume notes: sessions of transfers only
//!     }
//! };
//! assert_eq!(expires_at.ok(), Some(1));
//! # Ok(()) }
//! ```

mod call;
mod error;
mod exchange;
mod session;
mod signin;

pub use error::{HttpError, HttpOptions, server_base};
pub use exchange::{Exchange, Step};
pub use session::{FileSession, OpenSession, SendSession, SentLink};
pub use signin::{Token, code_confirmation, code_confirmed, code_request, code_requested};

#[cfg(all(test, feature = "http"))]
pub(crate) use call::announcement;
pub(crate) use call::{HttpCall, Outcome, Server};
#[cfg(all(test, feature = "http"))]
pub(crate) use error::origin;
pub(crate) use error::{MAX_JSON, is_own_link};

/// The most bytes one response body may hold (a piece is at most 64 MiB).
pub const MAX_BODY: u64 = 64 << 20;

/// A request method of the API.
///
/// ```
/// assert_eq!(kluis_transfer::http::Method::Head.as_str(), "HEAD");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `HEAD`
    Head,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// What a request carries.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Body {
    /// Nothing.
    Empty,
    /// A JSON text (`Content-Type: application/json`), a kluis-protocol type.
    Json(Vec<u8>),
    /// Bytes `offset .. offset + len` of blob number `index` of the sealed
    /// transfer (`Content-Type: application/octet-stream`): a file's
    /// envelope, which the host holds, or, for the last index, the sealed
    /// manifest ([`SendSession::manifest_range`]).
    Blob {
        /// The blob's position: file `index`, or the manifest after the files.
        index: usize,
        /// The first byte of the envelope.
        offset: u64,
        /// How many bytes.
        len: u64,
    },
}

/// One request to send: method, full address, headers, body, and the most
/// bytes of answer body to accept (a host stops reading past `limit`).
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The full address: the server's base address and [`path`](HttpRequest::path).
    pub url: String,
    /// The path (and query) under the server's base address.
    pub path: String,
    /// Headers to set: `Authorization`, `Range`, `Content-Type`.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Body,
    /// The most answer-body bytes to read.
    pub limit: u64,
}

/// Shows everything but the `Authorization` header's value.
impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), if k == "Authorization" { "<redacted>" } else { v.as_str() }))
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body)
            .field("limit", &self.limit)
            .finish()
    }
}

impl HttpRequest {
    /// The value of header `name` (ASCII case ignored), if set.
    ///
    /// ```
    /// # use kluis_transfer::http::{Body, HttpRequest, Method};
    /// let request = HttpRequest { method: Method::Get, url: "https://x.org/a".into(), path: "/a".into(),
    ///     headers: vec![("Range".into(), "bytes=0-9".into())], body: Body::Empty, limit: 10 };
    /// assert_eq!(request.header("range"), Some("bytes=0-9"));
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// An answer: status, the `Retry-After` and `Content-Length` headers
/// (numbers of seconds and bytes, when present), and the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    /// The HTTP status.
    pub status: u16,
    /// `Retry-After` in seconds.
    pub retry_after: Option<u64>,
    /// `Content-Length` (read for `HEAD`).
    pub content_length: Option<u64>,
    /// The body (empty for `HEAD`).
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// An answer with `status` and `body` and no headers of interest.
    ///
    /// ```
    /// let answer = kluis_transfer::http::HttpResponse::new(404, Vec::new());
    /// assert_eq!((answer.status, answer.content_length), (404, None));
    /// ```
    pub fn new(status: u16, body: Vec<u8>) -> HttpResponse {
        HttpResponse { status, retry_after: None, content_length: None, body }
    }

    /// The body as the kluis-protocol type `T`.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, HttpError> {
        serde_json::from_slice(&self.body)
            .map_err(|e| HttpError::Protocol(format!("{} answer does not follow docs/SERVER.md: {e}", self.status)))
    }

    /// The error an answer with a status of 400 or more stands for.
    pub(crate) fn error(&self) -> HttpError {
        let parsed: Option<kluis_protocol::ErrorBody> = serde_json::from_slice(&self.body).ok();
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
        match (self.status, code.parse::<kluis_protocol::ErrorCode>().ok()) {
            (429, _) => HttpError::RateLimited { retry_after: self.retry_after, message },
            (401, _) => HttpError::Unauthorized(if message.is_empty() { code } else { message }),
            (_, Some(kluis_protocol::ErrorCode::QuotaExceeded)) => HttpError::QuotaExceeded(message),
            (_, Some(kluis_protocol::ErrorCode::NoticeTooLarge)) => HttpError::NoticeTooLarge(message),
            (_, Some(kluis_protocol::ErrorCode::DomainNotAllowed)) => HttpError::DomainNotAllowed(message),
            (status, _) => HttpError::Status { status, code, message },
        }
    }
}
