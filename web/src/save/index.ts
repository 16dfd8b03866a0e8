/**
 * Saving a decrypted file: the File System Access API where the browser has
 * it, the service worker otherwise, and a Blob only for files under
 * BLOB_LIMIT. A path the browser refuses (a managed Edge may block the
 * picker, a private window may have no service worker) falls through to
 * the next.
 */
import { BLOB_LIMIT, saveViaBlob } from "./blob";
import { hasFileSystemAccess, pickFile, pickFolder, saveInFolder, saveToPickedFile } from "./fsa";
import { SaveError } from "./progress";
import { hasServiceWorker, saveViaServiceWorker } from "./sw-client";

export { SaveError, type SaveFailure } from "./progress";
export { BLOB_LIMIT } from "./blob";

export type SavePath = "fsa" | "sw" | "blob";

/** One file to save. */
export interface SaveJob {
  name: string;
  size: number;
  mediaType: string | null;
  /** Opens the decrypted stream (called once, when saving starts). */
  open: () => ReadableStream<Uint8Array>;
  onBytes: (n: number) => void;
}

let preferred: SavePath | null = null;
let folderOverride: (() => Promise<FileSystemDirectoryHandle>) | null = null;

/**
 * For tests: always use `path`, and with `folder` save "fsa" files into
 * that folder instead of asking (a headless browser cannot answer a picker).
 */
export function preferPath(path: SavePath | null, folder: (() => Promise<FileSystemDirectoryHandle>) | null = null): void {
  preferred = path;
  folderOverride = folder;
}

/** The paths to try for a file of `size` bytes, best first. */
export function pathsFor(size: number): SavePath[] {
  if (preferred) return [preferred];
  const paths: SavePath[] = [];
  if (hasFileSystemAccess()) paths.push("fsa");
  if (hasServiceWorker()) paths.push("sw");
  if (size <= BLOB_LIMIT) paths.push("blob");
  return paths;
}

function classify(e: unknown): SaveError {
  if (e instanceof SaveError) return e;
  const kind = (e as { kind?: unknown } | null)?.kind;
  if (kind === "Tampered" || kind === "Truncated") return new SaveError("tampered", String(e));
  if (e instanceof DOMException && e.name === "AbortError") return new SaveError("cancelled", e.message);
  return new SaveError("failed", e instanceof Error ? e.message : String(e));
}

/** Whether a failure means "this path is not allowed here", so the next one is tried. */
function refused(e: unknown): boolean {
  return e instanceof DOMException && (e.name === "SecurityError" || e.name === "NotAllowedError" || e.name === "NotSupportedError");
}

async function viaPath(path: SavePath, job: SaveJob, folder: FileSystemDirectoryHandle | null): Promise<void> {
  if (path === "fsa") {
    if (folder) {
      await saveInFolder(folder, job.name, job.open(), job.onBytes);
    } else if (folderOverride) {
      await saveInFolder(await folderOverride(), job.name, job.open(), job.onBytes);
    } else {
      const handle = await pickFile(job.name);
      await saveToPickedFile(handle, job.open(), job.onBytes);
    }
  } else if (path === "sw") {
    await saveViaServiceWorker(job.name, job.size, job.open(), job.onBytes);
  } else {
    if (job.size > BLOB_LIMIT) throw new SaveError("too_large", "file too large for memory");
    await saveViaBlob(job.name, job.mediaType, job.open(), job.onBytes);
  }
}

/** Saves one file by the best path this browser allows; throws a SaveError. */
export async function saveFile(job: SaveJob, folder: FileSystemDirectoryHandle | null = null): Promise<void> {
  const paths = pathsFor(job.size);
  if (paths.length === 0) throw new SaveError("too_large", "no way to save a file this large here");
  for (let i = 0; i < paths.length; i++) {
    try {
      await viaPath(paths[i]!, job, folder);
      return;
    } catch (e) {
      if (i < paths.length - 1 && refused(e)) continue;
      throw classify(e);
    }
  }
}

/** For "Save all": a folder to save into when the picker path applies (else null: one download each). */
export async function folderForAll(): Promise<FileSystemDirectoryHandle | null> {
  if (preferred && preferred !== "fsa") return null;
  if (folderOverride) return folderOverride();
  if (!hasFileSystemAccess()) return null;
  try {
    return await pickFolder();
  } catch (e) {
    if (refused(e)) return null;
    throw classify(e);
  }
}
