//! [`S3Store`]: blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW,
//! moto, ...), through the `object_store` crate.
//!
//! # Layout
//!
//! - `partial/<transfer>/<blob>/<offset>`: one object per appended piece,
//!   named by the byte offset it starts at as 20 zero-padded decimal digits
//!   (so names sort by offset). The partial blob is the run of pieces that
//!   follow each other from offset 0; its length is their sum.
//! - `partial/<transfer>/<blob>/started`: an empty marker for a partial blob
//!   that has no bytes yet (an empty append at offset 0).
//! - `blobs/<transfer>/<blob>`: the complete blob. Its existence is what
//!   "complete" means and its size is the complete length.
//!
//! All state lives in the bucket, so any number of stateless server
//! processes can share it, and an upload survives restarts: a new process
//! lists the pieces and goes on where the last one stopped.
//!
//! # Appends
//!
//! An append checks that the blob is not complete (a HEAD of `blobs/...`)
//! and that `offset` is the current partial length, then writes its bytes
//! as the piece at `offset` (split into pieces of at most [`MAX_PIECE`]
//! bytes) with a conditional put
//! (`If-None-Match: *`, object_store's `PutMode::Create`). Two appends racing
//! at the same offset both see the same length, but only one can create the
//! piece; the other gets a `Conflict` with the new length, exactly as if it
//! had come second. Pieces are never overwritten, so the partial blob only
//! grows by appends that saw its true length. That is also why the length
//! check needs no LIST of every piece: a piece ending at `offset`, found
//! by one LIST of the last [`MAX_PIECE`] bytes' pieces (S3 lists from a
//! given key on), and none at or after it, prove `offset` is the length,
//! so an append costs the same at the start of a 10 GiB blob and at its
//! end. (A piece that no chain from 0 reaches can only be left by an append
//! racing `delete_transfer` of its transfer; it is ignored.)
//!
//! The store must support conditional puts: AWS S3 (since 2024), MinIO and
//! moto (checked with moto 5.2, which answers `412 Precondition Failed`) do.
//!
//! # Completion
//!
//! `complete` copies the pieces, in order, into one S3 multipart upload of
//! `blobs/<transfer>/<blob>`, fetching [`PIECES_AHEAD`] pieces ahead. The
//! pieces' sizes are whatever the clients sent, so the bytes are re-cut
//! into parts of [`MIN_PART_SIZE`] (8 MiB, or more for blobs that would
//! need more than [`MAX_PARTS`] parts): S3 refuses parts under 5 MiB except
//! the last. At most [`UPLOADS_IN_FLIGHT`] parts are uploaded at once, so a
//! completion holds a few pieces and parts in memory (under 64 MiB),
//! whatever the blob's size.
//! Completing the multipart upload makes the whole blob visible at once
//! (S3 `CompleteMultipartUpload` is atomic), so a reader never sees a
//! partial blob under `blobs/`. Only then are the pieces deleted. A crash
//! in between leaves pieces next to a complete blob: they are ignored
//! (`partial_len` answers `None` for a complete blob), and removed by the
//! next `complete` of that blob (it is idempotent) or by `delete_transfer`.
//! An empty blob is written with a single put (a multipart upload needs at
//! least one part).
//!
//! Two processes completing the same blob at once upload the same bytes;
//! the last `CompleteMultipartUpload` wins, with identical content. When one
//! of them fails halfway (the other already deleted the pieces), it aborts
//! its upload and succeeds if the blob is now complete with the right size.
//!
//! # Reads
//!
//! A read is a HEAD (existence, size, range check) and one ranged GET whose
//! body is streamed through as it arrives (constant memory).
//!
//! # What the bucket should have
//!
//! A lifecycle rule that aborts incomplete multipart uploads after a day or
//! so: a server process killed during `complete` leaves its uploaded parts
//! behind (invisible, but billed), and S3 offers no other way to find them.
//! A rule expiring `partial/` objects after the longest upload time allowed
//! is a cheap safety net against abandoned uploads too.
//!
//! # TLS
//!
//! object_store is built with ring for SigV4 and reqwest's rustls without a
//! bundled provider (no aws-lc-rs C build); [`S3Store::connect`] installs
//! rustls' ring provider as the process default when none is installed.

