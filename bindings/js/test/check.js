// Assertions that run unchanged in Node and in a browser (node:assert does
// not exist in browsers).

export function ok(value, message = 'expected a true value') {
  if (!value) throw new Error(message);
}

export function equal(actual, expected, message = '') {
  if (actual !== expected) throw new Error(`${message ? message + ': ' : ''}expected ${String(expected)}, got ${String(actual)}`);
}

export function sameBytes(actual, expected, message = 'bytes differ') {
  ok(actual instanceof Uint8Array, `${message}: not a Uint8Array`);
  if (actual.length !== expected.length) throw new Error(`${message}: length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) throw new Error(`${message}: first difference at byte ${i}`);
  }
}

/** Awaits `promise` and requires a KluisError of `kind` (and `reason`, if given). */
export async function rejects(promise, kind, reason) {
  let error = null;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (e) {
    error = e;
  }
  ok(error !== null, `expected a ${kind} error, got success`);
  equal(error?.name, 'KluisError', `error name (${error?.message})`);
  equal(error.kind, kind, `kind (${error.message})`);
  if (reason !== undefined) equal(error.reason, reason, `reason (${error.message})`);
  ok(typeof error.message === 'string' && error.message.length > 0, 'a readable message');
  return error;
}

/** Plaintext of the project's vectors: byte i is i mod 251. */
export function pattern(length, offset = 0) {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i + offset) % 251;
  return out;
}

export function hex(text) {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A stream that yields `bytes` in pieces of `size` (or of the sizes in turn). */
export function streamOf(bytes, size) {
  const sizes = Array.isArray(size) ? size : [size];
  let at = 0;
  let turn = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) {
        controller.close();
        return;
      }
      const n = sizes[turn++ % sizes.length];
      controller.enqueue(bytes.slice(at, at + n));
      at += n;
    },
  });
}

/** Reads a stream to its end: the bytes, or the error with the bytes released before it. */
export async function drain(stream) {
  const reader = stream.getReader();
  const parts = [];
  let error = null;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      parts.push(r.value);
    }
  } catch (e) {
    error = e;
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, error };
}

export async function sha256(bytes) {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}
