/**
 * What differs between Node and browsers: loading the `.wasm` file that
 * ships in the package, starting a worker, counting cores. Node's modules
 * are imported dynamically (under a name bundlers leave alone), so the
 * package has no Node-only import a browser would choke on.
 */

/** True in Node (worker_threads, the file system). */
export const isNode: boolean =
  typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

/** Imports a Node built-in; the indirection keeps bundlers from resolving it. */
export function nodeImport<T>(name: string): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ name) as Promise<T>;
}

/**
 * A module with one SIMD instruction (`i8x16.splat`, `i8x16.popcnt`): it
 * validates exactly where the engine has WebAssembly SIMD (simd128).
 */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/** Whether this engine runs WebAssembly SIMD. */
export const hasSimd: boolean = (() => {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
})();

/** The package's `.wasm` files (in `wasm/`): the envelope module with and without SIMD, the rater (and whole server client), the receiving client, the detector. */
export type WasmFile = 'kluis_wasm_bg.wasm' | 'kluis_wasm_simd_bg.wasm' | 'kluis_rate_bg.wasm' | 'kluis_receive_bg.wasm' | 'kluis_detect_bg.wasm';

function wasmUrl(file: WasmFile): URL {
  // Literal URLs, so that bundlers find and copy each file.
  switch (file) {
    case 'kluis_wasm_bg.wasm':
      return new URL('../wasm/kluis_wasm_bg.wasm', import.meta.url);
    case 'kluis_wasm_simd_bg.wasm':
      return new URL('../wasm/kluis_wasm_simd_bg.wasm', import.meta.url);
    case 'kluis_rate_bg.wasm':
      return new URL('../wasm/kluis_rate_bg.wasm', import.meta.url);
    case 'kluis_receive_bg.wasm':
      return new URL('../wasm/kluis_receive_bg.wasm', import.meta.url);
    case 'kluis_detect_bg.wasm':
      return new URL('../wasm/kluis_detect_bg.wasm', import.meta.url);
  }
}

/** Compiles one of the package's own `.wasm` files (the glue is the same for both envelope builds). */
export async function compileWasm(file: WasmFile): Promise<WebAssembly.Module> {
  const url = wasmUrl(file);
  if (isNode && url.protocol === 'file:') {
    const fs = await nodeImport<{ readFile(u: URL): Promise<Uint8Array<ArrayBuffer>> }>('node:fs/promises');
    return WebAssembly.compile(await fs.readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`loading ${url.href}: HTTP ${response.status}`);
  // compileStreaming needs the application/wasm type; fall back when a
  // server sends another.
  if (response.headers.get('content-type')?.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/** The cores this process may use. */
export async function cores(): Promise<number> {
  if (isNode) {
    const os = await nodeImport<{ availableParallelism?: () => number; cpus(): unknown[] }>('node:os');
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === 'number' && n > 0 ? n : 1;
}

/** A worker seen the same way in Node and in browsers. */
export interface WorkerHandle {
  post(message: unknown, transfer: Transferable[]): void;
  onMessage(listener: (data: unknown) => void): void;
  onError(listener: (error: unknown) => void): void;
  /** Node: whether the worker keeps the process alive (busy: yes). */
  hold(busy: boolean): void;
  terminate(): void;
}

interface NodeWorker {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: 'message' | 'error', listener: (value: unknown) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}

/** Starts a worker running `worker.js` of this package (the pool's), or `transfer-worker.js` (the server client's). */
export async function spawnWorker(script: 'pool' | 'transfer' = 'pool'): Promise<WorkerHandle> {
  if (isNode) {
    const wt = await nodeImport<{ Worker: new (url: URL, options: { execArgv: string[] }) => NodeWorker }>('node:worker_threads');
    // A worker takes the process's Node options, except those that only
    // make sense for a main script given as text (`node --input-type=module -e`).
    const proc = (globalThis as unknown as { process: { execArgv: string[] } }).process;
    const execArgv = proc.execArgv.filter((a) => !a.startsWith('--input-type'));
    const url = script === 'transfer' ? new URL('./transfer-worker.js', import.meta.url) : new URL('./worker.js', import.meta.url);
    const w = new wt.Worker(url, { execArgv });
    w.unref();
    return {
      post: (m, t) => w.postMessage(m, t),
      onMessage: (l) => w.on('message', l),
      onError: (l) => w.on('error', l),
      hold: (busy) => (busy ? w.ref() : w.unref()),
      terminate: () => void w.terminate(),
    };
  }
  // Literal URLs, so that bundlers find each worker script.
  const w =
    script === 'transfer'
      ? new Worker(new URL('./transfer-worker.js', import.meta.url), { type: 'module' })
      : new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  return {
    post: (m, t) => w.postMessage(m, t),
    onMessage: (l) => w.addEventListener('message', (e) => l(e.data)),
    onError: (l) => w.addEventListener('error', (e) => l(e.message ? new Error(e.message) : new Error('the worker failed to start'))),
    hold: () => {},
    terminate: () => w.terminate(),
  };
}
