//! Files: [`seal_file`], [`open_file`] and the [`AtomicFile`] they write through.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{OpenError, SealError};
use crate::keys::Secret;
use crate::limits::OpenLimits;
use crate::metadata::Metadata;
use crate::open::Opener;
use crate::seal::{SealOptions, Sealer};

/// A file written under a temporary name in the destination's folder and
/// renamed into place only by [`AtomicFile::commit`]. Dropped uncommitted,
/// the temporary file is removed and the destination is untouched.
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

    /// Syncs the data and renames the file into place. With
    /// `overwrite == false` an existing destination is an error
    /// (`AlreadyExists`) and is left as it was.
    pub fn commit(self, overwrite: bool) -> io::Result<()> {
        self.tmp.as_file().sync_all()?;
        let result = if overwrite { self.tmp.persist(&self.dest) } else { self.tmp.persist_noclobber(&self.dest) };
        result.map(|_| ()).map_err(|e| e.error)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tmp.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.tmp.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tmp.flush()
    }
}

/// Seals the file at `input` into `output` (replacing it), atomically: on
/// any failure `output` is left as it was and no temporary file remains.
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
    let out = AtomicFile::create(output)?;
    let mut sealer = Sealer::new(out, secrets, options)?;
    // Not `io::copy`: it reads 8 KiB at a time into a buffer of its own.
    sealer.read_from(&mut reader)?;
    sealer.finish()?.commit(true)?;
    Ok(())
}

/// Opens the envelope at `input` into `output` (replacing it), atomically:
/// `output` appears only after the final chunk authenticated; on any failure
/// it is left as it was and no temporary file remains. Returns the metadata.
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
    let mut out = AtomicFile::create(output)?;
    opener.copy_to(&mut out)?;
    out.commit(true)?;
    Ok(opener.metadata().cloned())
}
