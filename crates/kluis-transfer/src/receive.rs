//! Receiving: open the manifest with the password (one Argon2 run), then
//! fetch, decrypt and verify files one by one.

#[cfg(feature = "fs")]
use std::io;
use std::io::Write;
#[cfg(feature = "fs")]
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use kluis_core::{OpenLimits, Password};
#[cfg(feature = "fs")]
use kluis_core::{OutputError, OutputFile};

use crate::error::TransferError;
use crate::manifest::{Manifest, TransferInfo};
use crate::names::{check_file_name, unique_names};
use crate::progress::Progress;
use crate::send::{DEFAULT_PIECE_SIZE, check_piece_size};
use crate::session::{FileDownload, ManifestFetch, execute};
use crate::transport::{TransferPlan, Transport};
use kluis_protocol::TransferId;
use kluis_protocol::unix_seconds;

/// How to open and download.
///
/// ```
/// use kluis_transfer::ReceiveOptions;
/// let options = ReceiveOptions::default();
/// assert_eq!(options.limits, kluis_core::OpenLimits::TRANSFER);
/// ```
#[derive(Clone, Debug)]
pub struct ReceiveOptions {
    /// Caps on the Argon2 work the manifest may ask for, checked before any
    /// Argon2 run (default [`OpenLimits::TRANSFER`]: 2 password slots,
    /// 256 MiB, 8 passes, 8 lanes; a Kluis sender stays within them).
    pub limits: OpenLimits,
    /// Bytes per `read_range` call (4 KiB to 64 MiB).
    pub piece_size: usize,
    /// The current time (tests); `None` uses the system clock.
    pub now: Option<SystemTime>,
}

impl Default for ReceiveOptions {
    fn default() -> Self {
        ReceiveOptions { limits: OpenLimits::TRANSFER, piece_size: DEFAULT_PIECE_SIZE, now: None }
    }
}

/// A transfer whose manifest opened: what it holds, and the keys to fetch
/// its files. Dropping it zeroizes the keys.
///
/// ```no_run
/// use kluis_transfer::*;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let link = Link::parse("file:///home/bob/.local/share/kluis/store/aaaaaaaaaaaaaaaaaaaaaaaaaa")?;
/// let Link::Directory { store, transfer } = link else { unreachable!() };
/// let store = DirectoryTransport::open(store)?;
/// let opened = open_transfer(&store, &transfer, &Password::new("k7mq-3xpz-h9wd-2rtf-bn4c-e8ya"), &ReceiveOptions::default())?;
/// println!("From {}: {}", opened.info().from, opened.info().subject);
/// for path in opened.download_all(&store, "Downloads".as_ref(), false, &NoProgress)? {
///     println!("saved {}", path.display());
/// }
/// # Ok(()) }
/// ```
pub struct OpenedTransfer {
    manifest: Manifest,
    info: TransferInfo,
    save_names: Vec<String>,
    options: ReceiveOptions,
}

impl std::fmt::Debug for OpenedTransfer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenedTransfer").field("id", &self.info.id).field("files", &self.info.files.len()).finish()
    }
}

/// Opens transfer `id` with `password`: fetches the sealed manifest, opens
/// it (one Argon2 run for the whole transfer), checks that it names this
/// transfer and that it has not expired.
///
/// Errors: [`TransferError::NotFound`] (no such transfer, or not completely
/// uploaded), [`TransferError::WrongPassword`], [`TransferError::Expired`],
/// [`TransferError::Tampered`], [`TransferError::InvalidManifest`].
///
/// ```
/// use kluis_transfer::*;
/// let store = MemoryTransport::new();
/// let missing = open_transfer(&store, &TransferId::generate()?, &Password::new("x"), &ReceiveOptions::default());
/// assert!(matches!(missing, Err(TransferError::NotFound { .. })));
/// # Ok::<(), TransferError>(())
/// ```
pub fn open_transfer(
    transport: &dyn Transport,
    id: &TransferId,
    password: &Password,
    options: &ReceiveOptions,
) -> Result<OpenedTransfer, TransferError> {
    check_piece_size(options.piece_size)?;
    let mut fetch = ManifestFetch::new(*id);
    let plan = recipient_plan(id);
    while let Some(op) = fetch.next_op() {
        fetch.on_output(execute(transport, id, &plan, &op, &[]))?;
    }
    fetch.open(password, options, now(options))
}

/// The plan a recipient's operations never announce.
fn recipient_plan(id: &TransferId) -> TransferPlan {
    TransferPlan {
        id: *id,
        sender: String::new(),
        recipients: Vec::new(),
        expires_at: 0,
        blobs: Vec::new(),
        subject: String::new(),
        file_names: Vec::new(),
    }
}

fn now(options: &ReceiveOptions) -> u64 {
    unix_seconds(options.now.unwrap_or_else(SystemTime::now))
}

