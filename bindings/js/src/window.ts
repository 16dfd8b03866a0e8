/**
 * A file's sealed bytes on their way to the server in a streamed send
 * (src/transfer.ts): the sealer appends, the upload reads by offset, and
 * every byte the server acknowledged (an `uploading` progress report's
 * `done`) is forgotten. The sealer waits while the window is full, the
 * upload while the bytes it asks for are not sealed yet; so a file of any
 * size holds about `capacity` bytes, and a resume after a dropped
 * connection finds what the server lacks still here (kluis-transfer's
 * streamed upload never asks for a byte it saw acknowledged).
 */

import { KluisError } from './errors.js';

export class SealedWindow {
  /** The offset of the first byte kept. */
  private start = 0;
  /** Bytes sealed so far (the offset past the last byte kept). */
  end = 0;
  /** The bytes kept, from `start`. */
  private parts: Uint8Array[] = [];
  private failure: { error: unknown } | null = null;
  private wake: () => void = () => {};
  private changed: Promise<void> = this.next();

  constructor(
    /** The file, for messages. */
    private readonly index: number,
    /** The sealer pauses once this many bytes are kept. */
    private readonly capacity: number,
  ) {}

  private next(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private notify(): void {
    const wake = this.wake;
    this.changed = this.next();
    wake();
  }

  /** Bytes kept now. */
  get held(): number {
    return this.end - this.start;
  }

  /** Appends sealed bytes (the envelope's next ones). */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.parts.push(bytes);
    this.end += bytes.length;
    this.notify();
  }

  /** Forgets the bytes before `offset`: the server holds them. */
  forget(offset: number): void {
    let drop = Math.min(offset, this.end) - this.start;
    if (drop <= 0) return;
    this.start += drop;
    while (drop > 0 && this.parts.length > 0) {
      const first = this.parts[0];
      if (first.length <= drop) {
        this.parts.shift();
        drop -= first.length;
      } else {
        this.parts[0] = first.subarray(drop);
        drop = 0;
      }
    }
    this.notify();
  }

  /** Views of bytes `offset .. offset + len` as kept, which must be kept (no copy). */
  private views(offset: number, len: number): Uint8Array[] {
    if (offset < this.start || offset + len > this.end) {
      throw new KluisError('InvalidArgument', `file ${this.index + 1}: bytes ${offset}..${offset + len} asked for, ${this.start}..${this.end} kept`);
    }
    const out: Uint8Array[] = [];
    let at = this.start;
    let filled = 0;
    for (const p of this.parts) {
      if (filled === len) break;
      const from = Math.max(offset + filled - at, 0);
      if (from < p.length) {
        const take = p.subarray(from, from + (len - filled));
        out.push(take);
        filled += take.length;
      }
      at += p.length;
    }
    return out;
  }

  /** Bytes `offset .. offset + len` as a `Blob` (an upload's body: the Blob copies them once). */
  blob(offset: number, len: number): Blob {
    return new Blob(this.views(offset, len) as Uint8Array<ArrayBuffer>[]);
  }

  /** Resolves once there is room for more sealed bytes. */
  async room(): Promise<void> {
    while (this.held >= this.capacity) await this.wait();
  }

  /** Resolves once `until` bytes are sealed. */
  async sealed(until: number): Promise<void> {
    while (this.end < until) await this.wait();
  }

  private async wait(): Promise<void> {
    this.check();
    await this.changed;
    this.check();
  }

  /** Throws the failure that ended the window, if one did. */
  private check(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Ends every wait with `error` (the sealing or the upload failed). */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.parts = [];
    this.notify();
  }
}
