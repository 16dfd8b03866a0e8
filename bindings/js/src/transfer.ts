/**
 * The drop server's client: sender verification (`requestCode`,
 * `confirmCode`), `sendTransfer` and `openTransfer`, over `fetch`. Every
 * rule is kluis-transfer's (crates/kluis-wasm: `SignIn`, `Sealing`,
 * `Upload`, `Opening`, `Opened`, `FileDownload`), whose objects live in a
 * worker of their own (src/transfer-worker.ts: the manifest's Argon2 and
 * the files' hashes and checks never block the page); a file's chunks are
 * sealed and opened on the worker pool, as `sealStream`/`openStream` do.
 * A send is streamed: the upload starts before the first file is sealed and
 * takes each file's envelope as it is sealed, from a bounded window
 * (src/window.ts). This file reads the files, moves bytes and keeps time.
 */

import { drive, rethrow, step, type DriveOptions, type ProgressEvent } from './drive.js';
import { KluisError, toKluisError } from './errors.js';
import { Remote, isolated } from './remote.js';
import { openEnvelope, sealChunks } from './streams.js';
import { SealedWindow } from './window.js';

export type { ProgressEvent } from './drive.js';

const tokens = new WeakMap<HttpTransport, string>();

/**
 * A Kluis drop server (`https://host[:port][/prefix]`, or `http` to a
 * loopback host) and, for sending, the sender's token from
 * {@link confirmCode}. The token is kept out of sight (not a property).
 *
 * ```js
 * const transport = new HttpTransport('https://kluis.example.org', { token });
 * ```
 */
export class HttpTransport {
  /** The server's address as given (checked on first use). */
  readonly baseUrl: string;

  constructor(baseUrl: string, options: { token?: string } = {}) {
    if (typeof baseUrl !== 'string') throw new KluisError('InvalidArgument', 'baseUrl must be a string');
    if (options.token !== undefined && typeof options.token !== 'string') throw new KluisError('InvalidArgument', 'token must be a string');
    this.baseUrl = baseUrl;
    if (options.token) tokens.set(this, options.token);
  }
}

