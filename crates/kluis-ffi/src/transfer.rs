//! Transfers: sending, opening and downloading, and transfer passwords.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kluis_core::Password;
use kluis_transfer as kt;
use kluis_transfer::{NoProgress, TransferId};

use crate::error::KluisError;
use crate::transport::{Transport, TransportAdapter};
use crate::types::{Argon2Params, OpenLimits, core_limits};

fn unix_time(seconds: Option<u64>) -> Option<SystemTime> {
    seconds.map(|s| UNIX_EPOCH + Duration::from_secs(s))
}

/// Whole seconds since the Unix epoch (0 for an earlier time).
fn unix_seconds(time: Option<SystemTime>) -> Option<u64> {
    time.map(|t| t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()))
}

/// A size as the `u64` of a record (a `usize` always fits).
fn size(bytes: usize) -> u64 {
    u64::try_from(bytes).unwrap_or(u64::MAX)
}

fn parse_id(text: &str) -> Result<TransferId, KluisError> {
    TransferId::parse(text).map_err(|e| KluisError::invalid(format!("invalid transfer id {text:?}: {e}")))
}

fn index(i: u32) -> usize {
    // u32 always fits in usize on the platforms uniffi supports.
    usize::try_from(i).unwrap_or(usize::MAX)
}

/// One file to send.
#[derive(Clone, Debug, uniffi::Enum)]
pub enum FileSource {
    /// A file on disk, read as a stream.
    Path {
        /// Where it is.
        path: String,
        /// The name to send (None: the path's last component).
        name: Option<String>,
        /// The media type (None: guessed from the name).
        media_type: Option<String>,
    },
    /// Bytes in memory.
    Bytes {
        /// The name to send.
        name: String,
        /// The content.
        data: Vec<u8>,
        /// The media type (None: guessed from the name).
        media_type: Option<String>,
    },
}

impl From<FileSource> for kt::FileSource {
    fn from(f: FileSource) -> Self {
        match f {
            FileSource::Path { path, name, media_type } => kt::FileSource::Path { path: path.into(), name, media_type },
            FileSource::Bytes { name, data, media_type } => kt::FileSource::Bytes { name, media_type, data },
        }
    }
}

/// What to send, to whom, under which password. The defaults of the last
/// four fields are those of `default_transfer_request` (the expiry is
/// `kluis_transfer::DEFAULT_EXPIRES_IN`; a test checks each literal).
#[derive(Clone, uniffi::Record)]
pub struct TransferRequest {
    /// The sender's address.
    pub sender: String,
    /// The recipients' addresses (at least one).
    pub recipients: Vec<String>,
    /// The files (at least one).
    pub files: Vec<FileSource>,
    /// The transfer password (see `generate_password`); tell it to the
    /// recipients another way than the mail with the link.
    pub password: String,
    /// The subject (may be empty).
    #[uniffi(default = "")]
    pub subject: String,
    /// A confidential message, sealed with the transfer.
    #[uniffi(default = None)]
    pub message: Option<String>,
    /// How long the transfer stays available, in seconds: 1 to 366 days
    /// (default 7 days).
    #[uniffi(default = 604800)]
    pub expires_in_seconds: u64,
    /// Accept a password that `rate_password` finds weak.
    #[uniffi(default = false)]
    pub allow_weak_password: bool,
}

// Never print the password.
impl std::fmt::Debug for TransferRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferRequest")
            .field("sender", &self.sender)
            .field("recipients", &self.recipients)
            .field("files", &self.files.len())
            .finish_non_exhaustive()
    }
}

impl From<TransferRequest> for kt::TransferRequest {
    fn from(r: TransferRequest) -> Self {
        kt::TransferRequest {
            from: r.sender,
            to: r.recipients,
            subject: r.subject,
            message: r.message,
            files: r.files.into_iter().map(Into::into).collect(),
            expires_in: Duration::from_secs(r.expires_in_seconds),
            password: Password::new(r.password),
            allow_weak_password: r.allow_weak_password,
        }
    }
}

