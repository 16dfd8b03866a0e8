/**
 * The pages' own types for what the engine does, shared by engine.ts (the
 * real engine) and test/fixture/engine.ts (the test build's stand-in).
 */

/** What an engine failure means for the page. */
export type FailureKind = "WrongSecret" | "Tampered" | "Truncated" | "Expired" | "NotFound" | "WeakPassword" | "Transport" | "LimitsExceeded" | "Malformed" | "Aborted" | "Other";

/** An engine failure with the kind the pages react to. */
export class EngineError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
    this.name = "EngineError";
  }
}

export type Phase = "sealing" | "uploading" | "downloading";

export interface Progress {
  phase: Phase;
  /** Index of the file; null for the list of files itself. */
  file: number | null;
  done: number;
  total: number;
}

export interface Rating {
  /** 0 (very weak) to 4 (very strong). */
  score: number;
  acceptable: boolean;
  chars: number;
}

export interface SendInput {
  /** The server's address (the page's origin). */
  server: string;
  token: string;
  from: string;
  to: string[];
  subject: string;
  message: string;
  files: File[];
  password: string;
  expiresInSeconds: number;
  downloadLimit: number | null;
  language: "nl" | "en";
}

export interface Sent {
  id: string;
  link: string;
  /** Unix seconds. */
  expiresAt: number;
}

export interface OpenedFile {
  name: string;
  size: number;
  mediaType: string | null;
}

export interface Opened {
  sender: string;
  subject: string;
  message: string;
  files: OpenedFile[];
  /** The decrypted bytes of file `index`; errors if its check fails. */
  fileStream(index: number): ReadableStream<Uint8Array>;
}

/**
 * Something sensitive the detector found (docs/DETECT.md): its kind
 * (`bsn`, `iban`, `health`, ...) and why it matters in English and Dutch;
 * never the text or the number itself.
 */
export interface Sensitive {
  kind: string;
  reason: string;
  reasonNl: string;
}