use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{
    GetOptions, ObjectMeta, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload, RetryConfig, WriteMultipart,
};

use kluis_protocol::{BlobName, TransferId};

use super::{BlobStore, ByteStream, StoreError};
use crate::config::S3Config;

/// The smallest multipart part this store uploads (S3 refuses parts under
/// 5 MiB except the last one).
pub const MIN_PART_SIZE: u64 = 8 * 1024 * 1024;
/// The most parts S3 allows in one multipart upload.
pub const MAX_PARTS: u64 = 10_000;
/// The largest piece one append writes (a larger append is split), which
/// bounds the LIST that checks an append's offset (see `S3Store::tail`).
pub const MAX_PIECE: u64 = 8 * 1024 * 1024;
/// How many parts of one completion are uploaded at once.
pub const UPLOADS_IN_FLIGHT: usize = 2;

/// How many pieces a completion fetches ahead of the upload.
pub const PIECES_AHEAD: usize = 4;

/// How long one operation retries a failing S3 request (object_store's
/// default, 3 minutes, would hold an HTTP request, or start-up, that long
/// when the service is down).
const RETRY_TIMEOUT: Duration = Duration::from_secs(30);

/// The name of the marker of an empty partial blob.
const STARTED: &str = "started";

/// Blobs in an S3-compatible bucket (see the module documentation for the
/// layout and how partial uploads, completion and reads work).
#[derive(Debug, Clone)]
pub struct S3Store {
    store: Arc<dyn ObjectStore>,
}

/// One piece of a partial blob, as listed.
#[derive(Debug, Clone)]
struct Piece {
    offset: u64,
    size: u64,
    location: Path,
}

/// What a LIST of a blob's partial objects found.
#[derive(Debug, Default)]
struct Partial {
    /// Any object (piece or marker) exists: there is a partial blob.
    exists: bool,
    /// The pieces that follow each other from offset 0, in order.
    pieces: Vec<Piece>,
}

impl Partial {
    fn len(&self) -> u64 {
        self.pieces.iter().map(|p| p.size).sum()
    }
}

fn io_error(error: object_store::Error) -> StoreError {
    StoreError::Io(error.to_string())
}

fn already_complete(len: u64) -> StoreError {
    StoreError::Conflict { current: None, message: format!("the blob is already complete with {len} bytes") }
}

/// The name of the piece starting at `offset`.
fn piece_name(offset: u64) -> String {
    format!("{offset:020}")
}

/// The offset of a piece named `name`; `None` for the marker or a stray name.
fn piece_offset(name: &str) -> Option<u64> {
    if name.len() == 20 && name.bytes().all(|b| b.is_ascii_digit()) { name.parse().ok() } else { None }
}

/// The part size for a blob of `size` bytes: [`MIN_PART_SIZE`], or more
/// (whole MiB) when the blob would otherwise need more than [`MAX_PARTS`].
fn part_size(size: u64) -> u64 {
    const MIB: u64 = 1024 * 1024;
    let needed = size.div_ceil(MAX_PARTS).div_ceil(MIB) * MIB;
    needed.max(MIN_PART_SIZE)
}

/// Keeps the pieces that follow each other from offset 0 (a piece elsewhere
/// can only be left by an append racing a `delete_transfer`, and is ignored).
fn contiguous(mut listed: Vec<Piece>) -> Vec<Piece> {
    listed.sort_by_key(|p| p.offset);
    let mut run = Vec::with_capacity(listed.len());
    let mut end = 0u64;
    for piece in listed {
        if piece.offset == end {
            end = end.saturating_add(piece.size);
            run.push(piece);
        }
    }
    run
}

