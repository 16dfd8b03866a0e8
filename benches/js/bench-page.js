// The benchmark page: the package from /pkg/ (bindings/js as built),
// hash-wasm from this folder's node_modules, the measurements of
// bench-core.js. run.mjs opens it as /bench.html?variant=simd|fallback and
// calls window.bench.speed(cfg) and window.bench.roundTrip(mib).
import * as hashwasm from '/node_modules/hash-wasm/dist/index.esm.js';

import { roundTrip, speed } from './bench-core.js';
import { loadKluis } from './load.js';

const variant = new URLSearchParams(location.search).get('variant') ?? 'simd';
const kluis = await loadKluis('/pkg/dist/index.js', variant);
await kluis.ready;
const out = document.getElementById('out');
const show = (what, value) => {
  out.textContent += `${what}: ${JSON.stringify(value)}\n`;
  return value;
};
window.bench = {
  variant,
  simd: kluis.simd(),
  speed: async (cfg) => show('speed', await speed(kluis, hashwasm, crypto.subtle, cfg)),
  roundTrip: async (mib) => show('roundTrip', await roundTrip(kluis, mib)),
};
