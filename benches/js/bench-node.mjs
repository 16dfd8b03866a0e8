// The measurements of bench-core.js in Node, for one build of the module
// (the build is chosen as the package loads, so run.mjs starts one process
// per build). Prints one line of JSON.
//   node bench-node.mjs '{"variant":"simd","mib":512,"argon2Runs":3,"peers":true,"memoryMib":2048}'
import { webcrypto } from 'node:crypto';

import * as hashwasm from 'hash-wasm';

import { roundTrip, speed } from './bench-core.js';
import { loadKluis } from './load.js';

const cfg = JSON.parse(process.argv[2] ?? '{}');
const kluis = await loadKluis(new URL('../../bindings/js/dist/index.js', import.meta.url).href, cfg.variant);
await kluis.ready;
const result = { variant: cfg.variant, speed: await speed(kluis, hashwasm, webcrypto.subtle, cfg), memory: null };

if (cfg.memoryMib > 0) {
  // Node has no per-worker heap figures before v22: the process's resident
  // memory covers every thread, its heap and its wasm memory; the main
  // thread's heap and ArrayBuffers are given too.
  const mib = (n) => n / 2 ** 20;
  const before = process.memoryUsage();
  const samples = [];
  const t0 = performance.now();
  const sample = () => {
    const m = process.memoryUsage();
    samples.push({ t: (performance.now() - t0) / 1000, rss: mib(m.rss), heap: mib(m.heapUsed), arrayBuffers: mib(m.arrayBuffers) });
  };
  const timer = setInterval(sample, 100);
  const trip = await roundTrip(kluis, cfg.memoryMib);
  clearInterval(timer);
  sample();
  result.memory = { ...trip, rssBefore: mib(before.rss), samples };
}
await kluis.configure({ terminate: true });
process.stdout.write(`${JSON.stringify(result)}\n`);
