/**
 * Saving through a Blob: the whole file is gathered in memory and offered
 * as a download. Used only for files under BLOB_LIMIT, when neither the
 * File System Access API nor the service worker can be used. A stream that
 * errors (a file that fails its check) never becomes a download.
 */
import { counter } from "./progress";

/** The largest file saved through memory (bigger ones need another path). */
export const BLOB_LIMIT = 256 * 1024 * 1024;

/** Gathers `stream` and offers it as `name`. */
export async function saveViaBlob(name: string, mediaType: string | null, stream: ReadableStream<Uint8Array>, onBytes: (n: number) => void): Promise<void> {
  const parts: Uint8Array[] = [];
  const reader = stream.pipeThrough(counter(onBytes)).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  const blob = new Blob(parts as BlobPart[], { type: mediaType ?? "application/octet-stream" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The browser has started the download; the memory is freed a little later.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
