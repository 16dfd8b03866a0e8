// The measurements, the same in a page (bench-page.js) and in Node
// (bench-node.mjs): the package `kluis` against its peers on the same
// bytes, in one run. Every function returns plain data (seconds, bytes,
// milliseconds); run.mjs turns it into the report.
//
// - seal and open of `mib` MiB through sealStream/openStream, with the
//   worker pool and with one worker;
// - WebCrypto AES-256-GCM over the same bytes, streamed in 64 KiB chunks,
//   one chunk at a time (what FileSender does in browsers);
// - Argon2id at the default cost (64 MiB, t=3, p=4): kluis (sealBytes of
//   nothing with a password: the header's Argon2 in a worker) and
//   hash-wasm's argon2id (on the calling thread);
// - `roundTrip`: `mib` MiB sealed and opened at once (sealStream piped into
//   openStream, nothing kept, with a password), for the memory sampling of
//   the runner.

const PIECE = 1 << 20;
const WEBCRYPTO_CHUNK = 64 << 10;

function pattern() {
  return new Uint8Array(PIECE).map((_, i) => (i * 31 + 7) & 0xff);
}

/** `total` bytes in pieces of at most 1 MiB (copies: a consumer may move them). */
export function source(total, piece = pattern()) {
  let sent = 0;
  return new ReadableStream(
    {
      pull(c) {
        if (sent >= total) return c.close();
        const n = Math.min(piece.length, total - sent);
        c.enqueue(piece.slice(0, n));
        sent += n;
      },
    },
    { highWaterMark: 0 },
  );
}

async function drain(stream, keep) {
  const reader = stream.getReader();
  const parts = [];
  let n = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) return { n, parts };
    n += r.value.length;
    if (keep) parts.push(r.value);
  }
}

function fromParts(parts) {
  let i = 0;
  return new ReadableStream({ pull: (c) => (i < parts.length ? c.enqueue(parts[i++]) : c.close()) }, { highWaterMark: 0 });
}

const seconds = (t0) => (performance.now() - t0) / 1000;

/** Seal then open `total` bytes with `workers` workers: seconds each. */
async function kluisRun(kluis, total, workers) {
  const key = { key: new Uint8Array(32).fill(7) };
  await kluis.configure({ workers });
  await drain(kluis.sealStream(source(4 << 20), key)); // start the workers
  let t = performance.now();
  const sealed = await drain(kluis.sealStream(source(total), key), true);
  const seal = seconds(t);
  t = performance.now();
  const opened = await drain(kluis.openStream(fromParts(sealed.parts), key));
  const open = seconds(t);
  if (opened.n !== total) throw new Error(`the round trip with ${workers} workers gave ${opened.n} of ${total} bytes`);
  return { workers, seal, open, envelope: sealed.n };
}

/**
 * WebCrypto AES-256-GCM over `total` bytes, 64 KiB at a time, each chunk
 * with its own 96-bit nonce (a counter) and awaited before the next, as a
 * streaming sender does; then the same chunks decrypted.
 */
async function webcryptoRun(subtle, total) {
  const key = await subtle.importKey('raw', new Uint8Array(32).fill(7), 'AES-GCM', false, ['encrypt', 'decrypt']);
  const iv = (i) => {
    const v = new Uint8Array(12);
    new DataView(v.buffer).setUint32(8, i);
    return v;
  };
  const reader = source(total).getReader();
  const sealed = [];
  let t = performance.now();
  for (let i = 0; ; ) {
    const r = await reader.read();
    if (r.done) break;
    for (let at = 0; at < r.value.length; at += WEBCRYPTO_CHUNK) {
      sealed.push(await subtle.encrypt({ name: 'AES-GCM', iv: iv(i++) }, key, r.value.subarray(at, at + WEBCRYPTO_CHUNK)));
    }
  }
  const seal = seconds(t);
  t = performance.now();
  let n = 0;
  for (let i = 0; i < sealed.length; i++) n += (await subtle.decrypt({ name: 'AES-GCM', iv: iv(i) }, key, sealed[i])).byteLength;
  const open = seconds(t);
  if (n !== total) throw new Error(`WebCrypto gave ${n} of ${total} bytes`);
  return { seal, open, chunks: sealed.length };
}

/** Argon2id at the default cost, `runs` times each: milliseconds per run. */
async function argon2Runs(kluis, hashwasm, runs) {
  const password = 'paard batterij nietje';
  const out = { kluis: [], hashwasm: [] };
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    await kluis.sealBytes(new Uint8Array(0), { password });
    out.kluis.push(performance.now() - t);
    if (hashwasm) {
      const salt = crypto.getRandomValues(new Uint8Array(16));
      t = performance.now();
      await hashwasm.argon2id({ password, salt, parallelism: 4, iterations: 3, memorySize: 65536, hashLength: 32, outputType: 'binary' });
      out.hashwasm.push(performance.now() - t);
    }
  }
  return out;
}

/**
 * Every speed figure for one build of the module: `cfg` is `{ mib,
 * argon2Runs, peers }`; `peers` adds WebCrypto and hash-wasm (the same in
 * either build, so measured once).
 */
export async function speed(kluis, hashwasm, subtle, cfg) {
  await kluis.ready;
  const pool = kluis.workers();
  const total = cfg.mib * (1 << 20);
  const result = { simd: kluis.simd(), pool, mib: cfg.mib, runs: [], webcrypto: null, argon2: null };
  if (cfg.peers && hashwasm) {
    // hash-wasm compiles its module on first use: not part of a timed run.
    await hashwasm.argon2id({ password: 'x', salt: new Uint8Array(16), parallelism: 1, iterations: 1, memorySize: 8, hashLength: 32 });
  }
  for (const workers of [...new Set([pool, 1])]) result.runs.push(await kluisRun(kluis, total, workers));
  await kluis.configure({ workers: pool });
  if (cfg.peers) result.webcrypto = await webcryptoRun(subtle, total);
  result.argon2 = await argon2Runs(kluis, cfg.peers ? hashwasm : null, cfg.argon2Runs);
  return result;
}

/**
 * `mib` MiB sealed and opened at once through the pool, nothing kept:
 * seconds. With a password, as a user seals: the header's Argon2id (64 MiB)
 * runs on a worker when sealing and again when opening, and a worker's wasm
 * memory, once grown, stays.
 */
export async function roundTrip(kluis, mib) {
  await kluis.ready;
  const key = { password: 'paard batterij nietje' };
  const total = mib * (1 << 20);
  const t = performance.now();
  const { n } = await drain(kluis.openStream(kluis.sealStream(source(total), key), key));
  if (n !== total) throw new Error(`the round trip gave ${n} of ${total} bytes`);
  return { bytes: n, seconds: seconds(t), workers: kluis.workers() };
}
