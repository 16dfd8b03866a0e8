//! The drop server's HTTP API as kluis-transfer's sans-IO sessions give
//! it: a [`Step`] as a plain JavaScript object, an answer from `fetch` as
//! an [`HttpResponse`], and sender verification ([`SignIn`]).
//!
//! The package's `drive` loop (bindings/js/src/transfer.ts) sends each
//! `{ type: "send" }` request with `fetch`, waits out each
//! `{ type: "wait" }`, reports each `{ type: "progress" }` and stops at
//! `{ type: "done" }`; every rule (retries, resumes, limits, status codes)
//! is kluis-transfer's.

/// Bytes per upload request and per ranged download request of a
/// transfer in the browser: 8 MiB (kluis-transfer's default is 1 MiB).
/// Each request costs a `fetch`, a few calls to the worker that holds the
/// session and, on the server, a sync to disk; fewer, larger requests keep
/// the upload abreast of the sealing and the download of the opening
/// (docs/PERFORMANCE.md). A dropped connection repeats at most one piece.
/// Servers accept it: their `max_request_bytes` is 256 MiB unless
/// configured lower, and never below this (the wire contract's
/// `MAX_CLIENT_UPLOAD_REQUEST`, which kluis-server checks at start).
pub const PIECE_SIZE: usize = kluis_transfer::protocol::MAX_CLIENT_UPLOAD_REQUEST as usize;
use js_sys::Array;
use kluis_transfer::http::{
    Body, Exchange, HttpRequest, HttpResponse, Step, code_confirmation, code_confirmed, code_request, code_requested,
};
use kluis_transfer::{Phase, ProgressEvent, TransferError};
use wasm_bindgen::prelude::*;

use crate::convert::{bytes, object};
use crate::error::Failure;

/// The request of a `send` step: `{ method, url, headers: [[name, value]],
/// body: { type: "empty" } | { type: "json", bytes } | { type: "blob",
/// index, offset, len }, limit }`.
fn request_to_js(request: &HttpRequest) -> JsValue {
    let headers: Array = request.headers.iter().map(|(k, v)| JsValue::from(Array::of2(&k.into(), &v.into()))).collect();
    let body = match &request.body {
        Body::Json(json) => object(&[("type", "json".into()), ("bytes", bytes(json))]),
        Body::Blob { index, offset, len } => object(&[
            ("type", "blob".into()),
            ("index", (*index as f64).into()),
            ("offset", (*offset as f64).into()),
            ("len", (*len as f64).into()),
        ]),
        // Body::Empty, and any body added later that carries nothing here.
        _ => object(&[("type", "empty".into())]),
    };
    object(&[
        ("type", "send".into()),
        ("method", request.method.as_str().into()),
        ("url", request.url.as_str().into()),
        ("headers", headers.into()),
        ("body", body),
        ("limit", (request.limit as f64).into()),
    ])
}

/// A progress report: `{ phase, file, done, total }` (`file` `null` for the
/// manifest), also the shape the package hands to `onProgress`.
pub(crate) fn progress_to_js(event: &ProgressEvent) -> JsValue {
    let phase = match event.phase {
        Phase::Sealing => "sealing",
        Phase::Uploading => "uploading",
        Phase::Downloading => "downloading",
        _ => "working",
    };
    object(&[
        ("phase", phase.into()),
        ("file", event.file.map_or(JsValue::NULL, JsValue::from)),
        ("done", (event.done as f64).into()),
        ("total", (event.total as f64).into()),
    ])
}

/// A step as `{ type, ... }`; `done` converts a finished session's value.
pub(crate) fn step_to_js<T>(
    step: Step<T>,
    done: impl FnOnce(T) -> Result<JsValue, Failure>,
) -> Result<JsValue, Failure> {
    Ok(match step {
        Step::Send(request) => request_to_js(&request),
        Step::Wait(delay) => object(&[("type", "wait".into()), ("ms", (delay.as_millis() as f64).into())]),
        Step::Progress(event) => {
            let event = progress_to_js(&event);
            let _ = js_sys::Reflect::set(&event, &"type".into(), &"progress".into());
            event
        }
        Step::Resumed(error) => {
            let failure = Failure::from(error);
            object(&[("type", "resumed".into()), ("kind", failure.kind.into()), ("message", failure.message.into())])
        }
        Step::NeedBytes { index, until } => {
            object(&[("type", "needBytes".into()), ("index", (index as f64).into()), ("until", (until as f64).into())])
        }
        Step::Done(value) => object(&[("type", "done".into()), ("value", done(value)?)]),
        _ => return Err(TransferError::InvalidArgument("a step this version does not know".into()).into()),
    })
}

