//! [`DirectoryTransport`]: a store in a local folder.
//!
//! Layout (docs/TRANSFER.md, "Directory store"):
//!
//! ```text
//! <root>/<transfer-id>/<blob>.part   a blob being uploaded
//! <root>/<transfer-id>/<blob>        a complete blob (renamed from .part)
//! <root>/<transfer-id>/expires       "<unix seconds>\n", written last
//! ```

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::{Transport, TransportError};
use kluis_protocol::{BlobName, TransferId};

/// Name of the file that marks a transfer finished and holds its expiry.
const EXPIRES: &str = "expires";
/// Suffix of a blob being uploaded.
const PART: &str = ".part";
/// Prefix of a transfer folder being deleted.
const DELETED: &str = ".deleted-";

/// A [`Transport`] over a local folder: the embedded default store.
///
/// - **Atomic:** a blob is uploaded into `<blob>.part` and renamed to
///   `<blob>` only after it has been synced to disk, so no partial blob is
///   ever visible as complete; the `expires` file, which marks the transfer
///   finished, is written to a temporary file, synced and renamed into place
///   last.
/// - **Concurrent:** each transfer lives in its own folder named by its
///   random id, and there is no shared index, so processes writing different
///   transfers into the same store never touch the same file. (Two writers
///   of the *same* transfer are not supported.)
/// - **No traversal:** every path component comes from a parsed
///   [`TransferId`] or [`BlobName`], never from text supplied by a caller.
///
/// ```
/// use kluis_transfer::{BlobName, DirectoryTransport, Transport, TransferId};
/// let dir = tempfile::tempdir()?;
/// let store = DirectoryTransport::open(dir.path())?;
/// let t = TransferId::generate()?;
/// store.put_range(&t, &BlobName::Manifest, 0, b"sealed bytes")?;
/// assert!(store.blob_path(&t, &BlobName::Manifest).with_extension("part").exists());
/// store.finish_blob(&t, &BlobName::Manifest, 12)?;
/// assert!(store.blob_path(&t, &BlobName::Manifest).exists());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct DirectoryTransport {
    root: PathBuf,
}

fn io_err(path: &Path, e: io::Error) -> TransportError {
    TransportError::Io(format!("{}: {e}", path.display()))
}

/// `Ok(None)` for a missing file, the metadata otherwise.
fn metadata_opt(path: &Path) -> Result<Option<fs::Metadata>, TransportError> {
    match fs::metadata(path) {
        Ok(m) => Ok(Some(m)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(path, e)),
    }
}

/// Makes renames in `dir` durable (best effort; not possible everywhere).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

