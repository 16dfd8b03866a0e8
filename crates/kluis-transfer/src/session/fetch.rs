//! Receiving: fetching and opening the manifest, and the ranged, verified
//! reading of each file.

use kluis_core::{Metadata, OpenLimits, Password, PushOpener, Secret, open_bytes};
use kluis_protocol::{BlobName, TransferId};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::{Op, OpOutput, unexpected};
use crate::error::TransferError;
use crate::manifest::{MAX_MANIFEST_LEN, Manifest, ManifestFile};
use crate::progress::{Phase, ProgressEvent};
use crate::receive::{OpenedTransfer, ReceiveOptions};
use crate::send::check_piece_size;
use crate::transport::TransportError;

/// Largest sealed manifest a reader fetches: the largest manifest plus
/// room for the envelope's header and tags.
const MAX_MANIFEST_ENVELOPE_LEN: u64 = MAX_MANIFEST_LEN as u64 + (4 << 20);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Expiry,
    Len,
    Read(u64),
    Fetched,
}

/// Fetches transfer `id`'s sealed manifest: that the transfer is finished
/// ([`Op::Expiry`]), the manifest's length ([`Op::CompleteLen`], bounded),
/// then its bytes, all in one read where the store allows it (a drop
/// server counts every read of the manifest as a download). Then
/// [`open`](ManifestFetch::open) opens it with the password.
///
/// ```
/// use kluis_transfer::{MemoryTransport, ReceiveOptions, TransferError, TransferId, TransferPlan};
/// use kluis_transfer::session::{ManifestFetch, execute};
/// let store = MemoryTransport::new();
/// let id = TransferId::from_bytes([9; 16]);
/// let plan = TransferPlan { id, sender: String::new(), recipients: vec![], expires_at: 0, blobs: vec![],
///     subject: String::new(), file_names: vec![] };
/// let mut fetch = ManifestFetch::new(id);
/// let op = fetch.next_op().unwrap_or_else(|| unreachable!());
/// let missing = fetch.on_output(execute(&store, &id, &plan, &op, &[]));
/// assert!(matches!(missing, Err(TransferError::NotFound { .. })));
/// ```
#[derive(Debug)]
pub struct ManifestFetch {
    id: TransferId,
    stage: Stage,
    sealed: Vec<u8>,
}

impl ManifestFetch {
    /// The fetch of transfer `id`'s manifest.
    pub fn new(id: TransferId) -> ManifestFetch {
        ManifestFetch { id, stage: Stage::Expiry, sealed: Vec::new() }
    }

    /// The transfer's id.
    pub fn id(&self) -> TransferId {
        self.id
    }

    /// The operation to perform next; `None` once the manifest is fetched.
    pub fn next_op(&self) -> Option<Op> {
        match self.stage {
            Stage::Expiry => Some(Op::Expiry),
            Stage::Len => Some(Op::CompleteLen { blob: BlobName::Manifest }),
            Stage::Read(len) => {
                let offset = self.sealed.len() as u64;
                Some(Op::Read { blob: BlobName::Manifest, offset, len: len - offset })
            }
            Stage::Fetched => None,
        }
    }

    /// Takes the result of the operation [`next_op`](ManifestFetch::next_op)
    /// gave: a missing transfer is [`TransferError::NotFound`], a manifest
    /// too large or cut short [`TransferError::Tampered`].
    pub fn on_output(&mut self, result: Result<OpOutput, TransportError>) -> Result<(), TransferError> {
        let id = self.id;
        let not_found = || format!("transfer {id}");
        let output = result.map_err(|e| TransferError::from_transport(e, not_found))?;
        self.stage = match (self.stage, output) {
            (Stage::Expiry, OpOutput::Expiry(Some(_))) => Stage::Len,
            (Stage::Expiry, OpOutput::Expiry(None)) => {
                return Err(TransferError::not_found(format!("transfer {id} (not completely uploaded yet)")));
            }
            (Stage::Len, OpOutput::Len(None)) => {
                return Err(TransferError::not_found(format!("the manifest of transfer {id}")));
            }
            (Stage::Len, OpOutput::Len(Some(len))) if len > MAX_MANIFEST_ENVELOPE_LEN => {
                return Err(TransferError::tampered("manifest", format!("{len} bytes is too large for a manifest")));
            }
            (Stage::Len, OpOutput::Len(Some(len))) => {
                self.sealed = Vec::with_capacity(len as usize);
                if len == 0 { Stage::Fetched } else { Stage::Read(len) }
            }
            (Stage::Read(len), OpOutput::Bytes(piece)) => {
                if piece.is_empty() {
                    return Err(TransferError::tampered(
                        "manifest",
                        "the store returned fewer bytes than it announced",
                    ));
                }
                self.sealed.extend_from_slice(&piece);
                self.sealed.truncate(len as usize);
                if self.sealed.len() as u64 >= len { Stage::Fetched } else { Stage::Read(len) }
            }
            (_, output) => return Err(TransferError::Transport(unexpected("the manifest's fetch", &output))),
        };
        Ok(())
    }

