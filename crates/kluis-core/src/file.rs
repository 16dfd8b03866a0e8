//! Files: [`seal_file`], [`open_file`], and [`AtomicFile`], the temporary
//! file that [`OutputFile`] writes a regular output through.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{OpenError, SealError};
use crate::keys::Secret;
use crate::limits::OpenLimits;
use crate::metadata::Metadata;
use crate::open::Opener;
use crate::output::{OutputError, OutputFile, sync_parent};
use crate::seal::{SealOptions, Sealer};

/// A file written under a temporary name in the destination's folder and
/// renamed into place only by [`AtomicFile::commit`]. Dropped uncommitted,
/// the temporary file is removed and the destination is untouched.
///
/// It only ever renames onto nothing or onto a regular file. To write to
/// any path by the crate's rule (devices, FIFOs and `/dev/stdout` in
/// place, through symbolic links), use [`OutputFile`].
///
/// ```
/// use std::io::Write;
/// use kluis_core::AtomicFile;
/// let dir = tempfile::tempdir().unwrap();
/// let dest = dir.path().join("out.txt");
/// let mut f = AtomicFile::create(&dest).unwrap();
/// f.write_all(b"done").unwrap();
/// assert!(!dest.exists());
/// f.commit(false).unwrap();
/// assert_eq!(std::fs::read(&dest).unwrap(), b"done");
/// ```
#[derive(Debug)]
pub struct AtomicFile {
    tmp: NamedTempFile,
    dest: PathBuf,
}

impl AtomicFile {
    /// Creates the temporary file beside `dest`.
    pub fn create(dest: impl AsRef<Path>) -> io::Result<Self> {
        let dest = dest.as_ref().to_path_buf();
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let tmp = tempfile::Builder::new().prefix(".kluis-").suffix(".part").tempfile_in(dir)?;
        Ok(AtomicFile { tmp, dest })
    }

    /// The final path.
    pub fn destination(&self) -> &Path {
        &self.dest
    }

    /// Syncs the data, renames the file into place and syncs the folder.
    /// With `overwrite == false` an existing destination is an error
    /// ([`OutputError::Exists`], of kind `AlreadyExists`) and is left as it
    /// was. Anything but a regular file at the destination (a device, a
    /// FIFO, a socket, a symbolic link, a folder) is never replaced, even
    /// with `overwrite`: an error ([`OutputError::NotRegular`],
    /// [`OutputError::Folder`]).
    pub fn commit(self, overwrite: bool) -> io::Result<()> {
        self.tmp.as_file().sync_all()?;
        let path = || self.dest.clone();
        match fs::symlink_metadata(&self.dest) {
            Ok(what) if what.is_dir() => return Err(OutputError::Folder { path: path() }.into()),
            Ok(what) if !what.is_file() => return Err(OutputError::NotRegular { path: path() }.into()),
            Ok(_) if !overwrite => return Err(OutputError::Exists { path: path() }.into()),
            _ => {}
        }
        let result = if overwrite { self.tmp.persist(&self.dest) } else { self.tmp.persist_noclobber(&self.dest) };
        result.map_err(|e| match e.error.kind() {
            io::ErrorKind::AlreadyExists if !overwrite => OutputError::Exists { path: self.dest.clone() }.into(),
            _ => e.error,
        })?;
        sync_parent(&self.dest);
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tmp.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.tmp.write_all(buf)
    }

    /// Forwarded (`writev`), so that `Opener::copy_to` writes a batch of
    /// chunks in one call.
    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.tmp.as_file_mut().write_vectored(bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tmp.flush()
    }
}

/// Seals the file at `input` into `output` by the rule of [`OutputFile`],
/// with overwriting allowed. A new or regular `output` is written
/// atomically: on any failure it is left as it was and no temporary file
/// remains; an existing regular file is replaced (through a symbolic link,
/// the file it leads to, and the link stays). A device, FIFO, socket or
/// open descriptor (`/dev/null`, `/dev/stdout`, a named pipe) is written in
/// place, never replaced: what was written before a failure stays written.
///
/// ```no_run
/// use kluis_core::{seal_file, SealOptions, Secret};
/// seal_file("report.pdf", "report.pdf.kluis", &[Secret::password("sterk wachtwoord")], &SealOptions::default())?;
/// # Ok::<(), kluis_core::SealError>(())
/// ```
pub fn seal_file(
    input: impl AsRef<Path>,
    output: impl AsRef<Path>,
    secrets: &[Secret],
    options: &SealOptions,
) -> Result<(), SealError> {
    let mut reader = File::open(input)?;
    let out = OutputFile::create(output, true)?;
    let mut sealer = Sealer::new(out, secrets, options)?;
    // Not `io::copy`: it reads 8 KiB at a time into a buffer of its own.
    sealer.read_from(&mut reader)?;
    sealer.finish()?.commit()?;
    Ok(())
}

/// Opens the envelope at `input` into `output` by the rule of
/// [`OutputFile`], with overwriting allowed, and returns the metadata. A new
/// or regular `output` appears only after the final chunk authenticated: on
/// any failure it is left as it was and no temporary file remains; an
/// existing regular file is replaced (through a symbolic link, the file it
/// leads to, and the link stays). A device, FIFO, socket or open descriptor
/// is written in place as each chunk authenticates, never replaced: after a
/// failure, what authenticated before it has been written.
///
/// ```no_run
/// use kluis_core::{open_file, OpenLimits, Secret};
/// let metadata = open_file("report.pdf.kluis", "report.pdf", &Secret::password("sterk wachtwoord"), &OpenLimits::default())?;
/// # Ok::<(), kluis_core::OpenError>(())
/// ```
pub fn open_file(
    input: impl AsRef<Path>,
    output: impl AsRef<Path>,
    secret: &Secret,
    limits: &OpenLimits,
) -> Result<Option<Metadata>, OpenError> {
    // No `BufReader`: the opener reads whole batches straight into its buffers.
    let mut opener = Opener::new(File::open(input)?, secret, limits)?;
    let mut out = OutputFile::create(output, true)?;
    opener.copy_to(&mut out)?;
    out.commit()?;
    Ok(opener.metadata().cloned())
}
