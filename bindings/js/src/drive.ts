/**
 * Driving a kluis-transfer session (a wasm object with `poll`, `respond`,
 * `networkError`) with `fetch`: each `send` step is one request, each
 * `wait` a timer, each `progress` a report. The rules (retries, resumes,
 * limits, what a status means) are all the session's, in Rust.
 */

import { KluisError, toKluisError } from './errors.js';
import type { Remote } from './remote.js';

/** A request a session asks for (crates/kluis-wasm/src/http.rs). */
interface SendStep {
  type: 'send';
  method: string;
  url: string;
  headers: [string, string][];
  body: { type: 'empty' } | { type: 'json'; bytes: Uint8Array } | { type: 'blob'; index: number; offset: number; len: number };
  limit: number;
}

/** A progress report: `done` of `total` bytes of file `file` (`null`: the manifest). */
export interface ProgressEvent {
  phase: 'sealing' | 'uploading' | 'downloading';
  file: number | null;
  done: number;
  total: number;
}

type StepValue =
  | SendStep
  | { type: 'wait'; ms: number }
  | ({ type: 'progress' } & ProgressEvent)
  | { type: 'resumed'; kind: string; message: string }
  | { type: 'needBytes'; index: number; until: number }
  | { type: 'done'; value: unknown };

/** A session object in the transfer worker (`poll`, `respond`, `networkError`). */
export type Session = Remote;

/** How to drive a session. */
export interface DriveOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((event: ProgressEvent) => void) | undefined;
  /** The bytes of a `blob` body (a sealed file's envelope, the manifest). */
  blob?: (index: number, offset: number, len: number) => Promise<Blob | Uint8Array>;
  /**
   * A streamed send waits for blob `index`'s sealed bytes up to `until`:
   * resolves once they were handed to the session (`sealed`, `setManifest`).
   */
  needBytes?: (index: number, until: number) => Promise<void>;
}

/** The result of one step: data a download released, or the session's end. */
export type Stepped = { done: true; value: unknown } | { done: false; data: Uint8Array | null };

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A header's value as a whole number, when it is one. */
function headerNumber(headers: Headers, name: string): number | undefined {
  const v = headers.get(name)?.trim();
  return v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
}

/** Reads at most `limit + 1` bytes of the body (the session refuses an answer past its limit). */
async function readBody(response: Response, limit: number): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    parts.push(r.value);
    total += r.value.length;
    if (total > limit) {
      await reader.cancel();
      break;
    }
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function requestBody(step: SendStep, options: DriveOptions): Promise<BodyInit | undefined> {
  const body = step.body;
  if (body.type === 'json') return body.bytes as Uint8Array<ArrayBuffer>;
  if (body.type === 'blob') {
    if (!options.blob) throw new KluisError('InvalidArgument', 'this session sends no files');
    const bytes = await options.blob(body.index, body.offset, body.len);
    // As a Blob: Chromium 156 uploads a Uint8Array body at about 10 MB/s on
    // loopback, a Blob of the same bytes at over 100 (web/bench/loopback.mjs).
    return bytes instanceof Blob ? bytes : new Blob([bytes as Uint8Array<ArrayBuffer>]);
  }
  return undefined;
}

/** Sends one request and hands the answer (or the failure) to the session. */
async function send(session: Session, step: SendStep, options: DriveOptions): Promise<Uint8Array | null> {
  const { signal } = options;
  let response: Response;
  let body: Uint8Array;
  const payload = (await requestBody(step, options)) ?? null;
  try {
    response = await fetch(step.url, {
      method: step.method,
      headers: step.headers,
      body: payload,
      signal: signal ?? null,
      redirect: 'error',
      credentials: 'omit',
      cache: 'no-store',
    });
    body = step.method === 'HEAD' ? new Uint8Array(0) : await readBody(response, step.limit);
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    if (e instanceof KluisError) throw e;
    await session.call('networkError', [e instanceof Error ? `${e.message}${e.cause instanceof Error ? `: ${e.cause.message}` : ''}` : String(e)]);
    return null;
  }
  const answer = [response.status, headerNumber(response.headers, 'retry-after'), headerNumber(response.headers, 'content-length'), body];
  const released = await session.call('respond', answer, [body.buffer as ArrayBuffer]);
  return released instanceof Uint8Array && released.length > 0 ? released : null;
}

/** One step of `session`: a request, a wait, a report, or the end. */
export async function step(session: Session, options: DriveOptions): Promise<Stepped> {
  options.signal?.throwIfAborted();
  const s = (await session.call('poll')) as StepValue;
  switch (s.type) {
    case 'send':
      return { done: false, data: await send(session, s, options) };
    case 'wait':
      await sleep(s.ms, options.signal);
      return { done: false, data: null };
    case 'progress': {
      const { phase, file, done, total } = s;
      options.onProgress?.({ phase, file, done, total });
      return { done: false, data: null };
    }
    case 'needBytes':
      if (!options.needBytes) throw new KluisError('InvalidArgument', 'this session streams no files');
      await options.needBytes(s.index, s.until);
      return { done: false, data: null };
    case 'done':
      return { done: true, value: s.value };
    default:
      // 'resumed': an upload attempt failed and the next resumes; the
      // session goes on by itself.
      return { done: false, data: null };
  }
}

/** Runs `session` to its end: its value. Errors are `KluisError`s, or the signal's reason. */
export async function drive(session: Session, options: DriveOptions): Promise<unknown> {
  try {
    for (;;) {
      const r = await step(session, options);
      if (r.done) return r.value;
    }
  } catch (e) {
    throw rethrow(e, options.signal);
  }
}

/** The signal's reason as it is, anything else as a `KluisError`. */
export function rethrow(e: unknown, signal: AbortSignal | undefined): unknown {
  return signal?.aborted && e === signal.reason ? e : toKluisError(e);
}