    /// Opens the fetched manifest with `password` within `options.limits`
    /// (one Argon2 run for the whole transfer), checks that it names this
    /// transfer and that it has not expired at `now` (Unix seconds).
    /// Errors: [`TransferError::WrongPassword`], [`TransferError::Expired`],
    /// [`TransferError::Tampered`], [`TransferError::InvalidManifest`].
    pub fn open(
        self,
        password: &Password,
        options: &ReceiveOptions,
        now: u64,
    ) -> Result<OpenedTransfer, TransferError> {
        check_piece_size(options.piece_size)?;
        let unsealed = UnsealedManifest::open(self.sealed()?, password, &options.limits)?;
        self.open_unsealed(unsealed, options, now)
    }

    /// The fetched manifest as sealed, for a host that runs its Argon2
    /// elsewhere ([`UnsealedManifest::open`], for instance in a worker it
    /// then discards, so that Argon2's memory does not stay with the
    /// downloads), before [`open_unsealed`](ManifestFetch::open_unsealed).
    /// Errors: [`TransferError::InvalidArgument`] before the fetch is done.
    pub fn sealed(&self) -> Result<&[u8], TransferError> {
        if self.stage != Stage::Fetched {
            return Err(TransferError::invalid("the manifest is not fetched yet"));
        }
        Ok(&self.sealed)
    }

    /// The second half of [`open`](ManifestFetch::open): takes the manifest
    /// that [`UnsealedManifest::open`] opened from [`sealed`](ManifestFetch::sealed),
    /// checks that it names this transfer and that it has not expired at
    /// `now`. Errors: [`TransferError::Expired`], [`TransferError::InvalidManifest`].
    pub fn open_unsealed(
        self,
        unsealed: UnsealedManifest,
        options: &ReceiveOptions,
        now: u64,
    ) -> Result<OpenedTransfer, TransferError> {
        check_piece_size(options.piece_size)?;
        self.sealed()?;
        let manifest = Manifest::from_json(&unsealed.json, &self.id)?;
        check_expiry(&manifest, now)?;
        Ok(OpenedTransfer::new(manifest, options.clone()))
    }
}

/// A transfer's manifest, opened with the password but not yet checked:
/// the half of [`ManifestFetch::open`] that runs Argon2, for a host that
/// runs it apart from the rest (a browser page runs it in a worker it then
/// ends, since WebAssembly memory never shrinks). The bytes hold the file
/// keys; they are wiped when dropped.
///
/// ```
/// # use std::time::Duration;
/// # use kluis_transfer::*;
/// use kluis_transfer::session::{ManifestFetch, UnsealedManifest, execute};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let store = MemoryTransport::new();
/// # let password = Password::new("zwaluw-kompas-9-tegelvloer-okapi");
/// # let request = TransferRequest { from: "ann@example.org".into(), to: vec!["bob@example.org".into()], subject: "S".into(),
/// #     message: None, files: vec![FileSource::bytes("a.txt", b"alpha".to_vec())], expires_in: Duration::from_secs(3600),
/// #     password: password.clone(), allow_weak_password: false };
/// # let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
/// # let id = send_transfer(&store, request, &options, &NoProgress)?.id;
/// # let plan = TransferPlan { id, sender: String::new(), recipients: vec![], expires_at: 0, blobs: vec![],
/// #     subject: String::new(), file_names: vec![] };
/// let mut fetch = ManifestFetch::new(id);
/// while let Some(op) = fetch.next_op() {
///     fetch.on_output(execute(&store, &id, &plan, &op, &[]))?;
/// }
/// // Elsewhere (another thread or worker): the Argon2 run.
/// let bytes = UnsealedManifest::open(fetch.sealed()?, &password, &OpenLimits::TRANSFER)?.into_bytes();
/// // Back here: the checks.
/// let now = unix_seconds(std::time::SystemTime::now());
/// let opened = fetch.open_unsealed(UnsealedManifest::from_bytes(bytes), &ReceiveOptions::default(), now)?;
/// assert_eq!(opened.info().subject, "S");
/// # Ok(()) }
/// ```
pub struct UnsealedManifest {
    json: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for UnsealedManifest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnsealedManifest").field("len", &self.json.len()).finish_non_exhaustive()
    }
}

