//! [`HttpTransport`]: the client of a Kluis drop server (docs/SERVER.md),
//! and the sender verification calls [`request_code`] and [`confirm_code`].
//!
//! Blocking HTTP/1.1 (`ureq`, rustls on the *ring* provider), with connect
//! and read timeouts, and retries with a doubling delay for network errors
//! and 5xx answers. Every request of the API is safe to repeat: the
//! announcement and the finishing calls are idempotent, and an upload piece
//! whose answer was lost is recognised by its offset (a `409` followed by a
//! look at the server's partial length).
//!
//! # How the `Transport` operations map onto the API
//!
//! | operation | request |
//! |---|---|
//! | `begin_transfer` | `POST /api/v1/transfers` (the announcement; `notice` only with [`HttpOptions::disclose_names`]) |
//! | `put_range` | `PUT …/blobs/{blob}?offset=N`; on `409` it reads `GET …/upload`: a piece that landed counts as sent, a piece that landed in part is completed from the server's length, anything else stays a `Conflict` (the next upload attempt resumes from the server's length) |
//! | `partial_len` | `GET …/blobs/{blob}/upload` |
//! | `complete_len` | with a token `GET …/blobs/{blob}/upload`; without one (a recipient) `HEAD …/blobs/{blob}` (`Content-Length`; never counts a download, allowed past the download limit) |
//! | `finish_blob` | `POST …/blobs/{blob}/finish` |
//! | `read_range` | `GET …/blobs/{blob}` with `Range` (`416` reads as the end of the blob) |
//! | `finish_transfer` | `POST …/finish` (the returned link is kept: [`HttpTransport::link`]) |
//! | `expiry` | `GET /api/v1/transfers/{id}`: never `None`, since the server answers `404` for an unfinished transfer |
//! | `delete_transfer` | `DELETE /api/v1/transfers/{id}` (`404` counts as deleted) |
//! | `list_expired` | refused with `TransportError::Other`: the server purges expired transfers itself and lists them to nobody, so a client has nothing to purge |
//!
//! Status codes become [`TransportError`]s as docs/SERVER.md says: `404` →
//! `NotFound`; `409`, `410`, `413`, `416` → `Conflict`; `5xx` and network
//! failures → `Io`; `401`, `403`, `429` and the rest → `Other`, each with the
//! server's message.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Value, json};
use ureq::Agent;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::ids::{BlobName, TransferId};
use crate::link::Link;
use crate::transport::{TransferPlan, Transport, TransportError};

/// The most bytes one response body may hold (a piece is at most 64 MiB).
const MAX_BODY: u64 = 64 << 20;
/// The most bytes a JSON answer may hold.
const MAX_JSON: u64 = 1 << 20;

/// A sender's bearer token from [`confirm_code`]: zeroized when dropped,
/// never shown by `Debug`.
///
/// ```
/// use kluis_transfer::Token;
/// let token = Token::new("c2VjcmV0", 1_700_003_600);
/// assert_eq!(format!("{token:?}"), "Token(<redacted>, expires_at: 1700003600)");
/// assert_eq!(token.expose(), "c2VjcmV0");
/// ```
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Token {
    secret: String,
    expires_at: u64,
}

impl Token {
    /// A token as the server gave it, valid until `expires_at` (Unix seconds).
    pub fn new(secret: impl Into<String>, expires_at: u64) -> Token {
        Token { secret: secret.into(), expires_at }
    }

    /// The token text, for the `Authorization` header or the caller's
    /// own (private) storage.
    pub fn expose(&self) -> &str {
        &self.secret
    }

    /// When the server stops accepting it (Unix seconds).
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Token(<redacted>, expires_at: {})", self.expires_at)
    }
}

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
/// assert_eq!(HttpError::RateLimited { retry_after: Some(30) }.to_string(), "rate limited, retry in 30 s");
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
    /// `429 rate_limited`.
    #[error("rate limited, {}", retry_text(*.retry_after))]
    RateLimited {
        /// Seconds to wait, from `Retry-After`, when the server said.
        retry_after: Option<u64>,
    },
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

