//! The HTTP sessions: a send, the opening of a link, the download of one
//! file, each driving a machine of [`crate::session`] over [`HttpCall`]s.

use std::time::Duration;

use kluis_core::Password;
use kluis_protocol::{Link, TransferId, paths};
use zeroize::Zeroizing;

use super::{HttpCall, HttpError, HttpOptions, HttpResponse, Outcome, Server, Step, Token};
use crate::draft::SealedTransfer;
use crate::error::TransferError;
use crate::receive::{OpenedTransfer, ReceiveOptions};
use crate::send::{SendOptions, SentTransfer};
use crate::session::{FileDownload, ManifestFetch, Op, OpOutput, Upload, UploadEvent};
use crate::transport::{TransferPlan, TransportError};

/// The calls of one session: the current one, a wait before repeating it.
#[derive(Debug)]
struct Calls {
    server: Server,
    id: TransferId,
    plan: TransferPlan,
    call: Option<HttpCall>,
    wait: Option<Duration>,
    link: Option<String>,
}

impl Calls {
    fn new(server: Server, plan: TransferPlan) -> Calls {
        Calls { server, id: plan.id, plan, call: None, wait: None, link: None }
    }

    fn recipient(server: Server, id: TransferId) -> Calls {
        let plan = TransferPlan {
            id,
            sender: String::new(),
            recipients: Vec::new(),
            expires_at: 0,
            blobs: Vec::new(),
            subject: String::new(),
            file_names: Vec::new(),
        };
        Calls::new(server, plan)
    }

    /// The step of the call under way, if one is.
    fn pending<T>(&mut self) -> Option<Step<T>> {
        if let Some(delay) = self.wait.take() {
            return Some(Step::Wait(delay));
        }
        self.call.as_ref().map(|call| Step::Send(call.request().clone()))
    }

    /// Starts the call for `op`; a request that cannot be built (no token)
    /// is the operation's failure.
    fn start<T>(&mut self, op: Op) -> Result<Step<T>, TransportError> {
        let call = HttpCall::new(&self.server, &self.id, &self.plan, op)?;
        let request = call.request().clone();
        self.call = Some(call);
        Ok(Step::Send(request))
    }

    /// Takes an answer or a failure: `Some` with the operation's result
    /// once it is over.
    fn settle(
        &mut self,
        answer: Result<HttpResponse, HttpError>,
    ) -> Result<Option<Result<OpOutput, TransportError>>, TransferError> {
        let call = self.call.as_mut().ok_or_else(|| TransferError::invalid("no request is waiting for an answer"))?;
        let outcome = match answer {
            Ok(response) => call.respond(&self.server, response),
            Err(error) => call.failed(&self.server, error),
        };
        Ok(match outcome {
            Outcome::Send => None,
            Outcome::Wait(delay) => {
                self.wait = Some(delay);
                None
            }
            Outcome::Done(result) => {
                if let Some(link) = self.call.take().as_ref().and_then(HttpCall::link) {
                    self.link = Some(link.to_owned());
                }
                Some(result)
            }
        })
    }
}

/// A sent transfer and the link for its recipients (the one the server
/// returned, on its own origin, else `<server>/t/<id>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentLink {
    /// What was sent.
    pub sent: SentTransfer,
    /// The link for the mail (it never carries the password).
    pub link: String,
}

