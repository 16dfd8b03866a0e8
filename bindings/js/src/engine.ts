/**
 * The module on the page's thread (cheap calls: inspect, passwords, the
 * stream's cutting and checking) and the worker pool (Argon2, chunks).
 */

import { initSync } from '../wasm/kluis_wasm.js';
import { initSync as initRater, ratePassword as wasmRate } from '../wasm/kluis_rate.js';
import * as detector from '../wasm/kluis_detect.js';
import { KluisError } from './errors.js';
import { compileWasm, cores, hasSimd } from './platform.js';
import { MAX_WORKERS, Pool } from './pool.js';

let module: WebAssembly.Module | null = null;
let pool: Pool | null = null;
let workers = 0;

async function init(): Promise<void> {
  module = await compileWasm(hasSimd ? 'kluis_wasm_simd_bg.wasm' : 'kluis_wasm_bg.wasm');
  initSync({ module });
  workers = Math.max(1, Math.min(await cores(), MAX_WORKERS));
}

/** Resolves once the package is usable. */
export const ready: Promise<void> = init();
// A failed load is reported to whoever awaits `ready` (or calls anything),
// never as an unhandled rejection.
ready.catch(() => {});

/** Throws unless `ready` has resolved (for the synchronous functions). */
export function assertReady(): void {
  if (module === null) throw new KluisError('InvalidArgument', 'the module is not loaded yet: await kluis.ready first');
}

/** The pool, started on first use. */
export async function getPool(): Promise<Pool> {
  await ready;
  if (pool === null) pool = new Pool(module as WebAssembly.Module, workers);
  return pool;
}

/** How many workers the pool uses: `workers` (1 ..= 16), default one per core. */
export async function setWorkers(n: number): Promise<void> {
  await ready;
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS) {
    throw new KluisError('InvalidArgument', `workers must be a whole number from 1 to ${MAX_WORKERS}, got ${n}`);
  }
  pool?.terminate();
  pool = null;
  workers = n;
}

/** The pool's size now. */
export function workerCount(): number {
  return workers;
}

/** Stops the workers (a later call starts them again). */
export function terminateWorkers(): void {
  pool?.terminate();
  pool = null;
}

let rater: Promise<typeof wasmRate> | null = null;

/**
 * The password rater (zxcvbn: a module of its own, five times the size of
 * the rest), loaded on first use.
 */
export function loadRater(): Promise<typeof wasmRate> {
  if (rater === null) {
    rater = compileWasm('kluis_rate_bg.wasm').then((m) => {
      initRater({ module: m });
      return wasmRate;
    });
    // A failed load is tried again on the next call.
    rater.catch(() => {
      rater = null;
    });
  }
  return rater;
}

/** The detector's exports: `scanText`, `scanBytes`. */
export type Detector = Pick<typeof detector, 'scanText' | 'scanBytes'>;

let detectorLoad: Promise<Detector> | null = null;

/**
 * Runs a call into the detector. A `KluisError` it throws passes; anything
 * else is a trap (a panic, a stack too deep: WebAssembly has no threads to
 * run the PDF parser on, as native builds do), after which the instance
 * is replaced by a fresh one (its memory and stack may be left half-way)
 * and the document reported as one that cannot be read.
 */
function guarded<A extends unknown[], R>(call: (...args: A) => R): (...args: A) => R {
  return (...args: A) => {
    try {
      return call(...args);
    } catch (e) {
      if ((e as { name?: string } | null)?.name === 'KluisError') throw e;
      detector.__wbg_reset_state();
      throw new KluisError('Malformed', `the detector stopped on this document (${e instanceof Error ? e.message : String(e)})`);
    }
  };
}

/**
 * The sensitive-content detector (kluis-detect: text extraction and term
 * lists, a module of its own), loaded on first use. It does not need
 * `ready`: it shares nothing with the envelope module.
 */
export function loadDetector(): Promise<Detector> {
  if (detectorLoad === null) {
    const load = compileWasm('kluis_detect_bg.wasm').then((m) => {
      detector.initSync({ module: m });
      return { scanText: guarded(detector.scanText), scanBytes: guarded(detector.scanBytes) };
    });
    detectorLoad = load;
    // A failed load is tried again on the next call.
    load.catch(() => {
      if (detectorLoad === load) detectorLoad = null;
    });
  }
  return detectorLoad;
}

/** Whether the SIMD build of the module is in use (the engine has WebAssembly SIMD). */
export function simdInUse(): boolean {
  return hasSimd;
}
