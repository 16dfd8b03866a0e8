//! Where an output goes: [`OutputFile`], the one rule by which
//! [`seal_file`](crate::seal_file), [`open_file`](crate::open_file), the
//! `kluis` command and the transfer downloads write to a path.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::file::AtomicFile;

/// How [`OutputFile`] writes to a destination, decided by what is there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutputKind {
    /// Nothing is there: a new regular file, written under a temporary
    /// name and renamed into place when complete.
    New,
    /// A regular file is there (possibly at the end of symbolic links): it
    /// is replaced the same way. Only with `overwrite`.
    Replace,
    /// Something that is not a regular file is there (a device, a FIFO, a
    /// socket, an open descriptor such as `/dev/stdout`): it is opened and
    /// written in place, never replaced.
    InPlace,
}

/// Why an output path cannot be written as asked. The file functions of
/// this crate return it inside an [`io::Error`] (of the kind given for each
/// variant); [`OutputError::of`] gets it back.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// A regular file is there and `overwrite` was not given
    /// ([`io::ErrorKind::AlreadyExists`]).
    #[error("{} already exists", .path.display())]
    Exists {
        /// The destination as given.
        path: PathBuf,
    },
    /// The destination is a folder ([`io::ErrorKind::IsADirectory`]).
    #[error("{} is a folder", .path.display())]
    Folder {
        /// The destination as given.
        path: PathBuf,
    },
    /// The destination is a symbolic link to nothing: no file is created
    /// through a link ([`io::ErrorKind::NotFound`]).
    #[error("{} is a symbolic link to {}, which does not exist (no file is created through a link)", .path.display(), .target.display())]
    DanglingLink {
        /// The destination as given.
        path: PathBuf,
        /// Where the link points.
        target: PathBuf,
    },
    /// Something that is not a regular file (a device, a FIFO, a socket, a
    /// link) is at a path that was to be renamed onto; it is left as it is
    /// ([`io::ErrorKind::AlreadyExists`]).
    #[error("{} is not a regular file: it is never replaced", .path.display())]
    NotRegular {
        /// The path that was to be replaced.
        path: PathBuf,
    },
    /// What is at the destination changed while the output was being
    /// written (a link now leads elsewhere, a regular file took a device's
    /// place); it is left as it is ([`io::ErrorKind::Other`]).
    #[error("{} changed while the output was being written; it was left as it is", .path.display())]
    Changed {
        /// The destination as given.
        path: PathBuf,
    },
}

impl OutputError {
    /// The `OutputError` inside `err`, when `err` is one.
    ///
    /// ```
    /// use kluis_core::{OutputError, OutputFile};
    /// let dir = tempfile::tempdir().unwrap();
    /// let err = OutputFile::create(dir.path(), true).unwrap_err();
    /// assert!(matches!(OutputError::of(&err), Some(OutputError::Folder { .. })));
    /// ```
    pub fn of(err: &io::Error) -> Option<&OutputError> {
        err.get_ref()?.downcast_ref()
    }

    fn kind(&self) -> io::ErrorKind {
        match self {
            OutputError::Exists { .. } | OutputError::NotRegular { .. } => io::ErrorKind::AlreadyExists,
            OutputError::Folder { .. } => io::ErrorKind::IsADirectory,
            OutputError::DanglingLink { .. } => io::ErrorKind::NotFound,
            OutputError::Changed { .. } => io::ErrorKind::Other,
        }
    }
}

impl From<OutputError> for io::Error {
    fn from(err: OutputError) -> Self {
        io::Error::new(err.kind(), err)
    }
}