/** Seconds since 1970 as a `Date`. */
function date(seconds: number): Date {
  return new Date(seconds * 1000);
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Asks the server to mail a one-time code to `address` (the sender's own);
 * resolves with when the code expires.
 *
 * ```js
 * await requestCode('https://kluis.example.org', 'ann@example.org');
 * ```
 */
export async function requestCode(server: string, address: string): Promise<{ expiresAt: Date }> {
  try {
    const exchange = await Remote.make('SignIn.request', [server, address]);
    try {
      const v = (await drive(exchange, {})) as { expiresAt: number };
      return { expiresAt: date(v.expiresAt) };
    } finally {
      exchange.free();
    }
  } catch (e) {
    throw toKluisError(e);
  }
}

/**
 * Trades the code from the mail for the sender's token (a wrong, expired
 * or used code is a `Transport` error with reason `CodeRefused`). Keep the
 * token private: it lets anyone send as `address` until `expiresAt`.
 *
 * ```js
 * const { token } = await confirmCode('https://kluis.example.org', 'ann@example.org', '12345678');
 * ```
 */
export async function confirmCode(server: string, address: string, code: string): Promise<{ token: string; expiresAt: Date }> {
  try {
    const exchange = await Remote.make('SignIn.confirm', [server, address, code]);
    try {
      const v = (await drive(exchange, {})) as { token: string; expiresAt: number };
      return { token: v.token, expiresAt: date(v.expiresAt) };
    } finally {
      exchange.free();
    }
  } catch (e) {
    throw toKluisError(e);
  }
}

/** One file to send: a `File`, a `Blob`, or a name with bytes or a stream. */
export type FileInput = File | Blob | { name: string; data: Uint8Array | ReadableStream<Uint8Array> | Blob; mediaType?: string };

/** What {@link sendTransfer} sends. */
export interface TransferRequest {
  /** The sender's address (verified with the server: the transport's token). */
  from: string;
  to: string[];
  /** Sealed in the manifest; the server never sees it (unless `discloseNames`). */
  subject?: string;
  /** A confidential message, sealed in the manifest. */
  message?: string;
  /** At least one. A `Blob` that is no `File` is named `file-1`, `file-2`, ... by its place. */
  files: FileInput[];
  /** Seconds the transfer stays available (default 7 days; at most 366 days). */
  expiresIn?: number;
  /** The transfer password: generated (`generatePassword`) or rated acceptable. */
  password: string;
  /** Send a password that `ratePassword` finds weak anyway. */
  allowWeakPassword?: boolean;
  /** The language of the server's notice mail to the recipients. */
  language?: 'en' | 'nl';
  /** After this many downloads of the manifest the server refuses more (`null`/absent: unlimited). */
  downloadLimit?: number | null;
  /** Let the server's notice mail show the subject and file names (off: they stay sealed). */
  discloseNames?: boolean;
}

/** What was sent: the id, the link for the recipients' mail (never the password), the expiry. */
export interface SentTransfer {
  id: string;
  link: string;
  expiresAt: Date;
}

/** Progress and cancelling of {@link sendTransfer} and {@link openTransfer}. */
export interface TransferOptions {
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

/** A stream's bytes are gathered into a `Blob` every this many bytes (browsers may keep Blobs on disk). */
const SPILL_BYTES = 8 << 20;
/**
 * The sealed bytes of a file a send keeps at most (and one batch from the
 * worker pool more): what the server has not acknowledged yet. Two upload
 * pieces (8 MiB each, kluis-wasm's `PIECE_SIZE`), so that the next piece
 * is sealed while one is uploaded.
 */
const WINDOW_BYTES = 16 << 20;
/** Plaintext handed to the sealer at a time. */
const PIECE = 1 << 20;
/**
 * Calls to the transfer worker (a piece's hash or check) under way at most
 * beside the one it runs: they run there in order, beside the sealing or
 * opening, instead of taking turns with it. One, not more: the session's
 * own calls (`poll`, `respond`), which every upload or download request
 * waits for, queue behind them in the same worker; with four, each waited
 * up to four 1 MiB hashes (web/bench/loopback.mjs, 1 GiB on 2 cores: send
 * 43.6 → 46.7 MB/s, receive 44.4 → 48.9: three runs with four, one with
 * one).
 */
const AHEAD = 1;

/**
 * Calls to a worker that must all succeed, in order, with at most
 * {@link AHEAD} under way: `add` waits while that many are; `settle`
 * waits for them all. The first failure is thrown by `add` or `settle`.
 */
class Ahead {
  private readonly calls: Promise<unknown>[] = [];

  async add(call: Promise<unknown>): Promise<void> {
    call.catch(() => {});
    this.calls.push(call);
    while (this.calls.length > AHEAD) await this.calls.shift();
  }

  async settle(): Promise<void> {
    while (this.calls.length > 0) await this.calls.shift();
  }
}

interface Source {
  name: string;
  size: number;
  mediaType: string | undefined;
  blob: Blob;
}

async function streamToBlob(stream: ReadableStream<Uint8Array>, signal: AbortSignal | undefined): Promise<Blob> {
  const reader = stream.getReader();
  const blobs: Blob[] = [];
  let parts: Uint8Array[] = [];
  let pending = 0;
  try {
    for (;;) {
      signal?.throwIfAborted();
      const r = await reader.read();
      if (r.done) break;
      if (!(r.value instanceof Uint8Array)) throw new KluisError('InvalidArgument', 'a file stream must give Uint8Arrays');
      parts.push(r.value);
      pending += r.value.length;
      if (pending >= SPILL_BYTES) {
        blobs.push(new Blob(parts as Uint8Array<ArrayBuffer>[]));
        parts = [];
        pending = 0;
      }
    }
  } catch (e) {
    await reader.cancel(e).catch(() => {});
    throw e;
  }
  blobs.push(new Blob(parts as Uint8Array<ArrayBuffer>[]));
  return new Blob(blobs);
}

async function source(input: FileInput, index: number, signal: AbortSignal | undefined): Promise<Source> {
  if (input instanceof Blob) {
    const name = typeof (input as File).name === 'string' ? (input as File).name : `file-${index + 1}`;
    return { name, size: input.size, mediaType: input.type || undefined, blob: input };
  }
  if (typeof input !== 'object' || input === null || typeof input.name !== 'string') {
    throw new KluisError('InvalidArgument', `files[${index}] must be a File, a Blob or { name, data }`);
  }
  const { data } = input;
  let blob: Blob;
  if (data instanceof Uint8Array) blob = new Blob([data as Uint8Array<ArrayBuffer>]);
  else if (data instanceof Blob) blob = data;
  else if (data instanceof ReadableStream) blob = await streamToBlob(data, signal);
  else throw new KluisError('InvalidArgument', `files[${index}].data must be a Uint8Array, a Blob or a ReadableStream`);
  return { name: input.name, size: blob.size, mediaType: input.mediaType ?? (blob.type || undefined), blob };
}

/**
 * Seals file `index` from its blob into `window`, pausing while the window
 * is full (the upload empties it). The transfer worker makes the file's
 * header and chunk key (drawn when the upload was planned) and hashes the
 * plaintext (for the manifest, in order, a few pieces under way); the chunks
 * are sealed on the worker pool, as `sealStream` seals them
 * (src/streams.ts: bounded, in order).
 */
async function sealFile(sealing: Remote, index: number, file: Source, window: SealedWindow, options: TransferOptions): Promise<void> {
  const { header, chunkKey } = (await sealing.call('beginChunkedFile', [index])) as { header: Uint8Array; chunkKey: Uint8Array };
  let done = 0;
  options.onProgress?.({ phase: 'sealing', file: index, done, total: file.size });
  let offset = 0;
  const hashing = new Ahead();
  // The plaintext, PIECE at a time (a slice read whole: a File's own
  // stream gives 64 KiB reads in Chromium, each a hash call, a pool piece
  // and a progress report), each piece hashed as it passes.
  const plaintext = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (offset >= file.size) {
          controller.close();
          return;
        }
        const end = Math.min(offset + PIECE, file.size);
        const piece = new Uint8Array(await file.blob.slice(offset, end).arrayBuffer());
        if (piece.length !== end - offset) throw new KluisError('Io', `file ${index + 1} changed while it was read`);
        offset = end;
        // A copy of its own, moved to the transfer worker.
        const copy = piece.slice();
        await hashing.add(sealing.call('hash', [copy], [copy.buffer]));
        done += piece.length;
        controller.enqueue(piece);
        options.onProgress?.({ phase: 'sealing', file: index, done, total: file.size });
      },
    },
    { highWaterMark: 0 },
  );
  const envelope = sealChunks(plaintext, header, chunkKey, { signal: options.signal }).getReader();
  try {
    for (;;) {
      await window.room();
      const r = await envelope.read();
      if (r.done) break;
      window.push(r.value);
    }
  } catch (e) {
    await envelope.cancel(e).catch(() => {});
    throw e;
  }
  await hashing.settle();
  await sealing.call('endChunkedFile', [window.end]);
}

