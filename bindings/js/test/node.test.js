// The suite in Node: `npm test` (node --test). The CLI interop tests use
// the `kluis` binary at $KLUIS_BIN, else target/fast/kluis or
// target/release/kluis of this repository; without one they fail, saying so.
import { deepStrictEqual, equal } from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

import * as kluis from '../dist/index.js';
import { cli, kluisBin, vectors } from './cli.js';
import { detectTests } from './detect.js';
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

// Every asynchronous function waits for the module: called in the same
// tick as the import, before `ready` could have resolved (and from a
// script given as text: its workers must not inherit --input-type).
test('the asynchronous functions wait for ready by themselves', async () => {
  const { execFileSync } = await import('node:child_process');
  const script = `
    const kluis = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
    const key = { key: new Uint8Array(32).fill(3) };
    const streamed = kluis.openStream(new Blob([new Uint8Array(3)]).stream(), key);
    const sealed = kluis.sealBytes(new Uint8Array([4, 5]), key);
    const rated = kluis.ratePassword('x');
    const streamError = await streamed.metadata.then(() => 'none', (e) => e.kind);
    const opened = await kluis.openBytes(await sealed, key);
    console.log(JSON.stringify([Array.from(opened.plaintext), streamError, (await rated).acceptable]));
  `;
  const result = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const { deepStrictEqual } = await import('node:assert');
  deepStrictEqual(JSON.parse(result), [[4, 5], 'Malformed', false]);
});

// The recipient notice is kluis-protocol's text (the CLI prints the same):
// the link and the expiry in it, never a password; a link with a fragment
// (which could carry a secret) is refused.
test('recipientNotice renders the notice in both languages and refuses a non-link', async () => {
  const { deepStrictEqual, ok, throws } = await import('node:assert');
  await kluis.ready;
  const link = 'https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa';
  const en = kluis.recipientNotice('ann@example.org', link, new Date(1_700_604_800_000));
  deepStrictEqual(en.subject, 'Encrypted files from ann@example.org');
  ok(en.body.includes(link) && en.body.includes('until 2023-11-21 22:13 UTC'), en.body);
  const nl = kluis.recipientNotice('ann@example.org', link, 1_700_604_800, 'nl');
  deepStrictEqual(nl.subject, 'Versleutelde bestanden van ann@example.org');
  ok(nl.body.includes('tot 2023-11-21 22:13 UTC'), nl.body);
  throws(() => kluis.recipientNotice('ann@example.org', `${link}#geheim`, 0), (e) => e instanceof kluis.KluisError && e.kind === 'InvalidArgument');
  throws(() => kluis.recipientNotice('ann@example.org', link, 0, 'de'), (e) => e.kind === 'InvalidArgument');
});

// Constant memory: once the first 64 MiB have gone through (the allocators
// of the page's thread and of each worker have reached their working size),
// 192 MiB more sealed and opened at once through streams must not grow the
// process (every thread, wasm memories included) by anything near that; a
// pipeline that held the data would grow by all of it.
test('streaming 256 MiB through sealStream and openStream keeps memory flat', async () => {
  const { ok } = await import('node:assert');
  // Garbage the page's thread has not collected yet is not what this test
  // is about: collect it before each sample.
  const v8 = await import('node:v8');
  const vm = await import('node:vm');
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const key = { key: new Uint8Array(32).fill(5) };
  const total = 256 << 20;
  const warm = 64 << 20;
  const piece = new Uint8Array(1 << 20).fill(1);
  let sent = 0;
  const source = new ReadableStream(
    {
      pull(c) {
        if (sent >= total) return c.close();
        c.enqueue(piece.slice());
        sent += piece.length;
      },
    },
    { highWaterMark: 0 },
  );
  let base = 0;
  let peak = 0;
  const reader = kluis.openStream(kluis.sealStream(source, key), key).getReader();
  let n = 0;
  let next = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    n += r.value.length;
    if (n >= next) {
      next += 8 << 20;
      gc();
      const rss = process.memoryUsage().rss;
      if (n >= warm && base === 0) base = peak = rss;
      peak = Math.max(peak, rss);
    }
  }
  ok(n === total, `all ${total} bytes came back (${n})`);
  const grew = (peak - base) / 2 ** 20;
  console.log(`# grew ${grew.toFixed(1)} MiB`);
  ok(base > 0 && grew < 64, `resident memory grew by ${grew.toFixed(0)} MiB while the last 192 MiB streamed`);
});

