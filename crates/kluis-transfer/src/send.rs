//! Sending: seal every file and the manifest locally, then upload,
//! resumably.
//!
//! Envelopes are randomised, so an interrupted upload cannot be resumed by
//! sealing the file again: the new bytes would differ from the ones already
//! stored. Sending therefore has two steps. [`PreparedTransfer::prepare`]
//! seals each file once, into an unnamed temporary file (constant memory,
//! removed by the operating system when dropped), and seals the manifest.
//! [`PreparedTransfer::upload`] then copies those fixed bytes to the
//! transport, asking it first how much of each blob it already holds; after
//! any failure, calling `upload` again continues where the store stands.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use kluis_core::{
    Argon2Params, Key, Metadata, OpenLimits, Password, SealError, SealOptions, Sealer, Secret, seal_bytes,
};
use sha2::{Digest, Sha256};

use crate::error::TransferError;
use crate::manifest::{MANIFEST_VERSION, MAX_FILES, Manifest, ManifestFile, TransferInfo, check_media_type};
use crate::names::{check_file_name, guess_media_type};
use crate::password::check_password;
use crate::progress::{Phase, Progress, ProgressEvent};
use crate::transport::{TransferPlan, Transport};
use kluis_protocol::unix_seconds;
use kluis_protocol::{BlobId, BlobName, TransferId};

/// The longest allowed lifetime of a transfer (366 days).
pub const MAX_EXPIRES_IN: Duration = Duration::from_secs(366 * 86_400);

/// How long a transfer stays available when the sender does not say
/// (7 days): the default `expires_in_seconds` of the bindings'
/// `TransferRequest` (and the `7d` of `kluis send --expires`).
///
/// ```
/// assert_eq!(kluis_transfer::DEFAULT_EXPIRES_IN.as_secs(), 604_800);
/// ```
pub const DEFAULT_EXPIRES_IN: Duration = Duration::from_secs(7 * 86_400);

/// The default size of each upload or download request (1 MiB).
pub const DEFAULT_PIECE_SIZE: usize = 1 << 20;

/// One file to send.
///
/// ```
/// use kluis_transfer::FileSource;
/// let from_disk = FileSource::path("/home/ann/offerte.pdf");
/// let in_memory = FileSource::bytes("notes.txt", b"remember the milk".to_vec()).with_media_type("text/plain");
/// assert_eq!(in_memory.name().as_deref(), Some("notes.txt"));
/// assert_eq!(from_disk.name().as_deref(), Some("offerte.pdf"));
/// ```
#[derive(Clone)]
pub enum FileSource {
    /// A file on disk, read as a stream.
    Path {
        /// Where it is.
        path: PathBuf,
        /// The name to send; by default the path's last component.
        name: Option<String>,
        /// The media type; by default guessed from the name's extension.
        media_type: Option<String>,
    },
    /// Bytes in memory.
    Bytes {
        /// The name to send.
        name: String,
        /// The media type; by default guessed from the name's extension.
        media_type: Option<String>,
        /// The content.
        data: Vec<u8>,
    },
}

/// Shows names, paths and lengths, never the content.
impl std::fmt::Debug for FileSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileSource::Path { path, name, media_type } => {
                f.debug_struct("Path").field("path", path).field("name", name).field("media_type", media_type).finish()
            }
            FileSource::Bytes { name, media_type, data } => f
                .debug_struct("Bytes")
                .field("name", name)
                .field("media_type", media_type)
                .field("len", &data.len())
                .finish(),
        }
    }
}

impl FileSource {
    /// A file on disk, sent under its own name.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        FileSource::Path { path: path.into(), name: None, media_type: None }
    }

    /// Bytes in memory, sent as `name`.
    pub fn bytes(name: impl Into<String>, data: Vec<u8>) -> Self {
        FileSource::Bytes { name: name.into(), media_type: None, data }
    }

    /// Sends the file under another name.
    pub fn with_name(mut self, new_name: impl Into<String>) -> Self {
        match &mut self {
            FileSource::Path { name, .. } => *name = Some(new_name.into()),
            FileSource::Bytes { name, .. } => *name = new_name.into(),
        }
        self
    }

    /// Sets the media type.
    pub fn with_media_type(mut self, media_type: impl Into<String>) -> Self {
        match &mut self {
            FileSource::Path { media_type: t, .. } | FileSource::Bytes { media_type: t, .. } => {
                *t = Some(media_type.into())
            }
        }
        self
    }

    /// The name the file will be sent under (`None` for a path without a
    /// UTF-8 last component).
    pub fn name(&self) -> Option<String> {
        match self {
            FileSource::Path { name: Some(n), .. } | FileSource::Bytes { name: n, .. } => Some(n.clone()),
            FileSource::Path { path, name: None, .. } => path.file_name().and_then(|n| n.to_str()).map(str::to_owned),
        }
    }
}

