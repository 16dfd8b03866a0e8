//! The API's error answers: `{"error": "<code>", "message": "<text>"}`
//! (kluis-protocol's [`ErrorBody`] and [`ErrorCode`]).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kluis_protocol::{ErrorBody, ErrorCode};

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: ErrorCode,
    message: String,
    retry_after: Option<i64>,
    content_range: Option<u64>,
    close: bool,
}

impl ApiError {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let status = StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        ApiError { status, code, message: message.into(), retry_after: None, content_range: None, close: false }
    }

    /// 400 `invalid_request`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, message)
    }
    /// 400 `invalid_address`.
    pub fn invalid_address(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidAddress, message)
    }
    /// 401 `unauthorized`.
    pub fn unauthorized() -> Self {
        Self::new(ErrorCode::Unauthorized, "a valid bearer token is required")
    }
    /// 401 `invalid_code`.
    pub fn invalid_code() -> Self {
        Self::new(ErrorCode::InvalidCode, "the code is wrong, expired or used")
    }
    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }
    /// 403 `domain_not_allowed`: the domain policy refuses the sender or a
    /// recipient.
    pub fn domain_not_allowed(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::DomainNotAllowed, message)
    }
    /// 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }
    /// 409 `conflict`.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }
    /// 410 `gone`.
    pub fn gone(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Gone, message)
    }
    /// 413 `too_large`.
    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::TooLarge, message)
    }
    /// 413 `quota_exceeded`: a storage quota.
    pub fn quota_exceeded(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::QuotaExceeded, message)
    }
    /// 413 `notice_too_large`: more than the notice mail may carry.
    pub fn notice_too_large(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NoticeTooLarge, message)
    }
    /// 416 `range_not_satisfiable`, with `Content-Range: bytes */len`.
    pub fn range(len: u64) -> Self {
        let mut e = Self::new(ErrorCode::RangeNotSatisfiable, format!("the blob has {len} bytes"));
        e.content_range = Some(len);
        e
    }
    /// 429 `rate_limited`, with `Retry-After` and a message that names the
    /// limit.
    pub fn limited(retry_after: i64, message: impl Into<String>) -> Self {
        let mut e = Self::new(ErrorCode::RateLimited, message);
        e.retry_after = Some(retry_after);
        e
    }
    /// 500 `internal`; the cause is logged, not answered.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(ErrorCode::Internal, "the server failed; try again")
    }
    /// 503 `unavailable` (mail could not be sent); the cause is logged.
    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "mail failed");
        Self::new(ErrorCode::Unavailable, "mail could not be sent; try again later")
    }

    /// The same answer with `Connection: close`: for a refusal sent before
    /// the request's body was read, so that a client reusing the connection
    /// does not have its unread bytes taken for its next request (the server
    /// closes the connection after such an answer anyway).
    pub fn closing(mut self) -> Self {
        self.close = true;
        self
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<crate::db::DbError> for ApiError {
    fn from(e: crate::db::DbError) -> Self {
        ApiError::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody::new(self.code, self.message);
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        if self.close {
            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if let Some(len) = self.content_range
            && let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}"))
        {
            headers.insert(header::CONTENT_RANGE, v);
        }
        response
    }
}
