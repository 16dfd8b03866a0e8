/**
 * # kluis: Kluis envelopes in the browser and in Node
 *
 * The Rust core of Kluis compiled to WebAssembly: the same envelope format,
 * checks and errors as the `kluis` command. Argon2 and chunk encryption run
 * in Web Workers (browsers) or worker threads (Node), so they never block a
 * page.
 *
 * ```js
 * import * as kluis from 'kluis';
 * await kluis.ready;
 * const envelope = await kluis.sealBytes(new TextEncoder().encode('hi'), [{ password: 'paard batterij nietje' }]);
 * const { plaintext } = await kluis.openBytes(envelope, { password: 'paard batterij nietje' });
 * ```
 */

import { generatePassword as wasmGenerate, inspect as wasmInspect, recipientNotice as wasmNotice } from '../wasm/kluis_wasm.js';
import { assertReady, loadDetector, loadRater, ready, setWorkers, simdInUse, terminateWorkers, workerCount } from './engine.js';
import { KluisError, toKluisError } from './errors.js';
import { openStream, sealStream } from './streams.js';
import type { EnvelopeInfo, Finding, Metadata, OpenLimits, PasswordRating, PasswordStyle, ScanOptions, SealOptions, Secret, StreamOptions } from './types.js';

export { ready, KluisError, sealStream, openStream };
export { release } from './release.js';
export { HttpTransport, confirmCode, openTransfer, requestCode, sendTransfer } from './transfer.js';
export type { FileInput, OpenOptions, ProgressEvent, ReceivedFile, ReceivedTransfer, SentTransfer, TransferInfo, TransferOptions, TransferRequest } from './transfer.js';
export type { KluisErrorKind } from './errors.js';
export type { OpenedStream } from './streams.js';
export type * from './types.js';

function single(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (bytes.length > 0) controller.enqueue(bytes);
      controller.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  const parts: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    parts.push(r.value);
    total += r.value.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function bytesArg(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new KluisError('InvalidArgument', `${what} must be a Uint8Array`);
  return value;
}

/**
 * Seals `plaintext` for `secrets` (one or more; any of them opens it).
 *
 * ```js
 * const envelope = await sealBytes(data, [{ password }, { key }], { metadata: { name: 'plan.pdf' } });
 * ```
 */
export async function sealBytes(
  plaintext: Uint8Array,
  secrets: Secret | Secret[],
  options?: SealOptions,
): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return await collect(sealStream(single(bytesArg(plaintext, 'plaintext')), secrets, options));
  } catch (e) {
    throw options?.signal?.aborted && e === options.signal.reason ? e : toKluisError(e);
  }
}

/**
 * Opens an envelope held in memory: the plaintext and the metadata
 * (`null` when the envelope has none).
 *
 * ```js
 * const { plaintext, metadata } = await openBytes(envelope, { password });
 * ```
 */
export async function openBytes(
  envelope: Uint8Array,
  secret: Secret,
  limits?: OpenLimits,
  options?: StreamOptions,
): Promise<{ plaintext: Uint8Array<ArrayBuffer>; metadata: Metadata | null }> {
  try {
    const stream = openStream(single(bytesArg(envelope, 'envelope')), secret, limits, options);
    const plaintext = await collect(stream);
    return { plaintext, metadata: await stream.metadata };
  } catch (e) {
    throw options?.signal?.aborted && e === options.signal.reason ? e : toKluisError(e);
  }
}

/**
 * What an envelope's header says without a secret: version, chunk size,
 * slots and their Argon2 costs. `headerBytes` may go on past the header.
 * Synchronous; call it after `await ready`.
 */
export function inspect(headerBytes: Uint8Array): EnvelopeInfo {
  assertReady();
  try {
    return wasmInspect(bytesArg(headerBytes, 'headerBytes')) as EnvelopeInfo;
  } catch (e) {
    throw toKluisError(e);
  }
}

/** A random transfer password of at least 100 bits (after `await ready`). */
export function generatePassword(style?: PasswordStyle): string {
  assertReady();
  try {
    return wasmGenerate(style);
  } catch (e) {
    throw toKluisError(e);
  }
}

