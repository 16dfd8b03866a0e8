//! Sender sign-in: [`request_code`] mails a one-time code, [`confirm_code`]
//! exchanges it for a [`Token`] (docs/SERVER.md, "Sender verification").

use kluis_protocol::{ConfirmRequest, TokenAnswer, VerifyAnswer, VerifyRequest, paths};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::client::{Client, HttpError, HttpOptions, Method};

/// A sender's bearer token from [`confirm_code`]: zeroized when dropped,
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

/// Asks the server at `server` to mail a one-time code to `address`, which
/// proves to it that the sender reads that mailbox. Returns when the code
/// expires (Unix seconds).
///
/// ```no_run
/// use kluis_transfer::{confirm_code, request_code};
/// # fn main() -> Result<(), kluis_transfer::HttpError> {
/// request_code("https://kluis.example.org", "ann@example.org")?;
/// let code = "12345678"; // from the mail
/// let token = confirm_code("https://kluis.example.org", "ann@example.org", code)?;
/// # let _ = token; Ok(()) }
/// ```
pub fn request_code(server: &str, address: &str) -> Result<u64, HttpError> {
    let client = Client::new(server, &HttpOptions::default())?;
    let body = VerifyRequest { address: address.to_owned() };
    let answer = client.json_call(Method::Post, paths::VERIFY, None, Some(&body))?;
    match answer.status {
        200..=299 => Ok(answer.json::<VerifyAnswer>()?.expires_at),
        400 => match answer.error() {
            HttpError::Status { message, .. } => Err(HttpError::InvalidAddress(message)),
            other => Err(other),
        },
        _ => Err(answer.error()),
    }
}

/// Sends the code that [`request_code`] mailed and returns the sender's
/// token for `address` (see [`HttpTransport::new`](crate::HttpTransport::new)). A wrong, expired or
/// used code is [`HttpError::CodeRefused`].
///
/// ```no_run
/// use kluis_transfer::{confirm_code, HttpOptions, HttpTransport};
/// # fn main() -> Result<(), kluis_transfer::HttpError> {
/// let token = confirm_code("https://kluis.example.org", "ann@example.org", "12345678")?;
/// let transport = HttpTransport::new("https://kluis.example.org", Some(token), HttpOptions::default())?;
/// # let _ = transport; Ok(()) }
/// ```
pub fn confirm_code(server: &str, address: &str, code: &str) -> Result<Token, HttpError> {
    let client = Client::new(server, &HttpOptions::default())?;
    let body = ConfirmRequest { address: address.to_owned(), code: code.trim().to_owned() };
    let answer = client.json_call(Method::Post, paths::VERIFY_CONFIRM, None, Some(&body))?;
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