impl UnsealedManifest {
    /// Opens `sealed` (from [`ManifestFetch::sealed`]) with `password`
    /// within `limits`: one Argon2 run. Errors: [`TransferError::WrongPassword`],
    /// [`TransferError::Tampered`], and [`TransferError::Envelope`] for an
    /// envelope beyond `limits` or of an unknown version.
    pub fn open(sealed: &[u8], password: &Password, limits: &OpenLimits) -> Result<UnsealedManifest, TransferError> {
        let (json, _) = open_bytes(sealed, &Secret::Password(password.clone()), limits)
            .map_err(|e| TransferError::from_open(e, "manifest", true))?;
        Ok(UnsealedManifest { json: Zeroizing::new(json) })
    }

    /// The manifest's bytes, to hand to the host that checks them (they
    /// hold the file keys: wipe them after).
    pub fn into_bytes(self) -> Zeroizing<Vec<u8>> {
        self.json
    }

    /// Takes back the bytes of [`into_bytes`](UnsealedManifest::into_bytes);
    /// [`ManifestFetch::open_unsealed`] checks them as it would have.
    pub fn from_bytes(bytes: Zeroizing<Vec<u8>>) -> UnsealedManifest {
        UnsealedManifest { json: bytes }
    }
}

pub(crate) fn check_expiry(manifest: &Manifest, now: u64) -> Result<(), TransferError> {
    if now >= manifest.expires {
        return Err(TransferError::Expired { expired_at: manifest.expires });
    }
    Ok(())
}

/// Fetches, decrypts and verifies one file of an opened transfer: its
/// envelope's length ([`Op::CompleteLen`]), then ranged reads of
/// `piece_size` bytes, each decrypted as its chunks authenticate; the
/// plaintext is released chunk by chunk. Verified against the manifest:
/// the envelope must open with the manifest's key (a blob from another
/// transfer or position is refused), its metadata must agree, and, at the
/// end, its size and SHA-256 must match; until then the released plaintext
/// is an authenticated prefix that the caller discards on an error.
///
/// ```
/// # use std::time::Duration;
/// # use kluis_transfer::*;
/// use kluis_transfer::session::{FileDownload, execute};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let store = MemoryTransport::new();
/// # let password = Password::new("zwaluw-kompas-9-tegelvloer-okapi");
/// # let request = TransferRequest { from: "ann@example.org".into(), to: vec!["bob@example.org".into()], subject: "S".into(),
/// #     message: None, files: vec![FileSource::bytes("a.txt", b"alpha".to_vec())], expires_in: Duration::from_secs(3600),
/// #     password: password.clone(), allow_weak_password: false };
/// # let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
/// # let id = send_transfer(&store, request, &options, &NoProgress)?.id;
/// let opened = open_transfer(&store, &id, &password, &ReceiveOptions::default())?;
/// let now = unix_seconds(std::time::SystemTime::now());
/// let mut download = FileDownload::new(&opened, 0, now)?;
/// let mut plaintext = Vec::new();
/// let plan = TransferPlan { id, sender: String::new(), recipients: vec![], expires_at: 0, blobs: vec![],
///     subject: String::new(), file_names: vec![] };
/// while let Some(op) = download.next_op() {
///     plaintext.extend_from_slice(&download.on_output(execute(&store, &id, &plan, &op, &[]))?);
/// }
/// assert_eq!(plaintext, b"alpha");
/// # Ok(()) }
/// ```
pub struct FileDownload {
    index: usize,
    file: ManifestFile,
    piece_size: u64,
    /// The envelope's length once known.
    len: Option<u64>,
    offset: u64,
    done: bool,
    /// `None`: the envelope is released as stored, for a host that opens
    /// it itself ([`FileDownload::envelope`]).
    opener: Option<PushOpener>,
    check: FileCheck,
    metadata_checked: bool,
}