/**
 * Seals every file into its window, then the manifest: the sealed
 * manifest's bytes. A failure ends every window's waits.
 */
async function sealAll(sealing: Remote, sources: Source[], windows: SealedWindow[], options: TransferOptions): Promise<Uint8Array> {
  try {
    for (const [i, s] of sources.entries()) await sealFile(sealing, i, s, windows[i], options);
    return (await sealing.call('sealManifest')) as Uint8Array;
  } catch (e) {
    for (const w of windows) w.fail(e);
    throw e;
  }
}

/**
 * Seals `request` on this device and uploads it to the transport's server
 * while it is sealed (resuming by offset after a dropped connection, as
 * `kluis send` does); the server mails the link to the recipients. The
 * password never leaves the device: tell it to them another way.
 *
 * Each file's envelope is uploaded as it is sealed and forgotten once the
 * server acknowledged it, so a send holds a few MiB whatever the files'
 * sizes (nothing is gathered in Blobs); `sealing` and `uploading` progress
 * reports interleave. A resume that would need bytes the server had
 * acknowledged and then lost fails with a `Transport` error: send again.
 *
 * ```js
 * const transport = new HttpTransport('https://kluis.example.org', { token });
 * const sent = await sendTransfer(transport, { from, to: [bob], files: [file], password }, { onProgress: console.log });
 * ```
 */