/// The answer `fetch` got: status, `Retry-After` and `Content-Length` in
/// seconds and bytes when present, and the body (at most the request's
/// `limit` bytes and one more, which the session refuses).
pub(crate) fn response(
    status: u16,
    retry_after: Option<f64>,
    content_length: Option<f64>,
    body: Vec<u8>,
) -> HttpResponse {
    let whole = |n: f64| (n.is_finite() && n >= 0.0).then_some(n as u64);
    HttpResponse {
        status,
        retry_after: retry_after.and_then(whole),
        content_length: content_length.and_then(whole),
        body,
    }
}

/// Which verification call a [`SignIn`] makes.
#[derive(Clone, Copy, Debug)]
enum Call {
    Request,
    Confirm,
}

/// Sender verification, one exchange: `SignIn.request(server, address)`
/// asks the server to mail a one-time code (done: `{ expiresAt }`, Unix
/// seconds); `SignIn.confirm(server, address, code)` trades it for a token
/// (done: `{ token, expiresAt }`).
///
/// ```js
/// const exchange = SignIn.request('https://kluis.example.org', 'ann@example.org');
/// exchange.poll(); // { type: 'send', method: 'POST', url: 'https://kluis.example.org/api/v1/verify', ... }
/// ```
#[wasm_bindgen]
#[derive(Debug)]
pub struct SignIn {
    exchange: Exchange,
    call: Call,
}

#[wasm_bindgen]
impl SignIn {
    /// The exchange that asks for a code mailed to `address`.
    pub fn request(server: &str, address: &str) -> Result<SignIn, Failure> {
        Ok(SignIn { exchange: code_request(server, address)?, call: Call::Request })
    }

    /// The exchange that confirms `code` for `address`.
    pub fn confirm(server: &str, address: &str, code: &str) -> Result<SignIn, Failure> {
        Ok(SignIn { exchange: code_confirmation(server, address, code)?, call: Call::Confirm })
    }

    /// The next step; `done` carries the answer, a refusal throws.
    pub fn poll(&mut self) -> Result<JsValue, Failure> {
        let call = self.call;
        step_to_js(self.exchange.poll(), |answer| {
            Ok(match call {
                Call::Request => object(&[("expiresAt", (code_requested(answer)? as f64).into())]),
                Call::Confirm => {
                    let token = code_confirmed(answer)?;
                    object(&[("token", token.expose().into()), ("expiresAt", (token.expires_at() as f64).into())])
                }
            })
        })
    }

    /// The answer to the last `send` step.
    pub fn respond(&mut self, status: u16, retry_after: Option<f64>, content_length: Option<f64>, body: Vec<u8>) {
        self.exchange.respond(response(status, retry_after, content_length, body));
    }

    /// No answer to the last `send` step (`fetch` failed).
    #[wasm_bindgen(js_name = networkError)]
    pub fn network_error(&mut self, message: String) {
        self.exchange.network_error(message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_keep_only_whole_header_numbers() {
        let r = response(503, Some(2.0), Some(-1.0), vec![1]);
        assert_eq!((r.status, r.retry_after, r.content_length, r.body), (503, Some(2), None, vec![1]));
        assert_eq!(response(200, Some(f64::NAN), None, Vec::new()).retry_after, None);
    }

    #[test]
    fn a_bad_server_address_is_refused_before_any_request() {
        let err = SignIn::request("http://kluis.example.org", "ann@example.org").unwrap_err();
        assert_eq!((err.kind, err.reason), ("InvalidArgument", "InvalidServer"));
    }
}
