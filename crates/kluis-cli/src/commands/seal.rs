//! `kluis seal`: encrypt a file into an envelope.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Args;
use kluis_core::{Argon2Params, Metadata, SealOptions, Sealer, Secret, is_plain_file_name};
use kluis_transfer::{PasswordStyle, generate_password};

use crate::Global;
use crate::cli_error::CliError;

use crate::progress::Progress;
use crate::secret_args::{Purpose, SECRET_HEADING, SecretArgs};
use crate::streams::{Destination, Input, Output, same_file};

const EXAMPLES: &str = "\
Examples:
  kluis seal report.pdf -o report.pdf.kluis
  kluis seal report.pdf -o report.pdf.kluis --generate-password
  KLUIS_PASSWORD=... kluis seal report.pdf -o report.pdf.kluis --password-env KLUIS_PASSWORD
  tar c photos | kluis seal - -o photos.tar.kluis --name photos.tar --key-file my.key
  time kluis seal big.bin -o /dev/null --key-file my.key   # speed only, keeps nothing";

/// Encrypt a file into an envelope that its password or key opens
///
/// The envelope records, encrypted, the file's name (INPUT's file name, or
/// --name), its size and its modification time.
///
/// An OUTPUT file is written under a temporary name beside it and appears
/// only once complete: on any failure no output file is left behind. An
/// existing file is never replaced without --force.
///
/// OUTPUT may also be - or /dev/stdout (standard output), /dev/null, a named
/// pipe or another device: these are written in place, as any Unix tool
/// writes them, and never replaced or renamed. Nothing can be taken back
/// from them: after a failure, what was written stays written (a pipe's
/// reader has already read it), so check the exit status. A symbolic link is
/// written through: what it points to decides (a file there is replaced
/// only with --force, and the link stays a link); a link to nothing is
/// refused.
///
/// With --generate-password the new password is printed on standard error
/// as `password: ...` once the envelope is complete: send it to the
/// recipient another way than the envelope.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES, verbatim_doc_comment)]
pub(crate) struct SealArgs {
    /// The file to seal, or - for standard input
    #[arg(value_name = "INPUT")]
    input: PathBuf,

    /// Where to write the envelope, or - for standard output
    #[arg(short, long, value_name = "OUTPUT")]
    output: PathBuf,

    /// Replace the output file if it exists
    #[arg(short, long)]
    force: bool,

    /// Plaintext bytes per chunk: a power of two from 4096 to 16777216;
    /// K and M suffixes allowed (64K, 1M) [default: 64K]
    #[arg(long, value_name = "BYTES", value_parser = parse_chunk_size)]
    chunk_size: Option<u64>,

    /// Argon2id cost of the password: memory in KiB, passes, lanes
    /// [default: m=65536,t=3,p=4]
    #[arg(long, value_name = "m=KIB,t=N,p=N", value_parser = parse_argon2, conflicts_with = "key_file")]
    argon2: Option<Argon2Params>,

    /// File name to record in the envelope, instead of INPUT's
    #[arg(long, value_name = "NAME")]
    name: Option<String>,

    // The secret options come last: their help heading applies to the
    // options declared after them.
    #[command(flatten)]
    secret: SecretArgs,

    /// Seal with a new random password (about 119 bits) and print it on
    /// standard error
    #[arg(long, conflicts_with = "secret", help_heading = SECRET_HEADING)]
    generate_password: bool,
}

/// Parses `--chunk-size`: bytes, or a number with `K`/`KiB`/`M`/`MiB` (powers of 1024).
fn parse_chunk_size(text: &str) -> Result<u64, String> {
    let lower = text.trim().to_ascii_lowercase();
    let (digits, unit) = match lower.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => lower.split_at(at),
        None => (lower.as_str(), ""),
    };
    let unit: u64 = match unit {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        _ => return Err(format!("unknown unit {unit:?} (use bytes, K or M)")),
    };
    let bytes = digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .ok_or_else(|| format!("{text:?} is not a size in bytes"))?;
    SealOptions::default().with_chunk_size(bytes).map(|_| bytes).map_err(|e| e.to_string())
}

/// Parses `--argon2` and checks the costs against what a default reader accepts.
pub(crate) fn parse_argon2(text: &str) -> Result<Argon2Params, String> {
    let params: Argon2Params = text.parse()?;
    SealOptions::default().with_argon2(params).map(|_| params).map_err(|e| e.to_string())
}