/// An output being written to a path by the one rule of this crate: a new
/// or regular file atomically, anything else in place. Dropped before
/// [`OutputFile::commit`], a regular output's temporary file is removed and
/// the destination is untouched.
///
/// What is at the path decides:
///
/// | the path names | it is written | needs `overwrite` |
/// |---|---|---|
/// | nothing | as a new regular file: under a temporary name beside it, synced and renamed into place when complete | no |
/// | a regular file | replaced the same way (atomically: the old content until the new one is complete) | yes |
/// | a symbolic link | through it: what it leads to decides, by this same table (a regular file there is replaced and the link stays a link); a link to nothing is refused, as no file is ever created through a link | as for what it leads to |
/// | a character or block device, a FIFO, a socket | in place: opened for writing, never renamed, replaced or truncated (a block device is synced at the end) | no |
/// | an open descriptor: `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N` (Unix) | in place, whatever it refers to: standard output and standard error through the process's own descriptor (so at its offset, appending if it appends), another `N` reopened for appending | no |
/// | a folder | not at all: refused | — |
///
/// "Nothing left behind on failure" holds for regular files: a failure
/// before [`OutputFile::commit`] leaves the destination as it was and
/// removes the temporary file. Written in place, the bytes already written
/// have gone (to the device, or to whoever reads the pipe) and cannot be
/// taken back: a reader must check the writer's result, as with any Unix
/// pipe.
///
/// ```
/// use std::io::Write;
/// use kluis_core::{OutputError, OutputFile, OutputKind};
/// let dir = tempfile::tempdir().unwrap();
/// let dest = dir.path().join("out.txt");
/// let mut out = OutputFile::create(&dest, false).unwrap();
/// assert_eq!(out.kind(), OutputKind::New);
/// out.write_all(b"done").unwrap();
/// assert!(!dest.exists());
/// out.commit().unwrap();
/// assert_eq!(std::fs::read(&dest).unwrap(), b"done");
///
/// // An existing regular file is replaced only with `overwrite`.
/// let err = OutputFile::create(&dest, false).unwrap_err();
/// assert!(matches!(OutputError::of(&err), Some(OutputError::Exists { .. })));
/// assert_eq!(OutputFile::check(&dest, true).unwrap(), OutputKind::Replace);
/// ```
#[derive(Debug)]
pub struct OutputFile {
    /// The destination as given.
    dest: PathBuf,
    overwrite: bool,
    kind: OutputKind,
    sink: Sink,
}

#[derive(Debug)]
enum Sink {
    Atomic(AtomicFile),
    InPlace {
        file: File,
        /// A block device: synced on commit, as a regular file is.
        sync: bool,
    },
}

impl OutputFile {
    /// Starts writing to `dest`: for a new or regular file, a temporary
    /// file beside it (beside the file a symbolic link leads to); for
    /// anything else, `dest` itself, opened for writing (opening a FIFO
    /// waits for a reader, as it does for every writer). An existing
    /// regular file is an error ([`OutputError::Exists`]) unless
    /// `overwrite`; so are a folder and a symbolic link to nothing.
    pub fn create(dest: impl AsRef<Path>, overwrite: bool) -> io::Result<Self> {
        let dest = dest.as_ref();
        let target = resolve(dest, overwrite)?;
        let sink = match target.kind {
            OutputKind::New | OutputKind::Replace => Sink::Atomic(AtomicFile::create(&target.path)?),
            OutputKind::InPlace => open_in_place(dest, &target)?,
        };
        Ok(OutputFile { dest: dest.to_path_buf(), overwrite, kind: target.kind, sink })
    }

    /// What [`create`](OutputFile::create) would do with `dest`, and the
    /// same errors, without opening or creating anything: to refuse a
    /// destination before any work is done.
    pub fn check(dest: impl AsRef<Path>, overwrite: bool) -> io::Result<OutputKind> {
        resolve(dest.as_ref(), overwrite).map(|target| target.kind)
    }

    /// Puts the complete file `from` (a temporary file of the caller's, in
    /// any folder) at `dest` by the same rule, and says how: a new or
    /// regular destination gets `from` synced and renamed onto it (copied
    /// through a temporary file beside it when `from` is on another file
    /// system); anything else gets the bytes of `from` written in place.
    /// Afterwards `from` is gone; on failure the destination is as it was
    /// (for a regular file) and `from` remains.
    ///
    /// ```
    /// use kluis_core::{OutputFile, OutputKind};
    /// let dir = tempfile::tempdir().unwrap();
    /// let staged = dir.path().join("staged");
    /// std::fs::write(&staged, b"verified").unwrap();
    /// let dest = dir.path().join("report.pdf");
    /// assert_eq!(OutputFile::place(&staged, &dest, false).unwrap(), OutputKind::New);
    /// assert_eq!(std::fs::read(&dest).unwrap(), b"verified");
    /// assert!(!staged.exists());
    /// ```
    pub fn place(from: impl AsRef<Path>, dest: impl AsRef<Path>, overwrite: bool) -> io::Result<OutputKind> {
        let (from, dest) = (from.as_ref(), dest.as_ref());
        let target = resolve(dest, overwrite)?;
        if target.kind != OutputKind::InPlace {
            File::open(from)?.sync_all()?;
            match rename(from, &target.path, target.kind == OutputKind::Replace) {
                Ok(()) => {
                    sync_parent(&target.path);
                    return Ok(target.kind);
                }
                Err(e) if e.kind() == io::ErrorKind::CrossesDevices => {}
                Err(e) => return Err(e),
            }
        }
        let mut out = OutputFile::create(dest, overwrite)?;
        let kind = out.kind;
        {
            let mut buffered = BufWriter::with_capacity(1 << 20, &mut out);
            io::copy(&mut File::open(from)?, &mut buffered)?;
            buffered.flush()?;
        }
        out.commit()?;
        // The copy is in place; `from` is the caller's temporary file, and a
        // failure to remove it leaves it where the caller cleans up anyway.
        let _ = fs::remove_file(from);
        Ok(kind)
    }

