//! A drop server in memory for the sans-IO sessions: the HTTP API of
//! docs/SERVER.md over a `MemoryTransport`, read and written through
//! kluis-protocol's types, with injected faults.

use std::collections::VecDeque;

use kluis_transfer::http::{Body, HttpRequest, HttpResponse, Method};
use kluis_transfer::protocol::{
    CreatedAnswer, ErrorBody, ErrorCode, FinishBlobRequest, FinishTransferRequest, LinkAnswer, TransferSummary,
    UploadState,
};
use kluis_transfer::{BlobName, MemoryTransport, TransferId, Transport, TransportError};

/// What the next request meets instead of a plain answer.
#[derive(Clone, Debug)]
pub(crate) enum Fault {
    /// This status with an error body, the request not performed.
    Status(u16),
    /// The connection drops before the request arrives.
    Drop,
    /// A `PUT` stores only this many of its bytes, then the connection drops.
    Cut(usize),
    /// The request is performed, then the connection drops (a lost answer).
    LoseAnswer,
}

pub(crate) const BASE: &str = "https://kluis.example.org";

/// The server: its store, the faults to inject (the first matching one per
/// request), and a log of the requests that reached it.
pub(crate) struct FakeServer {
    pub(crate) store: MemoryTransport,
    pub(crate) faults: VecDeque<(Method, &'static str, Fault)>,
    pub(crate) log: Vec<(Method, String)>,
    pub(crate) put_bytes: u64,
}

fn json<T: serde::Serialize>(status: u16, value: &T) -> HttpResponse {
    HttpResponse::new(status, serde_json::to_vec(value).unwrap_or_default())
}

fn refused(status: u16, code: ErrorCode, message: &str) -> HttpResponse {
    json(status, &ErrorBody::new(code, message))
}

fn transport_error(e: TransportError) -> HttpResponse {
    match e {
        TransportError::NotFound(m) => refused(404, ErrorCode::NotFound, &m),
        TransportError::Conflict(m) => refused(409, ErrorCode::Conflict, &m),
        other => refused(500, ErrorCode::Internal, &other.to_string()),
    }
}

impl FakeServer {
    pub(crate) fn new() -> FakeServer {
        FakeServer { store: MemoryTransport::new(), faults: VecDeque::new(), log: Vec::new(), put_bytes: 0 }
    }

    /// Injects `fault` into the next request with `method` whose path
    /// contains `path`.
    pub(crate) fn fault(&mut self, method: Method, path: &'static str, fault: Fault) {
        self.faults.push_back((method, path, fault));
    }

    /// Answers `request` (`body`: the bytes of a `Body::Blob`), or fails
    /// with a network error.
    pub(crate) fn handle(&mut self, request: &HttpRequest, body: &[u8]) -> Result<HttpResponse, String> {
        assert!(request.url.starts_with(BASE), "{}", request.url);
        let fault = self
            .faults
            .iter()
            .position(|(m, p, _)| *m == request.method && request.path.contains(p))
            .and_then(|i| self.faults.remove(i))
            .map(|(_, _, f)| f);
        self.log.push((request.method, request.path.clone()));
        match fault {
            Some(Fault::Status(status)) => return Ok(refused(status, ErrorCode::Internal, "injected")),
            Some(Fault::Drop) => return Err("connection reset".into()),
            Some(Fault::Cut(landed)) => {
                let _ = self.perform(request, &body[..landed.min(body.len())]);
                return Err("connection reset in the middle of the body".into());
            }
            Some(Fault::LoseAnswer) => {
                let _ = self.perform(request, body);
                return Err("connection reset before the answer".into());
            }
            None => {}
        }
        Ok(self.perform(request, body))
    }