fn retry_text(retry_after: Option<u64>) -> String {
    match retry_after {
        Some(secs) => format!("retry in {secs} s"),
        None => "retry later".into(),
    }
}

impl From<HttpError> for TransportError {
    fn from(e: HttpError) -> Self {
        let text = e.to_string();
        match e {
            HttpError::Status { status: 404, .. } => TransportError::NotFound(text),
            HttpError::Status { status: 409 | 410 | 413 | 416, .. } => TransportError::Conflict(text),
            HttpError::Status { status: 500..=599, .. } | HttpError::Network(_) => TransportError::Io(text),
            _ => TransportError::Other(text),
        }
    }
}

/// Checks a server address and returns it without a trailing `/`: it must
/// be `https://host[:port][/prefix]`, or `http` to a loopback host, with
/// no query, fragment or credentials (the rules of links, docs/TRANSFER.md §9).
fn server_base(url: &str) -> Result<String, HttpError> {
    let invalid = |reason: String| HttpError::InvalidServer { url: url.to_owned(), reason };
    match Link::server(url.trim(), TransferId::from_bytes([0; 16])) {
        Ok(Link::Server { base, .. }) => Ok(base),
        Ok(Link::Directory { .. }) => Err(invalid("not an https address".into())),
        Err(e) => Err(invalid(e.to_string())),
    }
}

/// An answer: status, `Retry-After`, body.
struct Answer {
    status: u16,
    retry_after: Option<u64>,
    /// `Content-Length`, read for `HEAD`.
    content_length: Option<u64>,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Result<Value, HttpError> {
        serde_json::from_slice(&self.body)
            .map_err(|e| HttpError::Protocol(format!("{} answer is not JSON: {e}", self.status)))
    }

    /// The error an answer with a status of 400 or more stands for.
    fn error(&self) -> HttpError {
        let parsed: Option<Value> = serde_json::from_slice(&self.body).ok();
        let field = |name: &str| parsed.as_ref().and_then(|v| v.get(name)).and_then(Value::as_str).map(str::to_owned);
        let code = field("error").unwrap_or_default();
        let mut message: String =
            field("message").unwrap_or_else(|| String::from_utf8_lossy(&self.body).chars().take(200).collect());
        if message.is_empty() {
            // An answer without a body (HEAD).
            message = match self.status {
                404 => "not found",
                410 => "gone (expired, or the download limit was reached)",
                _ => "no details given",
            }
            .into();
        }
        match self.status {
            429 => HttpError::RateLimited { retry_after: self.retry_after },
            401 => HttpError::Unauthorized(if message.is_empty() { code } else { message }),
            status => HttpError::Status { status, code, message },
        }
    }
}

/// The request methods used.
#[derive(Clone, Copy, Debug)]
enum Method {
    Get,
    Head,
    Post,
    Put,
    Delete,
}

/// One server: its base address, an agent with the timeouts, the retry
/// policy.
struct Client {
    base: String,
    agent: Agent,
    retries: u32,
    retry_delay: Duration,
}