/// One whole piece, checked against its listed size.
async fn fetch_piece(store: Arc<dyn ObjectStore>, piece: Piece) -> Result<Bytes, StoreError> {
    let bytes = match store.get(&piece.location).await {
        Ok(body) => body.bytes().await.map_err(io_error)?,
        Err(object_store::Error::NotFound { .. }) => {
            return Err(StoreError::Io(format!("piece at {} vanished while completing", piece.offset)));
        }
        Err(e) => return Err(io_error(e)),
    };
    if bytes.len() as u64 != piece.size {
        return Err(StoreError::Io(format!(
            "piece at {} has {} bytes, listed with {}",
            piece.offset,
            bytes.len(),
            piece.size
        )));
    }
    Ok(bytes)
}

impl S3Store {
    /// Connects to the bucket described by `settings`. Makes no request: a
    /// wrong bucket or wrong credentials show at the first operation (see
    /// [`S3Store::check`]).
    pub fn connect(settings: &S3Config) -> Result<Self, StoreError> {
        // reqwest is built without a bundled rustls provider (to avoid the
        // aws-lc-rs C build); give it ring, unless the process chose one.
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            // Losing a race with another installer is fine: one is installed.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region)
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(&settings.secret_access_key)
            .with_allow_http(settings.allow_http)
            .with_retry(RetryConfig { max_retries: 5, retry_timeout: RETRY_TIMEOUT, ..RetryConfig::default() });
        if let Some(endpoint) = &settings.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        let store = builder.build().map_err(|e| StoreError::Io(format!("S3 configuration: {e}")))?;
        Ok(Self { store: Arc::new(store) })
    }

    /// A store on any `object_store` backend (tests use the in-memory one).
    /// The backend must support [`PutMode::Create`] and multipart uploads.
    pub fn with_object_store(store: Arc<dyn ObjectStore>) -> Self {
        Self { store }
    }

    /// Checks that the bucket can be listed (reachable, exists, credentials
    /// accepted), for a clear error at start-up rather than at the first
    /// upload.
    pub async fn check(&self) -> Result<(), StoreError> {
        let prefix = Path::from("blobs");
        let mut listing = self.store.list(Some(&prefix));
        match listing.next().await {
            None | Some(Ok(_)) => Ok(()),
            Some(Err(e)) => Err(StoreError::Io(format!("the S3 bucket cannot be listed: {e}"))),
        }
    }

    fn blob_path(transfer: &str, blob: &str) -> Path {
        Path::from_iter(["blobs", transfer, blob])
    }

    fn partial_prefix(transfer: &str, blob: &str) -> Path {
        Path::from_iter(["partial", transfer, blob])
    }

    /// The complete blob's metadata, `None` when it is not complete.
    async fn complete_meta(&self, transfer: &str, blob: &str) -> Result<Option<ObjectMeta>, StoreError> {
        match self.store.head(&Self::blob_path(transfer, blob)).await {
            Ok(meta) => Ok(Some(meta)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(io_error(e)),
        }
    }

    /// Lists the partial blob's pieces.
    async fn partial(&self, transfer: &str, blob: &str) -> Result<Partial, StoreError> {
        let prefix = Self::partial_prefix(transfer, blob);
        let mut listing = self.store.list(Some(&prefix));
        let mut exists = false;
        let mut pieces = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(io_error)?;
            exists = true;
            // Only direct children named by an offset are pieces.
            if meta.location.parts().count() != prefix.parts().count() + 1 {
                continue;
            }
            if let Some(offset) = meta.location.filename().and_then(piece_offset) {
                pieces.push(Piece { offset, size: meta.size, location: meta.location });
            }
        }
        Ok(Partial { exists, pieces: contiguous(pieces) })
    }

