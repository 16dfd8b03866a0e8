/**
 * Saving through the File System Access API (Chromium, Edge): the browser
 * writes the decrypted stream straight to the file the user picked, at
 * constant memory. The bytes go to a temporary file that becomes the real
 * one only when the stream ends well; a stream that errors (a file that
 * fails its check) aborts the write, and the empty file the picker made
 * is removed, so nothing is kept.
 */
import { release } from "../engine";
import { counter } from "./progress";

/** The pickers this module uses (not yet in TypeScript's DOM types). */
interface PickerWindow {
  showSaveFilePicker?: (options?: { suggestedName?: string }) => Promise<FileSystemFileHandle>;
  showDirectoryPicker?: (options?: { mode?: "read" | "readwrite" }) => Promise<FileSystemDirectoryHandle>;
}

interface Removable {
  remove?: () => Promise<void>;
}

/** Whether this browser lets a page pick where a file is saved. */
export function hasFileSystemAccess(): boolean {
  const w = window as unknown as PickerWindow;
  return typeof w.showSaveFilePicker === "function" && typeof w.showDirectoryPicker === "function";
}

/** Asks where to save one file (call straight from a click: the browser wants a user gesture). */
export function pickFile(name: string): Promise<FileSystemFileHandle> {
  const w = window as unknown as PickerWindow;
  if (!w.showSaveFilePicker) return Promise.reject(new DOMException("no picker", "NotSupportedError"));
  return w.showSaveFilePicker({ suggestedName: name });
}

/** Asks for a folder to save several files in. */
export function pickFolder(): Promise<FileSystemDirectoryHandle> {
  const w = window as unknown as PickerWindow;
  if (!w.showDirectoryPicker) return Promise.reject(new DOMException("no picker", "NotSupportedError"));
  return w.showDirectoryPicker({ mode: "readwrite" });
}

/**
 * `inner`, giving each chunk's memory back as soon as it is written (the
 * decrypted chunks are the package's own buffers, one per chunk, read by
 * no one after): otherwise V8 lets some tens of MiB of written chunks pile
 * up before it collects them (docs/PERFORMANCE.md, "The memory while
 * saving"). Closing and aborting pass through.
 */
function releasing(inner: WritableStream<Uint8Array>): WritableStream<Uint8Array> {
  const writer = inner.getWriter();
  return new WritableStream<Uint8Array>({
    async write(chunk) {
      await writer.write(chunk);
      release(chunk);
    },
    close: () => writer.close(),
    abort: (reason) => writer.abort(reason),
  });
}

/** Writes `stream` to `handle`; on any error nothing is kept and the error is rethrown. */
export async function writeToHandle(handle: FileSystemFileHandle, stream: ReadableStream<Uint8Array>, onBytes: (n: number) => void, cleanup: () => Promise<void>): Promise<void> {
  const writable = await handle.createWritable();
  try {
    // pipeTo aborts the writable when the source errors: the temporary file is dropped.
    await stream.pipeThrough(counter(onBytes)).pipeTo(releasing(writable));
  } catch (e) {
    await cleanup().catch(() => undefined);
    throw e;
  }
}

/** Writes to a file the user picked; a failed write removes the (empty) file. */
export function saveToPickedFile(handle: FileSystemFileHandle, stream: ReadableStream<Uint8Array>, onBytes: (n: number) => void): Promise<void> {
  return writeToHandle(handle, stream, onBytes, async () => {
    const r = handle as unknown as Removable;
    if (typeof r.remove === "function") await r.remove();
  });
}

/** A name in `dir` that no file has yet: "a.pdf", else "a (1).pdf", "a (2).pdf", … */
export async function freeName(dir: FileSystemDirectoryHandle, name: string): Promise<string> {
  const dot = name.lastIndexOf(".");
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : "";
  for (let i = 0; i < 10_000; i++) {
    const candidate = i === 0 ? name : `${stem} (${i})${ext}`;
    try {
      await dir.getFileHandle(candidate);
    } catch {
      return candidate; // NotFoundError: free
    }
  }
  throw new DOMException("no free name", "InvalidStateError");
}

/** Writes one file into `dir` under a free name; a failed write removes it. Answers the name used. */
export async function saveInFolder(dir: FileSystemDirectoryHandle, name: string, stream: ReadableStream<Uint8Array>, onBytes: (n: number) => void): Promise<string> {
  const free = await freeName(dir, name);
  const handle = await dir.getFileHandle(free, { create: true });
  await writeToHandle(handle, stream, onBytes, () => dir.removeEntry(free));
  return free;
}
