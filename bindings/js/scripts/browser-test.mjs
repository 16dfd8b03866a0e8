// Runs test/suite.js and test/browser-transfer.js in headless Chromium:
// serves the package, the test vectors and a door to the `kluis` command
// from a loopback HTTP server, loads test/browser.html with playwright-core
// (Debian's chromium, no browser download), prints each result and
// `N passed, N failed`.
//
// The transfer tests talk to a real kluis-server (test/server.js). It
// sends no CORS headers, so the page must reach it on its own origin: this
// server passes /api/ and /t/ on to it (a reverse proxy, as a deployment
// that serves its pages and the API from one origin does), and the page
// uses its own origin as the Kluis server's address.
//   CHROMIUM=/path/to/chromium   (default /usr/bin/chromium)
//   --firefox: the same suite in Firefox instead (scripts/firefox.mjs:
//   puppeteer-core over WebDriver BiDi; KLUIS_FIREFOX, default
//   /usr/bin/firefox-esr)
//   KLUIS_BIN=/path/to/kluis     (default target/fast/kluis or target/release/kluis)
//   KLUIS_SERVER_BIN=/path/to/kluis-server (default target/fast/kluis-server or target/release/kluis-server)
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { FIREFOX, launchFirefox, pageOnlyFor } from './firefox.mjs';

import { cli, kluisBin, vectors } from '../test/cli.js';
import { startServer } from '../test/server.js';

const pkg = resolve(fileURLToPath(new URL('..', import.meta.url)));
const firefox = process.argv.includes('--firefox');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (firefox && !existsSync(FIREFOX)) {
  console.error(`firefox is missing at ${FIREFOX}: install Debian's firefox-esr (apt-get install firefox-esr) or set KLUIS_FIREFOX`);
  process.exit(2);
}
if (!firefox && !existsSync(executablePath)) {
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
const drop = await startServer();
const work = await mkdtemp(join(tmpdir(), 'kluis-js-browser-'));

/** `kluis ARGS` with a home of its own (where `kluis verify` keeps its token). */
function kluisIn(home, args) {
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data') };
  return new Promise((ok, fail) =>
    execFile(bin, args, { env, maxBuffer: 1 << 28 }, (error, stdout, stderr) =>
      error ? fail(new Error(`kluis ${args.join(' ')}: ${stderr || error.message}`)) : ok(stdout),
    ),
  );
}
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * The transfer the page opens, sent by `kluis send --server` (verified
 * with the code from the server's mail), and a sender token for the page
 * (asked for by the package in Node).
 */
async function transferFixture() {
  const home = await mkdtemp(join(work, 'home-'));
  const from = 'cli-sender@example.org';
  await kluisIn(home, ['verify', '-q', '--server', drop.url, '--request-only', from]);
  await kluisIn(home, ['verify', '-q', '--server', drop.url, '--code', await drop.code(from), from]);
  const files = [
    ['chunks.bin', Uint8Array.from({ length: 3 * 65536 + 5 }, (_, i) => (i * 7) % 256)],
    ['leeg.txt', new Uint8Array(0)],
    ['brief.txt', new TextEncoder().encode('Beste Bob,\nhierbij de stukken.\n')],
  ];
  for (const [name, bytes] of files) await writeFile(join(home, name), bytes);
  const password = 'kompas-zwaluw-tegelvloer-okapi-9-regen';
  await writeFile(join(home, 'pw'), password);
  const subject = 'Stukken';
  const message = 'Vertrouwelijk';
  const sent = JSON.parse(
    await kluisIn(home, ['send', '-q', '--json', '--server', drop.url, '--from', from, '--to', 'bob@example.org', '--subject', subject,
      '--message', message, '--password-file', join(home, 'pw'), '--allow-weak-password', ...files.map(([n]) => join(home, n))]),
  );
  const { requestCode, confirmCode } = await import('../dist/index.js');
  const sender = 'page-sender@example.org';
  await requestCode(drop.url, sender);
  const { token } = await confirmCode(drop.url, sender, await drop.code(sender));
  return { id: sent.id, password, from, subject, message, sender, token,
    files: files.map(([name, bytes]) => ({ name, size: bytes.length, sha256: sha256(bytes) })) };
}
const fixture = JSON.stringify(await transferFixture());

/** `kluis receive` of transfer `id`: the message and each saved file's SHA-256. */
async function receive({ id, password }) {
  const home = await mkdtemp(join(work, 'receive-'));
  await writeFile(join(home, 'pw'), password);
  const out = join(home, 'out');
  const shown = JSON.parse(await kluisIn(home, ['receive', '-q', '--json', '--password-file', join(home, 'pw'), '-o', out, `${drop.url}/t/${id}`]));
  const files = {};
  for (const name of await readdir(out)) files[name] = sha256(await readFile(join(out, name)));
  return { message: shown.message ?? null, files };
}

/** Passes a request on to the kluis-server (the headers the API reads and answers). */
async function proxy(req, res) {
  const headers = {};
  for (const name of ['authorization', 'content-type', 'range', 'accept']) if (req.headers[name]) headers[name] = req.headers[name];
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const answer = await fetch(`${drop.url}${req.url}`, { method: req.method, headers, body: hasBody ? await body(req) : undefined });
  const out = {};
  for (const name of ['content-type', 'content-length', 'content-range', 'retry-after', 'accept-ranges']) {
    const v = answer.headers.get(name);
    if (v !== null) out[name] = v;
  }
  const bytes = req.method === 'HEAD' ? null : Buffer.from(await answer.arrayBuffer());
  res.writeHead(answer.status, out);
  res.end(bytes ?? undefined);
}

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
    if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/t/')) return await proxy(req, res);
    if (url.pathname === '/transfer/fixture.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      return res.end(fixture);
    }
    if (req.method === 'POST' && url.pathname === '/transfer/receive') {
      const answer = await receive(JSON.parse(new TextDecoder().decode(await body(req))));
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(answer));
    }
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

/** Loads test/browser.html in `page` and answers the suite's results. */
async function results(page, waitFor) {
  await page.goto(`${origin}/pkg/test/browser.html`);
  await waitFor(() => Array.isArray(window.__results));
  return page.evaluate(() => window.__results);
}

let failed = 0;
let passed = 0;
let close = async () => {};
try {
  let found;
  let name;
  if (firefox) {
    const ff = await launchFirefox();
    close = () => ff.close();
    const page = await pageOnlyFor(ff.browser, origin);
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    name = await ff.browser.version();
    found = await results(page, (f) => page.waitForFunction(f, { timeout: 10 * 60_000, polling: 250 }));
  } else {
    const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--headless=new'] });
    close = () => browser.close();
    const page = await browser.newPage();
    // Nothing but the local server: no third-party resource can load.
    await page.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    name = `Chromium ${browser.version()}`;
    found = await results(page, (f) => page.waitForFunction(f, null, { timeout: 10 * 60_000, polling: 250 }));
  }
  console.log(`# ${name}`);
  for (const r of found) {
    console.log(`${r.ok ? 'ok' : 'not ok'} - ${r.name} (${Math.round(r.ms)} ms)`);
    if (!r.ok) console.log(r.error.replace(/^/gm, '    '));
    if (r.ok) passed++;
    else failed++;
  }
} finally {
  await close();
  server.close();
  await drop.stop();
  await rm(work, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