    /// How this output is being written.
    pub fn kind(&self) -> OutputKind {
        self.kind
    }

    /// The destination, as given.
    pub fn destination(&self) -> &Path {
        &self.dest
    }

    /// True when the output is written in place to a terminal (such as
    /// `/dev/stdout` on a terminal, or `/dev/tty`).
    pub fn is_terminal(&self) -> bool {
        match &self.sink {
            Sink::Atomic(_) => false,
            Sink::InPlace { file, .. } => file.is_terminal(),
        }
    }

    /// Completes the output. A new or regular file is synced and renamed
    /// into place (and its folder synced), provided the destination is
    /// still what it was when the output was created: an existing regular
    /// file is replaced only with `overwrite`, and anything else that
    /// appeared meanwhile is left alone (an error). An output written in
    /// place is flushed (a block device synced); nothing is renamed.
    pub fn commit(self) -> io::Result<()> {
        match self.sink {
            Sink::Atomic(file) => {
                let now = resolve(&self.dest, self.overwrite)?;
                if now.kind == OutputKind::InPlace {
                    return Err(OutputError::NotRegular { path: self.dest }.into());
                }
                if now.path != file.destination() {
                    return Err(OutputError::Changed { path: self.dest }.into());
                }
                file.commit(now.kind == OutputKind::Replace)
            }
            Sink::InPlace { mut file, sync } => {
                file.flush()?;
                if sync {
                    file.sync_all()?;
                }
                Ok(())
            }
        }
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Atomic(file) => file.write(buf),
            Sink::InPlace { file, .. } => file.write(buf),
        }
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Atomic(file) => file.write_vectored(bufs),
            Sink::InPlace { file, .. } => file.write_vectored(bufs),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.sink {
            Sink::Atomic(file) => file.write_all(buf),
            Sink::InPlace { file, .. } => file.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Atomic(file) => file.flush(),
            Sink::InPlace { file, .. } => file.flush(),
        }
    }
}

/// What the rule makes of a destination.
#[derive(Debug)]
struct Target {
    kind: OutputKind,
    /// The path renamed onto or opened: the destination, or the regular
    /// file that the symbolic link at the destination leads to.
    path: PathBuf,
    /// The destination names an open descriptor (`/dev/fd/N`, ...).
    descriptor: Option<u32>,
}

/// Applies the rule to `dest` (without opening anything).
fn resolve(dest: &Path, overwrite: bool) -> io::Result<Target> {
    if let Some(fd) = descriptor(dest) {
        return Ok(Target { kind: OutputKind::InPlace, path: dest.to_path_buf(), descriptor: Some(fd) });
    }
    let plain = |kind, path: &Path| Target { kind, path: path.to_path_buf(), descriptor: None };
    let entry = match fs::symlink_metadata(dest) {
        Ok(entry) => entry,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(plain(OutputKind::New, dest)),
        Err(e) => return Err(e),
    };
    let is_link = entry.file_type().is_symlink();
    let what = if is_link {
        match fs::metadata(dest) {
            Ok(what) => what,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let target = fs::read_link(dest).unwrap_or_default();
                return Err(OutputError::DanglingLink { path: dest.to_path_buf(), target }.into());
            }
            Err(e) => return Err(e),
        }
    } else {
        entry
    };
    if what.is_dir() {
        return Err(OutputError::Folder { path: dest.to_path_buf() }.into());
    }
    if !what.is_file() {
        return Ok(plain(OutputKind::InPlace, dest));
    }
    if !overwrite {
        return Err(OutputError::Exists { path: dest.to_path_buf() }.into());
    }
    if is_link {
        Ok(plain(OutputKind::Replace, &fs::canonicalize(dest)?))
    } else {
        Ok(plain(OutputKind::Replace, dest))
    }
}

/// Opens an in-place destination for writing, without creating or
/// truncating it.
fn open_in_place(dest: &Path, target: &Target) -> io::Result<Sink> {
    let file = match target.descriptor {
        Some(fd) => open_descriptor(fd, &target.path)?,
        None => OpenOptions::new().write(true).open(&target.path)?,
    };
    let what = file.metadata()?;
    // Between `resolve` and the opening, a regular file took the place of
    // the device or FIFO: it is not written over in place.
    if what.is_file() && target.descriptor.is_none() {
        return Err(OutputError::Changed { path: dest.to_path_buf() }.into());
    }
    Ok(Sink::InPlace { file, sync: is_block_device(&what) })
}

/// The longest chain of symbolic links followed to find a descriptor path.
#[cfg(unix)]
const MAX_LINKS: usize = 40;

