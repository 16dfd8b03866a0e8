//! # kluis: send files end-to-end encrypted
//!
//! `kluis` sends files end-to-end encrypted. `kluis send` encrypts files
//! and a message into a *transfer* in a store and prints a mail text with
//! the link; the recipient runs `kluis receive LINK` with the password,
//! which travels another way. Transfers are built by the `kluis-transfer`
//! library (`docs/TRANSFER.md`).
//!
//! `kluis seal` seals one file into an *envelope* that only its password or
//! key opens, and `kluis open` opens it again. The envelope format is Kluis
//! v1 (`docs/FORMAT.md`), built by the `kluis-core` library:
//! AES-256-GCM-SIV in chunks, the password stretched with Argon2id, the
//! file's name, size and time encrypted inside.
//!
//! ```text
//! kluis send offer.pdf --to bob@example.org --from ann@example.org   # prints the password and a mail text
//! kluis receive file:///home/ann/.local/share/kluis/store/k3b7...    # asks for the password, saves ./offer.pdf
//! kluis store purge                                                  # removes expired transfers
//! kluis seal report.pdf -o report.pdf.kluis --generate-password
//! kluis open report.pdf.kluis               # asks for the password, writes ./report.pdf
//! kluis inspect report.pdf.kluis --json     # header facts, no secret needed
//! ```
//!
//! ## The interface other tools rely on
//!
//! - `kluis send FILE... --to ADDR... [--from ADDR] [--subject S]
//!   [--message TEXT | --message-file F] [--expires 7d]
//!   [--password-env VAR | --password-file PATH | --generate-password]
//!   [--allow-weak-password] [--store DIR | --server URL [--download-limit N]
//!   [--notify-names]] [--json]`: the password is
//!   generated unless one is given; the mail text goes to standard output,
//!   the link, id, expiry and a generated password to standard error (all
//!   of it in one JSON object on standard output with `--json`).
//! - `kluis receive LINK [-o DIR] [--password-env VAR | --password-file PATH]
//!   [--file NAME]... [--force] [--json]`: the transfer is described on
//!   standard error, the saved paths go to standard output.
//! - `kluis store purge [--store DIR] [--json]`
//! - `kluis verify ADDR --server URL [--code CODE | --request-only]`: the
//!   token for `kluis send --server` is stored in `tokens.json` in the
//!   configuration folder (`$KLUIS_CONFIG_DIR` overrides it).
//! - `kluis seal INPUT -o OUTPUT [SECRET] [--generate-password] [--chunk-size BYTES]
//!   [--argon2 m=KIB,t=N,p=N] [--name NAME] [--force]`
//! - `kluis open INPUT [-o OUTPUT] [SECRET] [--force]`
//! - `kluis inspect INPUT [--json]`
//! - `kluis scan [FILE...] [--json] [--fail-on-sensitive]`: looks for
//!   information that must not travel in the clear (kluis-detect,
//!   `docs/DETECT.md`); exit status 3 with `--fail-on-sensitive` when it
//!   finds some, 1 when a file could not be checked. `kluis send` prints a
//!   note when its message or files hold such information.
//! - SECRET is at most one of `--password-env VAR`, `--password-file PATH`,
//!   `--key-file PATH`; without one the password is asked on the terminal,
//!   and a command with no terminal to ask on fails with exit status 2.
//! - `-` is standard input as INPUT and standard output as OUTPUT.
//! - `--quiet` (anywhere on the line): no progress bar, no notes.
//! - Exit status: 0 success; 1 the envelope or transfer was refused
//!   (`kluis: refused: REASON` on standard error: wrong password, expired,
//!   tampered), was not found (`kluis: not found: ...`), or a read or write
//!   failed; 2 a usage error (including an unsafe file name, an existing
//!   output without `--force`, a weak chosen password); 3 `kluis scan
//!   --fail-on-sensitive` found sensitive information.
//! - Outputs follow one rule, kluis-core's `OutputFile`, in every command: a
//!   file output is written under a temporary name beside it and renamed
//!   into place only when complete, so a failed command leaves no output
//!   file behind; an existing regular file is replaced only with `--force`
//!   (exit status 2 and `... already exists (use --force to replace it)`
//!   without). `-`, `/dev/stdout`, `/dev/null`, a named pipe or another
//!   device is written in place, never replaced or renamed, and what was
//!   written before a failure stays written (check the exit status). A
//!   symbolic link is written through to what it points to, which decides;
//!   a link to nothing is refused. `kluis receive` saves all the files it
//!   was asked for, or none.
//!
//! ## Code layout
//!
//! `main.rs` holds the command line and the dispatch; each subcommand lives
//! in `commands/` with its own arguments and `run` function. A new
//! subcommand is a module there plus one variant of [`Command`] and one arm
//! in [`run`].

