// The built background page in a browser engine: dist/xpi/background.js
// loaded as a module in headless Chromium (KLUIS_CHROMIUM) from a page
// served with the extension's CSP (script-src 'self' 'wasm-unsafe-eval'),
// with the kluis package as laid out in the .xpi (its workers and .wasm
// under kluis/), and a stubbed `messenger`. The upload goes to a real
// kluis-server on loopback (another origin: Chromium runs with web
// security off here, as an extension with host permissions is exempt from
// CORS in Thunderbird), and `kluis receive` opens it with the password
// shown in the password window, byte for byte.
import { deepStrictEqual, equal, ok } from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

import { kluisBin } from '../../../bindings/js/test/cli.js';
import { startServer } from '../../../bindings/js/test/server.js';
import { here } from './messenger.mjs';

const CHROMIUM = process.env.KLUIS_CHROMIUM ?? process.env.CHROMIUM ?? '/usr/bin/chromium';
const root = join(here, 'dist/xpi');
/** The extension's own CSP, from its manifest. */
const CSP = JSON.parse(readFileSync(join(here, 'static/manifest.json'), 'utf8')).content_security_policy;
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const HOST = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>background</title><script type="module" src="/background.js"></script></head><body></body></html>';

let kluisServer;
let pages;
let browser;
let page;
let work;
const errors = [];

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (or set KLUIS_CHROMIUM)`);
  kluisServer = await startServer();
  work = await mkdtemp(join(tmpdir(), 'kluis-thunderbird-browser-'));
  pages = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    if (path === '/_background.html') {
      res.writeHead(200, { 'content-type': TYPES['.html'], 'content-security-policy': CSP }).end(HOST);
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204).end(); // a browser asks; an extension's background does not
      return;
    }
    const file = join(root, path);
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CSP }).end(readFileSync(file));
  });
  await new Promise((r) => pages.listen(0, '127.0.0.1', r));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-web-security'],
  });
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const event = () => {
      const listeners = [];
      return { listeners, addListener: (f) => listeners.push(f), fire: (...a) => listeners[0](...a) };
    };
    const data = new Map();
    window.created = [];
    window.updates = [];
    window.compose = new Map();
    window.messenger = {
      cloudFile: { updateAccount: async (id, p) => (window.updates.push([id, p]), {}), onFileUpload: event(), onFileUploadAbort: event(), onFileDeleted: event(), onAccountDeleted: event() },
      compose: {
        getComposeDetails: async (tabId) => window.compose.get(tabId) ?? {},
        listAttachments: async () => [],
        getAttachmentFile: async () => { throw new Error('none'); },
        onBeforeSend: event(),
      },
      runtime: { onMessage: event() },
      storage: { local: { get: async (k) => (data.has(k) ? { [k]: structuredClone(data.get(k)) } : {}), set: async (items) => { for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v)); }, remove: async (k) => void data.delete(k) } },
      tabs: { onRemoved: event() },
      windows: { create: async (o) => (window.created.push(o), { id: window.created.length }), update: async () => ({}), onRemoved: event() },
      i18n: { getMessage: (key, subs) => (subs === undefined ? key : `${key}: ${[subs].flat().join(', ')}`) },
    };
  });
  page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${pages.address().port}/_background.html`);
  await page.waitForFunction(() => window.messenger.cloudFile.onFileUpload.listeners.length === 1);
});
after(async () => {
  await browser?.close();
  await new Promise((r) => (pages ? pages.close(r) : r()));
  await kluisServer?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test('in Chromium, under the extension CSP: verify, upload, and `kluis receive` opens the link with the shown password', async () => {
  const sender = `eve-${process.pid}@example.org`;
  const msg = (m) => page.evaluate((m) => window.messenger.runtime.onMessage.fire(m), m);
  ok((await msg({ type: 'settings:save', accountId: 'a', server: kluisServer.url, address: sender, language: 'en', expiryDays: 1 })).ok);
  ok((await msg({ type: 'verify:request', accountId: 'a' })).ok);
  const confirmed = await msg({ type: 'verify:confirm', accountId: 'a', code: await kluisServer.code(sender) });
  ok(confirmed.ok, JSON.stringify(confirmed));

  const bytes = randomBytes(150_000);
  const result = await page.evaluate(async ({ data, to }) => {
    window.compose.set(4, { to: [to] });
    const file = new File([new Uint8Array(data)], 'verslag.odt', { type: 'application/vnd.oasis.opendocument.text' });
    return window.messenger.cloudFile.onFileUpload.fire({ id: 'a' }, { id: 11, name: 'verslag.odt', data: file }, { id: 4 });
  }, { data: [...bytes], to: `Frank <frank-${process.pid}@example.org>` });
  ok(result.url?.startsWith(`${kluisServer.url}/t/`), JSON.stringify(result));
  equal(result.templateInfo.download_password_protected, true);
  deepStrictEqual(await page.evaluate(() => window.created.map((w) => w.url)), ['password.html?tab=4']);
  const shown = await msg({ type: 'password:get', tabId: 4 });
  const password = shown.value.password;

  const home = await mkdtemp(join(work, 'home-'));
  await writeFile(join(home, 'pw'), password);
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data') };
  const out = join(home, 'out');
  await new Promise((resolve, reject) =>
    execFile(kluisBin(), ['receive', '-q', '--password-file', join(home, 'pw'), '-o', out, result.url], { env }, (e, _o, stderr) => (e ? reject(new Error(stderr || e.message)) : resolve())),
  );
  deepStrictEqual(await readFile(join(out, 'verslag.odt')), bytes);
  deepStrictEqual(errors, [], 'no error (a CSP refusal among them) in the page');
});
