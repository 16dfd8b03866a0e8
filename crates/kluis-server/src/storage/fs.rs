//! [`FsStore`]: blobs in a local folder.
//!
//! Layout: `<root>/<transfer>/<blob>.part` while a blob is uploaded,
//! `<root>/<transfer>/<blob>` once complete. A partial file is appended
//! under an exclusive file lock (so two server processes sharing the folder
//! cannot interleave writes) and fsynced before `append` answers
//! (`append_unsynced` leaves that to the next `append` or `sync`); `complete`
//! fsyncs it, renames it to its final name and fsyncs the folder, so a
//! partial blob is never visible as complete and a completed blob survives a
//! crash.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use kluis_protocol::{BlobName, TransferId};

use super::{BlobStore, ByteStream, StoreError};

/// Blobs in a local folder (see the module documentation for the layout).
#[derive(Debug, Clone)]
pub struct FsStore {
    root: PathBuf,
}

/// How many bytes a read hands out at once.
const READ_CHUNK: usize = 64 * 1024;

impl FsStore {
    /// Opens (creating when needed) the folder `root` as a store.
    pub fn new(root: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let root = root.into();
        create_private_dir(&root).map_err(io_error)?;
        Ok(Self { root })
    }

    /// The store's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The files of a blob: every path component is a parsed id, a blob
    /// name or a fixed suffix, so no traversal is possible.
    fn paths(&self, transfer: &TransferId, blob: &BlobName) -> BlobPaths {
        let dir = self.root.join(transfer.to_text().as_str());
        let blob = blob.to_string();
        BlobPaths { part: dir.join(format!("{blob}.part")), complete: dir.join(&blob), dir }
    }
}

/// The files of one blob.
struct BlobPaths {
    dir: PathBuf,
    part: PathBuf,
    complete: PathBuf,
}

/// Creates `dir` and its missing parents readable by the server's user only
/// (0700 on Unix); folders that exist keep their mode.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Options that create a file readable by the server's user only (0600 on
/// Unix).
fn private_file_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

fn io_error(error: io::Error) -> StoreError {
    StoreError::Io(error.to_string())
}

/// The length of the file at `path`, `None` when there is none.
fn file_len(path: &Path) -> Result<Option<u64>, StoreError> {
    match fs::metadata(path) {
        Ok(meta) => Ok(Some(meta.len())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error(e)),
    }
}

/// Makes a rename or creation inside `dir` durable.
fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io_error)
}

fn already_complete() -> StoreError {
    StoreError::Conflict { current: None, message: "the blob is already complete".into() }
}

fn append_blocking(paths: &BlobPaths, offset: u64, data: &[u8], sync: bool) -> Result<u64, StoreError> {
    if paths.complete.exists() {
        return Err(already_complete());
    }
    let mut file = if offset == 0 {
        create_private_dir(&paths.dir).map_err(io_error)?;
        private_file_options().create(true).truncate(false).write(true).open(&paths.part).map_err(io_error)?
    } else {
        match OpenOptions::new().write(true).open(&paths.part) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if paths.complete.exists() {
                    return Err(already_complete());
                }
                return Err(StoreError::Conflict {
                    current: Some(0),
                    message: format!("offset {offset}, but nothing was uploaded yet"),
                });
            }
            Err(e) => return Err(io_error(e)),
        }
    };
    file.lock().map_err(io_error)?;
    // Another process may have completed the blob between our open and lock;
    // our handle then names the complete file or a stray new partial one.
    if paths.complete.exists() {
        if file.metadata().map_err(io_error)?.len() == 0 {
            let _ = fs::remove_file(&paths.part);
        }
        return Err(already_complete());
    }
    let current = file.metadata().map_err(io_error)?.len();
    if current != offset {
        return Err(StoreError::Conflict {
            current: Some(current),
            message: format!("offset {offset}, but the partial blob has {current} bytes"),
        });
    }
    file.seek(SeekFrom::Start(current)).map_err(io_error)?;
    file.write_all(data).map_err(io_error)?;
    // fdatasync writes every dirty byte of the file, the unsynced appends'
    // too; the folder's entry is synced with the file's first bytes.
    if sync {
        file.sync_data().map_err(io_error)?;
    }
    if offset == 0 {
        sync_dir(&paths.dir)?;
    }
    Ok(current + data.len() as u64)
}

fn sync_blocking(paths: &BlobPaths) -> Result<(), StoreError> {
    match OpenOptions::new().write(true).open(&paths.part) {
        Ok(file) => file.sync_data().map_err(io_error),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(e)),
    }
}

fn complete_blocking(paths: &BlobPaths, size: u64) -> Result<(), StoreError> {
    let file = match OpenOptions::new().write(true).open(&paths.part) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return match file_len(&paths.complete)? {
                Some(len) if len == size => Ok(()),
                Some(len) => Err(StoreError::Conflict {
                    current: None,
                    message: format!("the blob is complete with {len} bytes, not {size}"),
                }),
                None => Err(StoreError::NotFound),
            };
        }
        Err(e) => return Err(io_error(e)),
    };
    file.lock().map_err(io_error)?;
    if let Some(len) = file_len(&paths.complete)? {
        // Completed by another process while we waited for the lock.
        return if len == size {
            Ok(())
        } else {
            Err(StoreError::Conflict {
                current: None,
                message: format!("the blob is complete with {len} bytes, not {size}"),
            })
        };
    }
    let current = file.metadata().map_err(io_error)?.len();
    if current != size {
        return Err(StoreError::Conflict {
            current: Some(current),
            message: format!("size {size}, but the partial blob has {current} bytes"),
        });
    }
    file.sync_all().map_err(io_error)?;
    fs::rename(&paths.part, &paths.complete).map_err(io_error)?;
    sync_dir(&paths.dir)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| StoreError::Io(format!("storage task failed: {e}")))?
}

