//! How each storage operation ([`Op`]) maps onto the API (docs/SERVER.md):
//! its request or requests, and the reading of their answers.
//!
//! | operation | request |
//! |---|---|
//! | `Begin` | `POST /api/v1/transfers` (the announcement; `notice` only with [`HttpOptions::disclose_names`]) |
//! | `Lengths` | `GET …/blobs/{blob}/upload` (`404`: none) |
//! | `Put` | `PUT …/blobs/{blob}?offset=N`; on `409` it reads `GET …/upload`: a piece that landed counts as sent, a piece that landed in part is completed from the server's length, anything else stays a `Conflict` (the next upload attempt resumes from the server's length) |
//! | `FinishBlob` | `POST …/blobs/{blob}/finish` |
//! | `FinishTransfer` | `POST …/finish` (the returned link is kept) |
//! | `Expiry` | `GET /api/v1/transfers/{id}`: never `None`, since the server answers `404` for an unfinished transfer |
//! | `CompleteLen` | `HEAD …/blobs/{blob}` (`Content-Length`; never counts a download, allowed past the download limit) |
//! | `Read` | `GET …/blobs/{blob}` with `Range` (`416` reads as the end of the blob) |

use kluis_protocol::{
    Announcement, BlobName, BlobSize, CreatedAnswer, FinishBlobRequest, FinishTransferRequest, LinkAnswer, Notice,
    TransferId, TransferSummary, UploadState, paths,
};
use serde::Serialize;

use super::{Body, Exchange, HttpError, HttpOptions, HttpRequest, HttpResponse, MAX_BODY, MAX_JSON, Method, Step};
use super::{Token, is_own_link, server_base};
use crate::session::{Op, OpOutput};
use crate::transport::{TransferPlan, TransportError};

/// A server: its base address, the sender's token, the options.
#[derive(Clone, Debug)]
pub(crate) struct Server {
    pub(crate) base: String,
    pub(crate) token: Option<Token>,
    pub(crate) options: HttpOptions,
}

impl Server {
    pub(crate) fn new(server: &str, token: Option<Token>, options: HttpOptions) -> Result<Server, HttpError> {
        Ok(Server { base: server_base(server)?, token, options })
    }

    fn token(&self) -> Result<&Token, HttpError> {
        self.token.as_ref().ok_or_else(|| {
            HttpError::Unauthorized("no token: sending to a Kluis server needs a verified sender address".into())
        })
    }

    /// A request to `path`, with the token when `token` is given.
    pub(crate) fn request(
        &self,
        method: Method,
        path: String,
        token: Option<&Token>,
        body: Body,
        limit: u64,
    ) -> HttpRequest {
        let mut headers = Vec::new();
        if let Some(token) = token {
            headers.push(("Authorization".to_owned(), format!("Bearer {}", token.expose())));
        }
        match &body {
            Body::Json(_) => headers.push(("Content-Type".to_owned(), "application/json".to_owned())),
            Body::Blob { .. } => headers.push(("Content-Type".to_owned(), "application/octet-stream".to_owned())),
            Body::Empty => {}
        }
        HttpRequest { method, url: format!("{}{path}", self.base), path, headers, body, limit }
    }

    /// A request with a JSON body (a kluis-protocol type).
    pub(crate) fn json<B: Serialize>(
        &self,
        method: Method,
        path: String,
        token: Option<&Token>,
        body: &B,
    ) -> Result<HttpRequest, HttpError> {
        let text = serde_json::to_vec(body)
            .map_err(|e| HttpError::Protocol(format!("a request could not be written: {e}")))?;
        Ok(self.request(method, path, token, Body::Json(text), MAX_JSON))
    }
}

/// The announcement (docs/SERVER.md): the notice only when disclosed.
pub(crate) fn announcement(plan: &TransferPlan, options: &HttpOptions) -> Announcement {
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

/// Where a `Put` stands after a `409`.
#[derive(Debug)]
enum Stage {
    Main,
    /// Reading the server's length; the refusal it explains.
    PutCheck(HttpError),
    /// Sending the part of the piece that did not land.
    PutRest,
}

/// What to do after an answer.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Send [`HttpCall::request`] (again, or a follow-up).
    Send,
    /// Wait, then send it again.
    Wait(std::time::Duration),
    /// The operation's result.
    Done(Result<OpOutput, TransportError>),
}

