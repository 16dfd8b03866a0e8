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

suite(test, {
  kluis,
  fixture: async (path) => new Uint8Array(await readFile(join(vectors, path))),
  cli: bin ? cli(bin) : missing,
});
