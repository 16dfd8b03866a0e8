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
//! Status codes become [`TransportError`]s by the one table of
//! docs/SERVER.md, as kluis-protocol's `ErrorKind::of_status` encodes it,
//! each with the server's message.

mod client;
mod signin;

use std::collections::HashMap;
use std::sync::Mutex;

use kluis_protocol::{BlobName, Link, TransferId, paths};

use crate::http::{HttpError, HttpOptions, Token};
pub use signin::{confirm_code, request_code};

use crate::http::{Body, Exchange, MAX_BODY, MAX_JSON, Method, Server, is_own_link};
use crate::session::{Op, OpOutput};
use crate::transport::{TransferPlan, Transport, TransportError};
use client::Client;

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
    /// The links the server returned, by transfer.
    links: Mutex<HashMap<TransferId, String>>,
}

impl std::fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpTransport")
            .field("server", &self.client.server.base)
            .field("token", &self.client.server.token)
            .field("options", &self.client.server.options)
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
        let client = Client::new(Server::new(server, token, options)?);
        Ok(HttpTransport { client, links: Mutex::new(HashMap::new()) })
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
        &self.client.server.base
    }

    /// The link to `transfer` for the recipients: the one the server
    /// returned when the transfer was announced or finished, otherwise
    /// `<server>/t/<id>`.
    pub fn link(&self, transfer: &TransferId) -> String {
        let links = self.links.lock().unwrap_or_else(|p| p.into_inner());
        links.get(transfer).cloned().unwrap_or_else(|| format!("{}{}", self.client.server.base, paths::page(transfer)))
    }

    fn remember_link(&self, transfer: &TransferId, link: String) {
        // Only a link to this very transfer on this server's own origin is
        // kept (it goes into the recipients' mail).
        if is_own_link(&self.client.server.base, transfer, &link) {
            self.links.lock().unwrap_or_else(|p| p.into_inner()).insert(*transfer, link);
        }
    }

    /// Performs `op` by [`crate::http`]'s mapping, keeping a returned link.
    fn run(
        &self,
        transfer: &TransferId,
        plan: Option<&TransferPlan>,
        op: Op,
        data: &[u8],
    ) -> Result<OpOutput, TransportError> {
        let none;
        let plan = match plan {
            Some(plan) => plan,
            None => {
                none = TransferPlan {
                    id: *transfer,
                    sender: String::new(),
                    recipients: Vec::new(),
                    expires_at: 0,
                    blobs: Vec::new(),
                    subject: String::new(),
                    file_names: Vec::new(),
                };
                &none
            }
        };
        let (output, link) = self.client.run(transfer, plan, op, data)?;
        if let Some(link) = link {
            self.remember_link(transfer, link);
        }
        Ok(output)
    }

    fn lengths(&self, transfer: &TransferId, blob: &BlobName) -> Result<(Option<u64>, Option<u64>), TransportError> {
        match self.run(transfer, None, Op::Lengths { blob: *blob }, &[])? {
            OpOutput::Lengths { partial, complete } => Ok((partial, complete)),
            other => Err(TransportError::Other(format!("unexpected result {other:?}"))),
        }
    }
}

impl Transport for HttpTransport {
    fn begin_transfer(&self, plan: &TransferPlan) -> Result<(), TransportError> {
        self.run(&plan.id, Some(plan), Op::Begin, &[]).map(|_| ())
    }

    fn put_range(
        &self,
        transfer: &TransferId,
        blob: &BlobName,
        offset: u64,
        data: &[u8],
    ) -> Result<(), TransportError> {
        let op = Op::Put { blob: *blob, index: 0, offset, len: data.len() as u64 };
        self.run(transfer, None, op, data).map(|_| ())
    }

    fn partial_len(&self, transfer: &TransferId, blob: &BlobName) -> Result<Option<u64>, TransportError> {
        Ok(self.lengths(transfer, blob)?.0)
    }

    fn finish_blob(&self, transfer: &TransferId, blob: &BlobName, total_len: u64) -> Result<(), TransportError> {
        self.run(transfer, None, Op::FinishBlob { blob: *blob, len: total_len }, &[]).map(|_| ())
    }

