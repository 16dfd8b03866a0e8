//! Error codes and the HTTP status → error kind table of docs/SERVER.md
//! ("Details the tables leave open"), the one table every client maps from.

use std::fmt;
use std::str::FromStr;

/// The `error` field of an error answer, with its HTTP status.
///
/// ```
/// use kluis_protocol::ErrorCode;
/// assert_eq!(ErrorCode::RateLimited.status(), 429);
/// assert_eq!("too_large".parse::<ErrorCode>(), Ok(ErrorCode::TooLarge));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// 400: malformed JSON, a missing field, a bad query or announcement.
    InvalidRequest,
    /// 400: not a mail address.
    InvalidAddress,
    /// 401: no, or an unknown or expired, bearer token.
    Unauthorized,
    /// 401: a wrong, expired or used code.
    InvalidCode,
    /// 403: another sender's transfer.
    Forbidden,
    /// 403: the server's domain policy (`allowed_sender_domains`,
    /// `open_recipient_domains`) does not let this sender send, or not to
    /// these recipients.
    DomainNotAllowed,
    /// 404.
    NotFound,
    /// 409: the request does not fit the stored state.
    Conflict,
    /// 410: expired, or the download limit reached.
    Gone,
    /// 413: larger than a limit of the server (a transfer, a request).
    TooLarge,
    /// 413: the announced bytes would take the sender's storage quota, or
    /// the server's, past its limit (released as transfers expire).
    QuotaExceeded,
    /// 413: the notice mail would carry more than the server mails: a
    /// subject or file names too long, too many recipients.
    NoticeTooLarge,
    /// 416, with `Content-Range: bytes */len`.
    RangeNotSatisfiable,
    /// 429, with `Retry-After` in seconds: a rate limit of the server (the
    /// message names it), or a sign-in code requested too often.
    RateLimited,
    /// 500.
    Internal,
    /// 503: a mail could not be sent (or the database does not answer);
    /// nothing was consumed, retry.
    Unavailable,
}

impl ErrorCode {
    /// Every code.
    pub const ALL: [ErrorCode; 16] = [
        ErrorCode::InvalidRequest,
        ErrorCode::InvalidAddress,
        ErrorCode::Unauthorized,
        ErrorCode::InvalidCode,
        ErrorCode::Forbidden,
        ErrorCode::DomainNotAllowed,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::Gone,
        ErrorCode::TooLarge,
        ErrorCode::QuotaExceeded,
        ErrorCode::NoticeTooLarge,
        ErrorCode::RangeNotSatisfiable,
        ErrorCode::RateLimited,
        ErrorCode::Internal,
        ErrorCode::Unavailable,
    ];

    /// The text of the `error` field.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidAddress => "invalid_address",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::InvalidCode => "invalid_code",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::DomainNotAllowed => "domain_not_allowed",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Gone => "gone",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::QuotaExceeded => "quota_exceeded",
            ErrorCode::NoticeTooLarge => "notice_too_large",
            ErrorCode::RangeNotSatisfiable => "range_not_satisfiable",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Internal => "internal",
            ErrorCode::Unavailable => "unavailable",
        }
    }

    /// The HTTP status it is answered with.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::InvalidRequest | ErrorCode::InvalidAddress => 400,
            ErrorCode::Unauthorized | ErrorCode::InvalidCode => 401,
            ErrorCode::Forbidden | ErrorCode::DomainNotAllowed => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::Conflict => 409,
            ErrorCode::Gone => 410,
            ErrorCode::TooLarge | ErrorCode::QuotaExceeded | ErrorCode::NoticeTooLarge => 413,
            ErrorCode::RangeNotSatisfiable => 416,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
            ErrorCode::Unavailable => 503,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that is not one of the error codes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown error code {0:?}")]
pub struct UnknownErrorCode(pub String);

impl FromStr for ErrorCode {
    type Err = UnknownErrorCode;
    fn from_str(s: &str) -> Result<Self, UnknownErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == s).ok_or_else(|| UnknownErrorCode(s.to_owned()))
    }
}