/**
 * The recipient notice for a sent transfer: the subject and plain text
 * (lines end in `\n`) of the mail that carries the link, in `language`
 * (`'en'`, the default, or `'nl'`): the text `kluis send` prints and the
 * drop server mails, for an add-in that puts it in the mail being written.
 * It never holds the password. Synchronous; call it after `await ready`.
 *
 * ```js
 * const sent = await sendTransfer(transport, request);
 * const { subject, body } = recipientNotice('ann@example.org', sent.link, sent.expiresAt, 'nl');
 * ```
 */
export function recipientNotice(
  sender: string,
  link: string,
  expiresAt: Date | number,
  language?: 'en' | 'nl',
): { subject: string; body: string } {
  assertReady();
  try {
    const seconds = expiresAt instanceof Date ? Math.floor(expiresAt.getTime() / 1000) : expiresAt;
    return wasmNotice(sender, link, seconds, language) as { subject: string; body: string };
  } catch (e) {
    throw toKluisError(e);
  }
}

/**
 * Rates a password a person chose, by the rules every Kluis binding
 * applies; `context` lists words it should not lean on (the sender's name,
 * the subject). Asynchronous only the first time: the rater (zxcvbn's
 * dictionaries, about 1 MiB gzipped) is loaded on first use.
 */
export async function ratePassword(password: string, context?: string[]): Promise<PasswordRating> {
  try {
    if (typeof password !== 'string') throw new KluisError('InvalidArgument', 'password must be a string');
    const rate = await loadRater();
    return rate(password, context) as PasswordRating;
  } catch (e) {
    throw toKluisError(e);
  }
}

/**
 * Finds the sensitive information in a text (a citizen service number,
 * an IBAN, a card number, an identity document, special personal data):
 * the findings in order, `start` and `end` being byte offsets into the
 * text's UTF-8 encoding. Runs on the calling thread; the detector (about
 * 0.6 MiB gzipped) is loaded on the first scan. Nothing leaves the device.
 *
 * ```js
 * const [f] = await scanText('BSN: 111222333');
 * f.kind; // 'bsn'
 * f.reasonNl; // 'bevat een geldig burgerservicenummer (BSN)'
 * ```
 */
export async function scanText(text: string): Promise<Finding[]> {
  try {
    if (typeof text !== 'string') throw new KluisError('InvalidArgument', 'text must be a string');
    const detector = await loadDetector();
    return detector.scanText(text) as Finding[];
  } catch (e) {
    throw toKluisError(e);
  }
}

/**
 * Finds the sensitive information in a document: text, CSV, HTML, an
 * `.eml` message (with its attachments), `.docx`, `.xlsx`, `.pptx`,
 * `.odt`, `.ods` or a PDF's text layer. Its type is `options.mediaType`
 * when the detector reads that type, otherwise recognised from the content
 * and then the extension of `options.name`. Offsets point into the text
 * extracted from it. A document that cannot be read rejects with a
 * `KluisError` of kind `Malformed`; one past the detector's limits (a zip
 * bomb, nesting too deep, over 256 MiB) with `LimitsExceeded`.
 *
 * ```js
 * const found = await scanBytes(new Uint8Array(await file.arrayBuffer()), { mediaType: file.type, name: file.name });
 * ```
 */
export async function scanBytes(bytes: Uint8Array, options?: ScanOptions): Promise<Finding[]> {
  try {
    bytesArg(bytes, 'bytes');
    const mediaType = optionalText(options?.mediaType, 'mediaType');
    const name = optionalText(options?.name, 'name');
    const detector = await loadDetector();
    return detector.scanBytes(bytes, mediaType, name) as Finding[];
  } catch (e) {
    throw toKluisError(e);
  }
}

function optionalText(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new KluisError('InvalidArgument', `${what} must be a string`);
  return value;
}

/**
 * Sets how many workers seal and open (1 to 16; default: one per core),
 * stopping the current ones. `terminate: true` only stops them (they start
 * again on the next call).
 */
export async function configure(options: { workers?: number; terminate?: boolean }): Promise<void> {
  if (options.workers !== undefined) await setWorkers(options.workers);
  if (options.terminate) terminateWorkers();
}

/** The number of workers the pool uses. */
export function workers(): number {
  return workerCount();
}

/**
 * Whether the module in use is the WebAssembly SIMD build (faster AES and
 * Argon2); engines without SIMD get the baseline build.
 */
export function simd(): boolean {
  return simdInUse();
}
