//! Sending a transfer: [`Sealing`] (kluis-transfer's `TransferSealer`: the
//! request's rules, each file sealed from the chunks the host reads, the
//! manifest) and [`Upload`] (`http::SendSession`: the upload with the
//! resume-by-offset policy of `kluis send`; streamed, from
//! [`Sealing::streamed_upload`], while the files are being sealed).

use std::time::Duration;

use js_sys::{Array, Reflect};
use kluis_transfer::http::{HttpOptions, SendSession, SentLink, Token};
use kluis_transfer::protocol::Language;
use kluis_transfer::{ChunkedFile, FileSealer, FileSpec, Password, SendOptions, SendRequest, TransferSealer};
use wasm_bindgen::prelude::*;

use crate::convert::{MAX_SAFE_INTEGER, bytes, object, whole};
use crate::error::Failure;
use crate::http::{response, step_to_js};

/// `obj[name]` when set (not undefined or null).
fn field(obj: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(obj, &name.into()).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

fn text(obj: &JsValue, name: &str) -> Result<Option<String>, Failure> {
    field(obj, name)
        .map(|v| v.as_string().ok_or_else(|| Failure::invalid(format!("{name} must be a string"))))
        .transpose()
}

fn number(obj: &JsValue, name: &str) -> Result<Option<u64>, Failure> {
    field(obj, name)
        .map(|v| {
            let n = v.as_f64().ok_or_else(|| Failure::invalid(format!("{name} must be a number")))?;
            Ok(whole(n, MAX_SAFE_INTEGER, name)? as u64)
        })
        .transpose()
}

fn strings(obj: &JsValue, name: &str) -> Result<Vec<String>, Failure> {
    let Some(list) = field(obj, name) else { return Ok(Vec::new()) };
    if !Array::is_array(&list) {
        return Err(Failure::invalid(format!("{name} must be an array of strings")));
    }
    Array::from(&list)
        .iter()
        .map(|v| v.as_string().ok_or_else(|| Failure::invalid(format!("{name} must be an array of strings"))))
        .collect()
}

/// The default time a transfer stays available: 7 days, as `kluis send`.
const DEFAULT_EXPIRY: Duration = Duration::from_secs(7 * 86_400);

/// `{ from, to, subject?, message?, files: [{ name, size, mediaType? }],
/// expiresIn? (seconds), password, allowWeakPassword? }`.
fn send_request(value: &JsValue) -> Result<SendRequest, Failure> {
    let files =
        field(value, "files").filter(Array::is_array).ok_or_else(|| Failure::invalid("files must be an array"))?;
    let files = Array::from(&files)
        .iter()
        .map(|f| {
            let name = text(&f, "name")?.ok_or_else(|| Failure::invalid("every file needs a name"))?;
            let size = number(&f, "size")?.ok_or_else(|| Failure::invalid("every file needs a size"))?;
            Ok(FileSpec { name, size, media_type: text(&f, "mediaType")?.filter(|m| !m.is_empty()) })
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    Ok(SendRequest {
        from: text(value, "from")?.ok_or_else(|| Failure::invalid("from must be the sender's address"))?,
        to: strings(value, "to")?,
        subject: text(value, "subject")?.unwrap_or_default(),
        message: text(value, "message")?,
        files,
        expires_in: number(value, "expiresIn")?.map_or(DEFAULT_EXPIRY, Duration::from_secs),
        password: Password::new(text(value, "password")?.ok_or_else(|| Failure::invalid("password must be a string"))?),
        allow_weak_password: field(value, "allowWeakPassword").is_some_and(|v| v.is_truthy()),
    })
}

/// `{ downloadLimit?, language?, discloseNames? }` over the defaults.
fn http_options(value: &JsValue) -> Result<HttpOptions, Failure> {
    let language = match text(value, "language")? {
        None => None,
        Some(code) => Some(code.parse::<Language>().map_err(|e| Failure::invalid(e.to_string()))?),
    };
    Ok(HttpOptions {
        download_limit: number(value, "downloadLimit")?,
        disclose_names: field(value, "discloseNames").is_some_and(|v| v.is_truthy()),
        language,
        ..HttpOptions::default()
    })
}

/// A transfer being sealed: every rule of the request checked and the id
/// drawn at construction; then each file in order (`beginFile`, `update`
/// with its plaintext, `endFile`), each returning envelope bytes to keep;
/// then [`upload`](Sealing::upload) seals the manifest (Argon2) and starts
/// the upload.
///
/// ```js
/// const sealing = new Sealing({ from, to: [bob], files: [{ name: 'a.txt', size: 2 }], password }, Date.now() / 1000);
/// sealing.beginFile(0);
/// const parts = [sealing.update(new Uint8Array([104, 105])), sealing.endFile()];
/// const upload = sealing.upload('https://kluis.example.org', token, {});
/// ```
#[wasm_bindgen]
#[derive(Debug)]
pub struct Sealing {
    sealer: Option<TransferSealer>,
    file: Option<FileSealer>,
    chunked: Option<ChunkedFile>,
    /// The creation time, Unix seconds.
    now: u64,
}

#[wasm_bindgen]
impl Sealing {
    /// Checks `request` (addresses, names, expiry, password strength) at
    /// `now` (Unix seconds; wasm32 has no clock of its own).
    #[wasm_bindgen(constructor)]
    pub fn new(request: JsValue, now: f64) -> Result<Sealing, Failure> {
        let now = whole(now.floor(), MAX_SAFE_INTEGER, "now")? as u64;
        let sealer = TransferSealer::new(send_request(&request)?, &SendOptions::default(), now)?;
        Ok(Sealing { sealer: Some(sealer), file: None, chunked: None, now })
    }

    fn sealer(&mut self) -> Result<&mut TransferSealer, Failure> {
        self.sealer.as_mut().ok_or_else(|| Failure::invalid("the sealing is over"))
    }

    /// The transfer's id.
    pub fn id(&self) -> Result<String, Failure> {
        Ok(self.sealer.as_ref().ok_or_else(|| Failure::invalid("the sealing is over"))?.id().to_string())
    }

    /// Starts file `index` (files go in order).
    #[wasm_bindgen(js_name = beginFile)]
    pub fn begin_file(&mut self, index: usize) -> Result<(), Failure> {
        let file = self.sealer()?.file(index)?;
        self.file = Some(file);
        Ok(())
    }

    /// Seals the next plaintext of the current file: the envelope bytes
    /// that are ready (often none until a chunk is full).
    pub fn update(&mut self, plaintext: &[u8]) -> Result<JsValue, Failure> {
        let file = self.file.as_mut().ok_or_else(|| Failure::invalid("no file is being sealed"))?;
        Ok(bytes(&file.update(plaintext)?))
    }

    /// Ends the current file (its size is checked): the envelope's last bytes.
    #[wasm_bindgen(js_name = endFile)]
    pub fn end_file(&mut self) -> Result<JsValue, Failure> {
        let file = self.file.take().ok_or_else(|| Failure::invalid("no file is being sealed"))?;
        let (tail, sealed) = file.finish()?;
        self.sealer()?.add(sealed)?;
        Ok(bytes(&tail))
    }

    /// Starts file `index` for sealing its chunks elsewhere (the package's
    /// worker pool): `{ header, chunkKey }`, the envelope's first bytes and
    /// the key of its chunks (`ChunkSplitter.forPlaintext`, `ChunkCipher`);
    /// then [`hash`](Sealing::hash) with every plaintext byte in order, and
    /// [`endChunkedFile`](Sealing::end_chunked_file).
    #[wasm_bindgen(js_name = beginChunkedFile)]
    pub fn begin_chunked_file(&mut self, index: usize) -> Result<JsValue, Failure> {
        let file = self.sealer()?.chunked_file(index)?;
        let parts = object(&[("header", bytes(file.header())), ("chunkKey", bytes(file.chunk_key().as_bytes()))]);
        self.chunked = Some(file);
        Ok(parts)
    }

    /// Hashes the next plaintext of the file begun with `beginChunkedFile`.
    pub fn hash(&mut self, plaintext: &[u8]) -> Result<(), Failure> {
        self.chunked.as_mut().ok_or_else(|| Failure::invalid("no file is being sealed"))?.hash(plaintext);
        Ok(())
    }

    /// Ends the file begun with `beginChunkedFile`, whose envelope had
    /// `envelopeLen` bytes (its size is checked).
    #[wasm_bindgen(js_name = endChunkedFile)]
    pub fn end_chunked_file(&mut self, envelope_len: f64) -> Result<(), Failure> {
        let len = whole(envelope_len, MAX_SAFE_INTEGER, "envelopeLen")? as u64;
        let file = self.chunked.take().ok_or_else(|| Failure::invalid("no file is being sealed"))?;
        let sealed = file.finish(len)?;
        self.sealer()?.add(sealed)?;
        Ok(())
    }

    /// Seals the manifest with the password (Argon2id at the default cost)
    /// and starts the upload to `server` with the sender's `token`;
    /// `options`: `{ downloadLimit?, language?, discloseNames? }`.
    pub fn upload(&mut self, server: &str, token: String, options: JsValue) -> Result<Upload, Failure> {
        let options = http_options(&options)?;
        let sealer = self.sealer.take().ok_or_else(|| Failure::invalid("the sealing is over"))?;
        let transfer = sealer.finish()?;
        // The token's expiry is the server's business; it answers 401 once it passed.
        let token = Token::new(token, u64::MAX);
        let session = SendSession::new(&transfer, server, token, options, &send_options())?;
        Ok(Upload { session })
    }

    /// Starts a streamed upload before any file is sealed
    /// (`TransferSealer::plan_ahead`: every blob's exact length is fixed
    /// now): the returned upload's `poll` says `{ type: 'needBytes', index,
    /// until }` when it waits for sealed bytes, handed over with
    /// [`Upload::sealed`] (a file's) or [`Upload::set_manifest`] (from
    /// [`sealManifest`](Sealing::seal_manifest), once every file is sealed).
    /// `options` as for [`upload`](Sealing::upload).
    #[wasm_bindgen(js_name = streamedUpload)]
    pub fn streamed_upload(&mut self, server: &str, token: String, options: JsValue) -> Result<Upload, Failure> {
        let options = http_options(&options)?;
        let plan = self.sealer()?.plan_ahead()?;
        let token = Token::new(token, u64::MAX);
        let session = SendSession::streamed(plan, self.now, server, token, options, &send_options())?;
        Ok(Upload { session })
    }

    /// Seals the manifest (Argon2id at the default cost) once every file is
    /// sealed: its bytes, for [`Upload::set_manifest`] of a streamed upload.
    #[wasm_bindgen(js_name = sealManifest)]
    pub fn seal_manifest(&mut self) -> Result<JsValue, Failure> {
        let sealer = self.sealer.take().ok_or_else(|| Failure::invalid("the sealing is over"))?;
        Ok(bytes(sealer.finish()?.manifest()))
    }
}

/// The upload of a sealed transfer: `poll`, `respond`, `networkError`, and
/// `manifestRange` for the bytes of a `blob` body that are the manifest's
/// (a file's envelope is the host's). Done: `{ id, link, expiresAt }`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Upload {
    session: SendSession,
}

#[wasm_bindgen]
impl Upload {
    /// The next step; an error that ends the send throws.
    pub fn poll(&mut self) -> Result<JsValue, Failure> {
        step_to_js(self.session.poll()?, |SentLink { sent, link }| {
            Ok(object(&[
                ("id", sent.id.to_string().into()),
                ("link", link.into()),
                ("expiresAt", (sent.expires_at as f64).into()),
                ("createdAt", (sent.created_at as f64).into()),
            ]))
        })
    }

    /// The manifest's bytes `offset .. offset + len` when blob `index` is
    /// the manifest; `undefined` for a file's envelope.
    #[wasm_bindgen(js_name = manifestRange)]
    pub fn manifest_range(&self, index: usize, offset: f64, len: f64) -> JsValue {
        self.session.manifest_range(index, offset as u64, len as u64).map_or(JsValue::UNDEFINED, bytes)
    }

    /// A streamed upload: file `index`'s first `len` envelope bytes are
    /// sealed (the host serves them for `blob` bodies, keeping each byte
    /// until an `uploading` progress report's `done` passes it).
    pub fn sealed(&mut self, index: usize, len: f64) -> Result<(), Failure> {
        let len = whole(len, MAX_SAFE_INTEGER, "len")? as u64;
        Ok(self.session.sealed(index, len)?)
    }

    /// A streamed upload: the sealed manifest (from `Sealing.sealManifest`).
    #[wasm_bindgen(js_name = setManifest)]
    pub fn set_manifest(&mut self, manifest: Vec<u8>) -> Result<(), Failure> {
        Ok(self.session.manifest(manifest)?)
    }

    /// The answer to the last `send` step.
    pub fn respond(
        &mut self,
        status: u16,
        retry_after: Option<f64>,
        content_length: Option<f64>,
        body: Vec<u8>,
    ) -> Result<(), Failure> {
        Ok(self.session.respond(response(status, retry_after, content_length, body))?)
    }

    /// No answer to the last `send` step (`fetch` failed).
    #[wasm_bindgen(js_name = networkError)]
    pub fn network_error(&mut self, message: String) -> Result<(), Failure> {
        Ok(self.session.network_error(message)?)
    }
}

/// The upload's options: kluis-transfer's, in pieces of
/// [`PIECE_SIZE`](crate::http::PIECE_SIZE).
fn send_options() -> SendOptions {
    SendOptions { piece_size: crate::http::PIECE_SIZE, ..SendOptions::default() }
}