    fn perform(&mut self, request: &HttpRequest, body: &[u8]) -> HttpResponse {
        let (path, query) = request.path.split_once('?').unwrap_or((&request.path, ""));
        let parts: Vec<&str> = path.trim_start_matches("/api/v1/transfers").split('/').skip(1).collect();
        let json_body = || match &request.body {
            Body::Json(text) => text.clone(),
            _ => Vec::new(),
        };
        if parts.is_empty() {
            // POST /api/v1/transfers: the announcement.
            let Ok(announced) = serde_json::from_slice::<kluis_transfer::protocol::Announcement>(&json_body()) else {
                return refused(400, ErrorCode::InvalidRequest, "not an announcement");
            };
            let link = format!("{BASE}/t/{}", announced.id);
            return json(201, &CreatedAnswer { id: announced.id, link });
        }
        let Ok(id) = TransferId::parse(parts[0]) else {
            return refused(404, ErrorCode::NotFound, "no such transfer");
        };
        let blob = parts.get(2).map(|b| BlobName::parse(b));
        match (request.method, &parts[1..], blob) {
            (Method::Get, [], _) => match self.store.expiry(&id) {
                Ok(Some(expires_at)) => json(
                    200,
                    &TransferSummary { id, expires_at, blobs: Vec::new(), downloads: 0, download_limit: None },
                ),
                Ok(None) => refused(404, ErrorCode::NotFound, "not finished"),
                Err(e) => transport_error(e),
            },
            (Method::Post, ["finish"], _) => {
                let Ok(FinishTransferRequest { expires_at }) = serde_json::from_slice(&json_body()) else {
                    return refused(400, ErrorCode::InvalidRequest, "bad finish");
                };
                match self.store.finish_transfer(&id, expires_at) {
                    Ok(()) => json(200, &LinkAnswer { link: format!("{BASE}/t/{id}") }),
                    Err(e) => transport_error(e),
                }
            }
            (_, _, Some(Err(_))) => refused(404, ErrorCode::NotFound, "no such blob"),
            (Method::Put, [_, _], Some(Ok(blob))) => {
                let offset = query.trim_start_matches("offset=").parse::<u64>().unwrap_or(u64::MAX);
                // The server's rule: only appends at its exact length.
                let held = self.store.partial_len(&id, &blob).ok().flatten().unwrap_or(0);
                if offset != held {
                    return refused(409, ErrorCode::Conflict, &format!("offset {offset}, holding {held}"));
                }
                self.put_bytes += body.len() as u64;
                match self.store.put_range(&id, &blob, offset, body) {
                    Ok(()) => HttpResponse::new(204, Vec::new()),
                    Err(e) => transport_error(e),
                }
            }
            (Method::Get, [_, _, "upload"], Some(Ok(blob))) => {
                let state = UploadState {
                    partial_len: self.store.partial_len(&id, &blob).ok().flatten(),
                    complete_len: self.store.complete_len(&id, &blob).ok().flatten(),
                };
                json(200, &state)
            }
            (Method::Post, [_, _, "finish"], Some(Ok(blob))) => {
                let Ok(FinishBlobRequest { size }) = serde_json::from_slice(&json_body()) else {
                    return refused(400, ErrorCode::InvalidRequest, "bad finish");
                };
                match self.store.finish_blob(&id, &blob, size) {
                    Ok(()) => HttpResponse::new(204, Vec::new()),
                    Err(e) => transport_error(e),
                }
            }
            (Method::Head, [_, _], Some(Ok(blob))) => match self.store.complete_len(&id, &blob) {
                Ok(Some(len)) => {
                    HttpResponse { status: 200, retry_after: None, content_length: Some(len), body: vec![] }
                }
                _ => HttpResponse::new(404, Vec::new()),
            },
            (Method::Get, [_, _], Some(Ok(blob))) => {
                let range = request.header("Range").unwrap_or("bytes=0-").trim_start_matches("bytes=");
                let (start, end) = range.split_once('-').unwrap_or(("0", ""));
                let start = start.parse::<u64>().unwrap_or(0);
                let end = end.parse::<u64>().unwrap_or(u64::MAX - 1);
                match self.store.read_range(&id, &blob, start, end - start + 1) {
                    Ok(bytes) if bytes.is_empty() => HttpResponse::new(416, Vec::new()),
                    Ok(bytes) => HttpResponse::new(206, bytes),
                    Err(e) => transport_error(e),
                }
            }
            _ => refused(405, ErrorCode::InvalidRequest, "no such route"),
        }
    }
}
