//! `kluis verify`: prove to a Kluis server that you read a mailbox, and
//! keep the token it gives for `kluis send --server`.

use std::io::{self, BufRead, IsTerminal, Write};

use clap::Args;
use kluis_transfer::{HttpError, HttpOptions, HttpTransport, confirm_code, request_code, rfc3339};

use crate::Global;
use crate::cli_error::CliError;
use crate::tokens;

const EXAMPLES: &str = "\
Examples:
  kluis verify ann@example.org --server https://kluis.example.org
  kluis verify ann@example.org --server https://kluis.example.org --request-only
  kluis verify ann@example.org --server https://kluis.example.org --code 12345678

The server mails an 8-digit code to ADDR (valid 10 minutes, single use).
Without --code, kluis asks for it on the terminal, or reads it from the
first line of standard input when that is not a terminal: prefer that. For
scripts, --request-only asks for the code and stops; a later --code CODE
confirms it, but a code on the command line is readable by any local user
in the process list (ps) until it is used.

The token (valid about one hour) is stored per server and address in
tokens.json in the configuration folder ($KLUIS_CONFIG_DIR, else kluis in
your platform's configuration folder), readable only by you.
Exit status: 0 verified (or code sent with --request-only), 1 refused (a
wrong, expired or used code; rate limited; the server unreachable),
2 usage error.";

/// Verify your sender address with a Kluis server
///
/// Asks the server to mail a one-time code to ADDR, reads the code, and
/// stores the token the server gives for it, which `kluis send --server`
/// then uses for this server and address.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES, verbatim_doc_comment)]
pub(crate) struct VerifyArgs {
    /// Your address: the sender address you will send from
    #[arg(value_name = "ADDR")]
    address: String,

    /// The Kluis server: https://host[:port][/prefix] (http only for
    /// localhost, 127.0.0.1 and [::1])
    #[arg(long, value_name = "URL")]
    server: String,

    /// Confirm this code (from an earlier request) instead of requesting
    /// one; any local user can read it in the process list (ps) until it
    /// is used: prefer the prompt
    #[arg(long, value_name = "CODE", conflicts_with = "request_only")]
    code: Option<String>,

    /// Only ask the server to mail a code; confirm it later with --code
    #[arg(long)]
    request_only: bool,
}

/// The CLI's view of a server error: refusals and network trouble exit 1,
/// a bad server address exits 2.
pub(crate) fn http_error(err: HttpError) -> CliError {
    match err {
        HttpError::InvalidServer { .. } => CliError::usage(err.to_string()),
        HttpError::CodeRefused | HttpError::InvalidAddress(_) | HttpError::Unauthorized(_) => {
            CliError::Failed(format!("refused: {err}"))
        }
        other => CliError::Failed(other.to_string()),
    }
}

/// Runs `kluis verify`.
pub(crate) fn run(args: VerifyArgs, global: &Global) -> Result<(), CliError> {
    let address = args.address.trim().to_owned();
    if address.is_empty() {
        return Err(CliError::usage("the address is empty"));
    }
    // The server's canonical base address, which tokens are stored under.
    let server = HttpTransport::new(&args.server, None, HttpOptions::default()).map_err(http_error)?;
    let server = server.server().to_owned();
    let code = match args.code {
        Some(code) => code,
        None => {
            let expires_at = request_code(&server, &address).map_err(http_error)?;
            if !global.quiet || args.request_only {
                eprintln!("kluis: a code was mailed to {address}; it is valid until {}", rfc3339(expires_at));
            }
            if args.request_only {
                return Ok(());
            }
            read_code(&address)?
        }
    };
    if code.trim().is_empty() {
        return Err(CliError::usage("no code given"));
    }
    let token = confirm_code(&server, &address, &code).map_err(http_error)?;
    let path = tokens::store(&server, &address, &token)?;
    if !global.quiet {
        eprintln!(
            "kluis: {address} is verified at {server} until {}; token stored in {}",
            rfc3339(token.expires_at()),
            path.display()
        );
    }
    Ok(())
}

/// The code, from the terminal (asked for) or the first line of standard
/// input.
fn read_code(address: &str) -> Result<String, CliError> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        eprint!("Code from the mail to {address}: ");
        let _ = io::stderr().flush();
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).map_err(|e| CliError::io("reading the code", e))?;
    let code = line.trim().to_owned();
    if code.is_empty() {
        return Err(CliError::usage("no code given (type the 8 digits from the mail, or use --code)"));
    }
    Ok(code)
}