/// How to seal and upload a transfer. The field defaults are
/// `kluis_transfer::SendOptions::default()`'s (`default_send_options`
/// returns them; a test checks each literal against it).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SendOptions {
    /// Argon2id cost of the transfer password.
    #[uniffi(default)]
    pub argon2: Argon2Params,
    /// Envelope chunk size: a power of two from 4096 to 16777216.
    #[uniffi(default = 65536)]
    pub chunk_size: u64,
    /// Bytes per `put_range` call (4 KiB to 64 MiB).
    #[uniffi(default = 1048576)]
    pub piece_size: u64,
    /// Where sealed copies wait for upload (None: the system's temporary folder).
    #[uniffi(default = None)]
    pub temp_dir: Option<String>,
    /// The current time in Unix seconds, for tests (None: the system clock).
    #[uniffi(default = None)]
    pub now: Option<u64>,
}

impl Default for SendOptions {
    fn default() -> Self {
        kt::SendOptions::default().into()
    }
}

impl From<kt::SendOptions> for SendOptions {
    /// All but `upload_attempts`, which bindings leave at the shared
    /// resume-and-retry policy.
    fn from(o: kt::SendOptions) -> Self {
        SendOptions {
            argon2: o.argon2.into(),
            chunk_size: o.chunk_size,
            piece_size: size(o.piece_size),
            temp_dir: o.temp_dir.map(|p| p.to_string_lossy().into_owned()),
            now: unix_seconds(o.now),
        }
    }
}

pub(crate) fn send_options(o: Option<SendOptions>) -> Result<kt::SendOptions, KluisError> {
    let Some(o) = o else { return Ok(kt::SendOptions::default()) };
    Ok(kt::SendOptions {
        argon2: o.argon2.into(),
        chunk_size: o.chunk_size,
        piece_size: usize::try_from(o.piece_size).map_err(|_| KluisError::invalid("piece_size is too large"))?,
        temp_dir: o.temp_dir.map(Into::into),
        now: unix_time(o.now),
        // The shared resume-and-retry policy (kluis_transfer::UPLOAD_ATTEMPTS), as `kluis send` uses it.
        ..kt::SendOptions::default()
    })
}

/// The result of a successful send.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SentTransfer {
    /// The transfer's id (26 characters; see `DirectoryTransport.link`).
    pub transfer_id: String,
    /// Creation time, Unix seconds.
    pub created_at: u64,
    /// Expiry time, Unix seconds.
    pub expires_at: u64,
    /// Sealed bytes stored for the transfer.
    pub stored_bytes: u64,
    /// Bytes sent by this call.
    pub uploaded_bytes: u64,
}

/// Seals the request's files and message and uploads them through
/// `transport`. `options` None means the defaults.
#[uniffi::export(default(options = None))]
pub fn send_transfer(
    transport: Arc<dyn Transport>,
    request: TransferRequest,
    options: Option<SendOptions>,
) -> Result<SentTransfer, KluisError> {
    let sent = kt::send_transfer(&TransportAdapter(transport), request.into(), &send_options(options)?, &NoProgress)?;
    Ok(SentTransfer {
        transfer_id: sent.id.to_string(),
        created_at: sent.created_at,
        expires_at: sent.expires_at,
        stored_bytes: sent.stored_bytes,
        uploaded_bytes: sent.uploaded_bytes,
    })
}

/// How to open and download a transfer. The field defaults are
/// `kluis_transfer::ReceiveOptions::default()`'s (`default_receive_options`
/// returns them; a test checks each literal against it).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ReceiveOptions {
    /// Caps on the Argon2 work the transfer may ask for, checked before any
    /// Argon2 run (None: the transfer limits, 2 password slots, 256 MiB,
    /// 8 passes, 8 lanes; every Kluis sender stays within them).
    #[uniffi(default = None)]
    pub limits: Option<OpenLimits>,
    /// Bytes per `read_range` call (4 KiB to 64 MiB).
    #[uniffi(default = 1048576)]
    pub piece_size: u64,
    /// The current time in Unix seconds, for tests (None: the system clock).
    #[uniffi(default = None)]
    pub now: Option<u64>,
}

impl Default for ReceiveOptions {
    fn default() -> Self {
        kt::ReceiveOptions::default().into()
    }
}

impl From<kt::ReceiveOptions> for ReceiveOptions {
    /// The transfer limits (`OpenLimits::TRANSFER`), the default, are
    /// `limits` None; other limits are given as they are.
    fn from(o: kt::ReceiveOptions) -> Self {
        ReceiveOptions {
            limits: (o.limits != kluis_core::OpenLimits::TRANSFER).then(|| o.limits.into()),
            piece_size: size(o.piece_size),
            now: unix_seconds(o.now),
        }
    }
}

