/** A pass-through stream that counts the bytes going by. */
export function counter(onBytes: (total: number) => void): TransformStream<Uint8Array, Uint8Array> {
  let total = 0;
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      total += chunk.byteLength;
      onBytes(total);
      controller.enqueue(chunk);
    },
  });
}

/** Why a save did not end with the file on disk. */
export type SaveFailure = "tampered" | "cancelled" | "too_large" | "failed";

/** A failed save, with what the page should say. */
export class SaveError extends Error {
  constructor(
    readonly failure: SaveFailure,
    message: string,
  ) {
    super(message);
    this.name = "SaveError";
  }
}