    /// Whether `offset` is the partial blob's length, from one short LIST:
    /// the pieces from `offset - MAX_PIECE` on (S3 lists from a key on). As
    /// every piece is created at the length its writer saw (conditionally)
    /// and is at most [`MAX_PIECE`] bytes, `offset` is the length exactly
    /// when a piece in that window ends at `offset` and none starts at or
    /// after it (or, for 0, when there is no piece at all). `Some(exists)`
    /// when it is the length (`exists`: an object of the partial blob was
    /// seen), `None` when it is not.
    ///
    /// This keeps an append's cost independent of the number of pieces
    /// before it (a full LIST per append would make uploads quadratic).
    async fn tail(&self, transfer: &str, blob: &str, offset: u64) -> Result<Option<bool>, StoreError> {
        let prefix = Self::partial_prefix(transfer, blob);
        let mut listing = match offset.checked_sub(MAX_PIECE + 1) {
            Some(before) => {
                self.store.list_with_offset(Some(&prefix), &prefix.clone().join(piece_name(before).as_str()))
            }
            None => self.store.list(Some(&prefix)),
        };
        let mut exists = false;
        let mut ends_at_offset = offset == 0;
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(io_error)?;
            exists = true;
            if meta.location.parts().count() != prefix.parts().count() + 1 {
                continue;
            }
            if let Some(start) = meta.location.filename().and_then(piece_offset) {
                if start >= offset {
                    return Ok(None);
                }
                if start.saturating_add(meta.size) == offset {
                    ends_at_offset = true;
                }
            }
        }
        Ok(ends_at_offset.then_some(exists))
    }

    /// Both at once: the complete blob's metadata and the partial pieces.
    async fn state(&self, transfer: &str, blob: &str) -> Result<(Option<ObjectMeta>, Partial), StoreError> {
        futures::try_join!(self.complete_meta(transfer, blob), self.partial(transfer, blob))
    }

    /// Deletes every object under `prefix`.
    async fn delete_prefix(&self, prefix: &Path) -> Result<(), StoreError> {
        let locations = self.store.list(Some(prefix)).map_ok(|meta| meta.location).boxed();
        let mut deleted = self.store.delete_stream(locations);
        while let Some(result) = deleted.next().await {
            match result {
                Ok(_) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(io_error(e)),
            }
        }
        Ok(())
    }

    /// Streams `pieces` (which add up to `size`) into one multipart upload of
    /// `location`, completed only when every byte arrived.
    async fn upload_pieces(&self, location: &Path, pieces: &[Piece], size: u64) -> Result<(), StoreError> {
        let chunk = usize::try_from(part_size(size))
            .map_err(|_| StoreError::Io(format!("a {size}-byte blob is too large for this platform")))?;
        let upload = self.store.put_multipart(location).await.map_err(io_error)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, chunk);
        match self.feed(&mut writer, pieces).await {
            Ok(()) => {
                // finish() aborts the upload itself when it fails.
                writer.finish().await.map_err(io_error)?;
                Ok(())
            }
            Err(e) => {
                // Best effort: a lifecycle rule cleans up what this leaves.
                let _ = writer.abort().await;
                Err(e)
            }
        }
    }

    async fn feed(&self, writer: &mut WriteMultipart, pieces: &[Piece]) -> Result<(), StoreError> {
        // A few pieces are fetched ahead (each at most MAX_PIECE bytes), so
        // a blob of many small pieces is not one GET latency per piece.
        let mut fetched = futures::stream::iter(pieces.iter().cloned())
            .map(|piece| fetch_piece(Arc::clone(&self.store), piece))
            .buffered(PIECES_AHEAD);
        while let Some(bytes) = fetched.next().await {
            let bytes = bytes?;
            writer.wait_for_capacity(UPLOADS_IN_FLIGHT).await.map_err(io_error)?;
            writer.put(bytes);
        }
        Ok(())
    }

    /// `Ok` when the blob is complete with `size` bytes, the conflict
    /// otherwise, `None` when it is not complete.
    fn judge_complete(meta: Option<&ObjectMeta>, size: u64) -> Option<Result<(), StoreError>> {
        meta.map(|meta| {
            if meta.size == size {
                Ok(())
            } else {
                Err(StoreError::Conflict {
                    current: None,
                    message: format!("the blob is complete with {} bytes, not {size}", meta.size),
                })
            }
        })
    }
}