impl Client {
    fn new(server: &str, options: &HttpOptions) -> Result<Client, HttpError> {
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
    fn call(
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

    fn json_call(
        &self,
        method: Method,
        path: &str,
        token: Option<&Token>,
        body: Option<&Value>,
    ) -> Result<Answer, HttpError> {
        let text = body.map(Value::to_string);
        self.call(method, path, token, None, text.as_deref().map(|t| ("application/json", t.as_bytes())), MAX_JSON)
    }
}

fn network(e: ureq::Error) -> HttpError {
    match e {
        ureq::Error::BodyExceedsLimit(limit) => {
            HttpError::Protocol(format!("the answer is longer than the {limit} bytes expected"))
        }
        ureq::Error::BadUri(uri) => HttpError::Protocol(format!("invalid address {uri}")),
        e => HttpError::Network(e.to_string()),
    }
}

fn u64_field(value: &Value, name: &str) -> Result<u64, HttpError> {
    value.get(name).and_then(Value::as_u64).ok_or_else(|| HttpError::Protocol(format!("no number {name:?}")))
}

fn opt_u64_field(value: &Value, name: &str) -> Result<Option<u64>, HttpError> {
    match value.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or_else(|| HttpError::Protocol(format!("{name:?} is not a number"))),
    }
}

/// Asks the server at `server` to mail a one-time code to `address`, which
/// proves to it that the sender reads that mailbox. Returns when the code
/// expires (Unix seconds).
///
/// ```no_run
/// use kluis_transfer::{confirm_code, request_code};
/// # fn main() -> Result<(), kluis_transfer::HttpError> {
/// request_code("https://kluis.example.org", "ann@example.org")?;
/// let code = "12345678"; // from the mail
/// let token = confirm_code("https://kluis.example.org", "ann@example.org", code)?;
/// # let _ = token; Ok(()) }
/// ```
pub fn request_code(server: &str, address: &str) -> Result<u64, HttpError> {
    let client = Client::new(server, &HttpOptions::default())?;
    let answer = client.json_call(Method::Post, "/api/v1/verify", None, Some(&json!({ "address": address })))?;
    match answer.status {
        200..=299 => u64_field(&answer.json()?, "expires_at"),
        400 => match answer.error() {
            HttpError::Status { message, .. } => Err(HttpError::InvalidAddress(message)),
            other => Err(other),
        },
        _ => Err(answer.error()),
    }
}

/// Sends the code that [`request_code`] mailed and returns the sender's
/// token for `address` (see [`HttpTransport::new`]). A wrong, expired or
/// used code is [`HttpError::CodeRefused`].
///
/// ```no_run
/// use kluis_transfer::{confirm_code, HttpOptions, HttpTransport};
/// # fn main() -> Result<(), kluis_transfer::HttpError> {
/// let token = confirm_code("https://kluis.example.org", "ann@example.org", "12345678")?;
/// let transport = HttpTransport::new("https://kluis.example.org", Some(token), HttpOptions::default())?;
/// # let _ = transport; Ok(()) }
/// ```
pub fn confirm_code(server: &str, address: &str, code: &str) -> Result<Token, HttpError> {
    let client = Client::new(server, &HttpOptions::default())?;
    let body = json!({ "address": address, "code": code.trim() });
    let answer = client.json_call(Method::Post, "/api/v1/verify/confirm", None, Some(&body))?;
    match answer.status {
        200..=299 => {
            let value = answer.json()?;
            let secret = value
                .get("token")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .ok_or_else(|| HttpError::Protocol("no token in the answer".into()))?;
            Ok(Token::new(secret, u64_field(&value, "expires_at")?))
        }
        401 => Err(HttpError::CodeRefused),
        _ => Err(answer.error()),
    }
}

/// A [`Transport`] to a Kluis drop server over HTTPS (docs/SERVER.md).
///
/// A sender needs a [`Token`] ([`request_code`], [`confirm_code`]); a
/// recipient needs none: the transfer id in the link is the capability.
/// The mapping of each operation is in the module documentation of
/// `transport/http.rs` and in docs/TRANSFER.md §7.3.
///
/// ```no_run
/// use std::time::Duration;
/// use kluis_transfer::*;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let token = confirm_code("https://kluis.example.org", "ann@example.org", "12345678")?;
/// let server = HttpTransport::new("https://kluis.example.org", Some(token), HttpOptions::default())?;
/// let request = TransferRequest {
///     from: "ann@example.org".into(),
///     to: vec!["bob@example.org".into()],
///     subject: "Contract".into(),
///     message: None,
///     files: vec![FileSource::path("contract.pdf")],
///     expires_in: Duration::from_secs(7 * 86_400),
///     password: generate_password(PasswordStyle::Characters)?,
///     allow_weak_password: false,
/// };
/// let sent = send_transfer(&server, request, &SendOptions::default(), &NoProgress)?;
/// println!("{}", server.link(&sent.id)); // https://kluis.example.org/t/...
///
/// // A recipient, from the link:
/// let link = Link::parse(&server.link(&sent.id))?;
/// let server = HttpTransport::for_link(&link)?.expect("a server link");
/// # let _ = server; Ok(()) }
/// ```
pub struct HttpTransport {
    client: Client,
    token: Option<Token>,
    options: HttpOptions,
    /// The links the server returned, by transfer.
    links: Mutex<HashMap<TransferId, String>>,
}

impl std::fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpTransport")
            .field("server", &self.client.base)
            .field("token", &self.token)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl HttpTransport {
    /// The transport to the server at `server` (`https://host[:port][/prefix]`;
    /// `http` only to `localhost`, `127.0.0.1` or `[::1]`), sending with
    /// `token` (`None` for a recipient).
    ///
    /// ```
    /// use kluis_transfer::{HttpOptions, HttpTransport};
    /// assert!(HttpTransport::new("https://kluis.example.org", None, HttpOptions::default()).is_ok());
    /// assert!(HttpTransport::new("http://127.0.0.1:8080", None, HttpOptions::default()).is_ok());
    /// assert!(HttpTransport::new("http://kluis.example.org", None, HttpOptions::default()).is_err());
    /// ```
    pub fn new(server: &str, token: Option<Token>, options: HttpOptions) -> Result<HttpTransport, HttpError> {
        let client = Client::new(server, &options)?;
        Ok(HttpTransport { client, token, options, links: Mutex::new(HashMap::new()) })
    }

    /// The transport a recipient uses for a [`Link::Server`] (no token);
    /// `None` for other links.
    ///
    /// ```
    /// use kluis_transfer::{HttpTransport, Link};
    /// let link = Link::parse("https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa")?;
    /// assert!(HttpTransport::for_link(&link)?.is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_link(link: &Link) -> Result<Option<HttpTransport>, HttpError> {
        match link {
            Link::Server { base, .. } => HttpTransport::new(base, None, HttpOptions::default()).map(Some),
            Link::Directory { .. } => Ok(None),
        }
    }

