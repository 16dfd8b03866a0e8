//! Sealing a transfer without I/O: the checks of a send request, one
//! [`FileSealer`] per file (plaintext in, envelope bytes out, hashed on the
//! way), and the sealed manifest. [`PreparedTransfer::prepare`] runs on it
//! with files on disk; a host without a file system (a browser, through
//! kluis-wasm) feeds it the bytes itself and keeps the envelopes where it
//! likes.
//!
//! [`PreparedTransfer::prepare`]: crate::PreparedTransfer::prepare

use std::time::Duration;

use kluis_core::{
    ChunkKey, Key, Metadata, OpenLimits, Password, SealError, SealOptions, Sealer, Secret, envelope_len, seal_bytes,
    seal_header,
};
use sha2::{Digest, Sha256};

use crate::error::TransferError;
use crate::manifest::{MANIFEST_VERSION, MAX_FILES, Manifest, ManifestFile, TransferInfo, check_media_type};
use crate::names::{check_file_name, guess_media_type};
use crate::password::check_password;
use crate::send::{MAX_EXPIRES_IN, SendOptions, check_piece_size};
use kluis_protocol::{BlobId, BlobName, TransferId};

/// One file of a transfer as a host describes it before reading it: its
/// name, its exact size and, optionally, its media type (guessed from the
/// name's extension when `None`).
///
/// ```
/// use kluis_transfer::FileSpec;
/// let spec = FileSpec::new("offer.pdf", 1234);
/// assert_eq!((spec.name.as_str(), spec.size, spec.media_type), ("offer.pdf", 1234, None));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSpec {
    /// The name to send (checked by the portable-name rule of `kluis send`).
    pub name: String,
    /// The plaintext size in bytes: the sealer refuses more or fewer.
    pub size: u64,
    /// The media type; `None` guesses it from the name.
    pub media_type: Option<String>,
}

impl FileSpec {
    /// A file named `name` of `size` bytes, media type guessed.
    pub fn new(name: impl Into<String>, size: u64) -> FileSpec {
        FileSpec { name: name.into(), size, media_type: None }
    }
}

/// What to send, for a host that reads the files itself: the fields of a
/// [`TransferRequest`](crate::TransferRequest) with [`FileSpec`]s instead
/// of sources.
///
/// ```
/// use std::time::Duration;
/// use kluis_transfer::{FileSpec, Password, SendRequest};
/// let request = SendRequest {
///     from: "ann@example.org".into(),
///     to: vec!["bob@example.org".into()],
///     subject: "Offer".into(),
///     message: None,
///     files: vec![FileSpec::new("offer.txt", 7)],
///     expires_in: Duration::from_secs(86_400),
///     password: Password::new("zwaluw-kompas-9-tegelvloer-okapi"),
///     allow_weak_password: false,
/// };
/// assert_eq!(request.files.len(), 1);
/// ```
#[derive(Clone, Debug)]
pub struct SendRequest {
    /// The sender's address.
    pub from: String,
    /// The recipients' addresses (at least one).
    pub to: Vec<String>,
    /// The subject (may be empty).
    pub subject: String,
    /// A confidential message, sealed in the manifest.
    pub message: Option<String>,
    /// The files (at least one), in order.
    pub files: Vec<FileSpec>,
    /// How long the transfer stays available: 1 second to 366 days.
    pub expires_in: Duration,
    /// The transfer password.
    pub password: Password,
    /// Accept a password that [`rate_password`](crate::rate_password) finds weak.
    pub allow_weak_password: bool,
}