impl std::fmt::Debug for FileDownload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileDownload")
            .field("index", &self.index)
            .field("offset", &self.offset)
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl FileDownload {
    /// The download of file `index` of `opened`, refused once the transfer
    /// expired at `now` (Unix seconds).
    pub fn new(opened: &OpenedTransfer, index: usize, now: u64) -> Result<FileDownload, TransferError> {
        check_expiry(opened.manifest(), now)?;
        let file = opened.manifest().files.get(index).ok_or_else(|| {
            TransferError::invalid(format!("no file {index}: the transfer has {}", opened.info().files.len()))
        })?;
        let options = opened.options();
        Ok(FileDownload {
            index,
            file: file.clone(),
            piece_size: options.piece_size as u64,
            len: None,
            offset: 0,
            done: false,
            opener: Some(PushOpener::new(Secret::Key(file.key.clone()), options.limits)),
            check: FileCheck::new(opened, index)?,
            metadata_checked: false,
        })
    }

    /// The download of file `index`'s envelope as stored (ranged reads,
    /// the same retries), for a host that opens it itself with
    /// [`OpenedTransfer::file_key`] (the npm package: on its worker pool)
    /// and checks the plaintext with a [`FileCheck`]. Nothing released is
    /// authenticated yet.
    pub fn envelope(opened: &OpenedTransfer, index: usize, now: u64) -> Result<FileDownload, TransferError> {
        let mut download = FileDownload::new(opened, index, now)?;
        download.opener = None;
        Ok(download)
    }

    fn what(&self) -> String {
        format!("file {} ({:?})", self.index + 1, self.file.name)
    }

    /// The operation to perform next; `None` once the file is verified.
    pub fn next_op(&self) -> Option<Op> {
        let blob = BlobName::File(self.file.blob);
        match self.len {
            _ if self.done => None,
            None => Some(Op::CompleteLen { blob }),
            Some(_) => Some(Op::Read { blob, offset: self.offset, len: self.piece_size }),
        }
    }

    /// Progress so far ([`Phase::Downloading`], envelope bytes).
    pub fn progress(&self) -> ProgressEvent {
        let total = self.len.unwrap_or(0);
        ProgressEvent {
            phase: Phase::Downloading,
            file: u32::try_from(self.index).ok(),
            done: self.offset.min(total),
            total,
        }
    }

    /// Whether the whole file was read and verified.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Takes the result of the operation [`next_op`](FileDownload::next_op)
    /// gave and returns the plaintext it released (often empty). After the
    /// last read the size and SHA-256 are checked: an error then means the
    /// plaintext released so far must be discarded.
    pub fn on_output(&mut self, result: Result<OpOutput, TransportError>) -> Result<Zeroizing<Vec<u8>>, TransferError> {
        let what = self.what();
        let output = result.map_err(|e| TransferError::from_transport(e, || what.clone()))?;
        let mut plain = Zeroizing::new(Vec::new());
        match (self.len, output) {
            (None, OpOutput::Len(None)) => return Err(TransferError::not_found(what)),
            (None, OpOutput::Len(Some(len))) => self.len = Some(len),
            (Some(_), OpOutput::Bytes(piece)) if !self.done => {
                if piece.is_empty() {
                    return Err(TransferError::tampered(what, "the store returned fewer bytes than it announced"));
                }
                self.offset += piece.len() as u64;
                let Some(opener) = self.opener.as_mut() else {
                    if self.len.is_some_and(|len| self.offset > len) {
                        return Err(TransferError::tampered(what, "the store returned more bytes than it announced"));
                    }
                    self.done = self.len.is_some_and(|len| self.offset >= len);
                    return Ok(Zeroizing::new(piece));
                };
                opener.update(&piece, &mut plain).map_err(|e| TransferError::from_open(e, &what, false))?;
                if !self.metadata_checked && opener.header_done() {
                    self.check.metadata(opener.metadata())?;
                    self.metadata_checked = true;
                }
                self.check.update(&plain)?;
            }
            (_, output) => return Err(TransferError::Transport(unexpected(&what, &output))),
        }
        if let Some(opener) = self.opener.as_mut().filter(|_| self.len.is_some_and(|len| self.offset >= len)) {
            let before = plain.len();
            opener.finish(&mut plain).map_err(|e| TransferError::from_open(e, &what, false))?;
            self.check.update(&plain[before..])?;
            self.check.verify()?;
            self.done = true;
        }
        Ok(plain)
    }
}