/// What to send, to whom, and under which password.
///
/// ```
/// use std::time::Duration;
/// use kluis_transfer::{generate_password, FileSource, PasswordStyle, TransferRequest};
/// let request = TransferRequest {
///     from: "ann@example.org".into(),
///     to: vec!["bob@example.org".into()],
///     subject: "Offer".into(),
///     message: Some("Bob, here is the offer.".into()),
///     files: vec![FileSource::bytes("offer.txt", b"EUR 100".to_vec())],
///     expires_in: Duration::from_secs(7 * 86_400),
///     password: generate_password(PasswordStyle::Characters)?,
///     allow_weak_password: false,
/// };
/// # Ok::<(), kluis_transfer::TransferError>(())
/// ```
#[derive(Clone, Debug)]
pub struct TransferRequest {
    /// The sender's address.
    pub from: String,
    /// The recipients' addresses (at least one).
    pub to: Vec<String>,
    /// The subject (may be empty).
    pub subject: String,
    /// A confidential message, sealed in the manifest.
    pub message: Option<String>,
    /// The files (at least one).
    pub files: Vec<FileSource>,
    /// How long the transfer stays available: 1 second to 366 days.
    pub expires_in: Duration,
    /// The transfer password (see [`generate_password`](crate::generate_password)).
    pub password: Password,
    /// Accept a password that [`rate_password`](crate::rate_password) finds weak.
    pub allow_weak_password: bool,
}

/// How to seal and upload.
///
/// ```
/// use kluis_transfer::{Argon2Params, SendOptions};
/// // Cheap Argon2 for tests; real transfers keep the default (64 MiB, 3 passes).
/// let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
/// assert_eq!(options.piece_size, 1 << 20);
/// ```
#[derive(Clone, Debug)]
pub struct SendOptions {
    /// Argon2id cost of the manifest's password slot: at most
    /// [`OpenLimits::TRANSFER`] (256 MiB, 8 passes, 8 lanes), so that every
    /// recipient's default limits accept it.
    pub argon2: Argon2Params,
    /// Envelope chunk size: a power of two from 4 KiB to 16 MiB (default 64 KiB).
    pub chunk_size: u64,
    /// Bytes per `put_range` call (4 KiB to 64 MiB).
    pub piece_size: usize,
    /// Where the sealed copies are kept until uploaded (default: the
    /// operating system's temporary folder).
    pub temp_dir: Option<PathBuf>,
    /// The current time (tests); `None` uses the system clock.
    pub now: Option<SystemTime>,
    /// How often [`send_transfer`] attempts the upload in all, resuming
    /// after a failure that may pass ([`is_resumable`](crate::is_resumable);
    /// default [`UPLOAD_ATTEMPTS`](crate::UPLOAD_ATTEMPTS)).
    pub upload_attempts: u32,
}

impl Default for SendOptions {
    fn default() -> Self {
        SendOptions {
            argon2: Argon2Params::DEFAULT,
            chunk_size: 1 << kluis_core::DEFAULT_CHUNK_LOG2,
            piece_size: DEFAULT_PIECE_SIZE,
            temp_dir: None,
            now: None,
            upload_attempts: crate::resume::UPLOAD_ATTEMPTS,
        }
    }
}

pub(crate) fn check_piece_size(piece_size: usize) -> Result<(), TransferError> {
    if (4096..=64 << 20).contains(&piece_size) {
        Ok(())
    } else {
        Err(TransferError::invalid(format!("piece size {piece_size} outside 4 KiB..=64 MiB")))
    }
}