    /// The server's base address (without a trailing `/`).
    pub fn server(&self) -> &str {
        &self.client.base
    }

    /// The link to `transfer` for the recipients: the one the server
    /// returned when the transfer was announced or finished, otherwise
    /// `<server>/t/<id>`.
    pub fn link(&self, transfer: &TransferId) -> String {
        let links = self.links.lock().unwrap_or_else(|p| p.into_inner());
        links.get(transfer).cloned().unwrap_or_else(|| format!("{}/t/{transfer}", self.client.base))
    }

    fn remember_link(&self, transfer: &TransferId, answer: &Answer) -> Result<(), HttpError> {
        let value = answer.json()?;
        if let Some(link) = value.get("link").and_then(Value::as_str) {
            // Only a link that parses as one to this very transfer is kept.
            if Link::parse(link).is_ok_and(|l| l.transfer() == *transfer) {
                self.links.lock().unwrap_or_else(|p| p.into_inner()).insert(*transfer, link.to_owned());
            }
        }
        Ok(())
    }

    fn token(&self) -> Result<&Token, HttpError> {
        self.token.as_ref().ok_or_else(|| {
            HttpError::Unauthorized("no token: sending to a Kluis server needs a verified sender address".into())
        })
    }

    /// `GET …/upload`: (partial, complete) lengths.
    fn upload_state(&self, transfer: &TransferId, blob: &BlobName) -> Result<(Option<u64>, Option<u64>), HttpError> {
        let path = format!("/api/v1/transfers/{transfer}/blobs/{blob}/upload");
        let answer = self.client.json_call(Method::Get, &path, self.token.as_ref(), None)?;
        match answer.status {
            200 => {
                let value = answer.json()?;
                Ok((opt_u64_field(&value, "partial_len")?, opt_u64_field(&value, "complete_len")?))
            }
            404 => Ok((None, None)),
            _ => Err(answer.error()),
        }
    }

    /// `GET /api/v1/transfers/{id}`: the finished transfer's facts.
    fn info(&self, transfer: &TransferId) -> Result<Value, HttpError> {
        let answer = self.client.json_call(Method::Get, &format!("/api/v1/transfers/{transfer}"), None, None)?;
        match answer.status {
            200 => answer.json(),
            _ => Err(answer.error()),
        }
    }