pub(crate) fn receive_options(o: Option<ReceiveOptions>) -> Result<kt::ReceiveOptions, KluisError> {
    let Some(o) = o else { return Ok(kt::ReceiveOptions::default()) };
    Ok(kt::ReceiveOptions {
        limits: core_limits(o.limits, kluis_core::OpenLimits::TRANSFER)?,
        piece_size: usize::try_from(o.piece_size).map_err(|_| KluisError::invalid("piece_size is too large"))?,
        now: unix_time(o.now),
    })
}

/// One file of a received transfer.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TransferFile {
    /// The name the sender gave.
    pub name: String,
    /// The name `download_file` saves it under (made unique within the transfer).
    pub save_name: String,
    /// The media type, if known.
    pub media_type: Option<String>,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content, 64 lowercase hex digits.
    pub sha256: String,
}

/// What a received transfer holds.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TransferInfo {
    /// The transfer's id.
    pub transfer_id: String,
    /// The sender's address.
    pub sender: String,
    /// The recipients' addresses.
    pub recipients: Vec<String>,
    /// The subject.
    pub subject: String,
    /// The confidential message, if any.
    pub message: Option<String>,
    /// Creation time, Unix seconds.
    pub created_at: u64,
    /// Expiry time, Unix seconds.
    pub expires_at: u64,
    /// The files, in the sender's order.
    pub files: Vec<TransferFile>,
}

/// A transfer whose password opened it: its contents, and the files to
/// download. Every file is verified (authenticated, size and SHA-256) as it
/// is downloaded; a download appears only once complete.
#[derive(uniffi::Object)]
pub struct ReceivedTransfer {
    opened: kt::OpenedTransfer,
    transport: TransportAdapter,
}

/// Opens transfer `transfer_id` in `transport` with `password` (one Argon2
/// run). Raises `NotFound`, `WrongSecret`, `Expired` or `Tampered`.
#[uniffi::export(default(options = None))]
pub fn open_transfer(
    transport: Arc<dyn Transport>,
    transfer_id: String,
    password: String,
    options: Option<ReceiveOptions>,
) -> Result<Arc<ReceivedTransfer>, KluisError> {
    let transport = TransportAdapter(transport);
    let id = parse_id(&transfer_id)?;
    let opened = kt::open_transfer(&transport, &id, &Password::new(password), &receive_options(options)?)?;
    Ok(Arc::new(ReceivedTransfer { opened, transport }))
}

#[uniffi::export]
impl ReceivedTransfer {
    /// Sender, recipients, subject, message, times and files.
    pub fn info(&self) -> TransferInfo {
        let i = self.opened.info();
        TransferInfo {
            transfer_id: i.id.to_string(),
            sender: i.from.clone(),
            recipients: i.to.clone(),
            subject: i.subject.clone(),
            message: i.message.clone(),
            created_at: i.created_at,
            expires_at: i.expires_at,
            files: i
                .files
                .iter()
                .enumerate()
                .map(|(n, f)| TransferFile {
                    name: f.name.clone(),
                    save_name: self.opened.save_name(n).unwrap_or(&f.name).to_owned(),
                    media_type: f.media_type.clone(),
                    size: f.size,
                    sha256: f.sha256_hex(),
                })
                .collect(),
        }
    }

    /// Fetches and verifies file `index` (from 0) into memory.
    pub fn read_file(&self, index: u32) -> Result<Vec<u8>, KluisError> {
        let mut out = Vec::new();
        self.opened.read_file(&self.transport, crate::transfer::index(index), &mut out, &NoProgress)?;
        Ok(out)
    }

    /// Downloads file `index` into the folder `dest_dir` under its save
    /// name; returns the path. An existing file raises `AlreadyExists`
    /// unless `overwrite`.
    #[uniffi::method(default(overwrite = false))]
    pub fn download_file(&self, index: u32, dest_dir: String, overwrite: bool) -> Result<String, KluisError> {
        let i = crate::transfer::index(index);
        let path = self.opened.download_file(&self.transport, i, Path::new(&dest_dir), overwrite, &NoProgress)?;
        Ok(path.to_string_lossy().into_owned())
    }