test('a worker that ran Argon2 (a password header) is ended, taking its 64 MiB with it; the pool goes on', async () => {
  const { getPool } = await import('../dist/engine.js');
  await kluis.configure({ workers: 2 });
  const pool = await getPool();
  const key = { key: new Uint8Array(32).fill(1) };
  const password = { password: 'paard batterij nietje' };
  await kluis.sealBytes(new Uint8Array(10), key);
  equal(pool.retiredCount(), 0, 'a key header runs no Argon2: its worker stays');
  const envelope = await kluis.sealBytes(new Uint8Array(100_000).fill(3), [password, key], { argon2: { mKib: 8192, t: 1, p: 1 } });
  equal(pool.retiredCount(), 1, 'the worker that sealed the password slot was ended');
  const opened = await kluis.openBytes(envelope, password);
  equal(pool.retiredCount(), 2, 'and the one that opened it');
  deepStrictEqual(opened.plaintext, new Uint8Array(100_000).fill(3));
  await kluis.openBytes(envelope, key);
  equal(pool.retiredCount(), 2, 'a key opens without Argon2');
});

test('an open batch comes back in the buffer it was sent in, plaintext first (the worker allocates none); a refused chunk leaves the opened ones and zeros', async () => {
  const { getPool } = await import('../dist/engine.js');
  const pool = await getPool();
  const { chunkKey } = await pool.run({ op: 'sealHeader', secrets: [{ key: new Uint8Array(32).fill(9) }], options: { chunkSize: 4096 } });
  const plain = [new Uint8Array(4096).fill(1), new Uint8Array(4096).fill(2), new Uint8Array(100).fill(3)];
  const sealed = await pool.run({ op: 'seal', key: chunkKey.slice(), pieces: plain.map((bytes, index) => ({ index, last: index === 2, bytes: bytes.slice() })) });
  const envelope = sealed.outputs[0];
  equal(envelope.length, 4096 * 2 + 100 + 3 * 16);
  const job = (bytes) => {
    const spans = [0, 1, 2].map((index) => ({ index, last: index === 2, offset: index * 4112, length: index === 2 ? 116 : 4112 }));
    return pool.run({ op: 'open', key: chunkKey.slice(), bytes, spans }, [bytes.buffer]);
  };
  const opened = await job(envelope.slice());
  equal(opened.error, undefined);
  equal(opened.outputs.length, 1);
  const out = opened.outputs[0];
  equal(out.buffer.byteLength, envelope.length, 'the answer is the buffer sent, not a new one');
  deepStrictEqual(out, new Uint8Array([...plain[0], ...plain[1], ...plain[2]]));
  const tampered = envelope.slice();
  tampered[4112 + 10] ^= 1;
  const refused = await job(tampered);
  equal(refused.error?.kind, 'Tampered');
  deepStrictEqual(refused.outputs[0], plain[0], 'the chunk before the refusal is released');
  const rest = new Uint8Array(refused.outputs[0].buffer, 4096);
  equal(rest.every((b) => b === 0), true, 'nothing of the refused chunk or after it is left');
});

suite(test, {
  kluis,
  fixture: async (path) => new Uint8Array(await readFile(join(vectors, path))),
  cli: bin ? cli(bin) : missing,
});

detectTests(test, { kluis, fixture: async (path) => new Uint8Array(await readFile(join(vectors, path))) });
