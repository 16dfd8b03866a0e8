/**
 * `KluisError`: every failure of the package. `kind` is one of the kinds
 * every Kluis binding uses (docs/BINDINGS.md); `reason` is the core's finer
 * name for an envelope's refusal (`ChunkTampered`, `TrailingData`, ...).
 */

/** The kinds a {@link KluisError} has, as in the other bindings. */
export type KluisErrorKind =
  | 'WrongSecret'
  | 'Tampered'
  | 'Truncated'
  | 'LimitsExceeded'
  | 'Malformed'
  | 'Expired'
  | 'NotFound'
  | 'WeakPassword'
  | 'AlreadyExists'
  | 'InvalidArgument'
  | 'Transport'
  | 'Io';

/**
 * Why a Kluis call failed.
 *
 * ```js
 * try { await openBytes(envelope, { password }); }
 * catch (e) { if (e instanceof KluisError && e.kind === 'WrongSecret') askAgain(); }
 * ```
 */
export class KluisError extends Error {
  /** The kind of failure, as every Kluis binding names it. */
  readonly kind: KluisErrorKind;
  /** The core's own name for it (`ChunkTampered`, `BadMagic`, ...), or `kind`. */
  readonly reason: string;

  constructor(kind: KluisErrorKind, message: string, reason?: string) {
    super(message);
    this.name = 'KluisError';
    this.kind = kind;
    this.reason = reason ?? kind;
  }
}

/** A failure as it crosses from a worker: plain data. */
export interface FailureData {
  kind: KluisErrorKind;
  reason: string;
  message: string;
}

function isFailure(e: unknown): e is FailureData {
  return typeof e === 'object' && e !== null && typeof (e as FailureData).kind === 'string' && typeof (e as FailureData).message === 'string';
}

/** The plain data of an error thrown by the WebAssembly module (or any). */
export function toFailureData(e: unknown): FailureData {
  if (isFailure(e)) return { kind: e.kind, reason: e.reason ?? e.kind, message: e.message };
  return { kind: 'Io', reason: 'Io', message: e instanceof Error ? e.message : String(e) };
}

/** A `KluisError` for whatever was thrown (a `KluisError` stays as it is). */
export function toKluisError(e: unknown): KluisError {
  if (e instanceof KluisError) return e;
  const d = toFailureData(e);
  return new KluisError(d.kind, d.message, d.reason);
}