export async function sendTransfer(transport: HttpTransport, request: TransferRequest, options: TransferOptions = {}): Promise<SentTransfer> {
  const { signal } = options;
  let sealing: Remote | null = null;
  let upload: Remote | null = null;
  let sealed: Promise<unknown> | null = null;
  try {
    if (!(transport instanceof HttpTransport)) throw new KluisError('InvalidArgument', 'transport must be an HttpTransport');
    const token = tokens.get(transport);
    if (token === undefined) throw new KluisError('InvalidArgument', 'sending needs the sender\'s token: new HttpTransport(server, { token }) (see confirmCode)');
    if (typeof request !== 'object' || request === null || !Array.isArray(request.files)) {
      throw new KluisError('InvalidArgument', 'request must be { from, to, files, password, ... }');
    }
    const sources: Source[] = [];
    for (const [i, f] of request.files.entries()) sources.push(await source(f, i, signal));
    sealing = await Remote.make('Sealing', [
      {
        from: request.from,
        to: request.to,
        subject: request.subject,
        message: request.message,
        files: sources.map((s) => ({ name: s.name, size: s.size, mediaType: s.mediaType })),
        expiresIn: request.expiresIn,
        password: request.password,
        allowWeakPassword: request.allowWeakPassword,
      },
      now(),
    ]);
    const settings = { downloadLimit: request.downloadLimit, language: request.language, discloseNames: request.discloseNames };
    // Every blob's length is fixed now: the server hears of the transfer first.
    upload = await sealing.child('streamedUpload', [transport.baseUrl, token, settings]);
    const u = upload;
    const windows = sources.map((_, i) => new SealedWindow(i, WINDOW_BYTES));
    const stop = new AbortController();
    const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    sealed = sealAll(sealing, sources, windows, { ...options, signal: both });
    sealed.catch(() => {});
    const manifest = sealed;
    try {
      const sent = (await drive(upload, {
        signal,
        onProgress: (event) => {
          if (event.phase === 'uploading' && event.file !== null) windows[event.file]?.forget(event.done);
          options.onProgress?.(event);
        },
        blob: async (index, offset, len) =>
          index < windows.length ? windows[index].blob(offset, len) : ((await u.call('manifestRange', [index, offset, len])) as Uint8Array),
        needBytes: async (index, until) => {
          if (index < windows.length) {
            await windows[index].sealed(until);
            await u.call('sealed', [index, windows[index].end]);
          } else {
            await u.call('setManifest', [await manifest]);
          }
        },
      })) as { id: string; link: string; expiresAt: number };
      return { id: sent.id, link: sent.link, expiresAt: date(sent.expiresAt) };
    } catch (e) {
      // The upload failed: the sealing stops too (its error, if it failed first, is the one thrown).
      stop.abort(e);
      for (const w of windows) w.fail(e);
      throw e;
    }
  } catch (e) {
    throw rethrow(e, signal);
  } finally {
    await sealed?.catch(() => {});
    sealing?.free();
    upload?.free();
  }
}

/** One file of a received transfer. */
export interface ReceivedFile {
  /** The name as the sender gave it. */
  name: string;
  /** The name to save it under: made visible and unique within the transfer (`null` if none can be made). */
  saveName: string | null;
  size: number;
  mediaType: string | null;
  /** SHA-256 of the plaintext, hex (checked by `fileStream`). */
  sha256: string;
}

/** What the sealed manifest says (authenticated by the password). */
export interface TransferInfo {
  id: string;
  sender: string;
  recipients: string[];
  subject: string;
  message: string | null;
  created: Date;
  expires: Date;
  files: ReceivedFile[];
}

/** An opened transfer. */
export interface ReceivedTransfer {
  readonly info: TransferInfo;
  /**
   * File `index`, decrypted and verified chunk by chunk as it downloads
   * (ranged reads); the size and SHA-256 check at the end errors the stream
   * when the file differs from the manifest, so discard what was read then.
   */
  fileStream(index: number): ReadableStream<Uint8Array>;
}

/** How {@link openTransfer} opens: progress, cancelling, and the id when given a transport. */
export interface OpenOptions extends TransferOptions {
  /** The transfer's id, when the first argument is an `HttpTransport`. */
  id?: string;
}

/**
 * A stored envelope that the manifest's key does not open, that is cut
 * short or is no envelope was changed on the server: `Tampered`, as
 * kluis-transfer says of it (`kluis receive` too).
 */
function asStored(e: unknown, index: number): unknown {
  if (!(e instanceof KluisError) || !['WrongSecret', 'Truncated', 'Malformed'].includes(e.kind)) return e;
  const why = e.kind === 'WrongSecret' ? "the manifest's key does not open it (a blob from elsewhere)" : e.message;
  return new KluisError('Tampered', `file ${index + 1}: ${why}`, e.reason);
}

/**
 * File `index`: its envelope downloaded as stored (ranged reads, the
 * session's retries), opened on the worker pool as `openStream` opens
 * (authenticated chunks only, in order), each piece checked against the
 * manifest in the transfer worker as it passes (a few under way), and the
 * size and SHA-256 at the end.
 */
