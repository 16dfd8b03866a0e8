//! # kluis: send files end-to-end encrypted
//!
//! `kluis` seals a file into an *envelope* that only its password or key
//! opens, and opens it again. Mail clients and scripts call it to send
//! attachments that the mail servers on the way cannot read. The envelope
//! format is Kluis v1 (`docs/FORMAT.md`), built by the `kluis-core` library:
//! AES-256-GCM-SIV in chunks, the password stretched with Argon2id, the
//! file's name, size and time encrypted inside.
//!
//! ```text
//! kluis seal report.pdf -o report.pdf.kluis --generate-password
//! kluis open report.pdf.kluis               # asks for the password, writes ./report.pdf
//! kluis inspect report.pdf.kluis --json     # header facts, no secret needed
//! ```
//!
//! ## The interface other tools rely on
//!
//! - `kluis seal INPUT -o OUTPUT [SECRET] [--generate-password] [--chunk-size BYTES]
//!   [--argon2 m=KIB,t=N,p=N] [--name NAME]`
//! - `kluis open INPUT [-o OUTPUT] [SECRET] [--force]`
//! - `kluis inspect INPUT [--json]`
//! - SECRET is at most one of `--password-env VAR`, `--password-file PATH`,
//!   `--key-file PATH`; without one the password is asked on the terminal,
//!   and a command with no terminal to ask on fails with exit status 2.
//! - `-` is standard input as INPUT and standard output as OUTPUT.
//! - `--quiet` (anywhere on the line): no progress bar, no notes.
//! - Exit status: 0 success; 1 the envelope was refused (`kluis: refused:
//!   REASON` on standard error) or a read or write failed; 2 a usage error.
//! - A file output is written under a temporary name (`.kluis-*.part`) beside
//!   it and renamed into place only when complete: a failed command leaves no
//!   output file behind.
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
mod password;
mod progress;
mod secret_args;
mod streams;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::cli_error::CliError;
use crate::commands::{inspect, open, seal};

const ABOUT: &str = "Send files end-to-end encrypted: seal a file into an envelope that only its password or key opens";

const LONG_ABOUT: &str = "\
Send files end-to-end encrypted.

kluis seals a file into an envelope that only its password (or a 32-byte key)
opens, and opens it again. The file's name, size and time travel encrypted
inside. Envelopes are the Kluis v1 format: AES-256-GCM-SIV, Argon2id.";

const AFTER_HELP: &str = "\
Examples:
  kluis seal report.pdf -o report.pdf.kluis --generate-password
  kluis open report.pdf.kluis
  kluis inspect report.pdf.kluis

- is standard input as INPUT and standard output as OUTPUT.
Exit status: 0 success, 1 envelope refused or read/write failure, 2 usage error.";

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
    Seal(seal::SealArgs),
    Open(open::OpenArgs),
    Inspect(inspect::InspectArgs),
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
        Command::Seal(args) => seal::run(args, &global),
        Command::Open(args) => open::run(args, &global),
        Command::Inspect(args) => inspect::run(args, &global),
    }
}

fn main() -> ExitCode {
    // Parse errors, --help and --version exit here (status 2, 0, 0).
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("kluis: {err}");
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
}