#![forbid(unsafe_code)]

mod cli_error;
mod commands;
mod human;
mod json;
mod progress;
mod secret_args;
mod streams;
mod tokens;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::cli_error::CliError;
use crate::commands::{inspect, open, receive, scan, seal, send, store, verify};

const ABOUT: &str = "Send files end-to-end encrypted: transfers opened with one password, and single-file envelopes";

const LONG_ABOUT: &str = "\
Send files end-to-end encrypted.

kluis send encrypts files and a message on this computer into a transfer and
prints a mail text with its link; the recipient opens a drop server's link in
a browser, or runs kluis receive with the link, and types the password, which
you tell them another way. kluis seal and kluis
open do the same for one file as an envelope (the Kluis v1 format:
AES-256-GCM-SIV, Argon2id) that its password or a 32-byte key opens.";

const AFTER_HELP: &str = "\
Examples:
  kluis send offer.pdf --to bob@example.org --from ann@example.org
  kluis receive file:///home/ann/.local/share/kluis/store/k3b7...
  kluis verify ann@example.org --server https://kluis.example.org
  kluis send offer.pdf --to bob@example.org --from ann@example.org --server https://kluis.example.org
  kluis receive https://kluis.example.org/t/k3b7...
  kluis seal report.pdf -o report.pdf.kluis --generate-password
  kluis open report.pdf.kluis
  kluis inspect report.pdf.kluis
  kluis scan brief.docx --fail-on-sensitive

- is standard input as INPUT and standard output as OUTPUT.
An output file appears only once complete, and an existing one is replaced
only with --force; /dev/stdout, /dev/null, a named pipe or another device is
written in place, never replaced, and a symbolic link is written through.
Exit status: 0 success, 1 refused (wrong password, expired, tampered), not
found, or read/write failure, 2 usage error, 3 kluis scan --fail-on-sensitive
found sensitive information.";

/// The `kluis` command line.
#[derive(Parser, Debug)]
#[command(name = "kluis", version, about = ABOUT, long_about = LONG_ABOUT, after_help = AFTER_HELP)]
#[command(propagate_version = true, subcommand_required = true, arg_required_else_help = true)]
struct Cli {
    /// Show no progress bar and no notes (errors are still printed)
    #[arg(short, long, global = true)]
    quiet: bool,

    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
enum Command {
    Send(send::SendArgs),
    Receive(receive::ReceiveArgs),
    Store(store::StoreArgs),
    Verify(verify::VerifyArgs),
    Seal(seal::SealArgs),
    Open(open::OpenArgs),
    Inspect(inspect::InspectArgs),
    Scan(scan::ScanArgs),
}

/// Options that apply to every subcommand.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Global {
    /// `--quiet`: no progress bar, no notes on standard error.
    pub(crate) quiet: bool,
}

/// Runs one subcommand.
fn run(cli: Cli) -> Result<(), CliError> {
    let global = Global { quiet: cli.quiet };
    match cli.command {
        Command::Send(args) => send::run(args, &global),
        Command::Receive(args) => receive::run(args, &global),
        Command::Store(args) => store::run(args, &global),
        Command::Verify(args) => verify::run(args, &global),
        Command::Seal(args) => seal::run(args, &global),
        Command::Open(args) => open::run(args, &global),
        Command::Inspect(args) => inspect::run(args, &global),
        Command::Scan(args) => scan::run(args, &global),
    }
}

