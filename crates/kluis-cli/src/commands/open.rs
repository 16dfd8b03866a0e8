//! `kluis open`: decrypt an envelope back into its file.

use std::path::{Component, Path, PathBuf};

use clap::Args;
use kluis_core::{Metadata, OpenLimits, Opener};

use crate::Global;
use crate::cli_error::CliError;
use crate::progress::Progress;
use crate::secret_args::{Purpose, SecretArgs};
use crate::streams::{Destination, Input, Output, same_file};

const EXAMPLES: &str = "\
Examples:
  kluis open report.pdf.kluis                 # writes ./report.pdf
  kluis open report.pdf.kluis -o copy.pdf --force
  kluis open photos.tar.kluis -o - --key-file my.key | tar x
  kluis open big.bin.kluis -o /dev/null --key-file my.key   # checks every chunk, keeps nothing";

/// Decrypt an envelope back into its file
///
/// Without -o the file is written to the current folder under the name the
/// envelope records, by the rule kluis receive follows: a leading dot and
/// any invisible or bidirectional formatting character become _ (.bashrc
/// is written as _bashrc); a name with a folder part, a control character
/// or a Windows device name is refused. An existing file is never replaced
/// without --force.
///
/// The output file appears only once every byte of the envelope has
/// authenticated: on any failure no output file is left behind.
///
/// With -o - or /dev/stdout (standard output), /dev/null, a named pipe or
/// another device, the output is written in place, never replaced or
/// renamed, and the plaintext goes out chunk by chunk as each one
/// authenticates. Nothing can be taken back from there: a failure exits
/// with status 1 after part of the file may have been written (and read,
/// from a pipe), so check the exit status. A symbolic link is written
/// through: what it points to decides (a file there is replaced only with
/// --force, and the link stays a link); a link to nothing is refused.
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
    // No BufReader: the opener reads whole batches (about 1 MiB) straight
    // into its own buffers; a BufReader would copy every byte once more.
    let mut opener = Opener::new(progress.reader(input), &secret, &OpenLimits::default())?;
    drop(secret);

    let (destination, from_metadata) = match given {
        Some(destination) => (destination, false),
        None => {
            let destination = Destination::File(PathBuf::from(output_name(opener.metadata())?));
            destination.check(args.force)?;
            (destination, true)
        }
    };

    let mut output = Output::create(&destination, args.force)?;
    opener.copy_to(&mut output)?;
    output.commit()?;
    drop(progress);

    if let (true, false, Destination::File(path)) = (from_metadata, global.quiet, &destination) {
        eprintln!("kluis: wrote {}", path.display());
    }
    Ok(())
}

/// The output file name taken from the envelope's metadata, by the rule
/// `kluis receive` and every binding follow ([`Metadata::save_name`]:
/// invisible or bidirectional formatting characters and a leading dot
/// shown as `_`, so `.bashrc` is written as `_bashrc` and
/// `invoice\u{202e}fdp.exe` as `invoice_fdp.exe`), and one normal path
/// component on this platform. Any other recorded name is a usage error:
/// `-o` chooses one.
fn output_name(metadata: Option<&Metadata>) -> Result<String, CliError> {
    let Some(recorded) = metadata.and_then(|m| m.name.as_deref()) else {
        return Err(CliError::usage("the envelope records no file name: use -o OUTPUT to say where to write it"));
    };
    match metadata.and_then(Metadata::save_name) {
        Some(name) if is_one_component(&name) => Ok(name),
        _ => Err(CliError::usage(format!(
            "the envelope names its file {recorded:?}, which is not a plain file name: use -o OUTPUT to choose one"
        ))),
    }
}

/// One normal path component on this platform (e.g. no drive prefix such
/// as `C:` on Windows).
fn is_one_component(name: &str) -> bool {
    let mut components = Path::new(name).components();
    matches!(components.next(), Some(Component::Normal(c)) if c == name) && components.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names() {
        for ok in ["report.pdf", "résumé.txt", "a b", "C;d", "a\u{200d}b"] {
            let metadata = Metadata::named(ok);
            assert_eq!(output_name(Some(&metadata)).ok().as_deref(), Some(ok), "{ok:?}");
        }
        // Written visible, as kluis receive saves them.
        for (recorded, written) in [
            (".hidden", "_hidden"),
            ("...a", "_..a"),
            ("invoice\u{202e}fdp.exe", "invoice_fdp.exe"),
            ("\u{2067}x\u{2069}.pdf", "_x_.pdf"),
            ("a\u{200b}.txt", "a_.txt"),
        ] {
            let metadata = Metadata::named(recorded);
            assert_eq!(output_name(Some(&metadata)).ok().as_deref(), Some(written), "{recorded:?}");
        }
        for bad in [
            "",
            ".",
            "..",
            "../evil",
            "a/b",
            "/etc/passwd",
            "a\\b",
            "nul\0",
            "bell\x07",
            "tab\there",
            "C:evil",
            "nul.txt",
            "nul .txt",
            "COM\u{b9}",
            "lpt\u{b3}.log",
            "a.",
            "\u{202e}/x",
        ] {
            let metadata = Metadata::named(bad);
            let err =
                output_name(Some(&metadata)).err().map(|e| (e.exit_code(), e.to_string().contains("plain file name")));
            assert_eq!(err, Some((2, true)), "{bad:?}");
        }
        assert_eq!(output_name(None).err().map(|e| e.exit_code()), Some(2));
        assert_eq!(output_name(Some(&Metadata::default())).err().map(|e| e.exit_code()), Some(2));
    }
}
