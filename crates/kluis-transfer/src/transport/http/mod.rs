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

use kluis_protocol::{
    Announcement, BlobName, BlobSize, CreatedAnswer, FinishBlobRequest, FinishTransferRequest, Link, LinkAnswer,
    Notice, TransferId, TransferSummary, UploadState, paths,
};

pub use client::{HttpError, HttpOptions};
pub use signin::{Token, confirm_code, request_code};

use crate::transport::{TransferPlan, Transport, TransportError};
use client::{Answer, Client, MAX_BODY, MAX_JSON, Method, NO_BODY};

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

    fn remember_link(&self, transfer: &TransferId, link: String) {
        // Only a link to this very transfer on this server's own origin is
        // kept (it goes into the recipients' mail): not one to another host,
        // scheme or port, nor a `file://` link.
        let ours = match Link::parse(&link) {
            Ok(Link::Server { base, transfer: t }) => t == *transfer && origin(&base) == origin(&self.client.base),
            _ => false,
        };
        if ours {
            self.links.lock().unwrap_or_else(|p| p.into_inner()).insert(*transfer, link);
        }
    }

    fn token(&self) -> Result<&Token, HttpError> {
        self.token.as_ref().ok_or_else(|| {
            HttpError::Unauthorized("no token: sending to a Kluis server needs a verified sender address".into())
        })
    }

    /// `GET …/upload`: (partial, complete) lengths.
    fn upload_state(&self, transfer: &TransferId, blob: &BlobName) -> Result<(Option<u64>, Option<u64>), HttpError> {
        let path = paths::blob_upload(transfer, blob);
        let answer = self.client.json_call(Method::Get, &path, self.token.as_ref(), NO_BODY)?;
        match answer.status {
            200 => {
                let UploadState { partial_len, complete_len } = answer.json()?;
                Ok((partial_len, complete_len))
            }
            404 => Ok((None, None)),
            _ => Err(answer.error()),
        }
    }

    /// `GET /api/v1/transfers/{id}`: the finished transfer's facts.
    fn info(&self, transfer: &TransferId) -> Result<TransferSummary, HttpError> {
        let answer = self.client.json_call(Method::Get, &paths::transfer(transfer), None, NO_BODY)?;
        match answer.status {
            200 => answer.json(),
            _ => Err(answer.error()),
        }
    }

    fn put(&self, transfer: &TransferId, blob: &BlobName, offset: u64, data: &[u8]) -> Result<Answer, HttpError> {
        let path = paths::blob_at(transfer, blob, offset);
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

/// The announcement (docs/SERVER.md): the notice only when disclosed.
fn announcement(plan: &TransferPlan, options: &HttpOptions) -> Announcement {
    Announcement {
        id: plan.id,
        sender: plan.sender.clone(),
        recipients: plan.recipients.clone(),
        expires_at: plan.expires_at,
        download_limit: options.download_limit,
        blobs: plan.blobs.iter().map(|&(name, size)| BlobSize { name, size }).collect(),
        notice: options
            .disclose_names
            .then(|| Notice { subject: Some(plan.subject.clone()), file_names: plan.file_names.clone() }),
        language: options.language,
    }
}

/// The origin (`scheme://host[:port]`) of an http(s) address.
fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    url[after_scheme..].find('/').map_or(url, |i| &url[..after_scheme + i])
}

impl Transport for HttpTransport {
    fn begin_transfer(&self, plan: &TransferPlan) -> Result<(), TransportError> {
        let token = self.token()?;
        let body = announcement(plan, &self.options);
        let answer = self.client.json_call(Method::Post, paths::TRANSFERS, Some(token), Some(&body))?;
        match answer.status {
            200 | 201 => {
                let CreatedAnswer { link, .. } = answer.json()?;
                self.remember_link(&plan.id, link);
                Ok(())
            }
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
        let path = paths::blob_finish(transfer, blob);
        let body = FinishBlobRequest { size: total_len };
        let answer = self.client.json_call(Method::Post, &path, Some(self.token()?), Some(&body))?;
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
        let path = paths::blob(transfer, blob);
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
        let path = paths::blob(transfer, blob);
        let range = format!("bytes={offset}-{}", offset.saturating_add(len - 1));
        // Exactly the range asked for: no blob bytes past `len` are read
        // (an error answer, small JSON, may use up to MAX_JSON), and a
        // server that ignores `Range` (200, the whole blob) is refused
        // unless the range starts at 0, so that memory never grows with the
        // offset.
        let answer = self.client.call(Method::Get, &path, None, Some(range), None, len.max(MAX_JSON))?;
        let too_long = || {
            TransportError::from(HttpError::Protocol(format!(
                "the answer is longer than the {len} bytes asked for (at byte {offset})"
            )))
        };
        match answer.status {
            206 | 200 if answer.body.len() as u64 > len => Err(too_long()),
            206 => Ok(answer.body),
            200 if offset == 0 => Ok(answer.body),
            200 => Err(HttpError::Protocol(format!(
                "the server ignored the Range of a read at byte {offset} (answered 200 with the whole blob)"
            ))
            .into()),
            416 => Ok(Vec::new()),
            _ => Err(answer.error().into()),
        }
    }

    fn finish_transfer(&self, transfer: &TransferId, expires_at: u64) -> Result<(), TransportError> {
        let path = paths::transfer_finish(transfer);
        let body = FinishTransferRequest { expires_at };
        let answer = self.client.json_call(Method::Post, &path, Some(self.token()?), Some(&body))?;
        match answer.status {
            200..=299 => {
                let LinkAnswer { link } = answer.json()?;
                self.remember_link(transfer, link);
                Ok(())
            }
            _ => Err(answer.error().into()),
        }
    }

    fn expiry(&self, transfer: &TransferId) -> Result<Option<u64>, TransportError> {
        Ok(Some(self.info(transfer)?.expires_at))
    }

    fn delete_transfer(&self, transfer: &TransferId) -> Result<(), TransportError> {
        let path = paths::transfer(transfer);
        let answer = self.client.json_call(Method::Delete, &path, Some(self.token()?), NO_BODY)?;
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
    use super::client::server_base;
    use super::*;
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