/// What a failed request means to a transfer (the `TransportError` kinds
/// of docs/TRANSFER.md §7.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// No such transfer or blob (or not finished yet).
    NotFound,
    /// The request does not fit the stored state; repeating it as it is
    /// will not help.
    Conflict,
    /// The server or the network failed; repeating may help.
    Io,
    /// Anything else (refused, unauthorized, rate limited).
    Other,
}

impl ErrorKind {
    /// The kind an answer with HTTP `status` (400 or more) stands for:
    /// `404` → `NotFound`; `409`, `410`, `413`, `416` → `Conflict`; `5xx`
    /// → `Io`; `401`, `403`, `429` and the rest → `Other`. (A network
    /// failure, which has no status, is `Io` too.)
    ///
    /// ```
    /// use kluis_protocol::ErrorKind;
    /// assert_eq!(ErrorKind::of_status(416), ErrorKind::Conflict);
    /// assert_eq!(ErrorKind::of_status(502), ErrorKind::Io);
    /// assert_eq!(ErrorKind::of_status(429), ErrorKind::Other);
    /// ```
    pub fn of_status(status: u16) -> ErrorKind {
        match status {
            404 => ErrorKind::NotFound,
            409 | 410 | 413 | 416 => ErrorKind::Conflict,
            500..=599 => ErrorKind::Io,
            _ => ErrorKind::Other,
        }
    }

    /// The kind of an error answer with HTTP `status` and, when the body
    /// names one, its `code`: the server's refusals by policy
    /// (`quota_exceeded`, `notice_too_large`, `domain_not_allowed`,
    /// `rate_limited`) are `Other`, since repeating the request at once
    /// cannot help; every other answer follows [`ErrorKind::of_status`].
    ///
    /// ```
    /// use kluis_protocol::{ErrorCode, ErrorKind};
    /// assert_eq!(ErrorKind::of_error(413, Some(ErrorCode::TooLarge)), ErrorKind::Conflict);
    /// assert_eq!(ErrorKind::of_error(413, Some(ErrorCode::QuotaExceeded)), ErrorKind::Other);
    /// assert_eq!(ErrorKind::of_error(413, None), ErrorKind::Conflict);
    /// ```
    pub fn of_error(status: u16, code: Option<ErrorCode>) -> ErrorKind {
        match code {
            Some(
                ErrorCode::QuotaExceeded
                | ErrorCode::NoticeTooLarge
                | ErrorCode::DomainNotAllowed
                | ErrorCode::RateLimited,
            ) => ErrorKind::Other,
            _ => ErrorKind::of_status(status),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_keep_their_kind() {
        for code in ErrorCode::ALL {
            assert_eq!(code.as_str().parse::<ErrorCode>(), Ok(code));
            let kind = ErrorKind::of_status(code.status());
            let expected = match code {
                ErrorCode::NotFound => ErrorKind::NotFound,
                ErrorCode::Conflict
                | ErrorCode::Gone
                | ErrorCode::TooLarge
                | ErrorCode::QuotaExceeded
                | ErrorCode::NoticeTooLarge
                | ErrorCode::RangeNotSatisfiable => ErrorKind::Conflict,
                ErrorCode::Internal | ErrorCode::Unavailable => ErrorKind::Io,
                _ => ErrorKind::Other,
            };
            assert_eq!(kind, expected, "{code}");
            let refusal = matches!(
                code,
                ErrorCode::QuotaExceeded
                    | ErrorCode::NoticeTooLarge
                    | ErrorCode::DomainNotAllowed
                    | ErrorCode::RateLimited
            );
            let by_code = ErrorKind::of_error(code.status(), Some(code));
            assert_eq!(by_code, if refusal { ErrorKind::Other } else { kind }, "{code}");
        }
        assert!("nope".parse::<ErrorCode>().is_err());
    }
}
