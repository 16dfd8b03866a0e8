/**
 * The API of the npm package `kluis` (bindings/js, issue 13) as far as the
 * pages use it, typed from the names. Used by the type check only
 * while the package is not installed (typecheck.mjs picks
 * tsconfig.shim.json then): an ambient declaration would otherwise hide
 * the package's own types, which are the ones checked once it exists.
 */
declare module "kluis" {
  export const ready: Promise<unknown>;
  export type Secret = { password: string } | { key: Uint8Array };

  export interface PasswordRating {
    score: number;
    acceptable: boolean;
    warning?: string;
    suggestions: string[];
    guessesLog10: number;
    reason?: string;
    chars: number;
  }
  export type PasswordStyle = "characters" | "words";
  export function generatePassword(style?: PasswordStyle): string;
  export function ratePassword(password: string, context?: string[]): Promise<PasswordRating>;
  export interface Finding {
    kind: string;
    start: number;
    end: number;
    excerpt: string;
    confidence: number;
    reason: string;
    reasonNl: string;
  }
  export function scanText(text: string): Promise<Finding[]>;
  export function scanBytes(bytes: Uint8Array, options?: { mediaType?: string; name?: string }): Promise<Finding[]>;

  export class KluisError extends Error {
    readonly kind: string;
  }

  export class HttpTransport {
    constructor(baseUrl: string, options?: { token?: string });
  }
  export function requestCode(server: string, address: string): Promise<unknown>;
  export function confirmCode(server: string, address: string, code: string): Promise<{ token: string; expiresAt: unknown }>;

  export interface ProgressEvent {
    phase: string;
    file: number | null;
    done: number | bigint;
    total: number | bigint;
  }
  export interface TransferRequest {
    from: string;
    to: string[];
    subject?: string;
    message?: string;
    files: (File | Blob | { name: string; data: Uint8Array | ReadableStream<Uint8Array> })[];
    expiresIn?: number;
    password: string;
    language?: "nl" | "en";
    downloadLimit?: number | null;
  }
  export function sendTransfer(
    transport: HttpTransport,
    request: TransferRequest,
    options?: { onProgress?: (e: ProgressEvent) => void; signal?: AbortSignal },
  ): Promise<{ id: string; link: string; expiresAt: unknown }>;

  export interface TransferInfo {
    sender: string;
    recipients: string[];
    subject?: string | null;
    message?: string | null;
    created: unknown;
    expires: unknown;
    files: { name: string; size: number | bigint; mediaType?: string | null }[];
  }
  export interface ReceivedTransfer {
    info: TransferInfo;
    fileStream(index: number): ReadableStream<Uint8Array>;
  }
  export function openTransfer(
    linkOrTransport: string | HttpTransport,
    password: string,
    options?: { onProgress?: (e: ProgressEvent) => void; signal?: AbortSignal },
  ): Promise<ReceivedTransfer>;
}