/// A transfer being sealed: every rule of a send request checked, the id
/// drawn; then each file through its [`FileSealer`], in order; then
/// [`finish`](TransferSealer::finish) seals the manifest.
///
/// ```
/// use std::time::Duration;
/// use kluis_transfer::*;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let request = SendRequest {
///     from: "ann@example.org".into(),
///     to: vec!["bob@example.org".into()],
///     subject: "Notes".into(),
///     message: None,
///     files: vec![FileSpec::new("notes.txt", 11)],
///     expires_in: Duration::from_secs(3600),
///     password: Password::new("zwaluw-kompas-9-tegelvloer-okapi"),
///     allow_weak_password: false,
/// };
/// let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
/// let mut sealing = TransferSealer::new(request, &options, 1_700_000_000)?;
/// let mut file = sealing.file(0)?;
/// let mut envelope = file.update(b"hello ")?;
/// envelope.extend(file.update(b"world")?);
/// let (tail, sealed) = file.finish()?;
/// envelope.extend(tail);
/// sealing.add(sealed)?;
/// let transfer = sealing.finish()?;
/// assert_eq!(transfer.blobs()[0].1, envelope.len() as u64);
/// assert_eq!(transfer.blobs()[1].0, BlobName::Manifest);
/// # Ok(()) }
/// ```
pub struct TransferSealer {
    manifest: Manifest,
    specs: Vec<FileSpec>,
    envelopes: Vec<u64>,
    seal_options: SealOptions,
    password: Password,
    /// Drawn by [`plan_ahead`](TransferSealer::plan_ahead): every file's
    /// key, blob id and envelope length, and the manifest's length.
    ahead: Option<Ahead>,
}

/// What [`TransferSealer::plan_ahead`] fixed before any file was sealed.
struct Ahead {
    files: Vec<(BlobId, Key, u64)>,
    manifest_len: u64,
}

impl std::fmt::Debug for TransferSealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferSealer")
            .field("id", &self.manifest.transfer)
            .field("files", &self.specs.len())
            .field("sealed", &self.manifest.files.len())
            .finish()
    }
}

impl TransferSealer {
    /// Checks the request as `kluis send` does (addresses, subject and
    /// message limits, file count, portable names, media types, expiry,
    /// password strength, Argon2 within [`OpenLimits::TRANSFER`], chunk and
    /// piece sizes) and draws the transfer id. `now` is the creation time,
    /// Unix seconds (a browser has no system clock to ask here).
    pub fn new(request: SendRequest, options: &SendOptions, now: u64) -> Result<TransferSealer, TransferError> {
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

        let mut specs = request.files;
        for spec in &mut specs {
            check_file_name(&spec.name)
                .map_err(|reason| TransferError::InvalidName { name: spec.name.clone(), reason })?;
            if spec.media_type.is_none() {
                spec.media_type = guess_media_type(&spec.name).map(str::to_owned);
            }
            if let Some(t) = &spec.media_type {
                check_media_type(t).map_err(TransferError::InvalidArgument)?;
            }
        }
        let id = TransferId::generate()?;
        let mut manifest = Manifest {
            version: MANIFEST_VERSION,
            transfer: id,
            from: request.from,
            to: request.to,
            subject: request.subject,
            message: request.message,
            created: now,
            expires: now.saturating_add(request.expires_in.as_secs()),
            files: Vec::new(),
        };
        if specs.is_empty() || specs.len() > MAX_FILES {
            return Err(TransferError::invalid(format!("{} files; 1 to {MAX_FILES} are allowed", specs.len())));
        }
        // Everything but the files' keys and hashes is known: check it
        // before sealing anything.
        manifest.files = specs
            .iter()
            .enumerate()
            .map(|(i, spec)| ManifestFile {
                blob: BlobId::from_bytes((i as u128).to_be_bytes()),
                name: spec.name.clone(),
                media_type: spec.media_type.clone(),
                size: spec.size,
                sha256: [0; 32],
                key: Key::from_bytes([0; 32]),
            })
            .collect();
        manifest.check().map_err(TransferError::InvalidArgument)?;
        manifest.files.clear();
        Ok(TransferSealer {
            manifest,
            specs,
            envelopes: Vec::new(),
            seal_options,
            password: request.password,
            ahead: None,
        })
    }

    /// The transfer's id.
    pub fn id(&self) -> TransferId {
        self.manifest.transfer
    }

    /// The files as checked (media types guessed where none was given).
    pub fn files(&self) -> &[FileSpec] {
        &self.specs
    }

    /// Sets the size of file `index` once known (a file on disk is
    /// measured when it is opened, after the request's checks).
    #[cfg(feature = "fs")]
    pub(crate) fn set_size(&mut self, index: usize, size: u64) {
        if let Some(spec) = self.specs.get_mut(index) {
            spec.size = size;
        }
    }