    fn put(&self, transfer: &TransferId, blob: &BlobName, offset: u64, data: &[u8]) -> Result<Answer, HttpError> {
        let path = format!("/api/v1/transfers/{transfer}/blobs/{blob}?offset={offset}");
        self.client.call(
            Method::Put,
            &path,
            Some(self.token()?),
            None,
            Some(("application/octet-stream", data)),
            MAX_JSON,
        )
    }
}

/// The announcement's JSON (docs/SERVER.md): the notice only when disclosed.
fn announcement(plan: &TransferPlan, options: &HttpOptions) -> Value {
    let blobs: Vec<Value> =
        plan.blobs.iter().map(|(name, size)| json!({ "name": name.to_string(), "size": size })).collect();
    let mut body = json!({
        "id": plan.id.to_string(),
        "sender": plan.sender,
        "recipients": plan.recipients,
        "expires_at": plan.expires_at,
        "download_limit": options.download_limit,
        "blobs": blobs,
    });
    if options.disclose_names {
        body["notice"] = json!({ "subject": plan.subject, "file_names": plan.file_names });
    }
    body
}

impl Transport for HttpTransport {
    fn begin_transfer(&self, plan: &TransferPlan) -> Result<(), TransportError> {
        let token = self.token()?;
        let body = announcement(plan, &self.options);
        let answer = self.client.json_call(Method::Post, "/api/v1/transfers", Some(token), Some(&body))?;
        match answer.status {
            200 | 201 => Ok(self.remember_link(&plan.id, &answer)?),
            _ => Err(answer.error().into()),
        }
    }

    fn put_range(
        &self,
        transfer: &TransferId,
        blob: &BlobName,
        offset: u64,
        data: &[u8],
    ) -> Result<(), TransportError> {
        let answer = self.put(transfer, blob, offset, data)?;
        match answer.status {
            200..=299 => return Ok(()),
            409 => {}
            _ => return Err(answer.error().into()),
        }
        // The offset is not the server's length: perhaps an earlier attempt
        // of this very piece landed and only its answer was lost.
        let end = offset + data.len() as u64;
        let refused = answer.error();
        match self.upload_state(transfer, blob)? {
            (Some(held), None) if held == end => Ok(()),
            (Some(held), None) if held > offset && held < end => {
                // Part of it landed: send the rest, once.
                let rest = &data[usize::try_from(held - offset).unwrap_or(data.len())..];
                let answer = self.put(transfer, blob, held, rest)?;
                match answer.status {
                    200..=299 => Ok(()),
                    _ => Err(answer.error().into()),
                }
            }
            (held, complete) => {
                let state = match (held, complete) {
                    (_, Some(len)) => format!("the blob is complete with {len} bytes"),
                    (Some(len), None) => format!("the server holds {len} bytes"),
                    (None, None) => "the server holds none".into(),
                };
                Err(TransportError::Conflict(format!("{refused} ({state}; an upload resumes from there)")))
            }
        }
    }

    fn partial_len(&self, transfer: &TransferId, blob: &BlobName) -> Result<Option<u64>, TransportError> {
        Ok(self.upload_state(transfer, blob)?.0)
    }

    fn finish_blob(&self, transfer: &TransferId, blob: &BlobName, total_len: u64) -> Result<(), TransportError> {
        let path = format!("/api/v1/transfers/{transfer}/blobs/{blob}/finish");
        let answer =
            self.client.json_call(Method::Post, &path, Some(self.token()?), Some(&json!({ "size": total_len })))?;
        match answer.status {
            200..=299 => Ok(()),
            _ => Err(answer.error().into()),
        }
    }

