//! Sender sign-in over the blocking client: [`request_code`] mails a
//! one-time code, [`confirm_code`] exchanges it for a [`Token`]
//! (docs/SERVER.md, "Sender verification"; the requests and the reading of
//! the answers are [`crate::http`]'s).

use super::client::{Client, default_options};
use crate::http::{HttpError, Server, Token, code_confirmation, code_confirmed, code_request, code_requested};

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
    let exchange = code_request(server, address)?;
    code_requested(Client::new(Server::new(server, None, default_options())?).exchange(exchange))
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
    let exchange = code_confirmation(server, address, code)?;
    code_confirmed(Client::new(Server::new(server, None, default_options())?).exchange(exchange))
}