/// A send to a Kluis drop server, sans I/O: the upload of a
/// [`SealedTransfer`] by [`session::Upload`](crate::session::Upload) (the
/// resume-by-offset policy of `kluis send`) with each operation's requests
/// and the retry policy of [`Exchange`](super::Exchange). The host sends each
/// [`Step::Send`] request: a [`Body::Blob`](super::Body::Blob) names which
/// bytes of which envelope to send (the manifest's come from
/// [`manifest_range`](SendSession::manifest_range)).
///
/// ```
/// use std::time::Duration;
/// use kluis_transfer::*;
/// use kluis_transfer::http::{Body, HttpOptions, HttpResponse, SendSession, Step, Token};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let request = SendRequest { from: "ann@example.org".into(), to: vec!["bob@example.org".into()], subject: "Hi".into(),
/// #     message: None, files: vec![FileSpec::new("hi.txt", 2)], expires_in: Duration::from_secs(60),
/// #     password: Password::new("zwaluw-kompas-9-tegelvloer-okapi"), allow_weak_password: false };
/// # let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
/// # let mut sealing = TransferSealer::new(request, &options, 1_700_000_000)?;
/// # let mut file = sealing.file(0)?; file.update(b"hi")?; let (_, sealed) = file.finish()?; sealing.add(sealed)?;
/// let transfer = sealing.finish()?; // a TransferSealer's result
/// let token = Token::new("secret", u64::MAX);
/// let mut session = SendSession::new(&transfer, "https://kluis.example.org", token, HttpOptions::default(), &options)?;
/// let Step::Send(announce) = session.poll()? else { unreachable!() };
/// assert_eq!(announce.url, "https://kluis.example.org/api/v1/transfers");
/// let id = transfer.id();
/// let created = format!(r#"{{"id":"{id}","link":"https://kluis.example.org/t/{id}"}}"#);
/// session.respond(HttpResponse::new(201, created.into_bytes()))?;
/// let Step::Send(held) = session.poll()? else { unreachable!() };
/// assert!(held.url.ends_with("/upload")); // how much of the first file the server holds
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct SendSession {
    calls: Calls,
    upload: Upload,
    manifest: Vec<u8>,
    event: Option<UploadEvent>,
}

impl SendSession {
    /// The send of `transfer` to the server at `server` (`https://…`, or
    /// `http` to a loopback host) with the sender's `token`. `http` says
    /// what is announced (download limit, disclosed names, the language of
    /// the notice mail) and the retry policy; `send` gives the piece size
    /// and the number of upload attempts.
    pub fn new(
        transfer: &SealedTransfer,
        server: &str,
        token: Token,
        http: HttpOptions,
        send: &SendOptions,
    ) -> Result<SendSession, TransferError> {
        let server = Server::new(server, Some(token), http).map_err(|e| TransferError::Transport(e.into()))?;
        Ok(SendSession {
            calls: Calls::new(server, transfer.plan()),
            upload: Upload::new(transfer, send.piece_size, send.upload_attempts)?,
            manifest: transfer.manifest().to_vec(),
            event: None,
        })
    }

    /// A streamed send: `plan` (from [`TransferSealer::plan_ahead`](crate::TransferSealer::plan_ahead),
    /// created at `created_at`) is announced at once and each file's
    /// envelope uploaded while it is sealed ([`session::Upload::streamed`](crate::session::Upload::streamed)).
    /// When [`poll`](SendSession::poll) says [`Step::NeedBytes`], the host
    /// seals on and reports how far with [`sealed`](SendSession::sealed);
    /// the sealed manifest, last, goes to [`manifest`](SendSession::manifest).
    /// A [`Body::Blob`](super::Body::Blob) never names bytes before the
    /// `done` of the blob's last upload [`Step::Progress`]: the host keeps
    /// only the bytes past it. A resume that would need bytes the server
    /// acknowledged and then lost ends the send with a clear error.
    ///
    /// ```
    /// use std::time::Duration;
    /// use kluis_transfer::*;
    /// use kluis_transfer::http::{HttpOptions, HttpResponse, SendSession, Step, Token};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let request = SendRequest { from: "ann@example.org".into(), to: vec!["bob@example.org".into()], subject: "Hi".into(),
    /// #     message: None, files: vec![FileSpec::new("hi.txt", 2)], expires_in: Duration::from_secs(60),
    /// #     password: Password::new("zwaluw-kompas-9-tegelvloer-okapi"), allow_weak_password: false };
    /// # let options = SendOptions { argon2: Argon2Params::INSECURE_TEST, ..SendOptions::default() };
    /// let mut sealing = TransferSealer::new(request, &options, 1_700_000_000)?;
    /// let plan = sealing.plan_ahead()?; // before any file is sealed
    /// let token = Token::new("secret", u64::MAX);
    /// let mut session =
    ///     SendSession::streamed(plan, 1_700_000_000, "https://kluis.example.org", token, HttpOptions::default(), &options)?;
    /// let Step::Send(announce) = session.poll()? else { unreachable!() };
    /// assert!(announce.url.ends_with("/api/v1/transfers"));
    /// # Ok(()) }
    /// ```
    pub fn streamed(
        plan: TransferPlan,
        created_at: u64,
        server: &str,
        token: Token,
        http: HttpOptions,
        send: &SendOptions,
    ) -> Result<SendSession, TransferError> {
        let server = Server::new(server, Some(token), http).map_err(|e| TransferError::Transport(e.into()))?;
        Ok(SendSession {
            upload: Upload::streamed(&plan, created_at, send.piece_size, send.upload_attempts)?,
            calls: Calls::new(server, plan),
            manifest: Vec::new(),
            event: None,
        })
    }