    /// A sealer for file `index`, under a fresh random key and blob id.
    /// Files are added in order: `index` must be the next one.
    pub fn file(&self, index: usize) -> Result<FileSealer, TransferError> {
        let spec = self.next_spec(index)?;
        let (blob, key) = self.file_key(index)?;
        let options = self.file_options(spec)?;
        let sealer = Sealer::new(Vec::new(), &[Secret::Key(key.clone())], &options)?;
        Ok(FileSealer { index, name: spec.name.clone(), blob, key, sealer, hasher: Sha256::new(), sealed_len: 0 })
    }

    /// File `index` for a host that seals its chunks itself, in parallel
    /// (the npm package's worker pool): its envelope header and the key of
    /// its chunks ([`kluis_core::ChunkCipher`]), under a fresh random key
    /// and blob id, as [`file`](TransferSealer::file) would seal it; the
    /// plaintext goes through [`ChunkedFile::hash`] in order for the
    /// manifest. Files are added in order.
    ///
    /// ```
    /// use std::time::Duration;
    /// use kluis_core::{ChunkCipher, ChunkSplitter};
    /// use kluis_transfer::*;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let request = SendRequest {
    ///     from: "ann@example.org".into(),
    ///     to: vec!["bob@example.org".into()],
    ///     subject: "Notes".into(),
    ///     message: None,
    ///     files: vec![FileSpec::new("notes.txt", 11)],
    ///     expires_in: Duration::from_secs(3600),
    ///     password: Password::new("zwaluw-kompas-9-tegelvloer-okapi"),
    ///     allow_weak_password: false,
    /// };
    /// let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
    /// let mut sealing = TransferSealer::new(request, &options, 1_700_000_000)?;
    /// let mut file = sealing.chunked_file(0)?;
    /// let mut splitter = ChunkSplitter::for_plaintext(file.chunk_key());
    /// let mut pieces = splitter.push(b"hello world"); // in a pool: a worker per batch
    /// pieces.push(splitter.finish()?);
    /// file.hash(b"hello world");
    /// let cipher = ChunkCipher::new(file.chunk_key());
    /// let mut envelope = file.header().to_vec();
    /// for p in pieces {
    ///     envelope.extend(cipher.seal(p.index, p.last, &p.bytes)?);
    /// }
    /// sealing.add(file.finish(envelope.len() as u64)?)?;
    /// let transfer = sealing.finish()?;
    /// assert_eq!(transfer.blobs()[0].1, envelope.len() as u64);
    /// # Ok(()) }
    /// ```
    pub fn chunked_file(&self, index: usize) -> Result<ChunkedFile, TransferError> {
        let spec = self.next_spec(index)?;
        let (blob, key) = self.file_key(index)?;
        let options = self.file_options(spec)?;
        let (header, chunk_key) = seal_header(&[Secret::Key(key.clone())], &options)?;
        Ok(ChunkedFile {
            index,
            name: spec.name.clone(),
            expected: spec.size,
            blob,
            key,
            header,
            chunk_key,
            hasher: Sha256::new(),
            size: 0,
        })
    }

    /// The blob id and key of file `index`: the ones [`plan_ahead`](TransferSealer::plan_ahead)
    /// drew, else fresh random ones.
    fn file_key(&self, index: usize) -> Result<(BlobId, Key), TransferError> {
        match self.ahead.as_ref().and_then(|a| a.files.get(index)) {
            Some((blob, key, _)) => Ok((*blob, key.clone())),
            None => Ok((BlobId::generate()?, Key::generate().map_err(|_| TransferError::Randomness)?)),
        }
    }

    /// The seal options of a file: its name, size and media type as metadata.
    fn file_options(&self, spec: &FileSpec) -> Result<SealOptions, TransferError> {
        let mut metadata = Metadata::named(&spec.name).with_size(spec.size);
        metadata.media_type = spec.media_type.clone();
        self.seal_options.clone().with_metadata(&metadata).map_err(TransferError::Seal)
    }

