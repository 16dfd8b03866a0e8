//! The blocking HTTP stack under [`HttpTransport`](super::HttpTransport)
//! and the sign-in calls: a `ureq` agent with timeouts that sends the
//! requests of [`crate::http`] and waits out its retry delays. Every rule
//! (paths, bodies, the reading of answers, the retry policy) is there.

use kluis_protocol::TransferId;
use ureq::Agent;

use crate::http::{Body, Exchange, HttpCall, HttpError, HttpOptions, HttpRequest, HttpResponse, Method, Outcome};
use crate::http::{Server, Step};
use crate::session::{Op, OpOutput};
use crate::transport::{TransferPlan, TransportError};

/// One server and an agent with the timeouts.
pub(super) struct Client {
    pub(super) server: Server,
    agent: Agent,
}

impl Client {
    pub(super) fn new(server: Server) -> Client {
        let options = &server.options;
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(options.connect_timeout))
            .timeout_recv_response(Some(options.read_timeout))
            .timeout_per_read(Some(options.read_timeout))
            .timeout_per_write(Some(options.read_timeout))
            .user_agent(concat!("kluis/", env!("CARGO_PKG_VERSION")))
            .build();
        Client { server, agent: config.into() }
    }

    /// Runs an exchange to its end (waiting out the retry delays).
    pub(super) fn exchange(&self, mut exchange: Exchange) -> Result<HttpResponse, HttpError> {
        loop {
            match exchange.poll() {
                Step::Send(request) => match self.once(&request, &[]) {
                    Ok(answer) => exchange.respond(answer),
                    Err(e) => exchange.failed(e),
                },
                Step::Wait(delay) => std::thread::sleep(delay),
                Step::Done(result) => return result,
                _ => {}
            }
        }
    }

    /// Performs `op` for transfer `id`: `data` is the bytes of a `Put`.
    /// Returns the output and the link the server returned, if any.
    pub(super) fn run(
        &self,
        id: &TransferId,
        plan: &TransferPlan,
        op: Op,
        data: &[u8],
    ) -> Result<(OpOutput, Option<String>), TransportError> {
        let data_offset = match op {
            Op::Put { offset, .. } => offset,
            _ => 0,
        };
        let mut call = HttpCall::new(&self.server, id, plan, op)?;
        loop {
            let request = call.request();
            let body = match request.body {
                Body::Blob { offset, len, .. } => usize::try_from(offset - data_offset)
                    .ok()
                    .zip(usize::try_from(len).ok())
                    .and_then(|(start, len)| data.get(start..start.checked_add(len)?))
                    .ok_or_else(|| TransportError::Other("a request for bytes outside the piece".into()))?,
                _ => &[],
            };
            let outcome = match self.once(request, body) {
                Ok(answer) => call.respond(&self.server, answer),
                Err(e) => call.failed(&self.server, e),
            };
            match outcome {
                Outcome::Send => {}
                Outcome::Wait(delay) => std::thread::sleep(delay),
                Outcome::Done(result) => return result.map(|output| (output, call.link().map(str::to_owned))),
            }
        }
    }

    /// Sends one request; `blob` is the body of a [`Body::Blob`].
    fn once(&self, request: &HttpRequest, blob: &[u8]) -> Result<HttpResponse, HttpError> {
        let url = request.url.as_str();
        let header = |name: &str| request.header(name);
        let data: &[u8] = match &request.body {
            Body::Json(text) => text,
            Body::Blob { .. } => blob,
            _ => &[],
        };
        let sent = match request.method {
            Method::Get | Method::Head | Method::Delete => {
                let mut builder = match request.method {
                    Method::Get => self.agent.get(url),
                    Method::Head => self.agent.head(url),
                    _ => self.agent.delete(url),
                };
                for (name, value) in &request.headers {
                    builder = builder.header(name.as_str(), value.as_str());
                }
                builder.call()
            }
            Method::Post | Method::Put => {
                let mut builder = match request.method {
                    Method::Post => self.agent.post(url),
                    _ => self.agent.put(url),
                };
                for (name, value) in request.headers.iter().filter(|(name, _)| name != "Content-Type") {
                    builder = builder.header(name.as_str(), value.as_str());
                }
                builder.content_type(header("Content-Type").unwrap_or("application/json")).send(data)
            }
        };
        let mut response = sent.map_err(network)?;
        let number = |name: &str| {
            response.headers().get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok())
        };
        let (status, retry_after, content_length) =
            (response.status().as_u16(), number("retry-after"), number("content-length"));
        if matches!(request.method, Method::Head) {
            return Ok(HttpResponse { status, retry_after, content_length, body: Vec::new() });
        }
        let body = response.body_mut().with_config().limit(request.limit).read_to_vec().map_err(network)?;
        Ok(HttpResponse { status, retry_after, content_length, body })
    }
}

/// The default options, for the sign-in calls.
pub(super) fn default_options() -> HttpOptions {
    HttpOptions::default()
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
