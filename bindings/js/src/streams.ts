/**
 * `sealStream` and `openStream`: the envelope as a WHATWG stream. The
 * stream is cut into chunks on the page's thread (kluis-core's
 * `ChunkSplitter`, in the module), batches of chunks are sealed or opened
 * on the worker pool in parallel, and the results are released strictly in
 * order. At most `2 × workers` batches are under way, and input is read
 * only as the output is read: memory stays flat whatever the length, and
 * back-pressure reaches the source.
 */

import { ChunkSplitter, ReleaseCheck, headerLength } from '../wasm/kluis_wasm.js';
import { KluisError, toKluisError } from './errors.js';
import { getPool } from './engine.js';
import { release } from './release.js';
import type { Pool } from './pool.js';
import type { ChunkResult, Piece, Span } from './protocol.js';
import type { Metadata, OpenLimits, Secret, SealOptions, StreamOptions } from './types.js';

/** Plaintext bytes a batch aims for (a chunk at least). */
const BATCH_BYTES = 1 << 20;

/**
 * An open batch as one buffer with the chunks' places: the worker opens them
 * in it and sends it back holding the plaintext (protocol.ts `Span`).
 */
function openJob(pool: Pool, key: Uint8Array, batch: Piece[]): Promise<ChunkResult> {
  const bytes = new Uint8Array(batch.reduce((n, p) => n + p.bytes.length, 0));
  const spans: Span[] = [];
  let offset = 0;
  for (const p of batch) {
    bytes.set(p.bytes, offset);
    spans.push({ index: p.index, last: p.last, offset, length: p.bytes.length });
    offset += p.bytes.length;
    // The splitter made this piece for the pipeline alone.
    release(p.bytes);
  }
  return pool.run<ChunkResult>({ op: 'open', key, bytes, spans }, [key.buffer, bytes.buffer]);
}

/** How the pipeline ends its stream and what it works with. */
interface Prepared {
  pool: Pool;
  key: Uint8Array;
  splitter: ChunkSplitter;
  check: ReleaseCheck | null;
  /** Bytes released before the chunks (the header when sealing). */
  head: Uint8Array | null;
  /** Input already read past the header (opening). */
  rest: Uint8Array | null;
}

function noop(): void {}

