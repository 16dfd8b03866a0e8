// The suite in a browser page (scripts/browser-test.mjs serves it and
// reads window.__results). Fixtures and the CLI come from the runner.
import * as kluis from '../dist/index.js';
import { transferTests } from './browser-transfer.js';
import { detectTests } from './detect.js';
import { suite } from './suite.js';

const tests = [];
const secretHeader = (secret) =>
  encodeURIComponent(JSON.stringify(secret.password !== undefined ? { password: secret.password } : { keyHex: Array.from(secret.key, (b) => b.toString(16).padStart(2, '0')).join('') }));

async function cliCall(op, body, secret, args = []) {
  const r = await fetch(`/cli/${op}`, {
    method: 'POST',
    body,
    headers: { 'x-kluis-secret': secretHeader(secret), 'x-kluis-args': encodeURIComponent(JSON.stringify(args)) },
  });
  if (!r.ok) throw new Error(`kluis ${op}: ${await r.text()}`);
  return new Uint8Array(await r.arrayBuffer());
}

suite((name, fn) => tests.push({ name, fn }), {
  kluis,
  fixture: async (path) => {
    const r = await fetch(`/vectors/${path}`);
    if (!r.ok) throw new Error(`fixture ${path}: HTTP ${r.status}`);
    return new Uint8Array(await r.arrayBuffer());
  },
  cli: { seal: (pt, secret, args) => cliCall('seal', pt, secret, args), open: (env, secret) => cliCall('open', env, secret) },
});

transferTests((name, fn) => tests.push({ name, fn }), kluis);

detectTests((name, fn) => tests.push({ name, fn }), {
  kluis,
  fixture: async (path) => {
    const r = await fetch(`/vectors/${path}`);
    if (!r.ok) throw new Error(`fixture ${path}: HTTP ${r.status}`);
    return new Uint8Array(await r.arrayBuffer());
  },
});

const log = document.getElementById('log');
const results = [];
for (const t of tests) {
  const started = performance.now();
  try {
    await t.fn();
    results.push({ name: t.name, ok: true, ms: performance.now() - started });
  } catch (e) {
    results.push({ name: t.name, ok: false, ms: performance.now() - started, error: `${e?.name}: ${e?.message}\n${e?.stack ?? ''}` });
  }
  const r = results[results.length - 1];
  log.textContent += `${r.ok ? 'ok' : 'not ok'} - ${r.name}\n`;
}
window.__results = results;