    /// Downloads file `index` to the path `dest_path` chosen by the caller.
    #[uniffi::method(default(overwrite = false))]
    pub fn download_file_to(&self, index: u32, dest_path: String, overwrite: bool) -> Result<String, KluisError> {
        let i = crate::transfer::index(index);
        let path = self.opened.download_file_to(&self.transport, i, Path::new(&dest_path), overwrite, &NoProgress)?;
        Ok(path.to_string_lossy().into_owned())
    }

    /// Downloads every file into the folder `dest_dir`; returns the paths.
    #[uniffi::method(default(overwrite = false))]
    pub fn download_all(&self, dest_dir: String, overwrite: bool) -> Result<Vec<String>, KluisError> {
        let paths = self.opened.download_all(&self.transport, Path::new(&dest_dir), overwrite, &NoProgress)?;
        Ok(paths.iter().map(|p| p.to_string_lossy().into_owned()).collect())
    }
}

/// A transfer link, parsed.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TransferLink {
    /// The transfer's id.
    pub transfer_id: String,
    /// For a `file://` link: the folder of the store (open it with
    /// `DirectoryTransport(store_path)`).
    pub store_path: Option<String>,
    /// For an `https://` link: the server's base address.
    pub server_base: Option<String>,
}

/// Parses a transfer link, strictly (it never carries a password).
#[uniffi::export]
pub fn parse_link(link: String) -> Result<TransferLink, KluisError> {
    let parsed = kt::Link::parse(&link).map_err(|e| KluisError::invalid(e.to_string()))?;
    let transfer_id = parsed.transfer().to_string();
    Ok(match parsed {
        kt::Link::Directory { store, .. } => {
            TransferLink { transfer_id, store_path: Some(store.to_string_lossy().into_owned()), server_base: None }
        }
        kt::Link::Server { base, .. } => TransferLink { transfer_id, store_path: None, server_base: Some(base) },
    })
}

/// The kind of password `generate_password` makes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, uniffi::Enum)]
pub enum PasswordStyle {
    /// Six dash-separated groups of four characters, e.g.
    /// `k7mq-3xpz-h9wd-2rtf-bn4c-e8ya` (118.9 bits).
    #[default]
    Characters,
    /// Ten dash-separated English words (110 bits).
    Words,
}

/// Generates a random transfer password of at least 100 bits (None: the
/// `Characters` style).
#[uniffi::export(default(style = None))]
pub fn generate_password(style: Option<PasswordStyle>) -> Result<String, KluisError> {
    let style = match style.unwrap_or_default() {
        PasswordStyle::Characters => kt::PasswordStyle::Characters,
        PasswordStyle::Words => kt::PasswordStyle::Words,
    };
    Ok(kt::generate_password(style)?.expose().to_owned())
}

/// How strong a user-chosen password is.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct PasswordRating {
    /// zxcvbn score, 0 (guessable in 10³ tries) to 4.
    pub score: u8,
    /// Whether sending accepts it without `allow_weak_password`: score ≥ 3
    /// and at least 10 characters.
    pub acceptable: bool,
    /// Why it is not acceptable, in a sentence for the user; None when it is.
    pub reason: Option<String>,
    /// What is wrong with it, if a pattern was found.
    pub warning: Option<String>,
    /// How to make it stronger.
    pub suggestions: Vec<String>,
    /// log₁₀ of the estimated number of guesses.
    pub guesses_log10: f64,
    /// Length in characters (after normalisation).
    pub chars: u64,
}