/// One operation over HTTP: its exchange or exchanges.
#[derive(Debug)]
pub(crate) struct HttpCall {
    id: TransferId,
    op: Op,
    stage: Stage,
    exchange: Exchange,
    link: Option<String>,
}

impl HttpCall {
    /// The call for `op` on transfer `id`; `plan` is what `Begin` announces.
    pub(crate) fn new(server: &Server, id: &TransferId, plan: &TransferPlan, op: Op) -> Result<HttpCall, HttpError> {
        let request = match &op {
            Op::Begin => {
                let body = announcement(plan, &server.options);
                server.json(Method::Post, paths::TRANSFERS.to_owned(), Some(server.token()?), &body)?
            }
            Op::Lengths { blob } => upload_state(server, id, blob),
            Op::Put { blob, index, offset, len } => put(server, id, blob, *index, *offset, *len)?,
            Op::FinishBlob { blob, len } => server.json(
                Method::Post,
                paths::blob_finish(id, blob),
                Some(server.token()?),
                &FinishBlobRequest { size: *len },
            )?,
            Op::FinishTransfer { expires_at } => server.json(
                Method::Post,
                paths::transfer_finish(id),
                Some(server.token()?),
                &FinishTransferRequest { expires_at: *expires_at },
            )?,
            Op::Expiry => server.request(Method::Get, paths::transfer(id), None, Body::Empty, MAX_JSON),
            Op::CompleteLen { blob } => server.request(Method::Head, paths::blob(id, blob), None, Body::Empty, 0),
            Op::Read { blob, offset, len } => {
                // Exactly the range asked for: no blob bytes past `len` are
                // read (an error answer, small JSON, may use up to MAX_JSON).
                let len = (*len).clamp(1, MAX_BODY);
                let mut request =
                    server.request(Method::Get, paths::blob(id, blob), None, Body::Empty, len.max(MAX_JSON));
                let range = format!("bytes={offset}-{}", offset.saturating_add(len - 1));
                request.headers.push(("Range".to_owned(), range));
                request
            }
        };
        Ok(HttpCall { id: *id, op, stage: Stage::Main, exchange: Exchange::new(request, &server.options), link: None })
    }

    /// The request to send now.
    pub(crate) fn request(&self) -> &HttpRequest {
        self.exchange.request()
    }

    /// The link the server returned (`Begin`, `FinishTransfer`), if it is
    /// one to this transfer on the server's own origin.
    pub(crate) fn link(&self) -> Option<&str> {
        self.link.as_deref()
    }

    /// Takes the answer to [`request`](HttpCall::request).
    pub(crate) fn respond(&mut self, server: &Server, response: HttpResponse) -> Outcome {
        self.exchange.respond(response);
        self.settle(server)
    }

    /// Takes the failure to get an answer (a network error is retried).
    pub(crate) fn failed(&mut self, server: &Server, error: HttpError) -> Outcome {
        self.exchange.failed(error);
        self.settle(server)
    }

    fn settle(&mut self, server: &Server) -> Outcome {
        match self.exchange.poll() {
            Step::Wait(delay) => Outcome::Wait(delay),
            Step::Done(Ok(answer)) => match self.read(server, &answer) {
                Ok(Some(output)) => Outcome::Done(Ok(output)),
                Ok(None) => Outcome::Send,
                Err(e) => Outcome::Done(Err(e)),
            },
            Step::Done(Err(e)) => Outcome::Done(Err(e.into())),
            // A fresh exchange after `respond`/`failed` is never ready to send.
            _ => Outcome::Send,
        }
    }