    fn complete_len(&self, transfer: &TransferId, blob: &BlobName) -> Result<Option<u64>, TransportError> {
        if self.client.server.token.is_some() {
            return Ok(self.lengths(transfer, blob)?.1);
        }
        // A recipient: HEAD never counts a download and stays allowed once
        // the download limit is reached (the transfer info is 410 then).
        match self.run(transfer, None, Op::CompleteLen { blob: *blob }, &[])? {
            OpOutput::Len(len) => Ok(len),
            other => Err(TransportError::Other(format!("unexpected result {other:?}"))),
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
        match self.run(transfer, None, Op::Read { blob: *blob, offset, len }, &[])? {
            OpOutput::Bytes(bytes) => Ok(bytes),
            other => Err(TransportError::Other(format!("unexpected result {other:?}"))),
        }
    }

    fn finish_transfer(&self, transfer: &TransferId, expires_at: u64) -> Result<(), TransportError> {
        self.run(transfer, None, Op::FinishTransfer { expires_at }, &[]).map(|_| ())
    }

    fn expiry(&self, transfer: &TransferId) -> Result<Option<u64>, TransportError> {
        match self.run(transfer, None, Op::Expiry, &[])? {
            OpOutput::Expiry(expiry) => Ok(expiry),
            other => Err(TransportError::Other(format!("unexpected result {other:?}"))),
        }
    }

    fn delete_transfer(&self, transfer: &TransferId) -> Result<(), TransportError> {
        let server = &self.client.server;
        let token = server.token.as_ref().ok_or_else(|| {
            HttpError::Unauthorized("no token: sending to a Kluis server needs a verified sender address".into())
        })?;
        let request = server.request(Method::Delete, paths::transfer(transfer), Some(token), Body::Empty, MAX_JSON);
        let answer = self.client.exchange(Exchange::new(request, &server.options))?;
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
    use crate::http::{HttpResponse as Answer, announcement, origin, server_base};
    use serde_json::json;

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
        assert_eq!(e(429).to_string(), "rate limited, retry in 7 s (why)");
        assert!(matches!(TransportError::from(HttpError::Network("reset".into())), TransportError::Io(_)));
        // A body that is not the JSON error shape still says something.
        let plain = answer(502, "Bad Gateway").error();
        assert_eq!(plain.to_string(), "the server answered 502 : Bad Gateway");
    }

    #[test]
    fn refusals_by_policy_are_typed_and_not_resumable() {
        let refusal = |status: u16, code: &str| {
            answer(status, &format!(r#"{{"error":"{code}","message":"the limit named"}}"#)).error()
        };
        assert_eq!(refusal(413, "quota_exceeded"), HttpError::QuotaExceeded("the limit named".into()));
        assert_eq!(refusal(413, "notice_too_large"), HttpError::NoticeTooLarge("the limit named".into()));
        assert_eq!(refusal(403, "domain_not_allowed"), HttpError::DomainNotAllowed("the limit named".into()));
        assert_eq!(
            refusal(429, "rate_limited"),
            HttpError::RateLimited { retry_after: Some(7), message: "the limit named".into() }
        );
        assert!(matches!(refusal(413, "too_large"), HttpError::Status { status: 413, .. }));
        // A send does not resume after a refusal (Other), as it does after
        // a Conflict: repeating the announcement at once cannot help.
        for (status, code) in [(413, "quota_exceeded"), (413, "notice_too_large"), (403, "domain_not_allowed")] {
            let e = TransportError::from(refusal(status, code));
            assert!(matches!(&e, TransportError::Other(m) if m.contains("the limit named")), "{code}: {e:?}");
        }
        assert!(matches!(TransportError::from(refusal(413, "too_large")), TransportError::Conflict(_)));
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
        let quiet = serde_json::to_value(announcement(&plan, &HttpOptions::default())).unwrap_or_default();
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
        let told = serde_json::to_value(announcement(
            &plan,
            &HttpOptions { download_limit: Some(3), disclose_names: true, ..HttpOptions::default() },
        ))
        .unwrap_or_default();
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
    fn only_links_on_the_servers_own_origin_are_kept() {
        let id = TransferId::from_bytes([0; 16]);
        let Ok(server) = HttpTransport::new("https://example.org/k", None, HttpOptions::default()) else {
            panic!("a valid server address");
        };
        let default = "https://example.org/k/t/aaaaaaaaaaaaaaaaaaaaaaaaaa";
        for foreign in [
            "https://evil.example/t/aaaaaaaaaaaaaaaaaaaaaaaaaa",
            "https://example.org:8443/t/aaaaaaaaaaaaaaaaaaaaaaaaaa",
            "http://example.org/k/t/aaaaaaaaaaaaaaaaaaaaaaaaaa",
            "file:///srv/store/aaaaaaaaaaaaaaaaaaaaaaaaaa",
            "https://example.org/k/t/baaaaaaaaaaaaaaaaaaaaaaaaa",
        ] {
            server.remember_link(&id, foreign.into());
            assert_eq!(server.link(&id), default, "{foreign}");
        }
        server.remember_link(&id, "https://example.org/share/t/aaaaaaaaaaaaaaaaaaaaaaaaaa".into());
        assert_eq!(server.link(&id), "https://example.org/share/t/aaaaaaaaaaaaaaaaaaaaaaaaaa");
        assert_eq!(origin("https://example.org:1/a/b"), "https://example.org:1");
        assert_eq!(origin("http://[::1]:8080"), "http://[::1]:8080");
    }

    /// A one-shot HTTP server on loopback that answers every request with
    /// `status` and `body`, whatever it asked.
    fn answering(status: &str, body: Vec<u8>) -> String {
        use std::io::{Read, Write};
        let Ok(listener) = std::net::TcpListener::bind("127.0.0.1:0") else { panic!("a loopback port") };
        let Ok(addr) = listener.local_addr() else { panic!("its address") };
        let head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
        std::thread::spawn(move || {
            for stream in listener.incoming().take(4) {
                let Ok(mut stream) = stream else { return };
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request);
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        format!("http://{addr}")
    }

    #[test]
    fn reads_take_exactly_the_range_asked_for() {
        let id = TransferId::from_bytes([0; 16]);
        let options = HttpOptions { retries: 0, ..HttpOptions::default() };
        // A server that ignores Range: refused past byte 0, whatever the blob's size.
        let Ok(ignoring) = HttpTransport::new(&answering("200 OK", vec![7; 10]), None, options.clone()) else {
            panic!("a transport");
        };
        let read = ignoring.read_range(&id, &BlobName::Manifest, 90_000, 10);
        assert!(matches!(&read, Err(TransportError::Other(m)) if m.contains("ignored the Range")), "{read:?}");
        // A partial answer longer than asked: refused, not read whole.
        let Ok(long) = HttpTransport::new(&answering("206 Partial Content", vec![7; 100_000]), None, options) else {
            panic!("a transport");
        };
        let read = long.read_range(&id, &BlobName::Manifest, 0, 10);
        assert!(matches!(&read, Err(TransportError::Other(m)) if m.contains("longer than")), "{read:?}");
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