#[async_trait::async_trait]
impl BlobStore for FsStore {
    async fn append(
        &self,
        transfer: &TransferId,
        blob: &BlobName,
        offset: u64,
        data: Bytes,
    ) -> Result<u64, StoreError> {
        let paths = self.paths(transfer, blob);
        blocking(move || append_blocking(&paths, offset, &data, true)).await
    }

    async fn append_unsynced(
        &self,
        transfer: &TransferId,
        blob: &BlobName,
        offset: u64,
        data: Bytes,
    ) -> Result<u64, StoreError> {
        let paths = self.paths(transfer, blob);
        blocking(move || append_blocking(&paths, offset, &data, false)).await
    }

    async fn sync(&self, transfer: &TransferId, blob: &BlobName) -> Result<(), StoreError> {
        let paths = self.paths(transfer, blob);
        blocking(move || sync_blocking(&paths)).await
    }

    async fn partial_len(&self, transfer: &TransferId, blob: &BlobName) -> Result<Option<u64>, StoreError> {
        let paths = self.paths(transfer, blob);
        blocking(move || {
            if paths.complete.exists() {
                return Ok(None);
            }
            file_len(&paths.part)
        })
        .await
    }

    async fn complete(&self, transfer: &TransferId, blob: &BlobName, size: u64) -> Result<(), StoreError> {
        let paths = self.paths(transfer, blob);
        blocking(move || complete_blocking(&paths, size)).await
    }

    async fn complete_len(&self, transfer: &TransferId, blob: &BlobName) -> Result<Option<u64>, StoreError> {
        let paths = self.paths(transfer, blob);
        blocking(move || file_len(&paths.complete)).await
    }

    async fn read(&self, transfer: &TransferId, blob: &BlobName, range: Range<u64>) -> Result<ByteStream, StoreError> {
        let paths = self.paths(transfer, blob);
        let mut file = match tokio::fs::File::open(&paths.complete).await {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(StoreError::NotFound),
            Err(e) => return Err(io_error(e)),
        };
        let len = file.metadata().await.map_err(io_error)?.len();
        if range.start > range.end || range.end > len {
            return Err(StoreError::Conflict {
                current: None,
                message: format!("range {}..{} outside the blob's {len} bytes", range.start, range.end),
            });
        }
        file.seek(SeekFrom::Start(range.start)).await.map_err(io_error)?;
        let reader = file.take(range.end - range.start);
        let stream =
            tokio_util::io::ReaderStream::with_capacity(reader, READ_CHUNK).map(|chunk| chunk.map_err(io_error));
        Ok(stream.boxed())
    }

    async fn delete_transfer(&self, transfer: &TransferId) -> Result<(), StoreError> {
        let paths = self.paths(transfer, &BlobName::Manifest);
        blocking(move || match fs::remove_dir_all(&paths.dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_error(e)),
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fs_store_meets_the_contract() -> Result<(), StoreError> {
        let dir = tempfile::tempdir().map_err(io_error)?;
        let store = FsStore::new(dir.path().join("blobs"))?;
        crate::testing::check_contract(&store).await;
        Ok(())
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn folders_and_files_are_private() -> Result<(), StoreError> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().map_err(io_error)?;
        let root = dir.path().join("a").join("blobs");
        let store = FsStore::new(&root)?;
        let t = &TransferId::from_bytes([0; 16]);
        let m = &BlobName::Manifest;
        store.append(t, m, 0, Bytes::from_static(b"abc")).await?;
        let mode = |p: &Path| fs::metadata(p).map(|m| m.permissions().mode() & 0o777).map_err(io_error);
        let folder = root.join(t.to_string());
        assert_eq!(mode(&dir.path().join("a"))?, 0o700);
        assert_eq!(mode(&root)?, 0o700);
        assert_eq!(mode(&folder)?, 0o700);
        assert_eq!(mode(&folder.join("manifest.part"))?, 0o600);
        store.complete(t, m, 3).await?;
        assert_eq!(mode(&folder.join("manifest"))?, 0o600);
        Ok(())
    }

    #[tokio::test]
    async fn two_stores_on_one_folder_share_partial_uploads() -> Result<(), StoreError> {
        let dir = tempfile::tempdir().map_err(io_error)?;
        let a = FsStore::new(dir.path())?;
        let b = FsStore::new(dir.path())?;
        let t = &TransferId::from_bytes([0; 16]);
        let m = &BlobName::Manifest;
        assert_eq!(a.append(t, m, 0, Bytes::from_static(b"abc")).await?, 3);
        assert_eq!(b.partial_len(t, m).await?, Some(3));
        assert_eq!(b.append(t, m, 3, Bytes::from_static(b"de")).await?, 5);
        assert!(matches!(
            a.append(t, m, 3, Bytes::from_static(b"x")).await,
            Err(StoreError::Conflict { current: Some(5), .. })
        ));
        b.complete(t, m, 5).await?;
        assert_eq!(a.complete_len(t, m).await?, Some(5));
        assert!(!dir.path().join(t.to_string()).join("manifest.part").exists());
        Ok(())
    }
}