/// The result of a successful send.
///
/// ```
/// # use kluis_transfer::{Link, SentTransfer};
/// fn link_for_mail(sent: &SentTransfer, store: &std::path::Path) -> String {
///     Link::directory(store, sent.id).map(|l| l.to_string()).unwrap_or_default()
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentTransfer {
    /// The transfer's id (put it in a [`Link`](crate::Link)).
    pub id: TransferId,
    /// Creation time, Unix seconds.
    pub created_at: u64,
    /// Expiry time, Unix seconds.
    pub expires_at: u64,
    /// Sealed bytes in the store for this transfer (all blobs).
    pub stored_bytes: u64,
    /// Bytes sent by this call (less than `stored_bytes` after a resume).
    pub uploaded_bytes: u64,
}

/// A sealed blob waiting to be uploaded.
struct Staged {
    blob: BlobName,
    source: StagedSource,
    len: u64,
    file: Option<u32>,
}

enum StagedSource {
    File(File),
    Memory(Vec<u8>),
}

/// A transfer sealed locally and ready to upload, resumably.
///
/// ```
/// use std::time::Duration;
/// use kluis_transfer::*;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let request = TransferRequest {
///     from: "ann@example.org".into(),
///     to: vec!["bob@example.org".into()],
///     subject: "Photos".into(),
///     message: None,
///     files: vec![FileSource::bytes("a.jpg", vec![1, 2, 3])],
///     expires_in: Duration::from_secs(3600),
///     password: generate_password(PasswordStyle::Characters)?,
///     allow_weak_password: false,
/// };
/// let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
/// let prepared = PreparedTransfer::prepare(request, &options, &NoProgress)?;
/// let store = MemoryTransport::new();
/// let sent = loop {
///     match prepared.upload(&store, &NoProgress) {
///         Ok(sent) => break sent,
///         Err(TransferError::Transport(_)) => continue, // e.g. a dropped connection: resume
///         Err(e) => return Err(e.into()),
///     }
/// };
/// assert_eq!(sent.id, prepared.id());
/// # Ok(()) }
/// ```
pub struct PreparedTransfer {
    id: TransferId,
    info: TransferInfo,
    staged: Vec<Staged>,
    piece_size: usize,
    /// Held while uploading: the staged files' read positions are shared.
    uploading: Mutex<()>,
}

impl std::fmt::Debug for PreparedTransfer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedTransfer").field("id", &self.id).field("files", &self.info.files.len()).finish()
    }
}

