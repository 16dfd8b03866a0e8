// The built .xpi, offline: a zip that is the same on every build, whose
// manifest.json has what Thunderbird needs for a FileLink provider (and no
// more permissions than it uses), whose every referenced file is inside,
// whose messages exist in both languages; and `web-ext lint` on it.
import { deepStrictEqual, equal, ok } from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

import yauzl from 'yauzl';

import { build } from '../build.mjs';
import { here } from './messenger.mjs';

const xpiPath = join(here, 'dist/kluis-thunderbird.xpi');

/** The xpi's entries, in order: name, DOS date, bytes. */
async function readZip(path) {
  const zip = await new Promise((resolve, reject) => yauzl.open(path, { lazyEntries: true }, (e, z) => (e ? reject(e) : resolve(z))));
  const entries = [];
  await new Promise((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry) => {
      zip.openReadStream(entry, async (e, stream) => {
        if (e) return reject(e);
        const chunks = [];
        for await (const c of stream) chunks.push(c);
        entries.push({ name: entry.fileName, date: entry.getLastModDate({ timezone: 'local' }), extra: entry.extraFields.length, bytes: Buffer.concat(chunks) });
        zip.readEntry();
      });
    });
    zip.readEntry();
  });
  return entries;
}

const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');

test('the .xpi is reproducible: a second build gives the same bytes; sorted entries with one fixed date', async () => {
  const first = sha(await readFile(xpiPath));
  const { sha256 } = await build();
  equal(sha256, first);
  const entries = await readZip(xpiPath);
  const names = entries.map((e) => e.name);
  deepStrictEqual(names, [...names].sort());
  for (const e of entries) {
    equal(e.date.getFullYear(), 2000, e.name);
    equal(e.extra, 0, `${e.name}: no extra fields (no time zone dependent timestamps)`);
  }
});