#[async_trait::async_trait]
impl BlobStore for S3Store {
    async fn append(
        &self,
        transfer: &TransferId,
        blob: &BlobName,
        offset: u64,
        data: Bytes,
    ) -> Result<u64, StoreError> {
        let (transfer, blob) = (transfer.to_text(), blob.to_string());
        let (transfer, blob) = (transfer.as_str(), blob.as_str());
        let (complete, tail) =
            futures::try_join!(self.complete_meta(transfer, blob), self.tail(transfer, blob, offset))?;
        if let Some(meta) = complete {
            return Err(already_complete(meta.size));
        }
        let Some(exists) = tail else {
            let current = self.partial(transfer, blob).await?.len();
            return Err(StoreError::Conflict {
                current: Some(current),
                message: format!("offset {offset}, but the partial blob has {current} bytes"),
            });
        };
        let prefix = Self::partial_prefix(transfer, blob);
        if data.is_empty() {
            if !exists {
                // An empty partial blob exists from now on (a later empty
                // append racing this one writes the same empty marker).
                self.store.put(&prefix.clone().join(STARTED), PutPayload::new()).await.map_err(io_error)?;
            }
            return Ok(offset);
        }
        // Pieces of at most MAX_PIECE bytes keep the tail check to a window.
        let mut at = offset;
        let mut rest = data;
        while !rest.is_empty() {
            let cut = usize::try_from(MAX_PIECE).unwrap_or(usize::MAX).min(rest.len());
            let piece = rest.split_to(cut);
            let len = piece.len() as u64;
            let location = prefix.clone().join(piece_name(at).as_str());
            let options = PutOptions::from(PutMode::Create);
            match self.store.put_opts(&location, PutPayload::from_bytes(piece), options).await {
                Ok(_) => at += len,
                Err(object_store::Error::AlreadyExists { .. }) => {
                    // Another append at this offset won the race.
                    let now = self.partial(transfer, blob).await?.len();
                    return Err(StoreError::Conflict {
                        current: Some(now),
                        message: format!(
                            "offset {at} was just written by another upload; the partial blob has {now} bytes"
                        ),
                    });
                }
                Err(e) => return Err(io_error(e)),
            }
        }
        Ok(at)
    }

    async fn partial_len(&self, transfer: &TransferId, blob: &BlobName) -> Result<Option<u64>, StoreError> {
        let (transfer, blob) = (transfer.to_text(), blob.to_string());
        let (transfer, blob) = (transfer.as_str(), blob.as_str());
        let (complete, partial) = self.state(transfer, blob).await?;
        if complete.is_some() || !partial.exists {
            return Ok(None);
        }
        Ok(Some(partial.len()))
    }

    async fn complete(&self, transfer: &TransferId, blob: &BlobName, size: u64) -> Result<(), StoreError> {
        let (transfer, blob) = (transfer.to_text(), blob.to_string());
        let (transfer, blob) = (transfer.as_str(), blob.as_str());
        let prefix = Self::partial_prefix(transfer, blob);
        let (complete, partial) = self.state(transfer, blob).await?;
        if let Some(judged) = Self::judge_complete(complete.as_ref(), size) {
            if judged.is_ok() && partial.exists {
                // Pieces left by a completion that stopped before its cleanup.
                self.delete_prefix(&prefix).await?;
            }
            return judged;
        }
        if !partial.exists {
            return Err(StoreError::NotFound);
        }
        let current = partial.len();
        if current != size {
            return Err(StoreError::Conflict {
                current: Some(current),
                message: format!("size {size}, but the partial blob has {current} bytes"),
            });
        }
        let location = Self::blob_path(transfer, blob);
        let uploaded = if size == 0 {
            self.store.put(&location, PutPayload::new()).await.map(|_| ()).map_err(io_error)
        } else {
            self.upload_pieces(&location, &partial.pieces, size).await
        };
        if let Err(e) = uploaded {
            // Another process may have completed the blob (and deleted the
            // pieces) while this one was copying them.
            let now = self.complete_meta(transfer, blob).await?;
            return Self::judge_complete(now.as_ref(), size).unwrap_or(Err(e));
        }
        self.delete_prefix(&prefix).await
    }

