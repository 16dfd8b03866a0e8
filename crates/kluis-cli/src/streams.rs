//! Where the bytes come from and go to: a file, or `-` for standard input
//! and standard output.
//!
//! Every read and write error names its file (`reading report.pdf: ...`).
//! An output path is written by kluis-core's one rule ([`OutputFile`]): a
//! new or regular file through a temporary file beside it that is renamed
//! into place only by [`Output::commit`], so a command that fails leaves no
//! such output behind; an existing regular file only with `--force`; a
//! device, FIFO, socket or `/dev/stdout` in place; a symbolic link
//! through to what it leads to.

use std::fs::{self, File};
use std::io::{self, BufWriter, IsTerminal, Read, Stdin, Stdout, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use kluis_core::{OutputError, OutputFile};

use crate::cli_error::CliError;

/// Size of the output buffer (and of the reads the commands make).
pub(crate) const BUFFER_SIZE: usize = 1 << 20;

/// True for the argument `-`, which means standard input or output.
pub(crate) fn is_stdio(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// How a path is shown in messages.
fn label(path: &Path) -> String {
    path.display().to_string()
}

/// True when both paths exist and are the same file.
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// An input: a file or standard input.
pub(crate) struct Input {
    source: Source,
    label: String,
    /// The file's metadata (`None` for standard input).
    metadata: Option<fs::Metadata>,
}

enum Source {
    Stdin(Stdin),
    File(File),
}

impl Input {
    /// Opens `path`, or standard input for `-`. A folder is a usage error.
    pub(crate) fn open(path: &Path) -> Result<Self, CliError> {
        if is_stdio(path) {
            return Ok(Input { source: Source::Stdin(io::stdin()), label: "standard input".into(), metadata: None });
        }
        let label = label(path);
        let file = File::open(path).map_err(|e| CliError::io(format_args!("cannot open {label}"), e))?;
        let metadata = file.metadata().map_err(|e| CliError::io(format_args!("cannot open {label}"), e))?;
        if metadata.is_dir() {
            return Err(CliError::usage(format!("{label} is a folder, not a file")));
        }
        Ok(Input { source: Source::File(file), label, metadata: Some(metadata) })
    }

    /// True when this is standard input.
    pub(crate) fn is_stdin(&self) -> bool {
        matches!(self.source, Source::Stdin(_))
    }

    /// The length of a regular file (not of a pipe, a device or standard input).
    pub(crate) fn regular_file_len(&self) -> Option<u64> {
        self.metadata.as_ref().filter(|m| m.is_file()).map(fs::Metadata::len)
    }

    /// The modification time of a regular file.
    pub(crate) fn modified(&self) -> Option<SystemTime> {
        self.metadata.as_ref().filter(|m| m.is_file()).and_then(|m| m.modified().ok())
    }
}

impl Read for Input {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let result = match &mut self.source {
            Source::Stdin(stdin) => stdin.read(buf),
            Source::File(file) => file.read(buf),
        };
        result.map_err(|e| match e.kind() {
            io::ErrorKind::Interrupted => e,
            kind => io::Error::new(kind, format!("reading {}: {e}", self.label)),
        })
    }

    /// Forwarded (`readv`), so that `Sealer::read_from` fills a batch of
    /// chunk slots in one call.
    fn read_vectored(&mut self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        let result = match &mut self.source {
            Source::Stdin(stdin) => stdin.read_vectored(bufs),
            Source::File(file) => file.read_vectored(bufs),
        };
        result.map_err(|e| match e.kind() {
            io::ErrorKind::Interrupted => e,
            kind => io::Error::new(kind, format!("reading {}: {e}", self.label)),
        })
    }
}

/// Where an output goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Destination {
    /// Standard output (`-`).
    Stdout,
    /// A path, written by kluis-core's rule ([`OutputFile`]).
    File(PathBuf),
}

impl Destination {
    /// `-` is standard output; anything else a file.
    pub(crate) fn from_arg(path: &Path) -> Self {
        if is_stdio(path) { Destination::Stdout } else { Destination::File(path.to_path_buf()) }
    }

    /// Usage errors for a path that cannot be written as asked, before any
    /// work is done (kluis-core's [`OutputFile::check`]): an existing
    /// regular file without `overwrite`, a folder, a link to nothing.
    pub(crate) fn check(&self, overwrite: bool) -> Result<(), CliError> {
        let Destination::File(path) = self else { return Ok(()) };
        OutputFile::check(path, overwrite).map(drop).map_err(|e| output_error(path, e))
    }
}

/// The usage error for output `path` that kluis-core's rule refused (an
/// existing regular file without `--force`, a folder, a link to nothing),
/// saying what to do; `None` for any other error.
pub(crate) fn refusal(path: &Path, err: &io::Error) -> Option<CliError> {
    let label = label(path);
    match OutputError::of(err)? {
        OutputError::Exists { .. } => Some(exists_error(path)),
        OutputError::Folder { .. } => Some(CliError::usage(format!("{label} is a folder"))),
        OutputError::DanglingLink { target, .. } => Some(CliError::usage(format!(
            "{label} is a symbolic link to {}, which does not exist: kluis writes through a link but never \
             creates a file through one (give the path itself, or remove the link)",
            target.display()
        ))),
        _ => None,
    }
}