    /// A streamed send: file blob `index`'s first `len` bytes are sealed
    /// (the host serves them through [`Body::Blob`](super::Body::Blob)).
    pub fn sealed(&mut self, index: usize, len: u64) -> Result<(), TransferError> {
        if index + 1 >= self.calls.plan.blobs.len() {
            return Err(TransferError::invalid(format!("blob {index} is no file's: hand the manifest to `manifest`")));
        }
        self.upload.sealed(index, len)
    }

    /// A streamed send: the sealed manifest, once every file is sealed
    /// ([`TransferSealer::finish`](crate::TransferSealer::finish)), of the
    /// length planned.
    pub fn manifest(&mut self, manifest: Vec<u8>) -> Result<(), TransferError> {
        let last = self.calls.plan.blobs.len() - 1;
        if !self.manifest.is_empty() || self.calls.plan.blobs[last].1 != manifest.len() as u64 {
            return Err(TransferError::invalid("the manifest is handed over once, of the length planned"));
        }
        self.upload.sealed(last, manifest.len() as u64)?;
        self.manifest = manifest;
        Ok(())
    }

    /// The transfer's id.
    pub fn id(&self) -> TransferId {
        self.calls.id
    }

    /// The bytes of a [`Body::Blob`](super::Body::Blob) when they are the
    /// manifest's (the last blob); `None` for a file's envelope, which the
    /// host holds.
    pub fn manifest_range(&self, index: usize, offset: u64, len: u64) -> Option<&[u8]> {
        if index + 1 != self.calls.plan.blobs.len() {
            return None;
        }
        let start = usize::try_from(offset).ok()?;
        let end = usize::try_from(offset.checked_add(len)?).ok()?;
        self.manifest.get(start..end)
    }

    /// What to do next. An error ends the send (a resumable one was
    /// already retried as often as [`SendOptions::upload_attempts`] allows).
    pub fn poll(&mut self) -> Result<Step<SentLink>, TransferError> {
        match self.event.take() {
            Some(UploadEvent::Progress(event)) => return Ok(Step::Progress(event)),
            Some(UploadEvent::Resumed(error)) => return Ok(Step::Resumed(error)),
            _ => {}
        }
        if let Some(step) = self.calls.pending() {
            return Ok(step);
        }
        let Some(op) = self.upload.next_op() else {
            if let Some((index, until)) = self.upload.waiting() {
                return Ok(Step::NeedBytes { index, until });
            }
            let sent = self.upload.sent().ok_or_else(|| TransferError::invalid("the upload ended unfinished"))?;
            let base = &self.calls.server.base;
            let link = self.calls.link.clone().unwrap_or_else(|| format!("{base}{}", paths::page(&sent.id)));
            return Ok(Step::Done(SentLink { sent, link }));
        };
        match self.calls.start(op) {
            Ok(step) => Ok(step),
            Err(e) => {
                self.event = Some(self.upload.on_output(Err(e))?);
                self.poll()
            }
        }
    }

    /// The answer to the last [`Step::Send`] request.
    pub fn respond(&mut self, response: HttpResponse) -> Result<(), TransferError> {
        self.settle(Ok(response))
    }

    /// No answer to the last [`Step::Send`] request (a network failure,
    /// repeated by the retry policy).
    pub fn network_error(&mut self, message: String) -> Result<(), TransferError> {
        self.settle(Err(HttpError::Network(message)))
    }

