//! A transfer sealed into temporary files and uploaded resumably over a
//! [`Transport`] (feature `fs`): [`PreparedTransfer`] and [`send_transfer`],
//! which run on [`TransferSealer`] and [`session::Upload`](crate::session::Upload).
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
use std::time::SystemTime;

use crate::draft::{FileSpec, SealedFile, SealedTransfer, SendRequest, TransferSealer};
use crate::error::TransferError;
use crate::manifest::TransferInfo;
use crate::progress::{Phase, Progress, ProgressEvent};
use crate::send::{FileSource, SendOptions, SentTransfer, TransferRequest};
use crate::session::{Op, Upload, UploadEvent, execute};
use crate::transport::{TransferPlan, Transport};
use kluis_protocol::TransferId;
use kluis_protocol::unix_seconds;

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