    fn complete_len(&self, transfer: &TransferId, blob: &BlobName) -> Result<Option<u64>, TransportError> {
        if self.token.is_some() {
            return Ok(self.upload_state(transfer, blob)?.1);
        }
        // A recipient: HEAD never counts a download and stays allowed once
        // the download limit is reached (the transfer info is 410 then).
        let path = format!("/api/v1/transfers/{transfer}/blobs/{blob}");
        let answer = self.client.call(Method::Head, &path, None, None, None, 0)?;
        match answer.status {
            200..=299 => answer
                .content_length
                .map(Some)
                .ok_or_else(|| HttpError::Protocol("no Content-Length in the answer to HEAD".into()).into()),
            404 => Ok(None),
            _ => Err(answer.error().into()),
        }
    }

    fn read_range(
        &self,
        transfer: &TransferId,
        blob: &BlobName,
        offset: u64,
        len: u64,
    ) -> Result<Vec<u8>, TransportError> {
        let len = len.min(MAX_BODY);
        if len == 0 {
            return Ok(Vec::new());
        }
        let path = format!("/api/v1/transfers/{transfer}/blobs/{blob}");
        let range = format!("bytes={offset}-{}", offset.saturating_add(len - 1));
        // A server that ignores `Range` (200) sends the whole blob.
        let answer = self.client.call(Method::Get, &path, None, Some(range), None, offset.saturating_add(len))?;
        match answer.status {
            206 => {
                let mut body = answer.body;
                body.truncate(usize::try_from(len).unwrap_or(usize::MAX));
                Ok(body)
            }
            200 => {
                let start = usize::try_from(offset).unwrap_or(usize::MAX).min(answer.body.len());
                let end = start.saturating_add(usize::try_from(len).unwrap_or(usize::MAX)).min(answer.body.len());
                Ok(answer.body[start..end].to_vec())
            }
            416 => Ok(Vec::new()),
            _ => Err(answer.error().into()),
        }
    }

    fn finish_transfer(&self, transfer: &TransferId, expires_at: u64) -> Result<(), TransportError> {
        let path = format!("/api/v1/transfers/{transfer}/finish");
        let answer = self.client.json_call(
            Method::Post,
            &path,
            Some(self.token()?),
            Some(&json!({ "expires_at": expires_at })),
        )?;
        match answer.status {
            200..=299 => Ok(self.remember_link(transfer, &answer)?),
            _ => Err(answer.error().into()),
        }
    }

    fn expiry(&self, transfer: &TransferId) -> Result<Option<u64>, TransportError> {
        Ok(Some(u64_field(&self.info(transfer)?, "expires_at")?))
    }

    fn delete_transfer(&self, transfer: &TransferId) -> Result<(), TransportError> {
        let path = format!("/api/v1/transfers/{transfer}");
        let answer = self.client.json_call(Method::Delete, &path, Some(self.token()?), None)?;
        match answer.status {
            200..=299 | 404 => Ok(()),
            _ => Err(answer.error().into()),
        }
    }

