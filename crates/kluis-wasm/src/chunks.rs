//! The chunk work of one envelope, as classes: a `ChunkSplitter` cuts the
//! stream (on the page's thread), a `ChunkCipher` per worker seals or opens
//! chunks, a `ReleaseCheck` checks what is released against the metadata.
//! All rules are kluis-core's ([`kluis_core::ChunkCipher`] and neighbours).

use kluis_core::{ChunkKey, Metadata};
use wasm_bindgen::prelude::*;

use crate::convert::{MAX_SAFE_INTEGER, bytes, object, whole};
use crate::error::Failure;

fn key(chunk_key: &[u8]) -> Result<ChunkKey, Failure> {
    ChunkKey::from_slice(chunk_key)
        .map_err(|_| Failure::invalid("not a chunk key (65 bytes from sealHeader or openHeader)"))
}

fn index(value: f64) -> Result<u64, Failure> {
    whole(value, MAX_SAFE_INTEGER, "chunk index").map(|n| n as u64)
}

/// Seals and opens the chunks of one envelope; one per worker and envelope.
///
/// ```js
/// const cipher = new ChunkCipher(chunkKey);
/// const sealed = cipher.seal(0, true, new Uint8Array([1, 2, 3]));
/// cipher.open(0, true, sealed); // Uint8Array [1, 2, 3]
/// cipher.free();
/// ```
#[wasm_bindgen]
pub struct ChunkCipher(kluis_core::ChunkCipher);

#[wasm_bindgen]
impl ChunkCipher {
    /// A cipher for the envelope whose `chunkKey` this is.
    #[wasm_bindgen(constructor)]
    pub fn new(chunk_key: &[u8]) -> Result<ChunkCipher, Failure> {
        Ok(ChunkCipher(kluis_core::ChunkCipher::new(&key(chunk_key)?)))
    }

    /// Seals chunk `index` (`last`: the final chunk): ciphertext and tag.
    pub fn seal(&self, index_in: f64, last: bool, plaintext: &[u8]) -> Result<Vec<u8>, Failure> {
        Ok(self.0.seal(index(index_in)?, last, plaintext)?)
    }

    /// Opens chunk `index` (`last`: the reader's belief that it ends the
    /// envelope): the authenticated plaintext, or the refusal.
    pub fn open(&self, index_in: f64, last: bool, ciphertext: &[u8]) -> Result<Vec<u8>, Failure> {
        Ok(self.0.open(index(index_in)?, last, ciphertext)?)
    }

    /// [`open`](ChunkCipher::open) in place: `chunk` (a view, ciphertext
    /// and tag) gets the plaintext in its first bytes, and their count is
    /// returned; after a refusal it holds no plaintext. No new buffer is
    /// made, so a worker that opens into the buffers it is sent leaves no
    /// garbage behind.
    ///
    /// ```js
    /// const n = cipher.openInPlace(0, true, chunk);
    /// const plaintext = chunk.subarray(0, n);
    /// ```
    #[wasm_bindgen(js_name = openInPlace)]
    pub fn open_in_place(&self, index_in: f64, last: bool, chunk: &mut [u8]) -> Result<usize, Failure> {
        Ok(self.0.open_in_place(index(index_in)?, last, chunk)?)
    }
}

/// Cuts plaintext (to seal) or a payload (to open) into chunks.
///
/// ```js
/// const splitter = ChunkSplitter.forPlaintext(chunkKey);
/// const pieces = [...splitter.push(data), splitter.finish()]; // [{ index, last, bytes }, ...]
/// ```
#[wasm_bindgen]
pub struct ChunkSplitter(Option<kluis_core::ChunkSplitter>);

fn pieces_to_js(pieces: Vec<kluis_core::Piece>) -> js_sys::Array {
    pieces.into_iter().map(|p| piece_to_js(&p)).collect()
}

fn piece_to_js(p: &kluis_core::Piece) -> JsValue {
    object(&[("index", (p.index as f64).into()), ("last", p.last.into()), ("bytes", bytes(&p.bytes))])
}

#[wasm_bindgen]
impl ChunkSplitter {
    /// Cuts plaintext into the chunks of the envelope `chunkKey` belongs to.
    #[wasm_bindgen(js_name = forPlaintext)]
    pub fn for_plaintext(chunk_key: &[u8]) -> Result<ChunkSplitter, Failure> {
        Ok(ChunkSplitter(Some(kluis_core::ChunkSplitter::for_plaintext(&key(chunk_key)?))))
    }

    /// Cuts the payload (the bytes after the header) into chunks to open.
    #[wasm_bindgen(js_name = forEnvelope)]
    pub fn for_envelope(chunk_key: &[u8]) -> Result<ChunkSplitter, Failure> {
        Ok(ChunkSplitter(Some(kluis_core::ChunkSplitter::for_envelope(&key(chunk_key)?))))
    }

    /// Feeds `data`: the pieces `{ index, last, bytes }` now known not to
    /// be the final chunk.
    pub fn push(&mut self, data: &[u8]) -> Result<js_sys::Array, Failure> {
        let splitter = self.0.as_mut().ok_or_else(|| Failure::invalid("the splitter has finished"))?;
        Ok(pieces_to_js(splitter.push(data)))
    }

    /// Ends the input: the final piece (an envelope payload with no byte at
    /// all is refused as truncated).
    pub fn finish(&mut self) -> Result<JsValue, Failure> {
        let splitter = self.0.take().ok_or_else(|| Failure::invalid("the splitter has finished"))?;
        Ok(piece_to_js(&splitter.finish()?))
    }
}

/// Checks the plaintext released, in order, against the metadata's size.
///
/// ```js
/// const check = new ReleaseCheck(metadataJson); // '{"size":10}', or undefined
/// check.release(8); // before releasing 8 bytes
/// check.finish();   // throws: Tampered (SizeMismatch), 8 of 10 bytes
/// ```
#[wasm_bindgen]
pub struct ReleaseCheck(kluis_core::ReleaseCheck);

#[wasm_bindgen]
impl ReleaseCheck {
    /// A check for the metadata `openHeader` returned as `metadataJson`
    /// (`null`: the envelope has none).
    #[wasm_bindgen(constructor)]
    pub fn new(metadata_json: Option<String>) -> Result<ReleaseCheck, Failure> {
        let metadata = match metadata_json {
            Some(json) => Some(Metadata::from_json(&json).map_err(Failure::invalid)?),
            None => None,
        };
        Ok(ReleaseCheck(kluis_core::ReleaseCheck::new(metadata.as_ref())))
    }

    /// Counts `length` more bytes before they are released.
    pub fn release(&mut self, length: f64) -> Result<(), Failure> {
        let n = whole(length, MAX_SAFE_INTEGER, "length")? as usize;
        Ok(self.0.release(n)?)
    }

    /// After the final chunk: refuses a total other than the size.
    pub fn finish(&self) -> Result<(), Failure> {
        Ok(self.0.finish()?)
    }
}