fn create_dir_private(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

impl DirectoryTransport {
    /// Opens the store at `root`, creating the folder (private to the user
    /// on Unix) if needed.
    pub fn open(root: impl AsRef<Path>) -> io::Result<Self> {
        let root = root.as_ref().to_path_buf();
        create_dir_private(&root)?;
        Ok(DirectoryTransport { root })
    }

    /// The default store location: `kluis/store` in the user's data folder
    /// (`~/.local/share` on Linux, `~/Library/Application Support` on macOS,
    /// `%APPDATA%` on Windows); `None` if the platform has none.
    ///
    /// ```
    /// if let Some(root) = kluis_transfer::DirectoryTransport::default_root() {
    ///     assert!(root.ends_with("kluis/store"));
    /// }
    /// ```
    pub fn default_root() -> Option<PathBuf> {
        dirs::data_dir().map(|d| d.join("kluis").join("store"))
    }

    /// Opens the store at [`DirectoryTransport::default_root`].
    pub fn open_default() -> io::Result<Self> {
        let root = Self::default_root()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "this platform has no user data folder"))?;
        Self::open(root)
    }

    /// The store's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder of one transfer.
    ///
    /// ```
    /// use kluis_transfer::{DirectoryTransport, TransferId};
    /// let dir = tempfile::tempdir()?;
    /// let store = DirectoryTransport::open(dir.path())?;
    /// let t = TransferId::from_bytes([0; 16]);
    /// assert_eq!(store.root(), dir.path());
    /// assert_eq!(store.transfer_path(&t), dir.path().join("aaaaaaaaaaaaaaaaaaaaaaaaaa"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn transfer_path(&self, transfer: &TransferId) -> PathBuf {
        self.root.join(transfer.to_text().as_str())
    }

    /// The path of a complete blob (the partial one has `.part` appended).
    pub fn blob_path(&self, transfer: &TransferId, blob: &BlobName) -> PathBuf {
        self.transfer_path(transfer).join(blob.to_string())
    }

    fn part_path(&self, transfer: &TransferId, blob: &BlobName) -> PathBuf {
        self.transfer_path(transfer).join(format!("{blob}{PART}"))
    }

    fn expires_path(&self, transfer: &TransferId) -> PathBuf {
        self.transfer_path(transfer).join(EXPIRES)
    }

    fn read_expires(&self, transfer: &TransferId) -> Result<Option<u64>, TransportError> {
        let path = self.expires_path(transfer);
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_err(&path, e)),
        };
        let digits = text.strip_suffix('\n').unwrap_or(&text);
        if digits.is_empty() || digits.len() > 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TransportError::Other(format!("{}: malformed expiry {text:?}", path.display())));
        }
        digits
            .parse()
            .map(Some)
            .map_err(|_| TransportError::Other(format!("{}: malformed expiry {text:?}", path.display())))
    }

    fn ensure_writable(&self, transfer: &TransferId, blob: &BlobName) -> Result<(), TransportError> {
        if metadata_opt(&self.expires_path(transfer))?.is_some() {
            return Err(TransportError::Conflict(format!("transfer {transfer} is finished")));
        }
        if metadata_opt(&self.blob_path(transfer, blob))?.is_some() {
            return Err(TransportError::Conflict(format!("{blob} is already complete")));
        }
        Ok(())
    }

    /// Transfers that were never finished (no `expires`) and whose files
    /// have not changed for `idle`: abandoned uploads, which
    /// [`Transport::list_expired`] cannot name since they have no expiry.
    ///
    /// ```
    /// use std::time::Duration;
    /// use kluis_transfer::{BlobName, BlobId, DirectoryTransport, Transport, TransferId};
    /// let dir = tempfile::tempdir()?;
    /// let store = DirectoryTransport::open(dir.path())?;
    /// let t = TransferId::generate()?;
    /// store.put_range(&t, &BlobName::File(BlobId::generate()?), 0, b"half an upload")?;
    /// assert_eq!(store.list_abandoned(Duration::ZERO)?, vec![t]);
    /// assert!(store.list_abandoned(Duration::from_secs(3600))?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn list_abandoned(&self, idle: Duration) -> Result<Vec<TransferId>, TransportError> {
        let now = SystemTime::now();
        let mut out = Vec::new();
        for id in self.transfer_ids()? {
            if self.read_expires(&id)?.is_some() {
                continue;
            }
            let dir = self.transfer_path(&id);
            let mut newest = fs::metadata(&dir).and_then(|m| m.modified()).map_err(|e| io_err(&dir, e))?;
            let entries = match fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io_err(&dir, e)),
            };
            for entry in entries {
                let entry = entry.map_err(|e| io_err(&dir, e))?;
                if let Ok(modified) = entry.metadata().and_then(|m| m.modified()) {
                    newest = newest.max(modified);
                }
            }
            if now.duration_since(newest).unwrap_or(Duration::ZERO) >= idle {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// The ids of all transfer folders, finished or not, sorted.
    fn transfer_ids(&self) -> Result<Vec<TransferId>, TransportError> {
        let mut ids = Vec::new();
        for entry in fs::read_dir(&self.root).map_err(|e| io_err(&self.root, e))? {
            let entry = entry.map_err(|e| io_err(&self.root, e))?;
            let Some(id) = entry.file_name().to_str().and_then(|n| TransferId::parse(n).ok()) else { continue };
            if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                ids.push(id);
            }
        }
        ids.sort();
        Ok(ids)
    }
}

