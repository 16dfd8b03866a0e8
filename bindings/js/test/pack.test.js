// The package as npm users get it: `npm pack` makes the tarball, a fresh
// Node project installs it (offline: the package has no runtime
// dependencies) and uses the names from `import ... from 'kluis'`,
// with the .wasm loaded from the installed package itself.
import { equal, ok } from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// What the fresh project runs: every exported name the issue fixes exists,
// and the byte, stream, password, notice and detector functions work.
const USE = `
import * as kluis from 'kluis';
const names = ['ready', 'sealBytes', 'openBytes', 'inspect', 'sealStream', 'openStream', 'generatePassword',
  'ratePassword', 'HttpTransport', 'requestCode', 'confirmCode', 'sendTransfer', 'openTransfer', 'KluisError',
  'scanText', 'scanBytes', 'recipientNotice', 'release'];
const absent = names.filter((n) => !(n in kluis));
if (absent.length) throw new Error('missing exports: ' + absent.join(', '));
await kluis.ready;
const password = kluis.generatePassword();
const argon2 = { mKib: 1024, t: 1, p: 1 };
const sealed = await kluis.sealBytes(new TextEncoder().encode('hallo'), [{ password }], { argon2, metadata: { name: 'a.txt' } });
const opened = await kluis.openBytes(sealed, { password });
let kind = null;
try { await kluis.openBytes(sealed, { password: password + 'x' }); } catch (e) { kind = e instanceof kluis.KluisError ? e.kind : String(e); }
const streamed = kluis.openStream(kluis.sealStream(new Blob([new Uint8Array(70000).fill(7)]).stream(), [{ password }], { argon2, chunkSize: 4096 }), { password });
let total = 0;
for await (const piece of streamed) total += piece.length;
const findings = await kluis.scanText('BSN: 111222333');
console.log(JSON.stringify({
  text: new TextDecoder().decode(opened.plaintext), name: opened.metadata?.name, kind, total,
  rated: typeof (await kluis.ratePassword(password)).score, kinds: findings.map((f) => f.kind),
}));
`;

test('npm pack gives a tarball that a fresh Node project installs and uses', { timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kluis-pack-'));
  try {
    const out = execFileSync(npm, ['pack', '--silent', '--pack-destination', dir], { cwd: pkg, encoding: 'utf8' });
    const tarball = out.trim().split('\n').pop();
    ok((await readdir(dir)).includes(tarball), `npm pack made ${tarball}`);
    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    execFileSync(npm, ['install', '--offline', '--no-audit', '--no-fund', '--silent', join(dir, tarball)], { cwd: app });
    await writeFile(join(app, 'use.mjs'), USE);
    const result = JSON.parse(execFileSync(process.execPath, ['use.mjs'], { cwd: app, encoding: 'utf8' }));
    equal(result.text, 'hallo');
    equal(result.name, 'a.txt');
    equal(result.kind, 'WrongSecret');
    equal(result.total, 70000);
    equal(result.rated, 'number');
    ok(result.kinds.includes('bsn'), JSON.stringify(result.kinds));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
