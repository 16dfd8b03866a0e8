/** The package's argument and result types. */

/** A password (Argon2id slot) or a 32-byte key (raw-key slot). */
export type Secret = { password: string } | { key: Uint8Array };

/** The Argon2id cost of password slots (default `{ mKib: 65536, t: 3, p: 4 }`). */
export interface Argon2Params {
  /** Memory in KiB. */
  mKib: number;
  /** Passes. */
  t: number;
  /** Lanes. */
  p: number;
}

/** The metadata sealed (encrypted) into the header. */
export interface MetadataInput {
  /** File name, without a directory part. */
  name?: string;
  /** Media type, e.g. `application/pdf`. */
  mediaType?: string;
  /** Modification time: a `Date` or RFC 3339 text. */
  modified?: string | Date;
}

/** The metadata an envelope holds, as opened. */
export interface Metadata {
  name?: string;
  mediaType?: string;
  /** The plaintext length the sealer announced (checked when opening). */
  size?: number;
  /** Modification time, RFC 3339. */
  modified?: string;
}

/** Cancelling: an aborted signal errors the stream (or rejects the promise) with its reason. */
export interface StreamOptions {
  signal?: AbortSignal;
}

/** How to seal. */
export interface SealOptions extends StreamOptions {
  /** Plaintext bytes per chunk: a power of two from 4096 to 16777216 (default 65536). */
  chunkSize?: number;
  argon2?: Argon2Params;
  metadata?: MetadataInput;
}

/** The most Argon2 work a header may ask of the reader (defaults: 1 GiB, 16 passes, 16 lanes, 4 password slots). */
export interface OpenLimits {
  maxMKib?: number;
  maxT?: number;
  maxP?: number;
  maxPasswordSlots?: number;
}

/** What an envelope's header says without a secret. */
export interface EnvelopeInfo {
  version: number;
  chunkSize: number;
  headerLength: number;
  metadataLength: number;
  slots: ({ kind: 'password'; argon2: Argon2Params } | { kind: 'key' } | { kind: 'unknown'; type: number; bodyLength: number })[];
}

/** A generated password's look: groups of characters or words. */
export type PasswordStyle = 'characters' | 'words';

/** How strong a chosen password is (kluis-transfer's rules). */
export interface PasswordRating {
  acceptable: boolean;
  /** zxcvbn's score, 0 to 4. */
  score: number;
  guessesLog10: number;
  chars: number;
  warning?: string;
  suggestions: string[];
  /** Why it is not acceptable, for a person. */
  reason?: string;
}

/**
 * One piece of sensitive information found by `scanText` or `scanBytes`
 * (kluis-detect: the same fields as the other bindings' `Finding`).
 */
export interface Finding {
  /**
   * `bsn`, `iban`, `credit_card`, `id_document`, `driving_licence`,
   * `health`, `criminal_record`, `religion`, `ethnicity`,
   * `sexual_orientation`, `trade_union`, `biometric`, `political_opinion`.
   */
  kind: string;
  /** Byte offset of its first byte in the text's UTF-8 encoding (for `scanBytes`: in the text extracted from the document). */
  start: number;
  /** Byte offset just past it. */
  end: number;
  /** Its surroundings, with numbers masked (never the full number). */
  excerpt: string;
  /** How sure the detector is, 0 to 1. */
  confidence: number;
  /** Why it matters, in English. */
  reason: string;
  /** Why it matters, in Dutch. */
  reasonNl: string;
}

/** What `scanBytes` knows of a document besides its bytes. */
export interface ScanOptions {
  /** Its MIME type (`application/pdf`, `message/rfc822`, ...); without one, or one the detector does not read, the type is recognised from the content. */
  mediaType?: string;
  /** Its file name: the extension helps recognise it when the content does not tell. */
  name?: string;
}