/// Runs `kluis seal`.
pub(crate) fn run(args: SealArgs, global: &Global) -> Result<(), CliError> {
    if let Some(name) = &args.name {
        if !is_plain_file_name(name) {
            return Err(CliError::usage(format!("--name {name:?} is not a plain file name (no folder part)")));
        }
    }
    let destination = Destination::from_arg(&args.output);
    if destination == Destination::Stdout && std::io::IsTerminal::is_terminal(&io::stdout()) {
        return Err(CliError::usage(
            "will not write an envelope to a terminal: redirect standard output or use -o FILE",
        ));
    }
    destination.check(args.force)?;

    let input = Input::open(&args.input)?;
    if let Destination::File(out) = &destination {
        if same_file(&args.input, out) {
            return Err(CliError::usage("INPUT and OUTPUT are the same file"));
        }
    }

    let mut options = SealOptions::default().with_metadata(&metadata(&args, &input))?;
    if let Some(bytes) = args.chunk_size {
        options = options.with_chunk_size(bytes)?;
    }
    if let Some(params) = args.argon2 {
        options = options.with_argon2(params)?;
    }

    let generated = if args.generate_password { Some(generate_password(PasswordStyle::Characters)?) } else { None };
    let secret = match &generated {
        Some(pw) => Secret::Password(pw.clone()),
        None => args.secret.resolve(Purpose::Seal, input.is_stdin())?,
    };

    let output = Output::create(&destination, args.force)?;
    if output.is_terminal() {
        return Err(CliError::usage(format!(
            "will not write an envelope to a terminal ({}): redirect it or use -o FILE",
            args.output.display()
        )));
    }
    let progress = Progress::start("sealing", input.regular_file_len(), global.quiet);
    let mut sealer = Sealer::new(output, &[secret], &options)?;
    // Read straight into the sealer's batch buffer (no copy through a buffer of ours).
    sealer.read_from(&mut progress.reader(input)).map_err(CliError::Io)?;
    sealer.finish()?.commit()?;
    drop(progress);

    if let Some(pw) = generated {
        eprintln!("password: {}", pw.expose());
    }
    Ok(())
}

/// The metadata to seal: name, and for a regular file its size and time.
fn metadata(args: &SealArgs, input: &Input) -> Metadata {
    Metadata {
        name: args.name.clone().or_else(|| default_name(&args.input, input)),
        size: input.regular_file_len(),
        modified: input.modified().and_then(rfc3339),
        ..Metadata::default()
    }
}

/// INPUT's file name, when it is UTF-8 (nothing for standard input).
fn default_name(path: &Path, input: &Input) -> Option<String> {
    if input.is_stdin() {
        return None;
    }
    let name = path.file_name()?.to_str()?;
    is_plain_file_name(name).then(|| name.to_owned())
}

/// A time as RFC 3339 in UTC to the second, for times from 1970 to 9999
/// (kluis-protocol's one formatter).
fn rfc3339(time: SystemTime) -> Option<String> {
    const YEAR_10000: u64 = 253_402_300_800;
    let secs = time.duration_since(UNIX_EPOCH).ok()?.as_secs();
    (secs < YEAR_10000).then(|| kluis_transfer::rfc3339(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn chunk_sizes() {
        assert_eq!(parse_chunk_size("4096"), Ok(4096));
        assert_eq!(parse_chunk_size("64K"), Ok(65536));
        assert_eq!(parse_chunk_size("64kib"), Ok(65536));
        assert_eq!(parse_chunk_size("1M"), Ok(1 << 20));
        assert_eq!(parse_chunk_size("16MiB"), Ok(1 << 24));
        for bad in ["", "K", "2048", "32M", "5000", "64Q", "-4096", "99999999999999999999", "1.5M"] {
            assert!(parse_chunk_size(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn argon2_params() {
        assert_eq!(parse_argon2("m=1024,t=1,p=1"), Ok(Argon2Params::INSECURE_TEST));
        for bad in ["m=1024", "m=1,t=1,p=1", "m=1024,t=0,p=1", "m=4194304,t=3,p=4", "x=1", "fast"] {
            assert!(parse_argon2(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn times() {
        assert_eq!(rfc3339(UNIX_EPOCH + Duration::from_secs(1_700_000_000)).as_deref(), Some("2023-11-14T22:13:20Z"));
        assert_eq!(rfc3339(UNIX_EPOCH), Some("1970-01-01T00:00:00Z".into()));
        assert_eq!(rfc3339(UNIX_EPOCH + Duration::from_secs(300_000_000_000)), None);
        assert_eq!(UNIX_EPOCH.checked_sub(Duration::from_secs(1)).and_then(rfc3339), None);
    }
}