/// Checks a file's plaintext against the manifest as it is released in
/// order: its envelope's metadata, its size (never more than the manifest
/// says) and, at the end, its SHA-256. [`FileDownload`] checks with one; a
/// host that opens the envelope itself ([`FileDownload::envelope`]) makes
/// its own with [`FileCheck::new`].
///
/// ```
/// # use std::time::Duration;
/// # use kluis_transfer::*;
/// use kluis_transfer::session::FileCheck;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let store = MemoryTransport::new();
/// # let password = Password::new("zwaluw-kompas-9-tegelvloer-okapi");
/// # let request = TransferRequest { from: "ann@example.org".into(), to: vec!["bob@example.org".into()], subject: "S".into(),
/// #     message: None, files: vec![FileSource::bytes("a.txt", b"alpha".to_vec())], expires_in: Duration::from_secs(3600),
/// #     password: password.clone(), allow_weak_password: false };
/// # let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
/// # let id = send_transfer(&store, request, &options, &NoProgress)?.id;
/// let opened = open_transfer(&store, &id, &password, &ReceiveOptions::default())?;
/// let mut check = FileCheck::new(&opened, 0)?;
/// check.update(b"alp")?;
/// check.update(b"ha")?;
/// check.verify()?;
/// let mut wrong = FileCheck::new(&opened, 0)?;
/// wrong.update(b"alpHa")?;
/// assert!(matches!(wrong.verify(), Err(TransferError::Tampered { .. })));
/// # Ok(()) }
/// ```
pub struct FileCheck {
    index: usize,
    file: ManifestFile,
    hasher: Sha256,
    size: u64,
}

impl std::fmt::Debug for FileCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileCheck").field("index", &self.index).field("size", &self.size).finish_non_exhaustive()
    }
}

impl FileCheck {
    /// The check of file `index` of `opened`.
    pub fn new(opened: &OpenedTransfer, index: usize) -> Result<FileCheck, TransferError> {
        let file = opened.manifest().files.get(index).ok_or_else(|| {
            TransferError::invalid(format!("no file {index}: the transfer has {}", opened.info().files.len()))
        })?;
        Ok(FileCheck { index, file: file.clone(), hasher: Sha256::new(), size: 0 })
    }

    fn what(&self) -> String {
        format!("file {} ({:?})", self.index + 1, self.file.name)
    }

    /// The envelope's own (sealed) metadata, if any, must agree with the manifest.
    pub fn metadata(&self, metadata: Option<&Metadata>) -> Result<(), TransferError> {
        check_metadata(&self.file, &self.what(), metadata)
    }

    /// Counts and hashes released plaintext, refusing more than the manifest says.
    pub fn update(&mut self, plain: &[u8]) -> Result<(), TransferError> {
        self.size += plain.len() as u64;
        if self.size > self.file.size {
            return Err(TransferError::tampered(
                self.what(),
                format!("larger than the {} bytes in the manifest", self.file.size),
            ));
        }
        self.hasher.update(plain);
        Ok(())
    }

    /// After the last byte: the size and SHA-256 must be the manifest's.
    pub fn verify(&mut self) -> Result<(), TransferError> {
        if self.size != self.file.size {
            let reason = format!("{} bytes, the manifest says {}", self.size, self.file.size);
            return Err(TransferError::tampered(self.what(), reason));
        }
        let digest: [u8; 32] = std::mem::take(&mut self.hasher).finalize().into();
        if !bool::from(digest.ct_eq(&self.file.sha256)) {
            return Err(TransferError::tampered(self.what(), "its SHA-256 differs from the manifest's"));
        }
        Ok(())
    }
}

/// The envelope's own (sealed) metadata, if any, must agree with the manifest.
fn check_metadata(file: &ManifestFile, what: &str, metadata: Option<&Metadata>) -> Result<(), TransferError> {
    let Some(m) = metadata else { return Ok(()) };
    let agrees = m.name.as_ref().is_none_or(|n| *n == file.name)
        && m.size.is_none_or(|s| s == file.size)
        && (m.media_type.is_none() || m.media_type == file.media_type);
    if agrees {
        Ok(())
    } else {
        Err(TransferError::tampered(what, "its envelope's metadata does not match the manifest"))
    }
}