    /// Fixes now, before any file is sealed, what the announcement of the
    /// transfer needs: every file's key and blob id (drawn here; [`file`](TransferSealer::file)
    /// and [`chunked_file`](TransferSealer::chunked_file) use them) and
    /// every blob's exact sealed length ([`kluis_core::envelope_len`]: from
    /// each file's size, the chunk size and the slots; the manifest's from
    /// its JSON, whose length the files' hashes do not change). The upload
    /// can then start at once and take each file's envelope as it is sealed
    /// (a streamed send: [`crate::http::SendSession::streamed`]); the
    /// manifest, sealed by [`finish`](TransferSealer::finish) once every
    /// file is added, stays the last blob. A sealed file or manifest of
    /// another length than planned is refused. Call it before the first
    /// file, at most once.
    ///
    /// ```
    /// use std::time::Duration;
    /// use kluis_transfer::*;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let request = SendRequest {
    ///     from: "ann@example.org".into(), to: vec!["bob@example.org".into()], subject: "Hi".into(),
    ///     message: None, files: vec![FileSpec::new("hi.txt", 2)], expires_in: Duration::from_secs(60),
    ///     password: Password::new("zwaluw-kompas-9-tegelvloer-okapi"), allow_weak_password: false,
    /// };
    /// let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
    /// let mut sealing = TransferSealer::new(request, &options, 1_700_000_000)?;
    /// let plan = sealing.plan_ahead()?;
    /// let mut file = sealing.file(0)?;
    /// let mut envelope = file.update(b"hi")?;
    /// let (tail, sealed) = file.finish()?;
    /// envelope.extend(tail);
    /// sealing.add(sealed)?;
    /// let transfer = sealing.finish()?;
    /// assert_eq!(plan.blobs, transfer.blobs());
    /// assert_eq!(plan.blobs[0].1, envelope.len() as u64);
    /// # Ok(()) }
    /// ```
    pub fn plan_ahead(&mut self) -> Result<crate::TransferPlan, TransferError> {
        if self.ahead.is_some() || !self.manifest.files.is_empty() {
            return Err(TransferError::invalid("plan the transfer ahead once, before its first file"));
        }
        let mut files = Vec::with_capacity(self.specs.len());
        let mut listed = Vec::with_capacity(self.specs.len());
        for spec in &self.specs {
            let blob = BlobId::generate()?;
            let key = Key::generate().map_err(|_| TransferError::Randomness)?;
            let len = envelope_len(spec.size, &[Secret::Key(key.clone())], &self.file_options(spec)?)?;
            listed.push(ManifestFile {
                blob,
                name: spec.name.clone(),
                media_type: spec.media_type.clone(),
                size: spec.size,
                sha256: [0; 32],
                key: key.clone(),
            });
            files.push((blob, key, len));
        }
        // The manifest as it will be but for the hashes (fixed-width hex).
        self.manifest.files = listed;
        let json = self.manifest.to_json();
        let info = self.manifest.info();
        self.manifest.files.clear();
        let manifest_len =
            envelope_len(json?.len() as u64, &[Secret::Password(self.password.clone())], &self.seal_options)?;
        let mut blobs: Vec<(BlobName, u64)> = files.iter().map(|&(blob, _, len)| (BlobName::File(blob), len)).collect();
        blobs.push((BlobName::Manifest, manifest_len));
        self.ahead = Some(Ahead { files, manifest_len });
        Ok(crate::TransferPlan {
            id: info.id,
            sender: info.from,
            recipients: info.to,
            expires_at: info.expires_at,
            blobs,
            subject: info.subject,
            file_names: info.files.into_iter().map(|f| f.name).collect(),
        })
    }

    /// The spec of file `index`, when it is the next to seal.
    fn next_spec(&self, index: usize) -> Result<&FileSpec, TransferError> {
        let spec = self
            .specs
            .get(index)
            .ok_or_else(|| TransferError::invalid(format!("no file {index}: the transfer has {}", self.specs.len())))?;
        if index != self.manifest.files.len() {
            return Err(TransferError::invalid(format!(
                "file {index} sealed out of order: file {} is next",
                self.manifest.files.len()
            )));
        }
        Ok(spec)
    }