impl PreparedTransfer {
    /// Checks the request (addresses, names, limits, password strength),
    /// draws the transfer id, a blob id and a key per file, seals each file
    /// into a temporary file while hashing it, and seals the manifest with
    /// the password. Reports [`Phase::Sealing`] progress.
    pub fn prepare(
        request: TransferRequest,
        options: &SendOptions,
        progress: &dyn Progress,
    ) -> Result<PreparedTransfer, TransferError> {
        check_piece_size(options.piece_size)?;
        // What a recipient's default limits refuse is never sent.
        OpenLimits::TRANSFER.check(&options.argon2).map_err(|e| {
            TransferError::Seal(SealError::InvalidArgon2(format!(
                "{e}: a transfer must open within the recipients' default limits (OpenLimits::TRANSFER)"
            )))
        })?;
        if request.expires_in < Duration::from_secs(1) || request.expires_in > MAX_EXPIRES_IN {
            return Err(TransferError::invalid("the expiry must be between 1 second and 366 days from now"));
        }
        let mut context: Vec<&str> = vec![&request.from, &request.subject];
        context.extend(request.to.iter().map(String::as_str));
        check_password(&request.password, request.allow_weak_password, &context)?;
        let seal_options = SealOptions::default()
            .with_chunk_size(options.chunk_size)
            .map_err(TransferError::Seal)?
            .with_argon2(options.argon2)
            .map_err(TransferError::Seal)?;

        // Names and media types first, so nothing is sealed for a request
        // that will be refused.
        let mut described = Vec::with_capacity(request.files.len());
        for source in &request.files {
            let name = source.name().ok_or_else(|| TransferError::InvalidName {
                name: match source {
                    FileSource::Path { path, .. } => path.to_string_lossy().into_owned(),
                    FileSource::Bytes { name, .. } => name.clone(),
                },
                reason: "the path has no file name in UTF-8".into(),
            })?;
            check_file_name(&name).map_err(|reason| TransferError::InvalidName { name: name.clone(), reason })?;
            let media_type = match source {
                FileSource::Path { media_type, .. } | FileSource::Bytes { media_type, .. } => media_type.clone(),
            }
            .or_else(|| guess_media_type(&name).map(str::to_owned));
            if let Some(t) = &media_type {
                check_media_type(t).map_err(TransferError::InvalidArgument)?;
            }
            described.push((name, media_type));
        }

        let now = unix_seconds(options.now.unwrap_or_else(SystemTime::now));
        let id = TransferId::generate()?;
        let mut manifest = Manifest {
            version: MANIFEST_VERSION,
            transfer: id,
            from: request.from.clone(),
            to: request.to.clone(),
            subject: request.subject.clone(),
            message: request.message.clone(),
            created: now,
            expires: now + request.expires_in.as_secs(),
            files: Vec::with_capacity(request.files.len()),
        };
        // Everything but the files' keys, sizes and hashes is known: check
        // it before sealing anything.
        if request.files.is_empty() || request.files.len() > MAX_FILES {
            return Err(TransferError::invalid(format!("{} files; 1 to {MAX_FILES} are allowed", request.files.len())));
        }
        manifest.files = described
            .iter()
            .enumerate()
            .map(|(i, (name, media_type))| ManifestFile {
                blob: BlobId::from_bytes((i as u128).to_be_bytes()),
                name: name.clone(),
                media_type: media_type.clone(),
                size: 0,
                sha256: [0; 32],
                key: Key::from_bytes([0; 32]),
            })
            .collect();
        manifest.check().map_err(TransferError::InvalidArgument)?;
        manifest.files.clear();

        let mut staged = Vec::with_capacity(request.files.len() + 1);
        for (index, (source, (name, media_type))) in request.files.iter().zip(described).enumerate() {
            let file_index = u32::try_from(index).ok();
            let key = Key::generate().map_err(|_| TransferError::Randomness)?;
            let blob = BlobId::generate()?;
            let (sealed, size, sha256) = seal_source(
                source,
                &name,
                media_type.as_deref(),
                &key,
                &seal_options,
                options.temp_dir.as_ref(),
                &|done, total| {
                    progress.progress(ProgressEvent { phase: Phase::Sealing, file: file_index, done, total })
                },
            )?;
            let len = sealed.metadata()?.len();
            staged.push(Staged {
                blob: BlobName::File(blob),
                source: StagedSource::File(sealed),
                len,
                file: file_index,
            });
            manifest.files.push(ManifestFile { blob, name, media_type, size, sha256, key });
        }

        let json = manifest.to_json()?;
        let sealed_manifest = seal_bytes(&json, &[Secret::Password(request.password.clone())], &seal_options)?;
        staged.push(Staged {
            blob: BlobName::Manifest,
            len: sealed_manifest.len() as u64,
            source: StagedSource::Memory(sealed_manifest),
            file: None,
        });
        Ok(PreparedTransfer {
            id,
            info: manifest.info(),
            staged,
            piece_size: options.piece_size,
            uploading: Mutex::new(()),
        })
    }

    /// The transfer's id.
    pub fn id(&self) -> TransferId {
        self.id
    }

    /// What the recipients will see (without keys).
    pub fn info(&self) -> &TransferInfo {
        &self.info
    }

    /// Sealed bytes to store, all blobs together.
    pub fn sealed_len(&self) -> u64 {
        self.staged.iter().map(|s| s.len).sum()
    }

    /// What [`upload`](Self::upload) announces to the transport first
    /// ([`Transport::begin_transfer`]): id, addresses, expiry, each blob's
    /// sealed size, and the subject and file names (which a transport
    /// discloses only when its user opted in).
    pub fn plan(&self) -> TransferPlan {
        TransferPlan {
            id: self.id,
            sender: self.info.from.clone(),
            recipients: self.info.to.clone(),
            expires_at: self.info.expires_at,
            blobs: self.staged.iter().map(|s| (s.blob, s.len)).collect(),
            subject: self.info.subject.clone(),
            file_names: self.info.files.iter().map(|f| f.name.clone()).collect(),
        }
    }