/** Runs the chunk pipeline of one envelope. */
function pipeline(
  op: 'seal' | 'open',
  input: ReadableStream<Uint8Array>,
  prepare: (reader: ReadableStreamDefaultReader<Uint8Array>) => Promise<Prepared>,
  options: StreamOptions | undefined,
  ownInput = false,
): ReadableStream<Uint8Array> {
  const reader = input.getReader();
  const signal = options?.signal;
  let p: Prepared | null = null;
  const inflight: Promise<ChunkResult>[] = [];
  let pending: Piece[] = [];
  let pendingBytes = 0;
  let carry: Uint8Array | null = null;
  /** The input chunk `carry` is part of; with `ownInput`, released once fed (release.ts). */
  let source: Uint8Array | null = null;
  let ended = false;
  let done = false;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | null = null;

  const cleanup = (): void => {
    done = true;
    if (p) {
      p.key.fill(0);
      p.splitter.free();
      p.check?.free();
    }
    pending = [];
    inflight.length = 0;
    signal?.removeEventListener('abort', onAbort);
  };
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, e: unknown, error = toKluisError(e)): void => {
    if (done) return;
    cleanup();
    reader.cancel(error).catch(noop);
    controller.error(error);
  };
  function onAbort(): void {
    if (controllerRef) fail(controllerRef, signal?.reason, signal?.reason);
  }

  const flush = (prepared: Prepared): void => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    pendingBytes = 0;
    const key = prepared.key.slice();
    const job = op === 'seal' ? prepared.pool.run<ChunkResult>({ op, key, pieces: batch }, [key.buffer, ...batch.map((x) => x.bytes.buffer)]) : openJob(prepared.pool, key, batch);
    job.catch(noop);
    inflight.push(job);
  };

  const feed = (prepared: Prepared, data: Uint8Array): void => {
    for (const piece of prepared.splitter.push(data) as Piece[]) {
      pending.push(piece);
      pendingBytes += piece.bytes.length;
      if (pendingBytes >= BATCH_BYTES) flush(prepared);
    }
  };

  /** Reads input until a batch is under way for every pair of workers' slot, or the input ends. */
  const fill = async (prepared: Prepared): Promise<void> => {
    const max = 2 * prepared.pool.size;
    while (!ended && inflight.length < max) {
      if (carry === null) {
        const r = await reader.read();
        if (done) return;
        if (r.done) {
          ended = true;
          const last = prepared.splitter.finish() as Piece;
          pending.push(last);
          flush(prepared);
          return;
        }
        if (!(r.value instanceof Uint8Array)) throw new KluisError('InvalidArgument', 'the input stream must yield Uint8Array chunks');
        carry = r.value;
        source = r.value;
      }
      // Large reads are fed a batch at a time, so that module memory stays small.
      const part: Uint8Array = carry.length > BATCH_BYTES ? carry.subarray(0, BATCH_BYTES) : carry;
      carry = carry.length > BATCH_BYTES ? carry.subarray(BATCH_BYTES) : null;
      feed(prepared, part);
      if (carry === null && ownInput && source !== null) release(source);
      // Idle workers get what there is at once; later batches fill up.
      if (inflight.length === 0) flush(prepared);
    }
    if (inflight.length === 0) flush(prepared);
  };

  return new ReadableStream<Uint8Array>(
    {
      async start(controller) {
        controllerRef = controller;
        if (signal?.aborted) throw signal.reason;
        signal?.addEventListener('abort', onAbort);
        try {
          p = await prepare(reader);
        } catch (e) {
          fail(controller, e);
          return;
        }
        if (done) {
          // Cancelled or aborted while the header was being made or opened.
          p.key.fill(0);
          p.splitter.free();
          p.check?.free();
          return;
        }
        if (p.head) controller.enqueue(p.head);
        if (p.rest) {
          carry = p.rest;
          source = p.rest;
        }
      },
      async pull(controller) {
        if (done || !p) return;
        try {
          await fill(p);
          if (done) return;
          const next = inflight.shift();
          if (next === undefined) {
            p.check?.finish();
            cleanup();
            controller.close();
            return;
          }
          const result = await next;
          if (done) return;
          for (const out of result.outputs) {
            p.check?.release(out.length);
            controller.enqueue(out);
          }
          if (result.error) throw new KluisError(result.error.kind, result.error.message, result.error.reason);
        } catch (e) {
          fail(controller, e);
        }
      },
      cancel(reason) {
        cleanup();
        return reader.cancel(reason).catch(noop);
      },
    },
    { highWaterMark: 1 },
  );
}

function options(o: SealOptions | undefined): unknown {
  if (!o) return undefined;
  const m = o.metadata;
  const modified = m?.modified instanceof Date ? m.modified.toISOString().replace(/\.\d{3}Z$/, 'Z') : m?.modified;
  return {
    chunkSize: o.chunkSize,
    argon2: o.argon2,
    metadata: m ? { name: m.name, mediaType: m.mediaType, modified } : undefined,
  };
}

/**
 * Seals a stream: the envelope comes out as a stream, header first. The
 * header's Argon2 (for each password) and the chunks run on the workers.
 */
export function sealStream(
  readable: ReadableStream<Uint8Array>,
  secrets: Secret | Secret[],
  sealOptions?: SealOptions,
): ReadableStream<Uint8Array> {
  return pipeline(
    'seal',
    readable,
    async () => {
      const pool = await getPool();
      const h = await pool.run<{ header: Uint8Array; chunkKey: Uint8Array }>({
        op: 'sealHeader',
        secrets: Array.isArray(secrets) ? secrets : [secrets],
        options: options(sealOptions),
      });
      return { pool, key: h.chunkKey, splitter: ChunkSplitter.forPlaintext(h.chunkKey), check: null, head: h.header, rest: null };
    },
    sealOptions,
  );
}

/**
 * Seals a stream under a header and chunk key made elsewhere (a transfer's
 * file, by the transfer worker's `Sealing.beginChunkedFile`): the envelope
 * as a stream, header first, its chunks sealed on the pool exactly as
 * `sealStream` seals them. The key is wiped when the stream ends.
 */