    /// Adds a sealed file (from [`FileSealer::finish`]) in its place.
    pub fn add(&mut self, sealed: SealedFile) -> Result<(), TransferError> {
        let next = self.manifest.files.len();
        let spec = self.specs.get(sealed.index).filter(|_| sealed.index == next).ok_or_else(|| {
            TransferError::invalid(format!("sealed file {} added out of order: file {next} is next", sealed.index))
        })?;
        if let Some((blob, _, len)) = self.ahead.as_ref().and_then(|a| a.files.get(sealed.index)) {
            if *blob != sealed.blob || *len != sealed.envelope_len {
                return Err(TransferError::invalid(format!(
                    "file {}: an envelope of {} bytes, not the {len} planned ahead",
                    sealed.index + 1,
                    sealed.envelope_len
                )));
            }
        }
        self.manifest.files.push(ManifestFile {
            blob: sealed.blob,
            name: spec.name.clone(),
            media_type: spec.media_type.clone(),
            size: sealed.size,
            sha256: sealed.sha256,
            key: sealed.key,
        });
        self.envelopes.push(sealed.envelope_len);
        Ok(())
    }

    /// Seals the manifest with the password (one Argon2 run), once every
    /// file was added.
    pub fn finish(self) -> Result<SealedTransfer, TransferError> {
        if self.manifest.files.len() != self.specs.len() {
            return Err(TransferError::invalid(format!(
                "{} of {} files sealed: seal every file before the manifest",
                self.manifest.files.len(),
                self.specs.len()
            )));
        }
        let json = self.manifest.to_json()?;
        let manifest = seal_bytes(&json, &[Secret::Password(self.password.clone())], &self.seal_options)?;
        if let Some(ahead) = &self.ahead {
            if ahead.manifest_len != manifest.len() as u64 {
                return Err(TransferError::invalid(format!(
                    "a manifest of {} bytes, not the {} planned ahead",
                    manifest.len(),
                    ahead.manifest_len
                )));
            }
        }
        let mut blobs: Vec<(BlobName, u64)> =
            self.manifest.files.iter().zip(&self.envelopes).map(|(f, &len)| (BlobName::File(f.blob), len)).collect();
        blobs.push((BlobName::Manifest, manifest.len() as u64));
        Ok(SealedTransfer { info: self.manifest.info(), blobs, manifest })
    }
}

/// Seals one file: plaintext in through [`update`](FileSealer::update), the
/// envelope bytes out, hashed (SHA-256) on the way for the manifest. Memory
/// stays at about one chunk batch. Dropping it wipes the key.
pub struct FileSealer {
    index: usize,
    name: String,
    blob: BlobId,
    key: Key,
    sealer: Sealer<Vec<u8>>,
    hasher: Sha256,
    sealed_len: u64,
}

impl std::fmt::Debug for FileSealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileSealer").field("index", &self.index).field("read", &self.sealer.plaintext_len()).finish()
    }
}

impl FileSealer {
    /// Seals the next plaintext bytes; returns the envelope bytes ready so
    /// far (the header first; may be empty while a chunk fills).
    pub fn update(&mut self, plaintext: &[u8]) -> Result<Vec<u8>, TransferError> {
        use std::io::Write;
        self.hasher.update(plaintext);
        self.sealer.write_all(plaintext).map_err(|e| size_error(&self.name, e.into()))?;
        let out = std::mem::take(self.sealer.get_mut());
        self.sealed_len += out.len() as u64;
        Ok(out)
    }

    /// Ends the file: the last envelope bytes, and what the manifest needs.
    /// Fewer or more bytes than the [`FileSpec`]'s size is an error (the
    /// file changed while being sent).
    pub fn finish(self) -> Result<(Vec<u8>, SealedFile), TransferError> {
        let size = self.sealer.plaintext_len();
        let FileSealer { index, name, blob, key, sealer, hasher, sealed_len } = self;
        let tail = sealer.finish().map_err(|e| size_error(&name, e))?;
        let envelope_len = sealed_len + tail.len() as u64;
        Ok((tail, SealedFile { index, blob, key, size, sha256: hasher.finalize().into(), envelope_len }))
    }
}

/// A file whose chunks the host seals (from
/// [`TransferSealer::chunked_file`]): the envelope header to start it with,
/// the chunk key to seal its chunks with, and the SHA-256 of its plaintext,
/// fed in order. Dropping it wipes the keys.
pub struct ChunkedFile {
    index: usize,
    name: String,
    expected: u64,
    blob: BlobId,
    key: Key,
    header: Vec<u8>,
    chunk_key: ChunkKey,
    hasher: Sha256,
    size: u64,
}

