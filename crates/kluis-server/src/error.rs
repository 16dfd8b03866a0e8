//! The API's error answers: `{"error": "<code>", "message": "<text>"}`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// A stable code: `invalid_request`, `invalid_address`, `unauthorized`,
    /// `invalid_code`, `forbidden`, `not_found`, `conflict`, `gone`,
    /// `too_large`, `range_not_satisfiable`, `rate_limited`, `internal`,
    /// `unavailable`.
    pub error: String,
    /// Human text.
    pub message: String,
}

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    retry_after: Option<i64>,
    content_range: Option<u64>,
    close: bool,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), retry_after: None, content_range: None, close: false }
    }

    /// 400 `invalid_request`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }
    /// 400 `invalid_address`.
    pub fn invalid_address(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_address", message)
    }
    /// 401 `unauthorized`.
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "a valid bearer token is required")
    }
    /// 401 `invalid_code`.
    pub fn invalid_code() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_code", "the code is wrong, expired or used")
    }
    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    /// 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }
    /// 409 `conflict`.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }
    /// 410 `gone`.
    pub fn gone(message: impl Into<String>) -> Self {
        Self::new(StatusCode::GONE, "gone", message)
    }
    /// 413 `too_large`.
    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
    }
    /// 416 `range_not_satisfiable`, with `Content-Range: bytes */len`.
    pub fn range(len: u64) -> Self {
        let mut e =
            Self::new(StatusCode::RANGE_NOT_SATISFIABLE, "range_not_satisfiable", format!("the blob has {len} bytes"));
        e.content_range = Some(len);
        e
    }
    /// 429 `rate_limited`, with `Retry-After`.
    pub fn rate_limited(retry_after: i64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many requests; try again in {retry_after} s"),
        );
        e.retry_after = Some(retry_after);
        e
    }
    /// 500 `internal`; the cause is logged, not answered.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the server failed; try again")
    }
    /// 503 `unavailable` (mail could not be sent); the cause is logged.
    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "mail failed");
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "mail could not be sent; try again later")
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
        let body = ErrorBody { error: self.code.into(), message: self.message };
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