    fn settle(&mut self, answer: Result<HttpResponse, HttpError>) -> Result<(), TransferError> {
        if let Some(result) = self.calls.settle(answer)? {
            self.event = Some(self.upload.on_output(result)?);
        }
        Ok(())
    }
}

/// The opening of a link to a Kluis drop server, sans I/O: the manifest's
/// fetch ([`session::ManifestFetch`](crate::session::ManifestFetch)) over
/// HTTP, then [`open`](OpenSession::open) with the password.
///
/// ```
/// use kluis_transfer::TransferError;
/// use kluis_transfer::http::{HttpResponse, Method, OpenSession, Step};
/// # fn main() -> Result<(), TransferError> {
/// let mut session = OpenSession::new("https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa")?;
/// let Step::Send(request) = session.poll()? else { unreachable!() };
/// assert_eq!(request.method, Method::Get);
/// assert_eq!(request.url, "https://kluis.example.org/api/v1/transfers/aaaaaaaaaaaaaaaaaaaaaaaaaa");
/// let missing = session.respond(HttpResponse::new(404, br#"{"error":"not_found","message":"no such transfer"}"#.to_vec()));
/// assert!(matches!(missing, Err(TransferError::NotFound { .. })));
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct OpenSession {
    calls: Calls,
    fetch: ManifestFetch,
}

impl OpenSession {
    /// The opening of `link` (`https://host/t/<id>`) with the default
    /// [`HttpOptions`]. A `file://` link is refused: it names a folder.
    pub fn new(link: &str) -> Result<OpenSession, TransferError> {
        OpenSession::with_options(link, HttpOptions::default())
    }

    /// The opening of `link` with `options`' retry policy.
    pub fn with_options(link: &str, options: HttpOptions) -> Result<OpenSession, TransferError> {
        let (base, id) = match Link::parse(link.trim())? {
            Link::Server { base, transfer } => (base, transfer),
            Link::Directory { .. } => {
                return Err(TransferError::invalid("a file:// link names a folder, not a Kluis server"));
            }
        };
        let server = Server::new(&base, None, options).map_err(|e| TransferError::Transport(e.into()))?;
        Ok(OpenSession { calls: Calls::recipient(server, id), fetch: ManifestFetch::new(id) })
    }

    /// The transfer's id.
    pub fn id(&self) -> TransferId {
        self.calls.id
    }

    /// The server's base address, for [`FileSession::new`].
    pub fn server(&self) -> &str {
        &self.calls.server.base
    }

    /// What to do next; `Done` once the sealed manifest is fetched.
    pub fn poll(&mut self) -> Result<Step<()>, TransferError> {
        if let Some(step) = self.calls.pending() {
            return Ok(step);
        }
        match self.fetch.next_op() {
            None => Ok(Step::Done(())),
            Some(op) => match self.calls.start(op) {
                Ok(step) => Ok(step),
                Err(e) => self.fetch.on_output(Err(e)).map(|()| Step::Done(())),
            },
        }
    }

    /// The answer to the last [`Step::Send`] request.
    pub fn respond(&mut self, response: HttpResponse) -> Result<(), TransferError> {
        self.settle(Ok(response))
    }

    /// No answer to the last [`Step::Send`] request.
    pub fn network_error(&mut self, message: String) -> Result<(), TransferError> {
        self.settle(Err(HttpError::Network(message)))
    }

    fn settle(&mut self, answer: Result<HttpResponse, HttpError>) -> Result<(), TransferError> {
        match self.calls.settle(answer)? {
            Some(result) => self.fetch.on_output(result),
            None => Ok(()),
        }
    }

    /// Opens the fetched manifest with `password` (one Argon2 run, within
    /// `options.limits`, [`OpenLimits::TRANSFER`](crate::OpenLimits::TRANSFER)
    /// by default), refusing an expired transfer at `now` (Unix seconds).
    pub fn open(
        self,
        password: &Password,
        options: &ReceiveOptions,
        now: u64,
    ) -> Result<OpenedTransfer, TransferError> {
        self.fetch.open(password, options, now)
    }

    /// The fetched manifest as sealed, for a host that runs the Argon2 of
    /// [`open`](OpenSession::open) elsewhere ([`UnsealedManifest::open`](crate::session::UnsealedManifest::open))
    /// and then calls [`open_unsealed`](OpenSession::open_unsealed).
    pub fn sealed_manifest(&self) -> Result<&[u8], TransferError> {
        self.fetch.sealed()
    }