    /// Announces the transfer ([`Transport::begin_transfer`] with
    /// [`plan`](Self::plan)), uploads every blob that the store does not
    /// hold completely yet, then the manifest, then marks the transfer
    /// finished with its expiry. Safe to call again after any failure: the
    /// announcement is repeated (transports treat it as idempotent), each
    /// blob continues from the length the store reports
    /// ([`Transport::partial_len`]), complete blobs are skipped. Reports
    /// [`Phase::Uploading`] progress.
    pub fn upload(&self, transport: &dyn Transport, progress: &dyn Progress) -> Result<SentTransfer, TransferError> {
        let _guard = self.uploading.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        transport.begin_transfer(&self.plan()).map_err(TransferError::Transport)?;
        let mut uploaded = 0;
        // Files first and the manifest last: a manifest in the store means
        // every file it lists is complete.
        for staged in &self.staged {
            let report = |done, total| {
                progress.progress(ProgressEvent { phase: Phase::Uploading, file: staged.file, done, total })
            };
            uploaded += match &staged.source {
                StagedSource::File(file) => {
                    let mut reader = file;
                    upload_blob(transport, &self.id, &staged.blob, &mut reader, staged.len, self.piece_size, &report)?
                }
                StagedSource::Memory(bytes) => upload_blob(
                    transport,
                    &self.id,
                    &staged.blob,
                    &mut io::Cursor::new(bytes),
                    staged.len,
                    self.piece_size,
                    &report,
                )?,
            };
        }
        transport.finish_transfer(&self.id, self.info.expires_at).map_err(TransferError::Transport)?;
        Ok(SentTransfer {
            id: self.id,
            created_at: self.info.created_at,
            expires_at: self.info.expires_at,
            stored_bytes: self.sealed_len(),
            uploaded_bytes: uploaded,
        })
    }
}

/// Seals one source into an unnamed temporary file, hashing the plaintext.
/// Returns the sealed file, the plaintext size and its SHA-256.
fn seal_source(
    source: &FileSource,
    name: &str,
    media_type: Option<&str>,
    key: &Key,
    options: &SealOptions,
    temp_dir: Option<&PathBuf>,
    report: &dyn Fn(u64, u64),
) -> Result<(File, u64, [u8; 32]), TransferError> {
    let (mut reader, size): (Box<dyn Read + '_>, u64) = match source {
        FileSource::Path { path, .. } => {
            let named = |e: std::io::Error| {
                TransferError::Io(std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))
            };
            let file = File::open(path).map_err(named)?;
            let meta = file.metadata().map_err(named)?;
            if !meta.is_file() {
                return Err(TransferError::invalid(format!("{} is not a regular file", path.display())));
            }
            (Box::new(file), meta.len())
        }
        FileSource::Bytes { data, .. } => (Box::new(&data[..]), data.len() as u64),
    };
    let mut metadata = Metadata::named(name).with_size(size);
    metadata.media_type = media_type.map(str::to_owned);
    let options = options.clone().with_metadata(&metadata).map_err(TransferError::Seal)?;
    let temp = match temp_dir {
        Some(dir) => tempfile::tempfile_in(dir)?,
        None => tempfile::tempfile()?,
    };
    let mut sealer = Sealer::new(BufWriter::with_capacity(1 << 16, temp), &[Secret::Key(key.clone())], &options)?;
    let mut hasher = Sha256::new();
    let mut buf = zeroize::Zeroizing::new(vec![0u8; 1 << 16]);
    let mut done = 0u64;
    report(0, size);
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        hasher.update(&buf[..n]);
        sealer.write_all(&buf[..n])?;
        done += n as u64;
        report(done, size.max(done));
    }
    let writer = sealer.finish().map_err(|e| match e {
        SealError::SizeMismatch { expected, actual } => TransferError::invalid(format!(
            "{name}: {actual} bytes read but the file had {expected} when opened (it changed while being sent)"
        )),
        e => e.into(),
    })?;
    let mut temp = writer.into_inner().map_err(|e| TransferError::Io(e.into_error()))?;
    temp.flush()?;
    Ok((temp, done, hasher.finalize().into()))
}

