// The suite in Node: `npm test` (node --test). The CLI interop tests use
// the `kluis` binary at $KLUIS_BIN, else target/fast/kluis or
// target/release/kluis of this repository; without one they fail, saying so.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

import * as kluis from '../dist/index.js';
import { cli, kluisBin, vectors } from './cli.js';
import { suite } from './suite.js';

const bin = kluisBin();
const missing = {
  seal: () => Promise.reject(new Error('no kluis binary: set KLUIS_BIN or build it (cargo build -p kluis-cli --profile fast)')),
};
missing.open = missing.seal;

// The fallback for engines without WebAssembly SIMD: the baseline module
// works with the one glue the package ships (in a process of its own, since
// the glue holds one instance).
test('the baseline module (no SIMD) seals and opens with the shared glue', async () => {
  const { execFileSync } = await import('node:child_process');
  const script = `
    import { readFileSync } from 'node:fs';
    const g = await import(${JSON.stringify(new URL('../wasm/kluis_wasm.js', import.meta.url).href)});
    const bytes = readFileSync(new URL(${JSON.stringify(new URL('../wasm/kluis_wasm_bg.wasm', import.meta.url).href)}));
    g.initSync({ module: new WebAssembly.Module(bytes) });
    const h = g.sealHeader([{ password: 'paard batterij' }], { argon2: { mKib: 1024, t: 1, p: 1 }, chunkSize: 4096 });
    const c = new g.ChunkCipher(h.chunkKey);
    const sealed = c.seal(0, true, new Uint8Array([1, 2, 3]));
    const o = g.openHeader(h.header, { password: 'paard batterij' }, undefined);
    const out = new g.ChunkCipher(o.chunkKey).open(0, true, sealed);
    console.log(JSON.stringify([o.headerLength === h.header.length, Array.from(out)]));
  `;
  const result = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const { deepStrictEqual } = await import('node:assert');
  deepStrictEqual(JSON.parse(result), [true, [1, 2, 3]]);
});

suite(test, {
  kluis,
  fixture: async (path) => new Uint8Array(await readFile(join(vectors, path))),
  cli: bin ? cli(bin) : missing,
});
