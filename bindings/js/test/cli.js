// The `kluis` command for the interop tests (Node side; the browser run
// reaches it through scripts/browser-test.mjs).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { toHex } from './check.js';

export const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const vectors = join(repo, 'docs', 'test-vectors');

/** The binary: $KLUIS_BIN, else target/fast/kluis or target/release/kluis. */
export function kluisBin() {
  const candidates = [process.env.KLUIS_BIN, join(repo, 'target/fast/kluis'), join(repo, 'target/release/kluis')];
  return candidates.find((c) => c && existsSync(c)) ?? null;
}

function run(bin, args) {
  return new Promise((ok, fail) => {
    execFile(bin, args, { maxBuffer: 1 << 30 }, (error, stdout, stderr) =>
      error ? fail(new Error(`kluis ${args.join(' ')}: ${stderr || error.message}`)) : ok(stdout),
    );
  });
}

/** The CLI, driven through temporary files (secret files included). */
export function cli(bin) {
  const withSecret = async (secret, body) => {
    const dir = await mkdtemp(join(tmpdir(), 'kluis-js-'));
    try {
      const secretArgs = [];
      if (secret.password !== undefined) {
        await writeFile(join(dir, 'pw'), secret.password);
        secretArgs.push('--password-file', join(dir, 'pw'));
      } else {
        await writeFile(join(dir, 'key'), toHex(secret.key));
        secretArgs.push('--key-file', join(dir, 'key'));
      }
      return await body(dir, secretArgs);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  return {
    seal: (plaintext, secret, extra = []) =>
      withSecret(secret, async (dir, secretArgs) => {
        await writeFile(join(dir, 'in'), plaintext);
        await run(bin, ['seal', '-q', ...secretArgs, ...extra, '-o', join(dir, 'out'), join(dir, 'in')]);
        return new Uint8Array(await readFile(join(dir, 'out')));
      }),
    open: (envelope, secret) =>
      withSecret(secret, async (dir, secretArgs) => {
        await writeFile(join(dir, 'in'), envelope);
        await run(bin, ['open', '-q', ...secretArgs, '-o', join(dir, 'out'), join(dir, 'in')]);
        return new Uint8Array(await readFile(join(dir, 'out')));
      }),
  };
}