    fn list_expired(&self, _now: u64) -> Result<Vec<TransferId>, TransportError> {
        Err(TransportError::Other(
            "a Kluis server purges expired transfers itself and does not list them to clients".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Answer {
        Answer { status, retry_after: Some(7), content_length: None, body: body.as_bytes().to_vec() }
    }

    #[test]
    fn server_addresses() {
        assert_eq!(server_base("https://kluis.example.org/").as_deref(), Ok("https://kluis.example.org"));
        assert_eq!(server_base(" https://example.org/share ").as_deref(), Ok("https://example.org/share"));
        assert_eq!(server_base("http://127.0.0.1:8080").as_deref(), Ok("http://127.0.0.1:8080"));
        assert_eq!(server_base("http://[::1]:1").as_deref(), Ok("http://[::1]:1"));
        for bad in ["http://example.org", "ftp://example.org", "https://u:p@example.org", "https://x.org/?a", "x"] {
            assert!(matches!(server_base(bad), Err(HttpError::InvalidServer { .. })), "{bad}");
        }
        let err = server_base("http://10.0.0.1").unwrap_err().to_string();
        assert!(err.contains("use https"), "{err}");
    }

    #[test]
    fn status_mapping() {
        let e = |status: u16| TransportError::from(answer(status, r#"{"error":"x","message":"why"}"#).error());
        assert!(matches!(e(404), TransportError::NotFound(m) if m.contains("why")));
        for status in [409, 410, 413, 416] {
            assert!(matches!(e(status), TransportError::Conflict(_)), "{status}");
        }
        for status in [500, 502, 503] {
            assert!(matches!(e(status), TransportError::Io(_)), "{status}");
        }
        for status in [400, 401, 403, 429] {
            assert!(matches!(e(status), TransportError::Other(_)), "{status}");
        }
        assert_eq!(e(429).to_string(), "rate limited, retry in 7 s");
        assert!(matches!(TransportError::from(HttpError::Network("reset".into())), TransportError::Io(_)));
        // A body that is not the JSON error shape still says something.
        let plain = answer(502, "Bad Gateway").error();
        assert_eq!(plain.to_string(), "the server answered 502 : Bad Gateway");
    }

    #[test]
    fn announcement_discloses_names_only_when_asked() {
        let id = TransferId::from_bytes([0; 16]);
        let blob = crate::BlobId::from_bytes([1; 16]);
        let plan = TransferPlan {
            id,
            sender: "ann@example.org".into(),
            recipients: vec!["bob@example.org".into()],
            expires_at: 1_767_225_600,
            blobs: vec![(BlobName::File(blob), 5678), (BlobName::Manifest, 1234)],
            subject: "Contract".into(),
            file_names: vec!["contract.pdf".into()],
        };
        let quiet = announcement(&plan, &HttpOptions::default());
        assert_eq!(
            quiet,
            json!({
                "id": id.to_string(),
                "sender": "ann@example.org",
                "recipients": ["bob@example.org"],
                "expires_at": 1_767_225_600u64,
                "download_limit": null,
                "blobs": [{"name": blob.to_string(), "size": 5678}, {"name": "manifest", "size": 1234}],
            })
        );
        assert!(!quiet.to_string().contains("Contract"));
        let told = announcement(
            &plan,
            &HttpOptions { download_limit: Some(3), disclose_names: true, ..HttpOptions::default() },
        );
        assert_eq!(told["download_limit"], 3);
        assert_eq!(told["notice"], json!({"subject": "Contract", "file_names": ["contract.pdf"]}));
    }

    #[test]
    fn token_is_redacted() {
        let token = Token::new("very-secret", 5);
        assert!(!format!("{token:?}").contains("very-secret"));
        let transport = HttpTransport::new("https://example.org", Some(token), HttpOptions::default());
        assert!(transport.is_ok_and(|t| !format!("{t:?}").contains("very-secret")));
    }

    #[test]
    fn links_default_to_the_server() {
        let server = HttpTransport::new("https://example.org/k/", None, HttpOptions::default());
        let id = TransferId::from_bytes([0; 16]);
        assert!(server.is_ok_and(|s| s.link(&id) == "https://example.org/k/t/aaaaaaaaaaaaaaaaaaaaaaaaaa"));
        let directory = Link::parse("file:///srv/store/aaaaaaaaaaaaaaaaaaaaaaaaaa");
        assert!(directory.is_ok_and(|l| HttpTransport::for_link(&l).is_ok_and(|t| t.is_none())));
    }

    #[test]
    fn sending_without_a_token_is_refused_before_any_request() {
        // Port 9 (discard) on loopback: nothing is sent, the token check comes first.
        let server = HttpTransport::new("http://127.0.0.1:9", None, HttpOptions::default());
        let id = TransferId::from_bytes([0; 16]);
        let result = server.map(|s| s.put_range(&id, &BlobName::Manifest, 0, b"x"));
        assert!(matches!(&result, Ok(Err(TransportError::Other(m))) if m.contains("no token")), "{result:?}");
    }

    #[test]
    fn list_expired_is_refused_honestly() {
        let server = HttpTransport::new("https://example.org", None, HttpOptions::default());
        assert!(
            server.is_ok_and(|s| matches!(s.list_expired(0), Err(TransportError::Other(m)) if m.contains("purges")))
        );
    }
}
