/**
 * A worker (Web Worker or Node worker thread): its own instance of the
 * WebAssembly module, running one job at a time: a header (Argon2) or a
 * batch of chunks. No cryptography here: every call goes to the module.
 */

import { ChunkCipher, initSync, openHeader, sealHeader } from '../wasm/kluis_wasm.js';
import { toFailureData } from './errors.js';
import type { ChunkResult, Job, Reply } from './protocol.js';
import { isNode, nodeImport } from './platform.js';
import { release } from './release.js';

interface Port {
  post(message: Reply, transfer: Transferable[]): void;
  listen(handler: (data: { id: number; job: Job }) => void): void;
}

/** The browser's port is taken at once (messages that arrive before a
 * listener would be lost); Node's queues them until one is attached. */
function port(): Port | Promise<Port> {
  if (isNode) {
    return nodePort();
  }
  const scope = globalThis as unknown as {
    postMessage(m: unknown, t: Transferable[]): void;
    addEventListener(type: 'message', l: (e: MessageEvent) => void): void;
  };
  return { post: (m, t) => scope.postMessage(m, t), listen: (h) => scope.addEventListener('message', (e) => h(e.data)) };
}

async function nodePort(): Promise<Port> {
  {
    const wt = await nodeImport<{
      parentPort: {
        postMessage(m: unknown, t: readonly unknown[]): void;
        on(e: 'message', l: (d: { id: number; job: Job }) => void): void;
      };
    }>('node:worker_threads');
    return { post: (m, t) => wt.parentPort.postMessage(m, t), listen: (h) => wt.parentPort.on('message', h) };
  }
}

/**
 * The batch's outputs as one buffer (a chunk is 64 KiB by default: one
 * piece of about a batch's size costs the page one read, one write and one
 * check instead of sixteen).
 */
function joined(outputs: Uint8Array[]): Uint8Array[] {
  if (outputs.length <= 1) return outputs;
  const out = new Uint8Array(outputs.reduce((n, o) => n + o.length, 0));
  let at = 0;
  for (const o of outputs) {
    out.set(o, at);
    at += o.length;
    release(o);
  }
  return [out];
}

function seal(job: Extract<Job, { op: 'seal' }>): ChunkResult {
  const cipher = new ChunkCipher(job.key);
  job.key.fill(0);
  const outputs: Uint8Array[] = [];
  try {
    for (const p of job.pieces) {
      try {
        outputs.push(cipher.seal(p.index, p.last, p.bytes));
      } catch (e) {
        return { outputs: joined(outputs), error: toFailureData(e) };
      }
    }
    return { outputs: joined(outputs) };
  } finally {
    cipher.free();
    // The plaintext came by message (this worker's copy): wiped and given back.
    for (const p of job.pieces) {
      p.bytes.fill(0);
      release(p.bytes);
    }
  }
}

/**
 * Opens each chunk in place and moves its plaintext up behind the one
 * before: the answer is the buffer the job came in (sent back, not
 * copied), so this worker allocates no buffer per batch and leaves none for
 * the collector. After a refusal the buffer holds the plaintext opened
 * before it and zeros.
 */
function open(job: Extract<Job, { op: 'open' }>): ChunkResult {
  const cipher = new ChunkCipher(job.key);
  job.key.fill(0);
  const bytes = job.bytes;
  let out = 0;
  try {
    for (const s of job.spans) {
      try {
        const n = cipher.openInPlace(s.index, s.last, bytes.subarray(s.offset, s.offset + s.length));
        bytes.copyWithin(out, s.offset, s.offset + n);
        out += n;
      } catch (e) {
        bytes.fill(0, out);
        return { outputs: [bytes.subarray(0, out)], error: toFailureData(e) };
      }
    }
    return { outputs: [bytes.subarray(0, out)] };
  } finally {
    cipher.free();
  }
}

/** Overwrites the key bytes of the secrets this worker was handed (its copies). */
function wipeSecrets(secrets: unknown): void {
  for (const s of Array.isArray(secrets) ? secrets : [secrets]) {
    const key = (s as { key?: unknown } | null)?.key;
    if (key instanceof Uint8Array) key.fill(0);
  }
}

function run(job: Job): [unknown, Transferable[]] {
  switch (job.op) {
    case 'init':
      initSync({ module: job.module });
      return [null, []];
    case 'sealHeader': {
      try {
        const r = sealHeader(job.secrets, job.options) as { header: Uint8Array; chunkKey: Uint8Array };
        return [r, [r.header.buffer, r.chunkKey.buffer]];
      } finally {
        wipeSecrets(job.secrets);
      }
    }
    case 'openHeader': {
      try {
        const r = openHeader(job.bytes, job.secret, job.limits) as { chunkKey: Uint8Array };
        return [r, [r.chunkKey.buffer]];
      } finally {
        wipeSecrets(job.secret);
      }
    }
    case 'seal': {
      const r = seal(job);
      return [r, r.outputs.map((o) => o.buffer)];
    }
    case 'open': {
      const r = open(job);
      return [r, [job.bytes.buffer]];
    }
  }
}

function serve(p: Port): void {
  p.listen(({ id, job }) => {
  let reply: Reply;
  let transfer: Transferable[] = [];
  try {
    const [value, t] = run(job);
    reply = { id, ok: true, value };
    transfer = t;
  } catch (e) {
    reply = { id, ok: false, error: toFailureData(e) };
  }
  p.post(reply, transfer);
  });
}

const p = port();
if (p instanceof Promise) void p.then(serve);
else serve(p);