    /// The rest of [`open`](OpenSession::open), on the manifest opened
    /// from [`sealed_manifest`](OpenSession::sealed_manifest): the checks
    /// that it names this transfer and has not expired at `now`.
    pub fn open_unsealed(
        self,
        unsealed: crate::session::UnsealedManifest,
        options: &ReceiveOptions,
        now: u64,
    ) -> Result<OpenedTransfer, TransferError> {
        self.fetch.open_unsealed(unsealed, options, now)
    }
}

/// The download of one file of an opened transfer from a Kluis drop server,
/// sans I/O: ranged reads ([`session::FileDownload`](crate::session::FileDownload)),
/// decrypted and verified chunk by chunk; [`respond`](FileSession::respond)
/// releases authenticated plaintext, and the size and SHA-256 check at the
/// end fails the session if the file differs from the manifest (the
/// plaintext released so far must then be discarded).
#[derive(Debug)]
pub struct FileSession {
    calls: Calls,
    download: FileDownload,
    report: bool,
}

impl FileSession {
    /// The download of file `index` of `opened` from the server at `server`
    /// ([`OpenSession::server`]), refused once the transfer expired at
    /// `now` (Unix seconds).
    pub fn new(
        server: &str,
        opened: &OpenedTransfer,
        index: usize,
        now: u64,
        options: HttpOptions,
    ) -> Result<FileSession, TransferError> {
        FileSession::of(server, opened, options, FileDownload::new(opened, index, now)?)
    }

    /// The download of file `index`'s envelope as stored
    /// ([`FileDownload::envelope`]): [`respond`](FileSession::respond)
    /// releases envelope bytes, which the host opens with
    /// [`OpenedTransfer::file_key`] and checks with a
    /// [`FileCheck`](crate::session::FileCheck); `Done` once every byte was read.
    pub fn envelope(
        server: &str,
        opened: &OpenedTransfer,
        index: usize,
        now: u64,
        options: HttpOptions,
    ) -> Result<FileSession, TransferError> {
        FileSession::of(server, opened, options, FileDownload::envelope(opened, index, now)?)
    }

    /// `download` of `opened`'s file from the server at `server`.
    fn of(
        server: &str,
        opened: &OpenedTransfer,
        options: HttpOptions,
        download: FileDownload,
    ) -> Result<FileSession, TransferError> {
        let server = Server::new(server, None, options).map_err(|e| TransferError::Transport(e.into()))?;
        Ok(FileSession { calls: Calls::recipient(server, opened.id()), download, report: false })
    }

    /// What to do next; `Done` once the whole file is verified.
    pub fn poll(&mut self) -> Result<Step<()>, TransferError> {
        if std::mem::take(&mut self.report) {
            return Ok(Step::Progress(self.download.progress()));
        }
        if let Some(step) = self.calls.pending() {
            return Ok(step);
        }
        match self.download.next_op() {
            None => Ok(Step::Done(())),
            Some(op) => match self.calls.start(op) {
                Ok(step) => Ok(step),
                Err(e) => self.download.on_output(Err(e)).map(|_| Step::Done(())),
            },
        }
    }

    /// The answer to the last [`Step::Send`] request; returns the plaintext
    /// it released (often empty).
    pub fn respond(&mut self, response: HttpResponse) -> Result<Zeroizing<Vec<u8>>, TransferError> {
        self.settle(Ok(response))
    }

    /// No answer to the last [`Step::Send`] request.
    pub fn network_error(&mut self, message: String) -> Result<(), TransferError> {
        self.settle(Err(HttpError::Network(message))).map(|_| ())
    }

    fn settle(&mut self, answer: Result<HttpResponse, HttpError>) -> Result<Zeroizing<Vec<u8>>, TransferError> {
        match self.calls.settle(answer)? {
            Some(result) => {
                let plain = self.download.on_output(result)?;
                self.report = true;
                Ok(plain)
            }
            None => Ok(Zeroizing::new(Vec::new())),
        }
    }
}