/// Uploads `total_len` bytes from `source` as `blob`, resuming: a blob that
/// is already complete is left alone, a partial one continues from the
/// length the store reports. Returns the bytes sent by this call.
///
/// `report(done, total)` is called after each piece.
///
/// ```
/// use std::io::Cursor;
/// use kluis_transfer::{upload_blob, BlobName, MemoryTransport, Transport, TransferId};
/// let store = MemoryTransport::new();
/// let t = TransferId::generate()?;
/// store.put_range(&t, &BlobName::Manifest, 0, b"sealed")?; // an earlier, interrupted attempt
/// let sent = upload_blob(&store, &t, &BlobName::Manifest, &mut Cursor::new(b"sealed bytes"), 12, 4096, &|_, _| {})?;
/// assert_eq!(sent, 6);
/// assert_eq!(store.read_range(&t, &BlobName::Manifest, 0, 100)?, b"sealed bytes");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn upload_blob<R: Read + Seek + ?Sized>(
    transport: &dyn Transport,
    transfer: &TransferId,
    blob: &BlobName,
    source: &mut R,
    total_len: u64,
    piece_size: usize,
    report: &dyn Fn(u64, u64),
) -> Result<u64, TransferError> {
    check_piece_size(piece_size)?;
    let tx = TransferError::Transport;
    match transport.complete_len(transfer, blob).map_err(tx)? {
        Some(len) if len == total_len => {
            report(total_len, total_len);
            return Ok(0);
        }
        Some(len) => {
            return Err(TransferError::Transport(crate::TransportError::Conflict(format!(
                "{blob} is complete with {len} bytes, expected {total_len}"
            ))));
        }
        None => {}
    }
    let mut offset = match transport.partial_len(transfer, blob).map_err(tx)? {
        Some(len) if len <= total_len => len,
        // Longer than ours: not our bytes; start over.
        _ => 0,
    };
    source.seek(SeekFrom::Start(offset))?;
    report(offset, total_len);
    let mut sent = 0;
    let mut buf = vec![0u8; piece_size];
    // An empty blob still needs to exist before it is finished.
    if total_len == 0 {
        transport.put_range(transfer, blob, 0, &[]).map_err(tx)?;
    }
    while offset < total_len {
        let want = usize::try_from(total_len - offset).map_or(piece_size, |left| left.min(piece_size));
        source.read_exact(&mut buf[..want])?;
        transport.put_range(transfer, blob, offset, &buf[..want]).map_err(tx)?;
        offset += want as u64;
        sent += want as u64;
        report(offset, total_len);
    }
    transport.finish_blob(transfer, blob, total_len).map_err(tx)?;
    Ok(sent)
}

/// Seals and uploads a transfer in one go: [`PreparedTransfer::prepare`]
/// then [`PreparedTransfer::upload_resuming`] with
/// [`SendOptions::upload_attempts`] (the resume-and-retry policy every
/// front end shares). To resume later than that, use the two steps
/// yourself.
///
/// ```
/// use std::time::Duration;
/// use kluis_transfer::*;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let store = MemoryTransport::new();
/// let password = generate_password(PasswordStyle::Characters)?;
/// let request = TransferRequest {
///     from: "ann@example.org".into(),
///     to: vec!["bob@example.org".into()],
///     subject: "Minutes".into(),
///     message: Some("See attached.".into()),
///     files: vec![FileSource::bytes("minutes.txt", b"all agreed".to_vec())],
///     expires_in: Duration::from_secs(86_400),
///     password: password.clone(),
///     allow_weak_password: false,
/// };
/// let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
/// let sent = send_transfer(&store, request, &options, &NoProgress)?;
///
/// let opened = open_transfer(&store, &sent.id, &password, &ReceiveOptions::default())?;
/// assert_eq!(opened.info().subject, "Minutes");
/// let mut content = Vec::new();
/// opened.read_file(&store, 0, &mut content, &NoProgress)?;
/// assert_eq!(content, b"all agreed");
/// # Ok(()) }
/// ```
pub fn send_transfer(
    transport: &dyn Transport,
    request: TransferRequest,
    options: &SendOptions,
    progress: &dyn Progress,
) -> Result<SentTransfer, TransferError> {
    PreparedTransfer::prepare(request, options, progress)?.upload_resuming(
        transport,
        progress,
        options.upload_attempts,
        &mut |_| {},
    )
}
