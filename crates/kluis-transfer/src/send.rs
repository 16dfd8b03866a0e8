//! What to send and how: the request, its files, the options, the result,
//! and [`upload_blob`] for one blob. The sealing is in
//! [`TransferSealer`](crate::TransferSealer), the upload in
//! [`session::Upload`](crate::session::Upload).

use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use kluis_core::{Argon2Params, Password};

use crate::error::TransferError;
use crate::session::{Op, Upload, UploadEvent, execute};
use crate::transport::{TransferPlan, Transport};
use kluis_protocol::{BlobName, TransferId};

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
    /// [`OpenLimits::TRANSFER`](kluis_core::OpenLimits::TRANSFER) (256 MiB, 8 passes, 8 lanes), so that every
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
    /// How often `send_transfer` (and [`http::SendSession`](crate::http::SendSession)) attempts the upload in all, resuming
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

/// Uploads `total_len` bytes from `source` as `blob`, resuming: a blob that
/// is already complete is left alone, a partial one continues from the
/// length the store reports (the per-blob steps of
/// [`session::Upload`](crate::session::Upload), in one attempt). Returns
/// the bytes sent by this call.
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
    let mut upload = Upload::blob(*transfer, *blob, total_len, piece_size)?;
    let plan = TransferPlan {
        id: *transfer,
        sender: String::new(),
        recipients: Vec::new(),
        expires_at: 0,
        blobs: Vec::new(),
        subject: String::new(),
        file_names: Vec::new(),
    };
    let mut buf = Vec::new();
    while let Some(op) = upload.next_op() {
        if let Op::Put { offset, len, .. } = op {
            buf.resize(usize::try_from(len).unwrap_or(piece_size), 0);
            source.seek(SeekFrom::Start(offset))?;
            source.read_exact(&mut buf)?;
        }
        let data = if matches!(op, Op::Put { .. }) { &buf[..] } else { &[] };
        if let UploadEvent::Progress(event) = upload.on_output(execute(transport, transfer, &plan, &op, data))? {
            report(event.done, event.total);
        }
    }
    Ok(upload.uploaded())
}
