//! Parallel chunk work: a thread pool per thread count, and the batch
//! operations that seal or open consecutive chunks in place.
//!
//! Chunks are independent, and consecutive chunks are contiguous in the
//! envelope, so a *batch* is one buffer laid out exactly as the envelope
//! bytes it becomes (or came from): chunk `j` of the batch occupies
//! `j * (C + 16) ..` in it. Sealing and opening work in place in that buffer
//! (no per-chunk allocation or copy), split across the pool's threads.
//!
//! WebAssembly has no threads: there the pool does not exist (not even
//! rayon is built) and every batch runs on the caller's thread; the
//! JavaScript package spreads chunks over Web Workers through
//! [`crate::chunks`] instead.

use std::num::NonZeroUsize;
#[cfg(not(target_family = "wasm"))]
use std::{
    collections::HashMap,
    sync::{Arc, Mutex, OnceLock, mpsc},
};

#[cfg(not(target_family = "wasm"))]
use rayon::prelude::*;

use crate::error::OpenError;
use crate::primitives::TAG_LEN;
use crate::stream::PayloadCipher;

/// Bytes of plaintext a batch aims for: enough to amortise the hand-over
/// between threads, small enough that memory stays a few MiB.
const BATCH_BYTES: usize = 1 << 20;

/// How many threads seal or open chunks.
///
/// The default is the number of cores the process may use (one on a
/// single-core machine, where everything then runs on the caller's thread),
/// which is also the most [`Threads::new`] gives: more threads than cores
/// would not seal faster, and each thread adds one chunk (up to 16 MiB) to
/// the batch buffer.
///
/// ```
/// use kluis_core::Threads;
/// assert_eq!(Threads::new(1).get(), 1);
/// assert!(Threads::default().get() >= 1);
/// assert_eq!(Threads::new(4000), Threads::default());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Threads(NonZeroUsize);

impl Threads {
    /// `n` threads, clamped to 1 ..= the cores the process may use (so 0
    /// is taken as 1, and 4000 as the number of cores).
    pub fn new(n: usize) -> Self {
        let n = NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN);
        Threads(n.min(Self::available()))
    }

    /// The cores the process may use (1 if unknown).
    fn available() -> NonZeroUsize {
        std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN)
    }

    /// The number of threads.
    pub fn get(self) -> usize {
        self.0.get()
    }
}

impl Default for Threads {
    fn default() -> Self {
        Threads(Self::available())
    }
}

/// A shared thread pool (none in WebAssembly, which has no threads).
#[cfg(not(target_family = "wasm"))]
type Pool = Arc<rayon::ThreadPool>;
#[cfg(target_family = "wasm")]
type Pool = std::convert::Infallible;

/// Runs batch jobs: inline with one thread, else on a shared pool.
#[derive(Clone)]
pub(crate) struct Workers {
    pool: Option<Pool>,
    threads: usize,
}

#[cfg(target_family = "wasm")]
fn pool_for(_threads: usize) -> Option<Pool> {
    None
}

#[cfg(not(target_family = "wasm"))]
fn pool_for(threads: usize) -> Option<Arc<rayon::ThreadPool>> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
    let mut pools = POOLS.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    if let Some(pool) = pools.get(&threads) {
        return Some(pool.clone());
    }
    // If the system refuses threads, fall back to working inline.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("kluis-chunk-{i}"))
        .build()
        .ok()
        .map(Arc::new)?;
    pools.insert(threads, pool.clone());
    Some(pool)
}

impl Workers {
    pub(crate) fn new(threads: Threads) -> Self {
        let threads = threads.get();
        let pool = if threads > 1 { pool_for(threads) } else { None };
        Workers { threads: if pool.is_some() { threads } else { 1 }, pool }
    }

    /// Chunks per batch for this chunk size.
    pub(crate) fn batch_chunks(&self, chunk_size: usize) -> usize {
        (BATCH_BYTES / chunk_size).max(self.threads).max(1)
    }