/// The error for a failure to create or complete output `path`.
fn output_error(path: &Path, err: io::Error) -> CliError {
    refusal(path, &err).unwrap_or_else(|| CliError::io(format_args!("writing {}", label(path)), err))
}

fn exists_error(path: &Path) -> CliError {
    CliError::usage(format!("{} already exists (use --force to replace it)", label(path)))
}

/// An output being written. Dropped without [`Output::commit`], a new or
/// regular file output disappears (its temporary file is removed).
pub(crate) struct Output {
    sink: Sink,
    label: String,
}

enum Sink {
    Stdout(BufWriter<Stdout>),
    File(BufWriter<OutputFile>, PathBuf),
}

impl Output {
    /// Starts writing to `destination`: a new or regular file gets a
    /// temporary file beside it (an existing one only with `overwrite`); a
    /// device, FIFO or `/dev/stdout` is opened for writing (a FIFO waits
    /// for its reader).
    pub(crate) fn create(destination: &Destination, overwrite: bool) -> Result<Self, CliError> {
        match destination {
            Destination::Stdout => Ok(Output {
                sink: Sink::Stdout(BufWriter::with_capacity(BUFFER_SIZE, io::stdout())),
                label: "standard output".into(),
            }),
            Destination::File(path) => {
                let file = OutputFile::create(path, overwrite).map_err(|e| output_error(path, e))?;
                Ok(Output {
                    sink: Sink::File(BufWriter::with_capacity(BUFFER_SIZE, file), path.clone()),
                    label: label(path),
                })
            }
        }
    }

    /// True when the bytes go to a terminal.
    pub(crate) fn is_terminal(&self) -> bool {
        match &self.sink {
            Sink::Stdout(_) => io::stdout().is_terminal(),
            Sink::File(out, _) => out.get_ref().is_terminal(),
        }
    }

    /// Flushes everything and completes the output: a new or regular file
    /// is renamed into place (an existing file that appeared meanwhile is
    /// replaced only with the `overwrite` given to [`Output::create`]).
    pub(crate) fn commit(self) -> Result<(), CliError> {
        let context = format!("writing {}", self.label);
        match self.sink {
            Sink::Stdout(mut out) => out.flush().map_err(|e| CliError::io(context, e)),
            Sink::File(out, path) => {
                let file = out.into_inner().map_err(|e| CliError::io(&context, e.into_error()))?;
                file.commit().map_err(|e| output_error(&path, e))
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = match &mut self.sink {
            Sink::Stdout(out) => out.write(buf),
            Sink::File(out, _) => out.write(buf),
        };
        result.map_err(|e| self.write_error(e))
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let result = match &mut self.sink {
            Sink::Stdout(out) => out.write_all(buf),
            Sink::File(out, _) => out.write_all(buf),
        };
        result.map_err(|e| self.write_error(e))
    }

    /// Forwarded, so that a large vectored write (`Opener::copy_to` writes a
    /// batch of chunks at once) passes through the `BufWriter` uncopied.
    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        let result = match &mut self.sink {
            Sink::Stdout(out) => out.write_vectored(bufs),
            Sink::File(out, _) => out.write_vectored(bufs),
        };
        result.map_err(|e| self.write_error(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = match &mut self.sink {
            Sink::Stdout(out) => out.flush(),
            Sink::File(out, _) => out.flush(),
        };
        result.map_err(|e| self.write_error(e))
    }
}

impl Output {
    fn write_error(&self, e: io::Error) -> io::Error {
        match e.kind() {
            io::ErrorKind::Interrupted => e,
            kind => io::Error::new(kind, format!("writing {}: {e}", self.label)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_is_stdio() {
        assert!(is_stdio(Path::new("-")));
        assert!(!is_stdio(Path::new("./-")));
        assert_eq!(Destination::from_arg(Path::new("-")), Destination::Stdout);
        assert_eq!(Destination::from_arg(Path::new("a")), Destination::File("a".into()));
    }

    #[test]
    fn uncommitted_output_leaves_nothing() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let dest = Destination::File(dir.path().join("out"));
        let mut out = Output::create(&dest, false)?;
        out.write_all(b"half")?;
        drop(out);
        assert_eq!(fs::read_dir(dir.path())?.count(), 0);

        let mut out = Output::create(&dest, false)?;
        out.write_all(b"whole")?;
        out.commit()?;
        assert_eq!(fs::read(dir.path().join("out"))?, b"whole");
        assert_eq!(dest.check(false).map_err(|e| e.exit_code()), Err(2));
        assert!(dest.check(true).is_ok());

        // A file that appears while writing is not replaced without `overwrite`.
        assert_eq!(Output::create(&dest, false).err().map(|e| e.exit_code()), Some(2));
        fs::remove_file(dir.path().join("out"))?;
        let out = Output::create(&dest, false)?;
        fs::write(dir.path().join("out"), b"whole")?;
        let err = out.commit().err().map(|e| (e.exit_code(), e.to_string().contains("--force")));
        assert_eq!(err, Some((2, true)));
        assert_eq!(fs::read(dir.path().join("out"))?, b"whole");
        assert_eq!(fs::read_dir(dir.path())?.count(), 1);
        Ok(())
    }
}
