/**
 * The worker of the drop server's client, holding the transfer's session
 * objects (`SignIn`, `Sealing`, `Upload`, `Opening`, `Opened`,
 * `FileDownload`), so that sealing and the decryption of downloads never
 * block the page. The page's thread calls their methods by message
 * (src/remote.ts) and does the `fetch`es itself. The same script, started
 * apart and ended after one call, runs the manifest's Argon2 when a
 * transfer is opened (`unsealManifest`).
 * Verifying and opening run in the `kluis_receive` module (no zxcvbn);
 * sending in `kluis_rate`, loaded on the first send. Each is loaded on
 * first use.
 */

import * as rate from '../wasm/kluis_rate.js';
import * as receive from '../wasm/kluis_receive.js';
import { toFailureData } from './errors.js';
import { compileWasm, isNode, nodeImport } from './platform.js';
import { release } from './release.js';
import type { RemoteCall, RemoteReply } from './remote.js';

interface Port {
  post(message: RemoteReply, transfer: Transferable[]): void;
  listen(handler: (data: RemoteCall) => void): void;
}

function port(): Port | Promise<Port> {
  if (isNode) return nodePort();
  const scope = globalThis as unknown as {
    postMessage(m: unknown, t: Transferable[]): void;
    addEventListener(type: 'message', l: (e: MessageEvent) => void): void;
  };
  return { post: (m, t) => scope.postMessage(m, t), listen: (h) => scope.addEventListener('message', (e) => h(e.data)) };
}

async function nodePort(): Promise<Port> {
  const wt = await nodeImport<{
    parentPort: { postMessage(m: unknown, t: readonly unknown[]): void; on(e: 'message', l: (d: RemoteCall) => void): void };
  }>('node:worker_threads');
  return { post: (m, t) => wt.parentPort.postMessage(m, t), listen: (h) => wt.parentPort.on('message', h) };
}

let rateLoaded: Promise<void> | null = null;
let receiveLoaded: Promise<void> | null = null;
/** Each loaded module's memory, for `moduleMemory`. */
const memories: { rate?: WebAssembly.Memory; receive?: WebAssembly.Memory } = {};

/** The sending module, loaded on first use (a failed load is tried again). */
function loadRate(): Promise<void> {
  rateLoaded ??= compileWasm('kluis_rate_bg.wasm').then((module) => void (memories.rate = rate.initSync({ module }).memory));
  rateLoaded.catch(() => (rateLoaded = null));
  return rateLoaded;
}

/** The receiving module, loaded on first use. */
function loadReceive(): Promise<void> {
  receiveLoaded ??= compileWasm('kluis_receive_bg.wasm').then((module) => void (memories.receive = receive.initSync({ module }).memory));
  receiveLoaded.catch(() => (receiveLoaded = null));
  return receiveLoaded;
}

/** The session objects, by handle. */
const objects = new Map<number, { free(): void } & Record<string, unknown>>();
let nextHandle = 1;

/** What may be made from the page: the constructors and static functions of the sessions, and the module each needs. */
const MAKERS: Record<string, [() => Promise<void>, (args: unknown[]) => unknown]> = {
  'SignIn.request': [loadReceive, (a) => receive.SignIn.request(a[0] as string, a[1] as string)],
  'SignIn.confirm': [loadReceive, (a) => receive.SignIn.confirm(a[0] as string, a[1] as string, a[2] as string)],
  Sealing: [loadRate, (a) => new rate.Sealing(a[0], a[1] as number)],
  Opening: [loadReceive, (a) => new receive.Opening(a[0] as string)],
  // The manifest's Argon2, in a worker of its own (remote.ts `isolated`).
  unsealManifest: [loadReceive, (a) => receive.unsealManifest(a[0] as Uint8Array, a[1] as string)],
  // Bytes of memory each loaded module holds (a module's memory grows and
  // never shrinks): for tests and benchmarks.
  moduleMemory: [() => Promise.resolve(), () => ({ rate: memories.rate?.buffer.byteLength ?? 0, receive: memories.receive?.buffer.byteLength ?? 0 })],
};

/** Methods whose byte arguments hold keys: this worker's copies are wiped after the call. */
const WIPED_ARGS = new Set(['openUnsealed']);

/** A wasm-bindgen object (it has a pointer and `free`). */
function isObject(v: unknown): v is { free(): void } & Record<string, unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { free?: unknown }).free === 'function' && '__wbg_ptr' in v;
}

/**
 * The byte arguments of a call are this worker's own (each came by
 * message) and the module has copied them: their memory goes back at once
 * (release.ts), after a wipe where they held keys.
 */
function done(call: RemoteCall): void {
  if (call.kind === 'free') return;
  const wipe = call.kind === 'call' && WIPED_ARGS.has(call.method);
  for (const a of call.args) {
    if (!(a instanceof Uint8Array)) continue;
    if (wipe) a.fill(0);
    release(a);
  }
}

function run(call: RemoteCall): [unknown, Transferable[]] {
  try {
    return runCall(call);
  } finally {
    done(call);
  }
}

function runCall(call: RemoteCall): [unknown, Transferable[]] {
  let value: unknown;
  if (call.kind === 'make') {
    const make = MAKERS[call.name];
    if (!make) throw new Error(`no session ${call.name}`);
    value = make[1](call.args);
  } else {
    const target = objects.get(call.handle);
    if (!target) throw new Error('the session is over');
    if (call.kind === 'free') {
      objects.delete(call.handle);
      target.free();
      return [null, []];
    }
    const method = target[call.method];
    if (typeof method !== 'function') throw new Error(`no method ${call.method}`);
    value = (method as (...a: unknown[]) => unknown).apply(target, call.args);
  }
  if (isObject(value)) {
    const handle = nextHandle++;
    objects.set(handle, value);
    return [{ handle }, []];
  }
  return [value, value instanceof Uint8Array ? [value.buffer] : []];
}

/** What a call needs loaded first: its module (a call on an object: nothing more). */
function needs(call: RemoteCall): Promise<void> {
  return call.kind === 'make' ? (MAKERS[call.name]?.[0]() ?? Promise.resolve()) : Promise.resolve();
}

function serve(p: Port): void {
  // Calls are answered in order (a make waits for its module; later calls wait for it).
  let queue: Promise<void> = Promise.resolve();
  p.listen((call) => {
    queue = queue.then(() =>
      needs(call).then(
        () => {
          let reply: RemoteReply;
          let transfer: Transferable[] = [];
          try {
            const [value, t] = run(call);
            reply = { id: call.id, ok: true, value };
            transfer = t;
          } catch (e) {
            reply = { id: call.id, ok: false, error: toFailureData(e) };
          }
          p.post(reply, transfer);
        },
        (e: unknown) => p.post({ id: call.id, ok: false, error: toFailureData(e) }, []),
      ),
    );
  });
}

const p = port();
if (p instanceof Promise) void p.then(serve);
else serve(p);