    /// Starts `job` off the caller's thread (or runs it now when inline);
    /// the result is collected with [`Pending::wait`].
    pub(crate) fn start<T: Send + 'static>(&self, job: impl FnOnce(&Workers) -> T + Send + 'static) -> Pending<T> {
        match &self.pool {
            None => Pending::Ready(job(self)),
            #[cfg(target_family = "wasm")]
            Some(never) => match *never {},
            #[cfg(not(target_family = "wasm"))]
            Some(pool) => {
                let (tx, rx) = mpsc::sync_channel(1);
                let me = self.clone();
                pool.spawn(move || {
                    // The receiver only goes away when the owner was dropped.
                    let _ = tx.send(job(&me));
                });
                Pending::Running(rx)
            }
        }
    }

    /// Applies `f` to each chunk slot of `buf` (`stride` bytes each, the last
    /// possibly shorter), in parallel when a pool exists.
    fn for_each_chunk<T: Send>(
        &self,
        buf: &mut [u8],
        stride: usize,
        f: impl Fn(usize, &mut [u8]) -> T + Sync,
    ) -> Vec<T> {
        match &self.pool {
            #[cfg(not(target_family = "wasm"))]
            Some(pool) if buf.len() > stride => {
                pool.install(|| buf.par_chunks_mut(stride).enumerate().map(|(j, c)| f(j, c)).collect())
            }
            _ => buf.chunks_mut(stride).enumerate().map(|(j, c)| f(j, c)).collect(),
        }
    }
}

/// A job started by [`Workers::start`].
pub(crate) enum Pending<T> {
    Ready(T),
    #[cfg(not(target_family = "wasm"))]
    Running(mpsc::Receiver<T>),
}

impl<T> Pending<T> {
    /// Waits for the result; `None` only if the worker thread died.
    pub(crate) fn wait(self) -> Option<T> {
        match self {
            Pending::Ready(t) => Some(t),
            #[cfg(not(target_family = "wasm"))]
            Pending::Running(rx) => rx.recv().ok(),
        }
    }
}

/// The shape of a batch to seal: `chunks` chunks from `first_index`, all
/// full except the last, which holds `last_len` bytes and carries the final
/// flag when `last_is_final`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SealShape {
    pub(crate) first_index: u64,
    pub(crate) chunks: usize,
    pub(crate) last_len: usize,
    pub(crate) last_is_final: bool,
}

/// Seals, in place, the chunks whose plaintext sits in `buf` at chunk slots
/// (`chunk_size + 16` apart). On return `buf` holds exactly the envelope
/// bytes of these chunks.
pub(crate) fn seal_batch(
    workers: &Workers,
    cipher: &PayloadCipher,
    chunk_size: usize,
    shape: SealShape,
    buf: &mut Vec<u8>,
) {
    let stride = chunk_size + TAG_LEN;
    let SealShape { first_index, chunks, last_len, last_is_final } = shape;
    // Room for the last chunk's tag (the others' were left while filling).
    buf.resize((chunks - 1) * stride + last_len + TAG_LEN, 0);
    workers.for_each_chunk(buf, stride, |j, slot| {
        let last = j + 1 == chunks;
        let len = if last { last_len } else { chunk_size };
        cipher.seal_in_place(first_index + j as u64, last && last_is_final, slot, len);
    });
}

/// The outcome of opening a batch: the plaintext lengths of the chunks
/// that authenticated, in order, and the refusal that stopped it, if any.
pub(crate) struct Opened {
    pub(crate) lens: Vec<usize>,
    pub(crate) error: Option<OpenError>,
}

/// Opens, in place, the chunks in `buf` (laid out as in the envelope);
/// only the last may be the final chunk, as `last_is_final` says. Chunk
/// `j`'s plaintext is then `buf[j * stride..][..lens[j]]`.
pub(crate) fn open_batch(
    workers: &Workers,
    cipher: &PayloadCipher,
    first_index: u64,
    chunk_size: usize,
    last_is_final: bool,
    buf: &mut [u8],
) -> Opened {
    let stride = chunk_size + TAG_LEN;
    let chunks = buf.len().div_ceil(stride);
    let results = workers.for_each_chunk(buf, stride, |j, slot| {
        let last = j + 1 == chunks && last_is_final;
        cipher.open(first_index + j as u64, last, slot)
    });
    let mut lens = Vec::with_capacity(results.len());
    for (j, r) in results.into_iter().enumerate() {
        match r {
            Ok(n) => lens.push(n),
            Err(e) => {
                // Wipe what follows the refusal: it is never released.
                buf[j * stride..].fill(0);
                return Opened { lens, error: Some(e) };
            }
        }
    }
    Opened { lens, error: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A caller's thread count (from a foreign binding, say) never exceeds
    /// the cores: `threads × (chunk + 16)` is the batch buffer, and 4000
    /// threads with 16 MiB chunks would ask for 64 GiB.
    #[test]
    fn threads_are_clamped_to_the_cores() {
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        assert_eq!(Threads::new(4000).get(), cores);
        assert_eq!(Threads::new(usize::MAX).get(), cores);
        assert_eq!(Threads::new(0).get(), 1);
        let workers = Workers::new(Threads::new(4000));
        assert!(workers.threads <= cores);
        assert!(workers.batch_chunks(1 << 24) <= cores.max(1));
    }
}