/// Rates a user-chosen password. `context` holds words it should not be
/// built from (sender, recipients, subject).
#[uniffi::export(default(context = []))]
pub fn rate_password(password: String, context: Vec<String>) -> PasswordRating {
    let context: Vec<&str> = context.iter().map(String::as_str).collect();
    let r = kt::rate_password(&Password::new(password), &context);
    PasswordRating {
        score: r.score,
        acceptable: r.acceptable,
        reason: r.reason(),
        warning: r.warning,
        suggestions: r.suggestions,
        guesses_log10: r.guesses_log10,
        chars: r.chars as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::{DirectoryTransport, TransferPlan, TransportError};

    fn options(limits: Option<OpenLimits>) -> ReceiveOptions {
        ReceiveOptions { limits, piece_size: 1 << 20, now: None }
    }

    /// A transfer's default limits are the tight transfer limits, whether
    /// the options are absent or leave `limits` out; a foreign caller's
    /// limits are bounded by what any Kluis envelope asks.
    #[test]
    fn receive_limits_default_to_the_transfer_limits_and_are_bounded() {
        assert_eq!(receive_options(None).unwrap().limits, kluis_core::OpenLimits::TRANSFER);
        assert_eq!(receive_options(Some(options(None))).unwrap().limits, kluis_core::OpenLimits::TRANSFER);
        let envelope = OpenLimits::default();
        assert_eq!(receive_options(Some(options(Some(envelope)))).unwrap().limits, kluis_core::OpenLimits::ENVELOPE);
        for huge in [
            OpenLimits { max_m_kib: u32::MAX, ..envelope },
            OpenLimits { max_t: u32::MAX, ..envelope },
            OpenLimits { max_p: u8::MAX, ..envelope },
            OpenLimits { max_password_slots: 5, ..envelope },
        ] {
            let r = receive_options(Some(options(Some(huge))));
            assert!(matches!(&r, Err(KluisError::InvalidArgument(m)) if m.contains("OpenLimits.max_")), "{r:?}");
        }
        // Piece and chunk sizes are checked by kluis-transfer when it
        // starts (4 KiB..=64 MiB; 4 KiB..=16 MiB powers of two).
        let piece = ReceiveOptions { piece_size: u64::MAX, ..options(None) };
        let store =
            DirectoryTransport::new(std::env::temp_dir().join("kluis-ffi-piece").to_string_lossy().into_owned());
        let r = open_transfer(store.unwrap(), "a".repeat(26), "pw".into(), Some(piece));
        assert!(matches!(&r, Err(KluisError::InvalidArgument(m)) if m.contains("piece size")), "{:?}", r.err());
    }

    /// A foreign transport that answers a read with more than was asked.
    struct Overreading(Arc<DirectoryTransport>);

    impl Transport for Overreading {
        fn begin_transfer(&self, plan: TransferPlan) -> Result<(), TransportError> {
            self.0.begin_transfer(plan)
        }
        fn put_range(&self, t: String, b: String, offset: u64, data: Vec<u8>) -> Result<(), TransportError> {
            self.0.put_range(t, b, offset, data)
        }
        fn partial_len(&self, t: String, b: String) -> Result<Option<u64>, TransportError> {
            self.0.partial_len(t, b)
        }
        fn finish_blob(&self, t: String, b: String, total_len: u64) -> Result<(), TransportError> {
            self.0.finish_blob(t, b, total_len)
        }
        fn complete_len(&self, t: String, b: String) -> Result<Option<u64>, TransportError> {
            self.0.complete_len(t, b)
        }
        fn read_range(&self, t: String, b: String, offset: u64, length: u64) -> Result<Vec<u8>, TransportError> {
            let mut out = self.0.read_range(t, b, offset, length)?;
            out.extend_from_slice(&[0; 64]);
            Ok(out)
        }
        fn finish_transfer(&self, t: String, expires_at: u64) -> Result<(), TransportError> {
            self.0.finish_transfer(t, expires_at)
        }
        fn expiry(&self, t: String) -> Result<Option<u64>, TransportError> {
            self.0.expiry(t)
        }
        fn delete_transfer(&self, t: String) -> Result<(), TransportError> {
            self.0.delete_transfer(t)
        }
        fn list_expired(&self, now: u64) -> Result<Vec<String>, TransportError> {
            self.0.list_expired(now)
        }
    }

    #[test]
    fn a_foreign_read_longer_than_asked_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirectoryTransport::new(dir.path().to_string_lossy().into_owned()).unwrap();
        let id = kt::TransferId::generate().unwrap();
        let adapter = TransportAdapter(Arc::new(Overreading(store)));
        kt::Transport::put_range(&adapter, &id, &kt::BlobName::Manifest, 0, b"0123456789").unwrap();
        kt::Transport::finish_blob(&adapter, &id, &kt::BlobName::Manifest, 10).unwrap();
        let r = kt::Transport::read_range(&adapter, &id, &kt::BlobName::Manifest, 0, 4);
        assert!(
            matches!(&r, Err(kt::TransportError::Other(m)) if m.contains("68 bytes for a read of at most 4")),
            "{r:?}"
        );
    }
}