    async fn complete_len(&self, transfer: &TransferId, blob: &BlobName) -> Result<Option<u64>, StoreError> {
        let (transfer, blob) = (transfer.to_text(), blob.to_string());
        let (transfer, blob) = (transfer.as_str(), blob.as_str());
        Ok(self.complete_meta(transfer, blob).await?.map(|meta| meta.size))
    }

    async fn read(&self, transfer: &TransferId, blob: &BlobName, range: Range<u64>) -> Result<ByteStream, StoreError> {
        let (transfer, blob) = (transfer.to_text(), blob.to_string());
        let (transfer, blob) = (transfer.as_str(), blob.as_str());
        let Some(meta) = self.complete_meta(transfer, blob).await? else {
            return Err(StoreError::NotFound);
        };
        if range.start > range.end || range.end > meta.size {
            return Err(StoreError::Conflict {
                current: None,
                message: format!("range {}..{} outside the blob's {} bytes", range.start, range.end, meta.size),
            });
        }
        if range.is_empty() {
            // S3 has no way to ask for zero bytes.
            return Ok(futures::stream::empty().boxed());
        }
        let options = GetOptions::new().with_range(Some(range));
        let body = match self.store.get_opts(&meta.location, options).await {
            Ok(body) => body,
            Err(object_store::Error::NotFound { .. }) => return Err(StoreError::NotFound),
            Err(e) => return Err(io_error(e)),
        };
        Ok(body.into_stream().map_err(io_error).boxed())
    }

    async fn delete_transfer(&self, transfer: &TransferId) -> Result<(), StoreError> {
        let transfer = transfer.to_text();
        let transfer = transfer.as_str();
        // Complete blobs first: a transfer whose blobs are gone is useless
        // even if deleting its partial pieces then fails.
        self.delete_prefix(&Path::from_iter(["blobs", transfer])).await?;
        self.delete_prefix(&Path::from_iter(["partial", transfer])).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piece_names_sort_by_offset_and_parse_back() {
        let offsets = [0u64, 9, 10, 5 * 1024 * 1024 + 3, u64::MAX];
        let names: Vec<String> = offsets.iter().map(|&o| piece_name(o)).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        for (name, offset) in names.iter().zip(offsets) {
            assert_eq!(piece_offset(name), Some(offset));
        }
        assert_eq!(piece_offset(STARTED), None);
        assert_eq!(piece_offset("0000000000000000000x"), None);
        assert_eq!(piece_offset("123"), None);
    }

    #[test]
    fn parts_are_at_least_the_minimum_and_at_most_max_parts() {
        assert_eq!(part_size(0), MIN_PART_SIZE);
        assert_eq!(part_size(1), MIN_PART_SIZE);
        assert_eq!(part_size(MIN_PART_SIZE * MAX_PARTS), MIN_PART_SIZE);
        let huge = MIN_PART_SIZE * MAX_PARTS + 1;
        let part = part_size(huge);
        assert!(part > MIN_PART_SIZE);
        assert!(huge.div_ceil(part) <= MAX_PARTS);
        assert_eq!(part % (1024 * 1024), 0);
    }

    #[test]
    fn only_the_run_from_zero_counts() {
        let piece = |offset, size| Piece { offset, size, location: Path::from(piece_name(offset)) };
        let run = contiguous(vec![piece(10, 5), piece(0, 10), piece(20, 1), piece(15, 5)]);
        assert_eq!(run.iter().map(|p| p.offset).collect::<Vec<_>>(), [0, 10, 15, 20]);
        let gap = contiguous(vec![piece(0, 10), piece(11, 5)]);
        assert_eq!(gap.iter().map(|p| p.offset).collect::<Vec<_>>(), [0]);
        assert!(contiguous(vec![piece(3, 1)]).is_empty());
    }

    #[tokio::test]
    async fn in_memory_object_store_meets_the_contract() {
        let store = S3Store::with_object_store(Arc::new(object_store::memory::InMemory::new()));
        crate::testing::check_contract(&store).await;
    }
}
