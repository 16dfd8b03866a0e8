/** The messages between the page's thread and a worker (plain data). */

import type { FailureData } from './errors.js';

/** A chunk to seal or open: `bytes` are plaintext or ciphertext and tag. */
export interface Piece {
  index: number;
  last: boolean;
  bytes: Uint8Array;
}

/** A job for a worker. */
export type Job =
  | { op: 'init'; module: WebAssembly.Module }
  | { op: 'sealHeader'; secrets: unknown; options: unknown }
  | { op: 'openHeader'; bytes: Uint8Array; secret: unknown; limits: unknown }
  | { op: 'seal'; key: Uint8Array; pieces: Piece[] }
  | { op: 'open'; key: Uint8Array; bytes: Uint8Array; spans: Span[] };

/**
 * Where chunk `index` (ciphertext and tag) sits in an `open` job's
 * `bytes`: the worker opens each in place and returns the same buffer with
 * the plaintexts in order at its start, so that it allocates nothing.
 */
export interface Span {
  index: number;
  last: boolean;
  offset: number;
  length: number;
}

/** What a chunk job gives: the outputs in order, up to the first refusal. */
export interface ChunkResult {
  outputs: Uint8Array[];
  error?: FailureData;
}

/** A job's answer. */
export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: FailureData };
