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

use kluis_core::{Argon2Params, Password};

use crate::draft::{FileSpec, SealedFile, SealedTransfer, SendRequest, TransferSealer};
use crate::error::TransferError;
use crate::manifest::TransferInfo;
use crate::progress::{Phase, Progress, ProgressEvent};
use crate::session::{Op, Upload, UploadEvent, execute};
use crate::transport::{TransferPlan, Transport};
use kluis_protocol::unix_seconds;
use kluis_protocol::{BlobName, TransferId};

/// The longest allowed lifetime of a transfer (366 days).
pub const MAX_EXPIRES_IN: Duration = Duration::from_secs(366 * 86_400);

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

/// A sealed blob waiting to be uploaded: a file's envelope in a temporary
/// file, or the manifest in memory.
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
    sealed: SealedTransfer,
    /// The blobs' bytes, in the order of `sealed.blobs()`.
    staged: Vec<StagedSource>,
    piece_size: usize,
    /// Held while uploading: the staged files' read positions are shared.
    uploading: Mutex<()>,
}

impl std::fmt::Debug for PreparedTransfer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedTransfer").field("id", &self.id()).field("files", &self.info().files.len()).finish()
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
        // Names and media types are checked by the sealer, before anything
        // is read; a file on disk is measured when it is opened.
        let mut specs = Vec::with_capacity(request.files.len());
        for source in &request.files {
            let name = source.name().ok_or_else(|| TransferError::InvalidName {
                name: match source {
                    FileSource::Path { path, .. } => path.to_string_lossy().into_owned(),
                    FileSource::Bytes { name, .. } => name.clone(),
                },
                reason: "the path has no file name in UTF-8".into(),
            })?;
            let (media_type, size) = match source {
                FileSource::Path { media_type, .. } => (media_type.clone(), 0),
                FileSource::Bytes { media_type, data, .. } => (media_type.clone(), data.len() as u64),
            };
            specs.push(FileSpec { name, size, media_type });
        }
        let now = unix_seconds(options.now.unwrap_or_else(SystemTime::now));
        let sendable = SendRequest {
            from: request.from,
            to: request.to,
            subject: request.subject,
            message: request.message,
            files: specs,
            expires_in: request.expires_in,
            password: request.password,
            allow_weak_password: request.allow_weak_password,
        };
        let mut sealing = TransferSealer::new(sendable, options, now)?;
        let mut staged = Vec::with_capacity(request.files.len() + 1);
        for (index, source) in request.files.iter().enumerate() {
            let file_index = u32::try_from(index).ok();
            let (sealed, file) =
                seal_source(&mut sealing, index, source, options.temp_dir.as_ref(), &|done, total| {
                    progress.progress(ProgressEvent { phase: Phase::Sealing, file: file_index, done, total })
                })?;
            staged.push(StagedSource::File(sealed));
            sealing.add(file)?;
        }
        let sealed = sealing.finish()?;
        staged.push(StagedSource::Memory(sealed.manifest().to_vec()));
        Ok(PreparedTransfer { sealed, staged, piece_size: options.piece_size, uploading: Mutex::new(()) })
    }

    /// The transfer's id.
    pub fn id(&self) -> TransferId {
        self.sealed.id()
    }

    /// What the recipients will see (without keys).
    pub fn info(&self) -> &TransferInfo {
        self.sealed.info()
    }

    /// Sealed bytes to store, all blobs together.
    pub fn sealed_len(&self) -> u64 {
        self.sealed.sealed_len()
    }

    /// What [`upload`](Self::upload) announces to the transport first
    /// ([`Transport::begin_transfer`]): id, addresses, expiry, each blob's
    /// sealed size, and the subject and file names (which a transport
    /// discloses only when its user opted in).
    pub fn plan(&self) -> TransferPlan {
        self.sealed.plan()
    }

    /// Announces the transfer ([`Transport::begin_transfer`] with
    /// [`plan`](Self::plan)), uploads every blob that the store does not
    /// hold completely yet, then the manifest, then marks the transfer
    /// finished with its expiry. Safe to call again after any failure: the
    /// announcement is repeated (transports treat it as idempotent), each
    /// blob continues from the length the store reports
    /// ([`Transport::partial_len`]), complete blobs are skipped. Reports
    /// [`Phase::Uploading`] progress. One attempt of
    /// [`session::Upload`](crate::session::Upload).
    pub fn upload(&self, transport: &dyn Transport, progress: &dyn Progress) -> Result<SentTransfer, TransferError> {
        self.upload_resuming(transport, progress, 1, &mut |_| {})
    }

    /// Uploads like [`upload`](PreparedTransfer::upload), resuming after a
    /// failure that [`is_resumable`](crate::is_resumable), up to `attempts`
    /// attempts in all (at least one): the policy of
    /// [`session::Upload`](crate::session::Upload). `on_resume` hears of
    /// each failure before the next attempt (`kluis send` prints a note).
    ///
    /// ```
    /// use std::time::Duration;
    /// use kluis_transfer::*;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let store = MemoryTransport::new();
    /// let request = TransferRequest {
    ///     from: "ann@example.org".into(),
    ///     to: vec!["bob@example.org".into()],
    ///     subject: "Minutes".into(),
    ///     message: None,
    ///     files: vec![FileSource::bytes("minutes.txt", b"all agreed".to_vec())],
    ///     expires_in: Duration::from_secs(86_400),
    ///     password: generate_password(PasswordStyle::Characters)?,
    ///     allow_weak_password: false,
    /// };
    /// let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
    /// let prepared = PreparedTransfer::prepare(request, &options, &NoProgress)?;
    /// let mut resumed = 0;
    /// let sent = prepared.upload_resuming(&store, &NoProgress, UPLOAD_ATTEMPTS, &mut |_| resumed += 1)?;
    /// assert_eq!((sent.id, resumed), (prepared.id(), 0));
    /// # Ok(()) }
    /// ```
    pub fn upload_resuming(
        &self,
        transport: &dyn Transport,
        progress: &dyn Progress,
        attempts: u32,
        on_resume: &mut dyn FnMut(&TransferError),
    ) -> Result<SentTransfer, TransferError> {
        let _guard = self.uploading.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut upload = Upload::new(&self.sealed, self.piece_size, attempts)?;
        let plan = self.plan();
        let mut buf = Vec::new();
        while let Some(op) = upload.next_op() {
            let data: &[u8] = match &op {
                Op::Put { index, offset, len, .. } => self.read_staged(*index, *offset, *len, &mut buf)?,
                _ => &[],
            };
            match upload.on_output(execute(transport, &self.id(), &plan, &op, data))? {
                UploadEvent::Progress(event) => progress.progress(event),
                UploadEvent::Resumed(error) => on_resume(&error),
                _ => {}
            }
        }
        upload.sent().ok_or_else(|| TransferError::invalid("the upload ended unfinished"))
    }

    /// Bytes `offset .. offset + len` of staged blob `index`.
    fn read_staged<'a>(&'a self, index: usize, offset: u64, len: u64, buf: &'a mut Vec<u8>) -> io::Result<&'a [u8]> {
        let out_of_range = || io::Error::new(io::ErrorKind::InvalidInput, "a range outside the sealed blob");
        match self.staged.get(index).ok_or_else(out_of_range)? {
            StagedSource::File(file) => {
                let mut reader = file;
                buf.resize(usize::try_from(len).map_err(|_| out_of_range())?, 0);
                reader.seek(SeekFrom::Start(offset))?;
                reader.read_exact(buf)?;
                Ok(buf)
            }
            StagedSource::Memory(bytes) => {
                let start = usize::try_from(offset).map_err(|_| out_of_range())?;
                let end = usize::try_from(offset + len).map_err(|_| out_of_range())?;
                bytes.get(start..end).ok_or_else(out_of_range)
            }
        }
    }
}