impl OpenedTransfer {
    /// An opened, checked manifest.
    pub(crate) fn new(manifest: Manifest, options: ReceiveOptions) -> OpenedTransfer {
        let names: Vec<&str> = manifest.files.iter().map(|f| f.name.as_str()).collect();
        let save_names = unique_names(&names);
        let info = manifest.info();
        OpenedTransfer { manifest, info, save_names, options }
    }

    pub(crate) fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub(crate) fn options(&self) -> &ReceiveOptions {
        &self.options
    }

    /// The key of file `index`'s envelope (from the sealed manifest), for a
    /// host that opens the envelope itself
    /// ([`FileDownload::envelope`](crate::session::FileDownload::envelope),
    /// then a [`FileCheck`](crate::session::FileCheck) on the plaintext).
    pub fn file_key(&self, index: usize) -> Result<&kluis_core::Key, TransferError> {
        self.manifest.files.get(index).map(|f| &f.key).ok_or_else(|| {
            TransferError::invalid(format!("no file {index}: the transfer has {}", self.manifest.files.len()))
        })
    }

    /// Sender, recipients, subject, message, times and files.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use kluis_transfer::*;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let store = MemoryTransport::new();
    /// # let password = Password::new("zwaluw-kompas-9-tegelvloer-okapi");
    /// # let files = vec![FileSource::bytes("report.pdf", b"first".to_vec()), FileSource::bytes("report.pdf", b"second".to_vec())];
    /// # let request = TransferRequest { from: "ann@example.org".into(), to: vec!["bob@example.org".into()], subject: "Two reports".into(),
    /// #     message: None, files, expires_in: Duration::from_secs(3600), password: password.clone(), allow_weak_password: false };
    /// # let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
    /// # let id = send_transfer(&store, request, &options, &NoProgress)?.id;
    /// let opened = open_transfer(&store, &id, &password, &ReceiveOptions::default())?;
    /// assert_eq!(opened.info().subject, "Two reports");
    /// assert_eq!(opened.info().files[1].size, 6);
    /// assert_eq!(opened.id(), id);
    /// # Ok(()) }
    /// ```
    pub fn info(&self) -> &TransferInfo {
        &self.info
    }

    /// The transfer's id.
    pub fn id(&self) -> TransferId {
        self.info.id
    }

    /// The name file `index` is saved under by [`download_file`]: its own
    /// name made visible by [`kluis_core::save_name`] (an invisible or
    /// bidirectional formatting character and a leading dot shown as `_`:
    /// `invoice\u{202e}fdp.exe` as `invoice_fdp.exe`, `.bashrc` as
    /// `_bashrc`), or, when an earlier file of the transfer has the same
    /// name (with full Unicode case folding and normalisation, as APFS and
    /// NTFS compare names), that name with ` (2)`, ` (3)`, … before the
    /// extension. A name that cannot be saved (a path, a control character,
    /// a device name) is left as the manifest gives it, for
    /// [`download_file`] to refuse. `None` for an index out of range.
    ///
    /// [`download_file`]: OpenedTransfer::download_file
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use kluis_transfer::*;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let store = MemoryTransport::new();
    /// # let password = Password::new("zwaluw-kompas-9-tegelvloer-okapi");
    /// # let files = vec![FileSource::bytes("report.pdf", b"first".to_vec()), FileSource::bytes("report.pdf", b"second".to_vec())];
    /// # let request = TransferRequest { from: "ann@example.org".into(), to: vec!["bob@example.org".into()], subject: "Two reports".into(),
    /// #     message: None, files, expires_in: Duration::from_secs(3600), password: password.clone(), allow_weak_password: false };
    /// # let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
    /// # let id = send_transfer(&store, request, &options, &NoProgress)?.id;
    /// let opened = open_transfer(&store, &id, &password, &ReceiveOptions::default())?;
    /// assert_eq!(opened.save_name(0), Some("report.pdf"));
    /// assert_eq!(opened.save_name(1), Some("report (2).pdf"));
    /// assert_eq!(opened.save_name(2), None);
    /// # Ok(()) }
    /// ```
    pub fn save_name(&self, index: usize) -> Option<&str> {
        self.save_names.get(index).map(String::as_str)
    }