test('manifest.json: the keys, the cloud_file section, the permissions, strict_min_version', async () => {
  const entries = new Map((await readZip(xpiPath)).map((e) => [e.name, e.bytes]));
  const manifest = JSON.parse(entries.get('manifest.json').toString('utf8'));
  const pkg = JSON.parse(await readFile(join(here, 'package.json'), 'utf8'));
  equal(manifest.manifest_version, 2);
  equal(manifest.version, pkg.version);
  equal(manifest.default_locale, 'en');
  equal(manifest.browser_specific_settings.gecko.id, 'filelink@kluis.invalid');
  const min = manifest.browser_specific_settings.gecko.strict_min_version;
  ok(/^\d+\.\d+$/.test(min) && Number.parseInt(min, 10) >= 128, `strict_min_version ${min}: Thunderbird 128 ESR or newer (templateInfo, reuse_uploads, getAttachmentFile)`);
  deepStrictEqual(manifest.background, { scripts: ['background.js'], type: 'module' });
  deepStrictEqual(manifest.cloud_file, { name: 'Kluis', management_url: 'management.html', reuse_uploads: false });
  deepStrictEqual(manifest.permissions, ['compose', 'storage', 'https://*/*', 'http://127.0.0.1/*', 'http://localhost/*']);
  ok(!JSON.stringify(manifest).includes('<all_urls>'));
  ok(manifest.content_security_policy.includes("'wasm-unsafe-eval'"), 'WebAssembly may be compiled');
  ok(!/'unsafe-eval'|'unsafe-inline'/.test(manifest.content_security_policy), 'and nothing else is loosened');
  for (const file of [...manifest.background.scripts, manifest.cloud_file.management_url, ...Object.values(manifest.icons), 'password.html', 'confirm.html']) {
    ok(entries.has(file), `${file} is in the .xpi`);
  }
  for (const page of ['management', 'password', 'confirm']) {
    const html = entries.get(`${page}.html`).toString('utf8');
    for (const ref of html.matchAll(/(?:src|href)="([^"]+)"/g)) ok(entries.has(ref[1]), `${page}.html: ${ref[1]} is in the .xpi`);
    ok(!/<script>|\son[a-z]+="/.test(html), `${page}.html: no inline script (the CSP forbids it)`);
  }
  for (const file of ['kluis/dist/index.js', 'kluis/dist/worker.js', 'kluis/dist/transfer-worker.js', 'kluis/wasm/kluis_wasm_bg.wasm', 'kluis/wasm/kluis_rate_bg.wasm', 'kluis/wasm/kluis_receive_bg.wasm', 'kluis/wasm/kluis_detect_bg.wasm']) {
    ok(entries.has(file), `the package's ${file} is in the .xpi`);
  }
  for (const locale of ['en', 'nl']) {
    const messages = JSON.parse(entries.get(`_locales/${locale}/messages.json`).toString('utf8'));
    for (const key of ['extensionName', 'extensionDescription']) ok(messages[key]?.message, `${locale}: ${key}`);
  }
});

test('messages: both languages have every key, and every key the pages and scripts use exists', async () => {
  const en = JSON.parse(await readFile(join(here, 'static/_locales/en/messages.json'), 'utf8'));
  const nl = JSON.parse(await readFile(join(here, 'static/_locales/nl/messages.json'), 'utf8'));
  deepStrictEqual(Object.keys(nl).sort(), Object.keys(en).sort());
  equal(en.lang.message, 'en');
  equal(nl.lang.message, 'nl');
  const used = new Set();
  for (const name of await readdir(join(here, 'static'))) {
    if (name.endsWith('.html')) for (const m of (await readFile(join(here, 'static', name), 'utf8')).matchAll(/data-(?:i18n|title)="([^"]+)"/g)) used.add(m[1]);
  }
  for (const name of await readdir(join(here, 'src'))) {
    for (const m of (await readFile(join(here, 'src', name), 'utf8')).matchAll(/\bt\('([A-Za-z0-9_]+)'/g)) used.add(m[1]);
  }
  for (const code of ['errorCodeRefused', 'errorInvalid', 'errorMissing', 'errorServer']) used.add(code);
  ok(used.size > 30, `${used.size} keys used`);
  for (const key of used) ok(en[key] && nl[key], `message ${key}`);
  for (const [key, value] of Object.entries(en)) {
    for (const p of value.message.matchAll(/\$([A-Z_]+)\$/g)) ok(value.placeholders?.[p[1].toLowerCase()] && nl[key].placeholders?.[p[1].toLowerCase()], `${key}: placeholder ${p[1]}`);
  }
});

/**
 * web-ext lint (Mozilla's addons-linter, offline). It checks against
 * Firefox's schemas, so three warnings are expected and nothing else: the
 * Thunderbird-only `compose` permission is unknown to it, it asks for
 * Firefox's data_collection_permissions (which Thunderbird 128 does not
 * know), and it flags the package's `import(name)` of node: modules in
 * platform.js (used only under Node, never in Thunderbird).
 */
test('web-ext lint: no errors, only the known warnings', async () => {
  const bin = join(here, 'node_modules/.bin/web-ext');
  const stdout = await new Promise((resolve, reject) =>
    execFile(bin, ['lint', '--source-dir', join(here, 'dist/xpi'), '--self-hosted', '--output', 'json', '--no-config-discovery'], { maxBuffer: 1 << 24 }, (error, out, err) =>
      out ? resolve(out) : reject(error ?? new Error(err)),
    ),
  );
  const report = JSON.parse(stdout);
  deepStrictEqual(report.errors, []);
  const warnings = report.warnings.map((w) => `${w.code} ${w.file}${w.instancePath ? ` ${w.instancePath}` : ''}`).sort();
  deepStrictEqual(warnings, ['MANIFEST_PERMISSIONS manifest.json /permissions/0', 'MISSING_DATA_COLLECTION_PERMISSIONS manifest.json', 'UNSAFE_VAR_ASSIGNMENT kluis/dist/platform.js']);
});