/// Seals file `index` from `source` into an unnamed temporary file.
fn seal_source(
    sealing: &mut TransferSealer,
    index: usize,
    source: &FileSource,
    temp_dir: Option<&PathBuf>,
    report: &dyn Fn(u64, u64),
) -> Result<(File, SealedFile), TransferError> {
    let mut reader: Box<dyn Read + '_> = match source {
        FileSource::Path { path, .. } => {
            let named = |e: std::io::Error| {
                TransferError::Io(std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))
            };
            let file = File::open(path).map_err(named)?;
            let meta = file.metadata().map_err(named)?;
            if !meta.is_file() {
                return Err(TransferError::invalid(format!("{} is not a regular file", path.display())));
            }
            sealing.set_size(index, meta.len());
            Box::new(file)
        }
        FileSource::Bytes { data, .. } => Box::new(&data[..]),
    };
    let size = sealing.files()[index].size;
    let mut sealer = sealing.file(index)?;
    let temp = match temp_dir {
        Some(dir) => tempfile::tempfile_in(dir)?,
        None => tempfile::tempfile()?,
    };
    let mut out = BufWriter::with_capacity(1 << 16, temp);
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
        out.write_all(&sealer.update(&buf[..n])?)?;
        done += n as u64;
        report(done, size.max(done));
    }
    let (tail, sealed) = sealer.finish()?;
    out.write_all(&tail)?;
    let mut temp = out.into_inner().map_err(|e| TransferError::Io(e.into_error()))?;
    temp.flush()?;
    Ok((temp, sealed))
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