fn main() -> ExitCode {
    // Parse errors, --help and --version exit here (status 2, 0, 0).
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line, safe for a terminal: an error may quote a name, a
            // path or a server's message.
            eprintln!("kluis: {}", human::line(&err.to_string()));
            ExitCode::from(err.exit_code())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    /// A secret given on the command line is readable by any local user
    /// (`ps`); the help says so where one can be given (issue 12, 10).
    #[test]
    fn help_warns_of_secrets_in_the_process_list() {
        let mut cli = Cli::command();
        for (sub, arg) in [("send", "message"), ("verify", "code")] {
            let cmd = cli.find_subcommand_mut(sub).unwrap();
            let help = cmd.get_arguments().find(|a| a.get_id() == arg).and_then(|a| a.get_help()).unwrap().to_string();
            assert!(help.contains("process list (ps)"), "{sub} --{arg}: {help}");
            let long = cmd.render_long_help().to_string();
            assert!(long.contains("process list (ps)"), "{sub}: {long}");
        }
        let send = cli.find_subcommand_mut("send").unwrap().render_long_help().to_string();
        let examples = send.split_once("Examples:").unwrap().1;
        assert!(!examples.contains("--message \""), "{examples}");
        assert!(examples.contains("--message-file"), "{examples}");
    }

    #[test]
    fn quiet_goes_anywhere() {
        for line in [&["kluis", "-q", "inspect", "x"][..], &["kluis", "inspect", "x", "--quiet"]] {
            assert!(Cli::try_parse_from(line).is_ok_and(|cli| cli.quiet), "{line:?}");
        }
    }

    #[test]
    fn secrets_conflict() {
        let err = Cli::try_parse_from(["kluis", "open", "x", "--password-env", "A", "--key-file", "k"]);
        assert_eq!(err.map(|_| ()).map_err(|e| e.kind()), Err(clap::error::ErrorKind::ArgumentConflict));
        let err = Cli::try_parse_from(["kluis", "seal", "x", "-o", "y", "--generate-password", "--key-file", "k"]);
        assert_eq!(err.map(|_| ()).map_err(|e| e.kind()), Err(clap::error::ErrorKind::ArgumentConflict));
        let err =
            Cli::try_parse_from(["kluis", "seal", "x", "-o", "y", "--argon2", "m=1024,t=1,p=1", "--key-file", "k"]);
        assert_eq!(err.map(|_| ()).map_err(|e| e.kind()), Err(clap::error::ErrorKind::ArgumentConflict));
        assert!(Cli::try_parse_from(["kluis", "open", "x", "--generate-password"]).is_err());
    }

    #[test]
    fn transfer_command_lines() {
        let kind = |line: &[&str]| Cli::try_parse_from(line).map(|_| ()).map_err(|e| e.kind());
        use clap::error::ErrorKind::*;
        assert_eq!(kind(&["kluis", "send", "a", "--to", "b@x,c@y", "--to", "d@z"]), Ok(()));
        assert_eq!(kind(&["kluis", "send", "a"]), Err(MissingRequiredArgument));
        assert_eq!(kind(&["kluis", "send", "--to", "b@x"]), Err(MissingRequiredArgument));
        assert_eq!(
            kind(&["kluis", "send", "a", "--to", "b@x", "--password-env", "V", "--generate-password"]),
            Err(ArgumentConflict)
        );
        assert_eq!(
            kind(&["kluis", "send", "a", "--to", "b@x", "--password-env", "V", "--password-file", "f"]),
            Err(ArgumentConflict)
        );
        assert_eq!(
            kind(&["kluis", "send", "a", "--to", "b@x", "--message", "m", "--message-file", "f"]),
            Err(ArgumentConflict)
        );
        assert_eq!(kind(&["kluis", "send", "a", "--to", "b@x", "--key-file", "k"]), Err(UnknownArgument));
        assert_eq!(kind(&["kluis", "send", "a", "--to", "b@x", "--expires", "0d"]), Err(ValueValidation));
        assert_eq!(kind(&["kluis", "send", "a", "--to", "b@x", "--argon2", "m=1024,t=1,p=1"]), Ok(()));
        assert_eq!(
            kind(&["kluis", "receive", "L", "-o", "d", "--file", "a", "--file", "b", "--force", "--json"]),
            Ok(())
        );
        assert_eq!(kind(&["kluis", "receive", "L", "--generate-password"]), Err(UnknownArgument));
        assert_eq!(kind(&["kluis", "store", "purge", "--store", "d", "--json"]), Ok(()));
        assert_eq!(kind(&["kluis", "store"]), Err(DisplayHelpOnMissingArgumentOrSubcommand));
        let server = ["kluis", "send", "a", "--to", "b@x", "--server", "https://k.example"];
        assert_eq!(kind(&server), Ok(()));
        assert_eq!(kind(&[&server[..], &["--download-limit", "3", "--notify-names"]].concat()), Ok(()));
        assert_eq!(kind(&[&server[..], &["--download-limit", "0"]].concat()), Err(ValueValidation));
        assert_eq!(kind(&[&server[..], &["--store", "d"]].concat()), Err(ArgumentConflict));
        assert_eq!(kind(&["kluis", "send", "a", "--to", "b@x", "--notify-names"]), Err(MissingRequiredArgument));
        assert_eq!(kind(&["kluis", "send", "a", "--to", "b@x", "--download-limit", "2"]), Err(MissingRequiredArgument));
        assert_eq!(kind(&["kluis", "verify", "a@x", "--server", "https://k.example"]), Ok(()));
        assert_eq!(kind(&["kluis", "verify", "a@x", "--server", "https://k.example", "--code", "1"]), Ok(()));
        assert_eq!(kind(&["kluis", "verify", "a@x"]), Err(MissingRequiredArgument));
        assert_eq!(
            kind(&["kluis", "verify", "a@x", "--server", "u", "--code", "1", "--request-only"]),
            Err(ArgumentConflict)
        );
    }
}
