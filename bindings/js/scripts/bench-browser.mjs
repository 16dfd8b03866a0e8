// The same figures as scripts/bench.mjs in headless Chromium (Debian's,
// driven by playwright-core), the package served from loopback.
//   node scripts/bench-browser.mjs [SIZE_MIB]   (default 64; CHROMIUM=/path)
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const pkg = resolve(fileURLToPath(new URL('..', import.meta.url)));
const mib = Number(process.argv[2] ?? 64);
const TYPES = { '.js': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm' };
const server = createServer(async (req, res) => {
  const path = normalize(join(pkg, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  if (!path.startsWith(pkg + '/')) return res.writeHead(403).end();
  if (path.endsWith('/bench.html')) {
    res.writeHead(200, { 'content-type': 'text/html' });
    return res.end(`<!doctype html><script type="module">
      import * as kluis from '/dist/index.js';
      import { bench } from '/scripts/bench-core.js';
      bench(kluis, ${mib}).then((l) => (window.__lines = l), (e) => (window.__lines = ['failed: ' + e.message]));
    </script>`);
  }
  try {
    const body = await readFile(path);
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--headless=new'] });
try {
  const page = await browser.newPage();
  await page.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
  await page.goto(`${origin}/bench.html`);
  await page.waitForFunction(() => Array.isArray(window.__lines), null, { timeout: 15 * 60_000, polling: 500 });
  console.log(`Chromium ${browser.version()}, load average ${loadavg()[0].toFixed(1)}`);
  for (const line of await page.evaluate(() => window.__lines)) console.log(line);
} finally {
  await browser.close();
  server.close();
}
