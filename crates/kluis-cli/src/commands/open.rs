//! `kluis open`: decrypt an envelope back into its file.

use std::io::BufReader;
use std::path::{Component, Path, PathBuf};

use clap::Args;
use kluis_core::{OpenLimits, Opener, is_plain_file_name};

use crate::Global;
use crate::cli_error::CliError;
use crate::progress::Progress;
use crate::secret_args::{Purpose, SecretArgs};
use crate::streams::{BUFFER_SIZE, Destination, Input, Output, same_file};

const EXAMPLES: &str = "\
Examples:
  kluis open report.pdf.kluis                 # writes ./report.pdf
  kluis open report.pdf.kluis -o copy.pdf --force
  kluis open photos.tar.kluis -o - --key-file my.key | tar x";

/// Decrypt an envelope back into its file
///
/// Without -o the file is written to the current folder under the name the
/// envelope records; a recorded name with a folder part is refused. An
/// existing file is never replaced without --force.
///
/// The output file appears only once every byte of the envelope has
/// authenticated: on any failure no output file is left behind. With -o -
/// the plaintext goes to standard output chunk by chunk as each one
/// authenticates; a failure then exits with status 1 after part of the file
/// may have been written, so check the exit status.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES, verbatim_doc_comment)]
pub(crate) struct OpenArgs {
    /// The envelope to open, or - for standard input
    #[arg(value_name = "INPUT")]
    input: PathBuf,

    /// Where to write the file, or - for standard output [default: the name
    /// recorded in the envelope, in the current folder]
    #[arg(short, long, value_name = "OUTPUT")]
    output: Option<PathBuf>,

    /// Replace the output file if it exists
    #[arg(short, long)]
    force: bool,

    // Last: its help heading applies to the options declared after it.
    #[command(flatten)]
    secret: SecretArgs,
}

/// Runs `kluis open`.
pub(crate) fn run(args: OpenArgs, global: &Global) -> Result<(), CliError> {
    // What can be refused before the password is asked for, is.
    let given = args.output.as_deref().map(Destination::from_arg);
    if let Some(destination) = &given {
        destination.check(args.force)?;
    }
    let input = Input::open(&args.input)?;
    if let Some(Destination::File(out)) = &given {
        if same_file(&args.input, out) {
            return Err(CliError::usage("INPUT and OUTPUT are the same file"));
        }
    }
    let secret = args.secret.resolve(Purpose::Open, input.is_stdin())?;

    let progress = Progress::start("opening", input.regular_file_len(), global.quiet);
    let reader = BufReader::with_capacity(BUFFER_SIZE, progress.reader(input));
    let mut opener = Opener::new(reader, &secret, &OpenLimits::default())?;
    drop(secret);

    let (destination, from_metadata) = match given {
        Some(destination) => (destination, false),
        None => {
            let name = opener.metadata().and_then(|m| m.name.as_deref());
            let destination = Destination::File(PathBuf::from(output_name(name)?));
            destination.check(args.force)?;
            (destination, true)
        }
    };

    let mut output = Output::create(&destination)?;
    opener.copy_to(&mut output)?;
    output.commit(args.force)?;
    drop(progress);

    if let (true, false, Destination::File(path)) = (from_metadata, global.quiet, &destination) {
        eprintln!("kluis: wrote {}", path.display());
    }
    Ok(())
}

/// The output file name taken from the envelope's metadata: it must name a
/// file in the current folder and nothing else.
fn output_name(name: Option<&str>) -> Result<&str, CliError> {
    let name = name
        .ok_or_else(|| CliError::usage("the envelope records no file name: use -o OUTPUT to say where to write it"))?;
    if is_safe_file_name(name) {
        Ok(name)
    } else {
        Err(CliError::usage(format!(
            "the envelope names its file {name:?}, which is not a plain file name: use -o OUTPUT to choose one"
        )))
    }
}

/// [`is_plain_file_name`], and also one normal path component on this
/// platform (no drive prefix such as `C:` on Windows) without control
/// characters.
fn is_safe_file_name(name: &str) -> bool {
    let mut components = Path::new(name).components();
    is_plain_file_name(name)
        && !name.chars().any(char::is_control)
        && matches!(components.next(), Some(Component::Normal(c)) if c == name)
        && components.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names() {
        for ok in ["report.pdf", "résumé.txt", ".hidden", "a b", "...", "C;d"] {
            assert_eq!(output_name(Some(ok)).ok(), Some(ok), "{ok:?}");
        }
        for bad in ["", ".", "..", "../evil", "a/b", "/etc/passwd", "a\\b", "nul\0", "bell\x07", "tab\there"] {
            let err = output_name(Some(bad)).err().map(|e| (e.exit_code(), e.to_string().contains("plain file name")));
            assert_eq!(err, Some((2, true)), "{bad:?}");
        }
        assert_eq!(output_name(None).err().map(|e| e.exit_code()), Some(2));
    }

    #[cfg(windows)]
    #[test]
    fn drive_relative_names_are_refused() {
        assert!(!is_safe_file_name("C:evil"));
    }
}
