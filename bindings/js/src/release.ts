/**
 * Giving back the memory of buffers no one reads again at once, instead of
 * leaving it to the garbage collector: V8 lets some tens of MiB of dead
 * array buffers pile up in each isolate (the page and every worker) before
 * it collects them, so a stream of pieces through four isolates held more
 * than 200 MiB of them while a page saved a file (docs/PERFORMANCE.md, "The
 * memory while saving").
 */

interface Transferable {
  transfer?: (length?: number) => ArrayBuffer;
}

/**
 * Detaches the buffer under `view` (`ArrayBuffer.prototype.transfer(0)`),
 * which frees its memory at once; every view of it becomes empty. Only for
 * buffers the caller owns whole and is done with. Does nothing where the
 * engine cannot (Node 20 has no `transfer`; a WebAssembly memory or a
 * shared buffer cannot be detached).
 *
 * ```js
 * const copy = bytes.slice();
 * use(copy);
 * release(copy); // copy.length is now 0
 * ```
 */
export function release(view: ArrayBufferView | ArrayBuffer): void {
  const buffer = (ArrayBuffer.isView(view) ? view.buffer : view) as ArrayBuffer & Transferable;
  if (typeof buffer.transfer !== 'function' || !(buffer instanceof ArrayBuffer)) return;
  try {
    buffer.transfer(0);
  } catch {
    // Not detachable (a WebAssembly memory's buffer): the collector's.
  }
}
