// Runs test/suite.js in headless Chromium: serves the package, the test
// vectors and a door to the `kluis` command from a loopback HTTP server,
// loads test/browser.html with playwright-core (Debian's chromium, no
// browser download), prints each result and `N passed, N failed`.
//   CHROMIUM=/path/to/chromium   (default /usr/bin/chromium)
//   KLUIS_BIN=/path/to/kluis     (default target/fast/kluis or target/release/kluis)
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { cli, kluisBin, vectors } from '../test/cli.js';

const pkg = resolve(fileURLToPath(new URL('..', import.meta.url)));
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`chromium is missing at ${executablePath}: install Debian's chromium (apt-get install chromium) or set CHROMIUM`);
  process.exit(2);
}
if (!existsSync(join(pkg, 'dist', 'index.js'))) {
  console.error('the package is not built: run npm run build first');
  process.exit(2);
}
const bin = kluisBin();
if (!bin) {
  console.error('no kluis binary for the interop tests: set KLUIS_BIN or cargo build -p kluis-cli --profile fast');
  process.exit(2);
}
const kluis = cli(bin);

const TYPES = { '.js': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm', '.json': 'application/json', '.kluis': 'application/octet-stream' };

/** A file under `root`, refusing any path that leaves it. */
async function serveFile(res, root, rel) {
  const path = normalize(join(root, decodeURIComponent(rel)));
  if (!path.startsWith(root + '/')) return end(res, 403, 'outside the served folder');
  try {
    if (!(await stat(path)).isFile()) return end(res, 404, 'not a file');
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(await readFile(path));
  } catch {
    end(res, 404, 'not found');
  }
}

function end(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(text);
}

async function body(req) {
  const parts = [];
  for await (const p of req) parts.push(p);
  return new Uint8Array(Buffer.concat(parts));
}

function secretOf(req) {
  const s = JSON.parse(decodeURIComponent(req.headers['x-kluis-secret'] ?? ''));
  return s.password !== undefined ? { password: s.password } : { key: Uint8Array.from(Buffer.from(s.keyHex, 'hex')) };
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  try {
    if (url.pathname.startsWith('/pkg/')) return await serveFile(res, pkg, url.pathname.slice(5));
    if (url.pathname.startsWith('/vectors/')) return await serveFile(res, vectors, url.pathname.slice(9));
    if (req.method === 'POST' && (url.pathname === '/cli/seal' || url.pathname === '/cli/open')) {
      const input = await body(req);
      const secret = secretOf(req);
      const out =
        url.pathname === '/cli/seal'
          ? await kluis.seal(input, secret, JSON.parse(decodeURIComponent(req.headers['x-kluis-args'] ?? '%5B%5D')))
          : await kluis.open(input, secret);
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(out);
    }
    end(res, 404, 'not found');
  } catch (e) {
    end(res, 500, String(e?.message ?? e));
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--headless=new'] });
let failed = 0;
let passed = 0;
try {
  const page = await browser.newPage();
  // Nothing but the local server: no third-party resource can load.
  await page.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${origin}/pkg/test/browser.html`);
  await page.waitForFunction(() => Array.isArray(window.__results), null, { timeout: 10 * 60_000, polling: 250 });
  const results = await page.evaluate(() => window.__results);
  const version = browser.version();
  console.log(`# Chromium ${version}`);
  for (const r of results) {
    console.log(`${r.ok ? 'ok' : 'not ok'} - ${r.name} (${Math.round(r.ms)} ms)`);
    if (!r.ok) console.log(r.error.replace(/^/gm, '    '));
    if (r.ok) passed++;
    else failed++;
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