export function sealChunks(
  readable: ReadableStream<Uint8Array>,
  header: Uint8Array,
  chunkKey: Uint8Array,
  streamOptions?: StreamOptions,
): ReadableStream<Uint8Array> {
  return pipeline(
    'seal',
    readable,
    async () => {
      const pool = await getPool();
      return { pool, key: chunkKey, splitter: ChunkSplitter.forPlaintext(chunkKey), check: null, head: header, rest: null };
    },
    streamOptions,
  );
}

/** The stream `openStream` returns: the plaintext, and the metadata once the header is open. */
export type OpenedStream = ReadableStream<Uint8Array> & {
  /** The envelope's metadata (`null` if it has none), once its header is open. */
  readonly metadata: Promise<Metadata | null>;
};

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Opens a stream: only authenticated plaintext comes out, chunk by chunk;
 * an envelope cut short errors the stream (`Truncated`) after the last
 * whole chunk, and one changed anywhere errors it before the change.
 */
export function openStream(
  readable: ReadableStream<Uint8Array>,
  secret: Secret,
  limits?: OpenLimits,
  streamOptions?: StreamOptions,
): OpenedStream {
  return openEnvelope(readable, secret, limits, streamOptions).stream;
}

/**
 * `openStream`, and the metadata as the envelope holds it (its JSON, `null`
 * when it has none), once the header is open: what a transfer checks
 * against its manifest. With `ownInput`, the input's chunks belong to this
 * stream alone and are released (release.ts) once fed to the splitter.
 */
export function openEnvelope(
  readable: ReadableStream<Uint8Array>,
  secret: Secret,
  limits?: OpenLimits,
  streamOptions?: StreamOptions,
  ownInput = false,
): { stream: OpenedStream; metadataJson: Promise<string | null> } {
  let setMetadata: (m: Metadata | null) => void = noop;
  let failMetadata: (e: unknown) => void = noop;
  let setJson: (m: string | null) => void = noop;
  const metadata = new Promise<Metadata | null>((resolve, reject) => {
    setMetadata = resolve;
    failMetadata = reject;
  });
  const metadataJson = new Promise<string | null>((resolve, reject) => {
    setJson = resolve;
    metadata.catch(reject);
  });
  metadata.catch(noop);
  metadataJson.catch(noop);
  const stream = pipeline(
    'open',
    readable,
    async (reader) => {
      try {
        // The header is measured by the module on this thread: it must be loaded.
        const pool = await getPool();
        let prefix: Uint8Array = new Uint8Array(0);
        let length = -1;
        for (;;) {
          const h = headerLength(prefix) as { complete: boolean; length: number };
          if (h.complete) {
            length = h.length;
            break;
          }
          const r = await reader.read();
          if (r.done) break;
          if (!(r.value instanceof Uint8Array)) throw new KluisError('InvalidArgument', 'the input stream must yield Uint8Array chunks');
          const joinedPrefix = concat(prefix, r.value);
          release(prefix); // made here
          if (ownInput) release(r.value);
          prefix = joinedPrefix;
        }
        const header = length < 0 ? prefix : prefix.slice(0, length);
        const opened = await pool.run<{ chunkKey: Uint8Array; headerLength: number; metadata: Metadata | null; metadataJson: string | null }>(
          { op: 'openHeader', bytes: header, secret, limits },
          [header.buffer],
        );
        setJson(opened.metadataJson);
        setMetadata(opened.metadata);
        return {
          pool,
          key: opened.chunkKey,
          splitter: ChunkSplitter.forEnvelope(opened.chunkKey),
          check: new ReleaseCheck(opened.metadataJson ?? undefined),
          head: null,
          rest: prefix.length > opened.headerLength ? prefix.subarray(opened.headerLength) : null,
        };
      } catch (e) {
        const error = toKluisError(e);
        failMetadata(error);
        throw error;
      }
    },
    streamOptions,
    ownInput,
  );
  return { stream: Object.defineProperty(stream, 'metadata', { value: metadata, enumerable: true }) as OpenedStream, metadataJson };
}