/// The descriptor number that `dest` names (`/dev/stdout`, `/dev/fd/3`,
/// `/proc/self/fd/1`, or a symbolic link that leads to one of them).
#[cfg(unix)]
fn descriptor(dest: &Path) -> Option<u32> {
    let mut path = dest.to_path_buf();
    for _ in 0..MAX_LINKS {
        if let Some(fd) = descriptor_number(&path) {
            return Some(fd);
        }
        let next = fs::read_link(&path).ok()?;
        path = match path.parent() {
            Some(dir) if next.is_relative() => dir.join(next),
            _ => next,
        };
    }
    None
}

#[cfg(not(unix))]
fn descriptor(_dest: &Path) -> Option<u32> {
    None
}

/// The descriptor number a path names by itself.
#[cfg(unix)]
fn descriptor_number(path: &Path) -> Option<u32> {
    let text = path.to_str()?;
    match text {
        "/dev/stdin" => return Some(0),
        "/dev/stdout" => return Some(1),
        "/dev/stderr" => return Some(2),
        _ => {}
    }
    let number =
        ["/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/"].iter().find_map(|prefix| text.strip_prefix(prefix))?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    number.parse().ok()
}

/// Opens descriptor `fd`: standard output and standard error by
/// duplicating the process's own (sharing its offset and its append mode:
/// `>>` appends), any other by reopening `path` for appending (never
/// truncating what it refers to).
#[cfg(unix)]
fn open_descriptor(fd: u32, path: &Path) -> io::Result<File> {
    use std::os::fd::AsFd;
    match fd {
        1 => {
            // What was printed before goes first.
            io::stdout().flush()?;
            Ok(File::from(io::stdout().as_fd().try_clone_to_owned()?))
        }
        2 => Ok(File::from(io::stderr().as_fd().try_clone_to_owned()?)),
        _ => OpenOptions::new().append(true).open(path),
    }
}

#[cfg(not(unix))]
fn open_descriptor(_fd: u32, path: &Path) -> io::Result<File> {
    OpenOptions::new().append(true).open(path)
}

#[cfg(unix)]
fn is_block_device(what: &fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    what.file_type().is_block_device()
}

#[cfg(not(unix))]
fn is_block_device(_what: &fs::Metadata) -> bool {
    false
}

/// Renames `from` onto `to`, which must be nothing (`replace == false`) or
/// a regular file (`replace`), never anything else.
fn rename(from: &Path, to: &Path, replace: bool) -> io::Result<()> {
    match fs::symlink_metadata(to) {
        Ok(what) if what.is_dir() => return Err(OutputError::Folder { path: to.to_path_buf() }.into()),
        Ok(what) if !what.is_file() => return Err(OutputError::NotRegular { path: to.to_path_buf() }.into()),
        Ok(_) if !replace => return Err(OutputError::Exists { path: to.to_path_buf() }.into()),
        _ => {}
    }
    if replace {
        return fs::rename(from, to);
    }
    tempfile::TempPath::try_from_path(from)?.persist_noclobber(to).map_err(|e| {
        // Not a temporary file of ours: it stays where it is.
        let _ = e.path.keep();
        if e.error.kind() == io::ErrorKind::AlreadyExists {
            OutputError::Exists { path: to.to_path_buf() }.into()
        } else {
            e.error
        }
    })
}

/// Syncs the folder holding `path`, so that a rename into it is durable.
/// Best effort: the file itself is already synced and in place, and not
/// every file system can sync a folder.
pub(crate) fn sync_parent(path: &Path) {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn descriptor_paths() {
        for (path, fd) in [
            ("/dev/stdout", Some(1)),
            ("/dev/stderr", Some(2)),
            ("/dev/stdin", Some(0)),
            ("/dev/fd/1", Some(1)),
            ("/dev/fd/17", Some(17)),
            ("/proc/self/fd/4", Some(4)),
            ("/proc/thread-self/fd/2", Some(2)),
            ("/dev/fd/", None),
            ("/dev/fd/x", None),
            ("/dev/fd/1/x", None),
            ("/dev/null", None),
            ("dev/stdout", None),
            ("/dev/stdout2", None),
        ] {
            assert_eq!(descriptor_number(Path::new(path)), fd, "{path}");
        }
    }

    #[test]
    fn a_link_to_a_descriptor_is_one() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let link = dir.path().join("out");
        std::os::unix::fs::symlink("/dev/stdout", &link)?;
        let chain = dir.path().join("chain");
        std::os::unix::fs::symlink("out", &chain)?;
        assert_eq!(descriptor(&link), Some(1));
        assert_eq!(descriptor(&chain), Some(1));
        assert_eq!(OutputFile::check(&chain, false)?, OutputKind::InPlace);
        Ok(())
    }
}