    /// The [`save_name`](OpenedTransfer::save_name) of file `index` if it is
    /// a portable file name (docs/TRANSFER.md §6.3: no path, no control or
    /// Windows-reserved characters, no device name), the rule by which
    /// `kluis receive` saves a file; otherwise [`TransferError::InvalidName`]
    /// (or [`TransferError::InvalidArgument`] for an index out of range).
    /// A host that saves files itself (a browser's download) uses this name.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use kluis_transfer::*;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let store = MemoryTransport::new();
    /// # let password = Password::new("zwaluw-kompas-9-tegelvloer-okapi");
    /// # let files = vec![FileSource::bytes("report.pdf", b"first".to_vec()), FileSource::bytes("report.pdf", b"second".to_vec())];
    /// # let request = TransferRequest { from: "ann@example.org".into(), to: vec!["bob@example.org".into()], subject: "Two reports".into(),
    /// #     message: None, files, expires_in: Duration::from_secs(3600), password: password.clone(), allow_weak_password: false };
    /// # let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
    /// # let id = send_transfer(&store, request, &options, &NoProgress)?.id;
    /// let opened = open_transfer(&store, &id, &password, &ReceiveOptions::default())?;
    /// assert_eq!(opened.checked_save_name(1)?, "report (2).pdf");
    /// assert!(matches!(opened.checked_save_name(2), Err(TransferError::InvalidArgument(_))));
    /// # Ok(()) }
    /// ```
    pub fn checked_save_name(&self, index: usize) -> Result<&str, TransferError> {
        let name = self.save_name(index).ok_or_else(|| {
            TransferError::invalid(format!("no file {index}: the transfer has {}", self.info.files.len()))
        })?;
        check_file_name(name).map_err(|reason| TransferError::InvalidName { name: name.to_owned(), reason })?;
        Ok(name)
    }

    /// Fetches, decrypts and verifies file `index`, writing its plaintext
    /// to `out` as each chunk authenticates. Returns its size.
    ///
    /// The file is verified against the manifest: its envelope must open
    /// with the key from the manifest (so a blob from another transfer or
    /// position is refused), its metadata must agree with the manifest, and
    /// its size and SHA-256 must match. The last two are known only at the
    /// end: on an error, `out` may have received an authenticated prefix,
    /// which the caller must discard (the `download_*` functions do).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use kluis_transfer::*;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let store = MemoryTransport::new();
    /// # let password = Password::new("zwaluw-kompas-9-tegelvloer-okapi");
    /// # let files = vec![FileSource::bytes("report.pdf", b"first".to_vec()), FileSource::bytes("report.pdf", b"second".to_vec())];
    /// # let request = TransferRequest { from: "ann@example.org".into(), to: vec!["bob@example.org".into()], subject: "Two reports".into(),
    /// #     message: None, files, expires_in: Duration::from_secs(3600), password: password.clone(), allow_weak_password: false };
    /// # let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
    /// # let id = send_transfer(&store, request, &options, &NoProgress)?.id;
    /// let opened = open_transfer(&store, &id, &password, &ReceiveOptions::default())?;
    /// let mut second = Vec::new();
    /// assert_eq!(opened.read_file(&store, 1, &mut second, &NoProgress)?, 6);
    /// assert_eq!(second, b"second");
    /// # Ok(()) }
    /// ```
    pub fn read_file(
        &self,
        transport: &dyn Transport,
        index: usize,
        out: &mut dyn Write,
        progress: &dyn Progress,
    ) -> Result<u64, TransferError> {
        let mut download = FileDownload::new(self, index, now(&self.options))?;
        let plan = recipient_plan(&self.info.id);
        let mut size = 0u64;
        while let Some(op) = download.next_op() {
            let plain = download.on_output(execute(transport, &self.info.id, &plan, &op, &[]))?;
            size += plain.len() as u64;
            out.write_all(&plain)?;
            progress.progress(download.progress());
        }
        out.flush()?;
        Ok(size)
    }

    /// Downloads file `index` into the folder `dest_dir`, under
    /// [`save_name`](OpenedTransfer::save_name), and returns the path.
    ///
    /// The file is written by kluis-core's rule for outputs
    /// ([`OutputFile`](kluis_core::OutputFile)): a new or regular file
    /// beside its destination under a temporary name, renamed into place
    /// only after it verified completely, so that on any error nothing is
    /// left behind. An existing regular file is an
    /// [`TransferError::AlreadyExists`] error unless `overwrite`. A symbolic
    /// link is written through (what it leads to decides; a link to nothing
    /// is refused); a named pipe or device is written in place as the file
    /// verifies, never replaced (what was written before an error stays
    /// written). A name
    /// that is not a portable file name (docs/TRANSFER.md §6.3: no path, no
    /// control or Windows-reserved characters, no device name) even once
    /// made visible is refused with
    /// [`TransferError::InvalidName`] (use
    /// [`download_file_to`](OpenedTransfer::download_file_to) to choose
    /// another name).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use kluis_transfer::*;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let store = MemoryTransport::new();
    /// # let password = Password::new("zwaluw-kompas-9-tegelvloer-okapi");
    /// # let files = vec![FileSource::bytes("report.pdf", b"first".to_vec()), FileSource::bytes("report.pdf", b"second".to_vec())];
    /// # let request = TransferRequest { from: "ann@example.org".into(), to: vec!["bob@example.org".into()], subject: "Two reports".into(),
    /// #     message: None, files, expires_in: Duration::from_secs(3600), password: password.clone(), allow_weak_password: false };
    /// # let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
    /// # let id = send_transfer(&store, request, &options, &NoProgress)?.id;
    /// let opened = open_transfer(&store, &id, &password, &ReceiveOptions::default())?;
    /// let dir = tempfile::tempdir()?;
    /// let path = opened.download_file(&store, 1, dir.path(), false, &NoProgress)?;
    /// assert_eq!(path, dir.path().join("report (2).pdf"));
    /// // Not twice, unless overwriting is asked for.
    /// let again = opened.download_file(&store, 1, dir.path(), false, &NoProgress);
    /// assert!(matches!(again, Err(TransferError::AlreadyExists { .. })));
    /// opened.download_file(&store, 1, dir.path(), true, &NoProgress)?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "fs")]
    pub fn download_file(
        &self,
        transport: &dyn Transport,
        index: usize,
        dest_dir: &Path,
        overwrite: bool,
        progress: &dyn Progress,
    ) -> Result<PathBuf, TransferError> {
        let name = self.checked_save_name(index)?;
        self.download_file_to(transport, index, &dest_dir.join(name), overwrite, progress)
    }