    /// Reads a final answer: the output, or `None` after starting a
    /// follow-up request.
    fn read(&mut self, server: &Server, answer: &HttpResponse) -> Result<Option<OpOutput>, TransportError> {
        let ok = answer.status / 100 == 2;
        let output = match (&self.stage, &self.op) {
            (Stage::Main, Op::Begin) if matches!(answer.status, 200 | 201) => {
                let CreatedAnswer { link, .. } = answer.json()?;
                self.keep_link(server, link);
                OpOutput::Done
            }
            (Stage::Main, Op::Lengths { .. }) => {
                let (partial, complete) = lengths(answer)?;
                OpOutput::Lengths { partial, complete }
            }
            (Stage::Main, &Op::Put { blob, .. }) if answer.status == 409 => {
                // The offset is not the server's length: perhaps an earlier
                // attempt of this very piece landed and only its answer was lost.
                self.stage = Stage::PutCheck(answer.error());
                self.exchange = Exchange::new(upload_state(server, &self.id, &blob), &server.options);
                return Ok(None);
            }
            (Stage::PutCheck(refused), Op::Put { blob, index, offset, len }) => {
                let end = offset + len;
                match lengths(answer)? {
                    (Some(held), None) if held == end => OpOutput::Done,
                    (Some(held), None) if held > *offset && held < end => {
                        // Part of it landed: send the rest, once.
                        let request = put(server, &self.id, blob, *index, held, end - held)?;
                        self.stage = Stage::PutRest;
                        self.exchange = Exchange::new(request, &server.options);
                        return Ok(None);
                    }
                    (held, complete) => {
                        let state = match (held, complete) {
                            (_, Some(len)) => format!("the blob is complete with {len} bytes"),
                            (Some(len), None) => format!("the server holds {len} bytes"),
                            (None, None) => "the server holds none".into(),
                        };
                        return Err(TransportError::Conflict(format!(
                            "{refused} ({state}; an upload resumes from there)"
                        )));
                    }
                }
            }
            (_, Op::Put { .. } | Op::FinishBlob { .. }) if ok => OpOutput::Done,
            (Stage::Main, Op::FinishTransfer { .. }) if ok => {
                let LinkAnswer { link } = answer.json()?;
                self.keep_link(server, link);
                OpOutput::Done
            }
            (Stage::Main, Op::Expiry) if answer.status == 200 => {
                OpOutput::Expiry(Some(answer.json::<TransferSummary>()?.expires_at))
            }
            (Stage::Main, Op::CompleteLen { .. }) if ok => OpOutput::Len(Some(
                answer
                    .content_length
                    .ok_or_else(|| HttpError::Protocol("no Content-Length in the answer to HEAD".into()))?,
            )),
            (Stage::Main, Op::CompleteLen { .. }) if answer.status == 404 => OpOutput::Len(None),
            (Stage::Main, Op::Read { offset, len, .. }) => OpOutput::Bytes(read(answer, *offset, *len)?),
            _ => return Err(answer.error().into()),
        };
        Ok(Some(output))
    }

    fn keep_link(&mut self, server: &Server, link: String) {
        if is_own_link(&server.base, &self.id, &link) {
            self.link = Some(link);
        }
    }
}

/// `GET …/upload`, with the token when there is one.
fn upload_state(server: &Server, id: &TransferId, blob: &BlobName) -> HttpRequest {
    server.request(Method::Get, paths::blob_upload(id, blob), server.token.as_ref(), Body::Empty, MAX_JSON)
}

/// `PUT …?offset=N` with bytes `offset .. offset + len` of blob `index`.
fn put(
    server: &Server,
    id: &TransferId,
    blob: &BlobName,
    index: usize,
    offset: u64,
    len: u64,
) -> Result<HttpRequest, HttpError> {
    let body = Body::Blob { index, offset, len };
    Ok(server.request(Method::Put, paths::blob_at(id, blob, offset), Some(server.token()?), body, MAX_JSON))
}

/// The answer to `GET …/upload`: (partial, complete) lengths.
fn lengths(answer: &HttpResponse) -> Result<(Option<u64>, Option<u64>), HttpError> {
    match answer.status {
        200 => {
            let UploadState { partial_len, complete_len } = answer.json()?;
            Ok((partial_len, complete_len))
        }
        404 => Ok((None, None)),
        _ => Err(answer.error()),
    }
}

/// The answer to a ranged read: exactly the range asked for, or less at
/// the end; a server that ignores `Range` (200, the whole blob) is refused
/// unless the range starts at 0, so that memory never grows with the offset.
fn read(answer: &HttpResponse, offset: u64, len: u64) -> Result<Vec<u8>, HttpError> {
    let len = len.clamp(1, MAX_BODY);
    match answer.status {
        206 | 200 if answer.body.len() as u64 > len => {
            Err(HttpError::Protocol(format!("the answer is longer than the {len} bytes asked for (at byte {offset})")))
        }
        206 => Ok(answer.body.clone()),
        200 if offset == 0 => Ok(answer.body.clone()),
        200 => Err(HttpError::Protocol(format!(
            "the server ignored the Range of a read at byte {offset} (answered 200 with the whole blob)"
        ))),
        416 => Ok(Vec::new()),
        _ => Err(answer.error()),
    }
}
