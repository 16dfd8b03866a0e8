//! Opening a transfer: [`Opening`] (`http::OpenSession`: the sealed
//! manifest's fetch, then the password), [`Opened`] (the checked manifest)
//! and [`FileDownload`] (`http::FileSession`: ranged reads, decrypted and
//! verified chunk by chunk, the size and SHA-256 check at the end).

use js_sys::Array;
use kluis_core::Metadata;
use kluis_transfer::http::{FileSession, HttpOptions, OpenSession};
use kluis_transfer::session::{FileCheck, UnsealedManifest};
use kluis_transfer::{OpenedTransfer, Password, ReceiveOptions};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::convert::{MAX_SAFE_INTEGER, bytes, object, whole};
use crate::error::Failure;
use crate::http::{response, step_to_js};

fn unix(now: f64) -> Result<u64, Failure> {
    Ok(whole(now.floor(), MAX_SAFE_INTEGER, "now")? as u64)
}

/// The opening of a link (`https://host/t/<id>`, or `http` to a loopback
/// host): `poll`/`respond`/`networkError` until `done`, then
/// [`open`](Opening::open) with the password.
///
/// ```js
/// const opening = new Opening('https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa');
/// opening.poll(); // { type: 'send', method: 'GET', url: '.../api/v1/transfers/aaaa...', ... }
/// ```
#[wasm_bindgen]
#[derive(Debug)]
pub struct Opening {
    session: Option<OpenSession>,
}

#[wasm_bindgen]
impl Opening {
    /// The opening of `link`; a link that is not a Kluis server's throws.
    #[wasm_bindgen(constructor)]
    pub fn new(link: &str) -> Result<Opening, Failure> {
        Ok(Opening { session: Some(OpenSession::new(link)?) })
    }

    fn session(&mut self) -> Result<&mut OpenSession, Failure> {
        self.session.as_mut().ok_or_else(|| Failure::invalid("the transfer was opened already"))
    }

    /// The next step; `done` once the sealed manifest is fetched (a missing
    /// transfer throws `NotFound`).
    pub fn poll(&mut self) -> Result<JsValue, Failure> {
        step_to_js(self.session()?.poll()?, |()| Ok(JsValue::UNDEFINED))
    }

    /// The answer to the last `send` step.
    pub fn respond(
        &mut self,
        status: u16,
        retry_after: Option<f64>,
        content_length: Option<f64>,
        body: Vec<u8>,
    ) -> Result<(), Failure> {
        Ok(self.session()?.respond(response(status, retry_after, content_length, body))?)
    }

    /// No answer to the last `send` step (`fetch` failed).
    #[wasm_bindgen(js_name = networkError)]
    pub fn network_error(&mut self, message: String) -> Result<(), Failure> {
        Ok(self.session()?.network_error(message)?)
    }

    /// Opens the fetched manifest with `password` (one Argon2 run, within
    /// the transfer limits) at `now` (Unix seconds): an expired transfer
    /// throws `Expired`, a wrong password `WrongSecret`.
    pub fn open(&mut self, password: String, now: f64) -> Result<Opened, Failure> {
        let now = unix(now)?;
        let session = self.session.take().ok_or_else(|| Failure::invalid("the transfer was opened already"))?;
        let server = session.server().to_owned();
        let opened = session.open(&Password::new(password), &receive_options(), now)?;
        Ok(Opened { server, opened })
    }

    /// The fetched manifest as sealed, for [`unsealManifest`](unseal_manifest)
    /// in another worker (the package runs its Argon2 in a worker it then
    /// ends, since a module's memory never shrinks); then
    /// [`openUnsealed`](Opening::open_unsealed).
    #[wasm_bindgen(js_name = sealedManifest)]
    pub fn sealed_manifest(&mut self) -> Result<JsValue, Failure> {
        Ok(bytes(self.session()?.sealed_manifest()?))
    }

    /// The rest of [`open`](Opening::open) on what
    /// [`unsealManifest`](unseal_manifest) gave: throws `Expired` for an
    /// expired transfer and `Tampered` for another transfer's manifest.
    /// The module's copy of `manifest` is wiped; wipe the caller's.
    #[wasm_bindgen(js_name = openUnsealed)]
    pub fn open_unsealed(&mut self, manifest: Vec<u8>, now: f64) -> Result<Opened, Failure> {
        let manifest = UnsealedManifest::from_bytes(Zeroizing::new(manifest));
        let now = unix(now)?;
        let session = self.session.take().ok_or_else(|| Failure::invalid("the transfer was opened already"))?;
        let server = session.server().to_owned();
        let opened = session.open_unsealed(manifest, &receive_options(), now)?;
        Ok(Opened { server, opened })
    }
}

fn receive_options() -> ReceiveOptions {
    ReceiveOptions { piece_size: crate::http::PIECE_SIZE, ..ReceiveOptions::default() }
}

/// The Argon2 half of [`Opening::open`]: opens a sealed manifest (from
/// [`sealedManifest`](Opening::sealed_manifest)) with `password`, within
/// the transfer limits, and gives its bytes, which hold the file keys: hand
/// them to [`openUnsealed`](Opening::open_unsealed) and wipe them. A wrong
/// password throws `WrongSecret`.
///
/// ```js
/// const manifest = unsealManifest(opening.sealedManifest(), password);
/// const opened = opening.openUnsealed(manifest, Date.now() / 1000);
/// manifest.fill(0);
/// ```
#[wasm_bindgen(js_name = unsealManifest)]
pub fn unseal_manifest(sealed: &[u8], password: String) -> Result<JsValue, Failure> {
    let unsealed = UnsealedManifest::open(sealed, &Password::new(password), &ReceiveOptions::default().limits)?;
    Ok(bytes(&unsealed.into_bytes()))
}

