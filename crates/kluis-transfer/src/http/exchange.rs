//! One request and the retry policy of every client.

use std::time::Duration;

use super::{HttpError, HttpOptions, HttpRequest, HttpResponse};
use crate::error::TransferError;
use crate::progress::ProgressEvent;

/// What a session asks of its host next.
#[derive(Debug)]
#[non_exhaustive]
pub enum Step<T> {
    /// Send this request, then hand the answer to `respond` (or the failure
    /// to get one to `network_error`).
    Send(HttpRequest),
    /// Wait this long, then ask again (a retry after a network error or a
    /// `5xx` answer).
    Wait(Duration),
    /// Progress to show.
    Progress(ProgressEvent),
    /// An upload attempt failed with an error that may pass; the next one
    /// resumes from what the server holds (a note for the user).
    Resumed(TransferError),
    /// A streamed send ([`SendSession::streamed`](super::SendSession::streamed))
    /// waits for the sealed bytes of blob `index` up to `until`: hand them
    /// over ([`SendSession::sealed`](super::SendSession::sealed), or
    /// [`SendSession::manifest`](super::SendSession::manifest) for the last
    /// blob), then poll again.
    NeedBytes {
        /// The blob, in the plan's order (the manifest is last).
        index: usize,
        /// The end of the bytes it waits for.
        until: u64,
    },
    /// The session is over.
    Done(T),
}

/// One request, repeated after a network error or a `5xx` answer, at most
/// [`HttpOptions::retries`] times, waiting [`HttpOptions::retry_delay`]
/// before the first repetition and doubling it each time. Every request of
/// the API is safe to repeat (docs/SERVER.md).
///
/// ```
/// use std::time::Duration;
/// use kluis_transfer::http::{Body, Exchange, HttpOptions, HttpRequest, HttpResponse, Method, Step};
/// let request = HttpRequest { method: Method::Get, url: "https://x.org/health".into(), path: "/health".into(),
///     headers: vec![], body: Body::Empty, limit: 100 };
/// let options = HttpOptions { retries: 2, retry_delay: Duration::from_millis(500), ..HttpOptions::default() };
/// let mut exchange = Exchange::new(request, &options);
/// assert!(matches!(exchange.poll(), Step::Send(_)));
/// exchange.respond(HttpResponse::new(503, Vec::new()));
/// assert!(matches!(exchange.poll(), Step::Wait(d) if d == Duration::from_millis(500)));
/// exchange.network_error("connection reset".into());
/// assert!(matches!(exchange.poll(), Step::Wait(d) if d == Duration::from_secs(1)));
/// exchange.respond(HttpResponse::new(503, Vec::new()));
/// // Retries spent: the last answer stands.
/// assert!(matches!(exchange.poll(), Step::Done(Ok(answer)) if answer.status == 503));
/// ```
#[derive(Debug)]
pub struct Exchange {
    request: HttpRequest,
    retries: u32,
    attempt: u32,
    delay: Duration,
    state: ExchangeState,
}

#[derive(Debug)]
enum ExchangeState {
    Ready,
    Waiting(Duration),
    Answered(Result<HttpResponse, HttpError>),
    Taken,
}

impl Exchange {
    /// The exchange of `request` under `options`' retry policy.
    pub fn new(request: HttpRequest, options: &HttpOptions) -> Exchange {
        Exchange {
            request,
            retries: options.retries,
            attempt: 0,
            delay: options.retry_delay,
            state: ExchangeState::Ready,
        }
    }

    /// The request (to send again after a wait).
    pub fn request(&self) -> &HttpRequest {
        &self.request
    }

    /// What to do next: send the request, wait before repeating it, or the
    /// final answer (any status) or failure. After `Done` the exchange is
    /// spent and answers `Done(Err(..))`.
    pub fn poll(&mut self) -> Step<Result<HttpResponse, HttpError>> {
        match std::mem::replace(&mut self.state, ExchangeState::Ready) {
            ExchangeState::Ready => Step::Send(self.request.clone()),
            ExchangeState::Waiting(delay) => Step::Wait(delay),
            ExchangeState::Answered(result) => {
                self.state = ExchangeState::Taken;
                Step::Done(result)
            }
            ExchangeState::Taken => {
                self.state = ExchangeState::Taken;
                Step::Done(Err(HttpError::Protocol("the exchange is over".into())))
            }
        }
    }

    /// The answer to the request. One that is longer than the request's
    /// `limit` is refused; a `5xx` is repeated while retries remain.
    pub fn respond(&mut self, response: HttpResponse) {
        if response.body.len() as u64 > self.request.limit {
            let limit = self.request.limit;
            self.state = ExchangeState::Answered(Err(HttpError::Protocol(format!(
                "the answer is longer than the {limit} bytes expected"
            ))));
        } else if !(response.status >= 500 && self.retry()) {
            self.state = ExchangeState::Answered(Ok(response));
        }
    }

    /// No answer: connection refused or lost, a timeout, a name that does
    /// not resolve, a TLS failure; repeated while retries remain.
    pub fn network_error(&mut self, message: String) {
        self.failed(HttpError::Network(message));
    }

    /// A failure of the host's HTTP stack: a [`HttpError::Network`] is
    /// repeated while retries remain, any other stands.
    pub fn failed(&mut self, error: HttpError) {
        if !(matches!(error, HttpError::Network(_)) && self.retry()) {
            self.state = ExchangeState::Answered(Err(error));
        }
    }

    /// Counts a repetition, if one remains, and schedules its wait.
    fn retry(&mut self) -> bool {
        if self.attempt >= self.retries {
            return false;
        }
        self.attempt += 1;
        self.state = ExchangeState::Waiting(self.delay);
        self.delay = self.delay.saturating_mul(2);
        true
    }
}