impl Transport for DirectoryTransport {
    fn put_range(
        &self,
        transfer: &TransferId,
        blob: &BlobName,
        offset: u64,
        data: &[u8],
    ) -> Result<(), TransportError> {
        self.ensure_writable(transfer, blob)?;
        let path = self.part_path(transfer, blob);
        let current = metadata_opt(&path)?.map_or(0, |m| m.len());
        if offset > current {
            return Err(TransportError::Conflict(format!("offset {offset} is past the end ({current}) of {blob}")));
        }
        let dir = self.transfer_path(transfer);
        create_dir_private(&dir).map_err(|e| io_err(&dir, e))?;
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path).map_err(|e| io_err(&path, e))?;
        let len = file.metadata().map_err(|e| io_err(&path, e))?.len();
        if offset > len {
            return Err(TransportError::Conflict(format!("offset {offset} is past the end ({len}) of {blob}")));
        }
        let mut write = || -> io::Result<()> {
            if offset < len {
                file.set_len(offset)?;
            }
            file.seek(SeekFrom::Start(offset))?;
            file.write_all(data)
        };
        write().map_err(|e| io_err(&path, e))
    }

    fn partial_len(&self, transfer: &TransferId, blob: &BlobName) -> Result<Option<u64>, TransportError> {
        Ok(metadata_opt(&self.part_path(transfer, blob))?.map(|m| m.len()))
    }

    fn finish_blob(&self, transfer: &TransferId, blob: &BlobName, total_len: u64) -> Result<(), TransportError> {
        let part = self.part_path(transfer, blob);
        let done = self.blob_path(transfer, blob);
        match metadata_opt(&part)? {
            Some(m) => {
                if m.len() != total_len {
                    return Err(TransportError::Conflict(format!("{blob} holds {} bytes, not {total_len}", m.len())));
                }
                self.ensure_writable(transfer, blob)?;
                // Data on disk first, then the rename that publishes it.
                File::open(&part).and_then(|f| f.sync_all()).map_err(|e| io_err(&part, e))?;
                fs::rename(&part, &done).map_err(|e| io_err(&part, e))?;
                sync_dir(&self.transfer_path(transfer));
                Ok(())
            }
            None => match metadata_opt(&done)? {
                Some(m) if m.len() == total_len => Ok(()),
                Some(m) => Err(TransportError::Conflict(format!("{blob} is complete with {} bytes", m.len()))),
                None => Err(TransportError::NotFound(format!("{blob} of transfer {transfer}"))),
            },
        }
    }

    fn complete_len(&self, transfer: &TransferId, blob: &BlobName) -> Result<Option<u64>, TransportError> {
        Ok(metadata_opt(&self.blob_path(transfer, blob))?.map(|m| m.len()))
    }

    fn read_range(
        &self,
        transfer: &TransferId,
        blob: &BlobName,
        offset: u64,
        len: u64,
    ) -> Result<Vec<u8>, TransportError> {
        let path = self.blob_path(transfer, blob);
        let mut file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(TransportError::NotFound(format!("{blob} of transfer {transfer}")));
            }
            Err(e) => return Err(io_err(&path, e)),
        };
        let mut read = || -> io::Result<Vec<u8>> {
            let size = file.metadata()?.len();
            let want = len.min(size.saturating_sub(offset));
            let mut out = Vec::with_capacity(usize::try_from(want).unwrap_or(0));
            if want > 0 {
                file.seek(SeekFrom::Start(offset))?;
                (&mut file).take(want).read_to_end(&mut out)?;
            }
            Ok(out)
        };
        read().map_err(|e| io_err(&path, e))
    }

    fn finish_transfer(&self, transfer: &TransferId, expires_at: u64) -> Result<(), TransportError> {
        let dir = self.transfer_path(transfer);
        if metadata_opt(&dir)?.is_none() {
            return Err(TransportError::NotFound(format!("transfer {transfer}")));
        }
        let same_or_conflict = |existing: u64| {
            if existing == expires_at {
                Ok(())
            } else {
                Err(TransportError::Conflict(format!("transfer {transfer} already expires at {existing}")))
            }
        };
        if let Some(existing) = self.read_expires(transfer)? {
            return same_or_conflict(existing);
        }
        if metadata_opt(&self.blob_path(transfer, &BlobName::Manifest))?.is_none() {
            return Err(TransportError::Conflict(format!("transfer {transfer} has no complete manifest")));
        }
        let path = self.expires_path(transfer);
        let write = || -> io::Result<Result<(), tempfile::PersistError>> {
            let mut tmp = tempfile::Builder::new().prefix(".expires-").suffix(".tmp").tempfile_in(&dir)?;
            writeln!(tmp, "{expires_at}")?;
            tmp.as_file().sync_all()?;
            Ok(tmp.persist_noclobber(&path).map(|_| ()))
        };
        match write().map_err(|e| io_err(&path, e))? {
            Ok(()) => {
                sync_dir(&dir);
                Ok(())
            }
            // Someone else finished it first: fine if they agree.
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => match self.read_expires(transfer)? {
                Some(existing) => same_or_conflict(existing),
                None => Err(io_err(&path, e.error)),
            },
            Err(e) => Err(io_err(&path, e.error)),
        }
    }

    fn expiry(&self, transfer: &TransferId) -> Result<Option<u64>, TransportError> {
        if metadata_opt(&self.transfer_path(transfer))?.is_none() {
            return Err(TransportError::NotFound(format!("transfer {transfer}")));
        }
        self.read_expires(transfer)
    }

    fn delete_transfer(&self, transfer: &TransferId) -> Result<(), TransportError> {
        let dir = self.transfer_path(transfer);
        // Renamed away first, so that no reader ever sees half a transfer.
        let mut suffix = [0u8; 8];
        getrandom::fill(&mut suffix).map_err(|e| TransportError::Other(format!("random generator: {e}")))?;
        let suffix: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
        let trash = self.root.join(format!("{DELETED}{transfer}-{suffix}"));
        match fs::rename(&dir, &trash) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io_err(&dir, e)),
        }
        sync_dir(&self.root);
        fs::remove_dir_all(&trash).map_err(|e| io_err(&trash, e))
    }

    fn list_expired(&self, now: u64) -> Result<Vec<TransferId>, TransportError> {
        let mut out = Vec::new();
        for id in self.transfer_ids()? {
            match self.read_expires(&id) {
                Ok(Some(e)) if e <= now => out.push(id),
                Ok(_) => {}
                // A damaged expiry file must not stop the others from
                // being purged; the transfer stays (and fails to open).
                Err(TransportError::Other(_)) => {}
                // Deleted meanwhile.
                Err(_) if metadata_opt(&self.transfer_path(&id))?.is_none() => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirectoryTransport::open(dir.path().join("store")).unwrap();
        super::super::contract::check(&store);
        // Nothing is left behind: no temporaries, no trash.
        assert_eq!(fs::read_dir(store.root()).unwrap().count(), 0);
    }

    #[test]
    fn layout_and_strict_expiry_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirectoryTransport::open(dir.path()).unwrap();
        let t = TransferId::from_bytes([3; 16]);
        store.put_range(&t, &BlobName::Manifest, 0, b"m").unwrap();
        store.finish_blob(&t, &BlobName::Manifest, 1).unwrap();
        store.finish_transfer(&t, 42).unwrap();
        let folder = dir.path().join(t.to_string());
        let mut names: Vec<_> =
            fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        assert_eq!(names, ["expires", "manifest"]);
        assert_eq!(fs::read_to_string(folder.join("expires")).unwrap(), "42\n");
        for bad in ["", "\n", "42 \n", "+42", "-1", "4x", "99999999999999999999999"] {
            fs::write(folder.join("expires"), bad).unwrap();
            assert!(matches!(store.expiry(&t), Err(TransportError::Other(_))), "{bad:?}");
        }
        fs::write(folder.join("expires"), "x").unwrap();
        assert!(store.list_expired(u64::MAX).unwrap().is_empty(), "a damaged expiry does not stop a purge");
        fs::write(folder.join("expires"), "7").unwrap();
        assert_eq!(store.expiry(&t).unwrap(), Some(7));
    }

    #[test]
    fn foreign_entries_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirectoryTransport::open(dir.path()).unwrap();
        fs::create_dir(dir.path().join("not-an-id")).unwrap();
        fs::create_dir(dir.path().join("AAAAAAAAAAAAAAAAAAAAAAAAAA")).unwrap();
        fs::write(dir.path().join(TransferId::from_bytes([5; 16]).to_string()), "a file, not a folder").unwrap();
        assert!(store.list_expired(u64::MAX).unwrap().is_empty());
        assert!(store.list_abandoned(Duration::ZERO).unwrap().is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn private_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = DirectoryTransport::open(dir.path().join("s")).unwrap();
        let t = TransferId::from_bytes([4; 16]);
        store.put_range(&t, &BlobName::Manifest, 0, b"m").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(store.root()), 0o700);
        assert_eq!(mode(&store.transfer_path(&t)), 0o700);
        assert_eq!(mode(&store.part_path(&t, &BlobName::Manifest)), 0o600);
    }
}