    /// Downloads file `index` to the path `dest` chosen by the caller (no
    /// check of the manifest's name), by the same rule as
    /// [`download_file`](OpenedTransfer::download_file).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use kluis_transfer::*;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let store = MemoryTransport::new();
    /// # let password = Password::new("zwaluw-kompas-9-tegelvloer-okapi");
    /// # let files = vec![FileSource::bytes("report.pdf", b"first".to_vec()), FileSource::bytes("report.pdf", b"second".to_vec())];
    /// # let request = TransferRequest { from: "ann@example.org".into(), to: vec!["bob@example.org".into()], subject: "Two reports".into(),
    /// #     message: None, files, expires_in: Duration::from_secs(3600), password: password.clone(), allow_weak_password: false };
    /// # let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
    /// # let id = send_transfer(&store, request, &options, &NoProgress)?.id;
    /// let opened = open_transfer(&store, &id, &password, &ReceiveOptions::default())?;
    /// let dir = tempfile::tempdir()?;
    /// let path = opened.download_file_to(&store, 0, &dir.path().join("mine.pdf"), false, &NoProgress)?;
    /// assert_eq!(std::fs::read(path)?, b"first");
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "fs")]
    pub fn download_file_to(
        &self,
        transport: &dyn Transport,
        index: usize,
        dest: &Path,
        overwrite: bool,
        progress: &dyn Progress,
    ) -> Result<PathBuf, TransferError> {
        let error = |e: io::Error| match OutputError::of(&e) {
            Some(OutputError::Exists { .. }) => TransferError::AlreadyExists { path: dest.to_path_buf() },
            _ => e.into(),
        };
        let mut file = OutputFile::create(dest, overwrite).map_err(error)?;
        self.read_file(transport, index, &mut file, progress)?;
        file.commit().map_err(error)?;
        Ok(dest.to_path_buf())
    }

    /// Downloads every file into `dest_dir` (see
    /// [`download_file`](OpenedTransfer::download_file)), stopping at the
    /// first error. Files with the same name get distinct names.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use kluis_transfer::*;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let store = MemoryTransport::new();
    /// # let password = Password::new("zwaluw-kompas-9-tegelvloer-okapi");
    /// # let files = vec![FileSource::bytes("report.pdf", b"first".to_vec()), FileSource::bytes("report.pdf", b"second".to_vec())];
    /// # let request = TransferRequest { from: "ann@example.org".into(), to: vec!["bob@example.org".into()], subject: "Two reports".into(),
    /// #     message: None, files, expires_in: Duration::from_secs(3600), password: password.clone(), allow_weak_password: false };
    /// # let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
    /// # let id = send_transfer(&store, request, &options, &NoProgress)?.id;
    /// let opened = open_transfer(&store, &id, &password, &ReceiveOptions::default())?;
    /// let dir = tempfile::tempdir()?;
    /// let paths = opened.download_all(&store, dir.path(), false, &NoProgress)?;
    /// assert_eq!(std::fs::read(&paths[0])?, b"first");
    /// assert_eq!(std::fs::read(&paths[1])?, b"second");
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "fs")]
    pub fn download_all(
        &self,
        transport: &dyn Transport,
        dest_dir: &Path,
        overwrite: bool,
        progress: &dyn Progress,
    ) -> Result<Vec<PathBuf>, TransferError> {
        (0..self.manifest.files.len())
            .map(|i| self.download_file(transport, i, dest_dir, overwrite, progress))
            .collect()
    }
}