impl std::fmt::Debug for ChunkedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChunkedFile").field("index", &self.index).field("hashed", &self.size).finish_non_exhaustive()
    }
}

impl ChunkedFile {
    /// The envelope's header: its first bytes.
    pub fn header(&self) -> &[u8] {
        &self.header
    }

    /// The key the chunks are sealed with (a [`kluis_core::ChunkCipher`]
    /// per worker, a [`kluis_core::ChunkSplitter`] to cut the plaintext).
    pub fn chunk_key(&self) -> &ChunkKey {
        &self.chunk_key
    }

    /// Hashes the next plaintext bytes (all of them, in order).
    pub fn hash(&mut self, plaintext: &[u8]) {
        self.hasher.update(plaintext);
        self.size += plaintext.len() as u64;
    }

    /// Ends the file, whose envelope (header and chunks) had
    /// `envelope_len` bytes: what the manifest needs. Fewer or more
    /// plaintext bytes than the [`FileSpec`]'s size is an error (the file
    /// changed while being sent).
    pub fn finish(self, envelope_len: u64) -> Result<SealedFile, TransferError> {
        let ChunkedFile { index, name, expected, blob, key, hasher, size, .. } = self;
        if size != expected {
            return Err(size_error(&name, SealError::SizeMismatch { expected, actual: size }));
        }
        Ok(SealedFile { index, blob, key, size, sha256: hasher.finalize().into(), envelope_len })
    }
}

/// A sealer's error, naming the file when it changed while being read.
fn size_error(name: &str, e: SealError) -> TransferError {
    match e {
        SealError::SizeMismatch { expected, actual } => TransferError::invalid(format!(
            "{name}: {actual} bytes read but the file had {expected} when opened (it changed while being sent)"
        )),
        e => e.into(),
    }
}

/// A file sealed by [`FileSealer::finish`], to [`add`](TransferSealer::add):
/// its key, size, SHA-256 and envelope length. Shows no key.
pub struct SealedFile {
    index: usize,
    blob: BlobId,
    key: Key,
    size: u64,
    sha256: [u8; 32],
    envelope_len: u64,
}

impl std::fmt::Debug for SealedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedFile")
            .field("index", &self.index)
            .field("size", &self.size)
            .field("envelope_len", &self.envelope_len)
            .finish_non_exhaustive()
    }
}

impl SealedFile {
    /// The envelope's length in bytes.
    pub fn envelope_len(&self) -> u64 {
        self.envelope_len
    }
}

/// A sealed transfer, ready to upload: what the recipients will see, each
/// blob with its sealed length (the files' in order, then `manifest`), and
/// the sealed manifest itself. The files' envelopes stay with the host.
#[derive(Clone)]
pub struct SealedTransfer {
    info: TransferInfo,
    blobs: Vec<(BlobName, u64)>,
    manifest: Vec<u8>,
}

impl std::fmt::Debug for SealedTransfer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedTransfer").field("id", &self.info.id).field("blobs", &self.blobs.len()).finish()
    }
}

impl SealedTransfer {
    /// The transfer's id.
    pub fn id(&self) -> TransferId {
        self.info.id
    }

    /// What the recipients will see (without keys).
    pub fn info(&self) -> &TransferInfo {
        &self.info
    }

    /// Every blob with its sealed length: file `i` at `i`, the manifest last.
    pub fn blobs(&self) -> &[(BlobName, u64)] {
        &self.blobs
    }

    /// The sealed manifest (the last blob's bytes).
    pub fn manifest(&self) -> &[u8] {
        &self.manifest
    }

    /// Sealed bytes to store, all blobs together.
    pub fn sealed_len(&self) -> u64 {
        self.blobs.iter().map(|(_, len)| len).sum()
    }

    /// The announcement for [`Transport::begin_transfer`](crate::Transport::begin_transfer).
    pub fn plan(&self) -> crate::TransferPlan {
        crate::TransferPlan {
            id: self.info.id,
            sender: self.info.from.clone(),
            recipients: self.info.to.clone(),
            expires_at: self.info.expires_at,
            blobs: self.blobs.clone(),
            subject: self.info.subject.clone(),
            file_names: self.info.files.iter().map(|f| f.name.clone()).collect(),
        }
    }
}
