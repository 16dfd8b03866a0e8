//! Where the bytes come from and go to: a file, or `-` for standard input
//! and standard output.
//!
//! Every read and write error names its file (`reading report.pdf: ...`).
//! An output file is written through [`AtomicFile`]: a temporary file
//! beside the destination that is renamed into place only by
//! [`Output::commit`], so a command that fails leaves no output behind.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Stdin, Stdout, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use kluis_core::AtomicFile;

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
    /// A file, written atomically.
    File(PathBuf),
}

impl Destination {
    /// `-` is standard output; anything else a file.
    pub(crate) fn from_arg(path: &Path) -> Self {
        if is_stdio(path) { Destination::Stdout } else { Destination::File(path.to_path_buf()) }
    }

    /// Usage errors for a file destination that cannot be written: an
    /// existing folder, or an existing file without `overwrite`.
    pub(crate) fn check(&self, overwrite: bool) -> Result<(), CliError> {
        let Destination::File(path) = self else { return Ok(()) };
        match fs::metadata(path) {
            Ok(m) if m.is_dir() => Err(CliError::usage(format!("{} is a folder", label(path)))),
            Ok(_) if !overwrite => Err(exists_error(path)),
            _ => Ok(()),
        }
    }
}

fn exists_error(path: &Path) -> CliError {
    CliError::usage(format!("{} already exists (use --force to replace it)", label(path)))
}

/// An output being written. Dropped without [`Output::commit`], a file
/// output disappears (its temporary file is removed).
pub(crate) struct Output {
    sink: Sink,
    label: String,
}

enum Sink {
    Stdout(BufWriter<Stdout>),
    File(BufWriter<AtomicFile>, PathBuf),
}

impl Output {
    /// Starts writing to `destination`; a file gets a temporary file beside it.
    pub(crate) fn create(destination: &Destination) -> Result<Self, CliError> {
        match destination {
            Destination::Stdout => Ok(Output {
                sink: Sink::Stdout(BufWriter::with_capacity(BUFFER_SIZE, io::stdout())),
                label: "standard output".into(),
            }),
            Destination::File(path) => {
                let label = label(path);
                let file = AtomicFile::create(path).map_err(|e| CliError::io(format_args!("writing {label}"), e))?;
                Ok(Output { sink: Sink::File(BufWriter::with_capacity(BUFFER_SIZE, file), path.clone()), label })
            }
        }
    }

    /// Flushes everything and, for a file, renames it into place. Without
    /// `overwrite` an existing file is left alone and is a usage error.
    pub(crate) fn commit(self, overwrite: bool) -> Result<(), CliError> {
        let context = format!("writing {}", self.label);
        match self.sink {
            Sink::Stdout(mut out) => out.flush().map_err(|e| CliError::io(context, e)),
            Sink::File(out, path) => {
                let file = out.into_inner().map_err(|e| CliError::io(&context, e.into_error()))?;
                file.commit(overwrite).map_err(|e| match e.kind() {
                    io::ErrorKind::AlreadyExists if !overwrite => exists_error(&path),
                    _ => CliError::io(context, e),
                })
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
        let mut out = Output::create(&dest)?;
        out.write_all(b"half")?;
        drop(out);
        assert_eq!(fs::read_dir(dir.path())?.count(), 0);

        let mut out = Output::create(&dest)?;
        out.write_all(b"whole")?;
        out.commit(false)?;
        assert_eq!(fs::read(dir.path().join("out"))?, b"whole");
        assert_eq!(dest.check(false).map_err(|e| e.exit_code()), Err(2));
        assert!(dest.check(true).is_ok());

        // A file that appears while writing is not replaced without `overwrite`.
        let out = Output::create(&dest)?;
        let err = out.commit(false).err().map(|e| e.exit_code());
        assert_eq!(err, Some(2));
        assert_eq!(fs::read(dir.path().join("out"))?, b"whole");
        assert_eq!(fs::read_dir(dir.path())?.count(), 1);
        Ok(())
    }
}
