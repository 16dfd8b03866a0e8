//! Sender verification without I/O (docs/SERVER.md, "Sender
//! verification"): [`code_request`] mails a one-time code, [`code_confirmation`]
//! exchanges it for a [`Token`].

use kluis_protocol::{ConfirmRequest, TokenAnswer, VerifyAnswer, VerifyRequest, paths};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::{Exchange, HttpError, HttpOptions, HttpResponse, Method, Server};

/// A sender's bearer token from [`code_confirmed`]: zeroized when dropped,
/// never shown by `Debug`.
///
/// ```
/// use kluis_transfer::Token;
/// let token = Token::new("c2VjcmV0", 1_700_003_600);
/// assert_eq!(format!("{token:?}"), "Token(<redacted>, expires_at: 1700003600)");
/// assert_eq!(token.expose(), "c2VjcmV0");
/// ```
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Token {
    secret: String,
    expires_at: u64,
}

impl Token {
    /// A token as the server gave it, valid until `expires_at` (Unix seconds).
    pub fn new(secret: impl Into<String>, expires_at: u64) -> Token {
        Token { secret: secret.into(), expires_at }
    }

    /// The token text, for the `Authorization` header or the caller's
    /// own (private) storage.
    pub fn expose(&self) -> &str {
        &self.secret
    }

    /// When the server stops accepting it (Unix seconds).
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Token(<redacted>, expires_at: {})", self.expires_at)
    }
}

/// The exchange that asks the server at `server` to mail a one-time code
/// to `address`; read its answer with [`code_requested`].
///
/// ```
/// use kluis_transfer::http::{HttpResponse, Method, Step, code_request, code_requested};
/// let mut exchange = code_request("https://kluis.example.org", "ann@example.org")?;
/// let Step::Send(request) = exchange.poll() else { unreachable!() };
/// assert_eq!((request.method, request.url.as_str()), (Method::Post, "https://kluis.example.org/api/v1/verify"));
/// exchange.respond(HttpResponse::new(200, br#"{"expires_at":1700000600}"#.to_vec()));
/// let Step::Done(answer) = exchange.poll() else { unreachable!() };
/// assert_eq!(code_requested(answer)?, 1_700_000_600);
/// # Ok::<(), kluis_transfer::HttpError>(())
/// ```
pub fn code_request(server: &str, address: &str) -> Result<Exchange, HttpError> {
    let server = Server::new(server, None, HttpOptions::default())?;
    let body = VerifyRequest { address: address.to_owned() };
    let request = server.json(Method::Post, paths::VERIFY.to_owned(), None, &body)?;
    Ok(Exchange::new(request, &server.options))
}

/// Reads the answer to [`code_request`]: when the code expires (Unix
/// seconds). A refused address is [`HttpError::InvalidAddress`].
pub fn code_requested(answer: Result<HttpResponse, HttpError>) -> Result<u64, HttpError> {
    let answer = answer?;
    match answer.status {
        200..=299 => Ok(answer.json::<VerifyAnswer>()?.expires_at),
        400 => match answer.error() {
            HttpError::Status { message, .. } => Err(HttpError::InvalidAddress(message)),
            other => Err(other),
        },
        _ => Err(answer.error()),
    }
}

/// The exchange that sends the code that [`code_request`] mailed; read its
/// answer with [`code_confirmed`].
///
/// ```
/// use kluis_transfer::http::{HttpResponse, Step, code_confirmation, code_confirmed};
/// let mut exchange = code_confirmation("https://kluis.example.org", "ann@example.org", " 12345678 ")?;
/// let Step::Send(request) = exchange.poll() else { unreachable!() };
/// assert!(request.url.ends_with("/api/v1/verify/confirm"));
/// exchange.respond(HttpResponse::new(401, br#"{"error":"invalid_code","message":"no"}"#.to_vec()));
/// let Step::Done(answer) = exchange.poll() else { unreachable!() };
/// assert_eq!(code_confirmed(answer), Err(kluis_transfer::HttpError::CodeRefused));
/// # Ok::<(), kluis_transfer::HttpError>(())
/// ```
pub fn code_confirmation(server: &str, address: &str, code: &str) -> Result<Exchange, HttpError> {
    let server = Server::new(server, None, HttpOptions::default())?;
    let body = ConfirmRequest { address: address.to_owned(), code: code.trim().to_owned() };
    let request = server.json(Method::Post, paths::VERIFY_CONFIRM.to_owned(), None, &body)?;
    Ok(Exchange::new(request, &server.options))
}

/// Reads the answer to [`code_confirmation`]: the sender's token. A wrong,
/// expired or used code is [`HttpError::CodeRefused`].
pub fn code_confirmed(answer: Result<HttpResponse, HttpError>) -> Result<Token, HttpError> {
    let answer = answer?;
    match answer.status {
        200..=299 => {
            let TokenAnswer { token, expires_at } = answer.json()?;
            if token.is_empty() {
                return Err(HttpError::Protocol("no token in the answer".into()));
            }
            Ok(Token::new(token, expires_at))
        }
        401 => Err(HttpError::CodeRefused),
        _ => Err(answer.error()),
    }
}