function fileStream(opened: Remote, index: number, size: number, options: OpenOptions): ReadableStream<Uint8Array> {
  let released = 0;
  let download: Remote | null = null;
  let check: Remote | null = null;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  let metadataChecked: Promise<unknown> = Promise.resolve();
  const checking = new Ahead();
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const drive: DriveOptions = { signal, onProgress: options.onProgress };
  const free = (): void => {
    download?.free();
    download = null;
    check?.free();
    check = null;
  };
  // The envelope's bytes, as the server holds them; the next piece is
  // fetched while the last one is opened.
  const envelope = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          if (download === null) return;
          const r = await step(download, drive);
          if (r.done) {
            controller.close();
            return;
          }
          if (r.data !== null) {
            controller.enqueue(r.data);
            return;
          }
        }
      },
    },
    { highWaterMark: 1 },
  );
  return new ReadableStream<Uint8Array>(
    {
      async start() {
        try {
          download = await opened.child('downloadEnvelope', [index, now()]);
          check = await opened.child('fileCheck', [index]);
          const key = (await opened.call('fileKey', [index])) as Uint8Array;
          // The envelope's pieces are this stream's own: released once opened.
          const { stream, metadataJson } = openEnvelope(envelope, { key }, undefined, { signal }, true);
          // The worker that opens the header has its own copy by then.
          void metadataJson.finally(() => key.fill(0)).catch(() => {});
          reader = stream.getReader();
          const c = check;
          metadataChecked = metadataJson.then((json) => c.call('metadata', [json ?? undefined]));
          metadataChecked.catch(() => {});
        } catch (e) {
          free();
          throw toKluisError(e);
        }
      },
      async pull(controller) {
        try {
          if (reader === null || check === null) return;
          const r = await reader.read();
          await metadataChecked;
          if (r.done) {
            await checking.settle();
            await check.call('finish');
            free();
            controller.close();
            return;
          }
          released += r.value.length;
          if (released > size) throw new KluisError('Tampered', `file ${index + 1}: larger than the ${size} bytes in the manifest`);
          // A copy of its own, moved to the transfer worker (which hashes it and counts again).
          const copy = r.value.slice();
          await checking.add(check.call('update', [copy], [copy.buffer]));
          controller.enqueue(r.value);
        } catch (e) {
          free();
          stop.abort(e);
          throw asStored(rethrow(e, options.signal), index);
        }
      },
      cancel(reason) {
        stop.abort(reason);
        void reader?.cancel(reason).catch(() => {});
        free();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * Fetches the sealed manifest of a link (`https://host/t/<id>`) and opens it
 * with `password`: who sent what, and a stream for each file. A wrong
 * password is `WrongSecret`, an unknown or withdrawn transfer `NotFound`,
 * an expired one `Expired`.
 *
 * ```js
 * const received = await openTransfer(link, password);
 * console.log(received.info.subject, received.info.files.map((f) => f.name));
 * const bytes = await new Response(received.fileStream(0)).arrayBuffer();
 * ```
 */
export async function openTransfer(linkOrTransport: string | HttpTransport, password: string, options: OpenOptions = {}): Promise<ReceivedTransfer> {
  const { signal } = options;
  let opening: Remote | null = null;
  try {
    let link: string;
    if (linkOrTransport instanceof HttpTransport) {
      if (typeof options.id !== 'string') throw new KluisError('InvalidArgument', 'openTransfer with an HttpTransport needs options.id');
      link = `${linkOrTransport.baseUrl.replace(/\/+$/, '')}/t/${options.id}`;
    } else if (typeof linkOrTransport === 'string') {
      link = linkOrTransport;
    } else {
      throw new KluisError('InvalidArgument', 'the first argument must be a link or an HttpTransport');
    }
    if (typeof password !== 'string') throw new KluisError('InvalidArgument', 'password must be a string');
    opening = await Remote.make('Opening', [link]);
    await drive(opening, { signal, onProgress: options.onProgress });
    signal?.throwIfAborted();
    // Argon2 in a worker of its own, ended after it (its 64 MiB would
    // otherwise stay with the downloads); the checks in the shared one.
    const sealed = (await opening.call('sealedManifest')) as Uint8Array;
    const manifest = (await isolated('unsealManifest', [sealed, password], signal)) as Uint8Array;
    let opened: Remote;
    try {
      opened = await opening.child('openUnsealed', [manifest, now()]);
    } finally {
      manifest.fill(0);
    }
    const raw = (await opened.call('info')) as Omit<TransferInfo, 'created' | 'expires'> & { created: number; expires: number };
    const info: TransferInfo = { ...raw, created: date(raw.created), expires: date(raw.expires) };
    return {
      info,
      fileStream: (index: number) => {
        if (!Number.isInteger(index) || index < 0 || index >= info.files.length) {
          throw new KluisError('InvalidArgument', `no file ${index}: the transfer has ${info.files.length}`);
        }
        return fileStream(opened, index, info.files[index].size, options);
      },
    };
  } catch (e) {
    throw rethrow(e, signal);
  } finally {
    opening?.free();
  }
}