/// An opened transfer: its [`info`](Opened::info) and the download of each
/// file.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Opened {
    server: String,
    opened: OpenedTransfer,
}

#[wasm_bindgen]
impl Opened {
    /// `{ id, sender, recipients, subject, message, created, expires,
    /// files: [{ name, saveName, size, mediaType, sha256 }] }`; times in
    /// Unix seconds, `message` and `mediaType` `null` when absent,
    /// `saveName` the name to save under (made visible and unique).
    pub fn info(&self) -> JsValue {
        let info = self.opened.info();
        let files: Array = info
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| {
                object(&[
                    ("name", f.name.as_str().into()),
                    ("saveName", self.opened.checked_save_name(i).ok().map_or(JsValue::NULL, JsValue::from)),
                    ("size", (f.size as f64).into()),
                    ("mediaType", f.media_type.as_deref().map_or(JsValue::NULL, JsValue::from)),
                    ("sha256", f.sha256_hex().into()),
                ])
            })
            .collect();
        let recipients: Array = info.to.iter().map(|a| JsValue::from_str(a)).collect();
        object(&[
            ("id", info.id.to_string().into()),
            ("sender", info.from.as_str().into()),
            ("recipients", recipients.into()),
            ("subject", info.subject.as_str().into()),
            ("message", info.message.as_deref().map_or(JsValue::NULL, JsValue::from)),
            ("created", (info.created_at as f64).into()),
            ("expires", (info.expires_at as f64).into()),
            ("files", files.into()),
        ])
    }

    /// The download of file `index`, refused once the transfer expired at
    /// `now` (Unix seconds).
    pub fn download(&self, index: usize, now: f64) -> Result<FileDownload, Failure> {
        let session = FileSession::new(&self.server, &self.opened, index, unix(now)?, HttpOptions::default())?;
        Ok(FileDownload { session })
    }

    /// The download of file `index`'s envelope as stored (ranged reads,
    /// the same retries): `respond` returns envelope bytes, not yet
    /// authenticated, for a host that opens them with
    /// [`fileKey`](Opened::file_key) (the package's worker pool) and checks
    /// the plaintext with [`fileCheck`](Opened::file_check).
    #[wasm_bindgen(js_name = downloadEnvelope)]
    pub fn download_envelope(&self, index: usize, now: f64) -> Result<FileDownload, Failure> {
        let session = FileSession::envelope(&self.server, &self.opened, index, unix(now)?, HttpOptions::default())?;
        Ok(FileDownload { session })
    }

    /// The key of file `index`'s envelope (32 bytes, from the sealed manifest).
    #[wasm_bindgen(js_name = fileKey)]
    pub fn file_key(&self, index: usize) -> Result<JsValue, Failure> {
        Ok(bytes(self.opened.file_key(index)?.as_bytes()))
    }

    /// The check of file `index`'s plaintext against the manifest.
    #[wasm_bindgen(js_name = fileCheck)]
    pub fn file_check(&self, index: usize) -> Result<FileChecker, Failure> {
        Ok(FileChecker { check: FileCheck::new(&self.opened, index)? })
    }
}

/// The check of one file's plaintext against the manifest, for a host that
/// opens the envelope itself ([`Opened::download_envelope`]): the
/// envelope's metadata, then every plaintext byte in order, then
/// [`finish`](FileChecker::finish) (size and SHA-256); each refusal throws
/// `Tampered`.
///
/// ```js
/// const check = opened.fileCheck(0);
/// check.metadata(metadataJson); // from openHeader, or undefined
/// check.update(plaintext);
/// check.finish();
/// ```
#[wasm_bindgen]
#[derive(Debug)]
pub struct FileChecker {
    check: FileCheck,
}

#[wasm_bindgen]
impl FileChecker {
    /// The envelope's own metadata (its JSON, `undefined` when it has
    /// none) must agree with the manifest.
    pub fn metadata(&self, metadata_json: Option<String>) -> Result<(), Failure> {
        let metadata = match metadata_json {
            Some(json) => Some(Metadata::from_json(&json).map_err(Failure::invalid)?),
            None => None,
        };
        Ok(self.check.metadata(metadata.as_ref())?)
    }

    /// The next plaintext bytes, in order.
    pub fn update(&mut self, plaintext: &[u8]) -> Result<(), Failure> {
        Ok(self.check.update(plaintext)?)
    }

    /// After the last byte: the size and SHA-256 must be the manifest's.
    pub fn finish(&mut self) -> Result<(), Failure> {
        Ok(self.check.verify()?)
    }
}

/// The download of one file: `poll`/`respond`/`networkError`; `respond`
/// returns the plaintext it released, authenticated (often empty). `done`
/// comes only after the size and SHA-256 check; any refusal throws.
#[wasm_bindgen]
#[derive(Debug)]
pub struct FileDownload {
    session: FileSession,
}

#[wasm_bindgen]
impl FileDownload {
    /// The next step.
    pub fn poll(&mut self) -> Result<JsValue, Failure> {
        step_to_js(self.session.poll()?, |()| Ok(JsValue::UNDEFINED))
    }

    /// The answer to the last `send` step: the plaintext released.
    pub fn respond(
        &mut self,
        status: u16,
        retry_after: Option<f64>,
        content_length: Option<f64>,
        body: Vec<u8>,
    ) -> Result<JsValue, Failure> {
        let plain = self.session.respond(response(status, retry_after, content_length, body))?;
        Ok(bytes(&plain))
    }

    /// No answer to the last `send` step (`fetch` failed).
    #[wasm_bindgen(js_name = networkError)]
    pub fn network_error(&mut self, message: String) -> Result<(), Failure> {
        Ok(self.session.network_error(message)?)
    }
}
