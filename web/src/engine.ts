/**
 * The one module that talks to the Kluis engine (the npm package `kluis`,
 * WebAssembly): passwords, sending and opening transfers. Everything the
 * pages need from it goes through these functions, in the pages' own
 * types, so the rest of the code never imports `kluis`. The tests build
 * the pages with test/fixture/engine.ts in place of this file.
 */
import * as kluis from "kluis";
import { EngineError, type FailureKind, type Opened, type Phase, type Progress, type Rating, type SendInput, type Sensitive, type Sent } from "./engine-types";

export { EngineError, type FailureKind, type Opened, type OpenedFile, type Phase, type Progress, type Rating, type SendInput, type Sensitive, type Sent } from "./engine-types";

/**
 * Gives the memory of a buffer the page is done with back at once (the
 * package's `release`): the receive page's written chunks.
 */
export const release: (view: ArrayBufferView) => void = kluis.release;

const KINDS: readonly FailureKind[] = ["WrongSecret", "Tampered", "Truncated", "Expired", "NotFound", "WeakPassword", "Transport", "LimitsExceeded", "Malformed"];

/** Any thrown value as an EngineError. */
export function asEngineError(e: unknown): EngineError {
  if (e instanceof EngineError) return e;
  if (e instanceof DOMException && e.name === "AbortError") return new EngineError("Aborted", e.message);
  if (e instanceof kluis.KluisError) {
    const kind = KINDS.find((k) => k === e.kind) ?? "Other";
    return new EngineError(kind, e.message);
  }
  return new EngineError("Other", e instanceof Error ? e.message : String(e));
}

/** A progress report as the package gives it (only the fields the pages read). */
interface PackageProgress {
  phase: unknown;
  file?: number | null;
  done: number | bigint;
  total: number | bigint;
}

function progress(e: PackageProgress): Progress {
  const p = String(e.phase).toLowerCase();
  const phase: Phase = p.startsWith("seal") ? "sealing" : p.startsWith("up") ? "uploading" : "downloading";
  return { phase, file: e.file ?? null, done: Number(e.done), total: Number(e.total) };
}

/** Seconds since 1970 from what the package gives (Date, seconds, or text). */
function unixSeconds(v: unknown): number {
  if (v instanceof Date) return Math.floor(v.getTime() / 1000);
  if (typeof v === "number" || typeof v === "bigint") return Number(v);
  if (typeof v === "string") return Math.floor(Date.parse(v) / 1000);
  return 0;
}

/** Resolves once the engine can be used. */
export async function ready(): Promise<void> {
  await kluis.ready;
}

/** A new random password (six groups of four characters). */
export function newPassword(): string {
  return kluis.generatePassword();
}

/** Rates a password the user chose; `context`: addresses and subject it should not be built from. The first call loads the rater. */
export async function rate(password: string, context: string[]): Promise<Rating> {
  try {
    const r = await kluis.ratePassword(password, context);
    return { score: Math.max(0, Math.min(4, Math.round(r.score))), acceptable: r.acceptable, chars: r.chars };
  } catch (e) {
    throw asEngineError(e);
  }
}

/** Seals and uploads a transfer; resumes by itself after a dropped connection. */
export async function send(input: SendInput, onProgress: (p: Progress) => void, signal: AbortSignal): Promise<Sent> {
  try {
    const transport = new kluis.HttpTransport(input.server, { token: input.token });
    const sent = await kluis.sendTransfer(
      transport,
      {
        from: input.from,
        to: input.to,
        subject: input.subject || undefined,
        message: input.message || undefined,
        files: input.files,
        password: input.password,
        expiresIn: input.expiresInSeconds,
        downloadLimit: input.downloadLimit,
        language: input.language,
      },
      { onProgress: (e: PackageProgress) => onProgress(progress(e)), signal },
    );
    return { id: sent.id, link: sent.link, expiresAt: unixSeconds(sent.expiresAt) };
  } catch (e) {
    throw asEngineError(e);
  }
}

/** Opens the transfer of `link` with `password` (the slow password check runs in a worker). */
export async function open(link: string, password: string, onProgress: (p: Progress) => void): Promise<Opened> {
  try {
    const received = await kluis.openTransfer(link, password, { onProgress: (e: PackageProgress) => onProgress(progress(e)) });
    const info = received.info;
    return {
      sender: info.sender,
      subject: info.subject ?? "",
      message: info.message ?? "",
      files: info.files.map((f) => ({ name: f.name, size: Number(f.size), mediaType: f.mediaType ?? null })),
      fileStream: (index) => received.fileStream(index),
    };
  } catch (e) {
    throw asEngineError(e);
  }
}

/** Only the kind and the reasons: the excerpt and offsets stay out of the pages. */
function sensitive(found: { kind: string; reason: string; reasonNl: string }[]): Sensitive[] {
  return found.map(({ kind, reason, reasonNl }) => ({ kind, reason, reasonNl }));
}

/** The sensitive information in a text, found on this device. The first call loads the detector. */
export async function scanText(text: string): Promise<Sensitive[]> {
  try {
    return sensitive(await kluis.scanText(text));
  } catch (e) {
    throw asEngineError(e);
  }
}

/** The sensitive information in a file (text, HTML, mail, office document, PDF), found on this device. */
export async function scanFile(file: File): Promise<Sensitive[]> {
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    return sensitive(await kluis.scanBytes(bytes, { mediaType: file.type || undefined, name: file.name }));
  } catch (e) {
    throw asEngineError(e);
  }
}
