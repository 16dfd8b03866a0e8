// The extension's pages from dist/xpi in headless Chromium (KLUIS_CHROMIUM,
// via playwright-core), with a stubbed `messenger` (runtime.sendMessage
// answered as the background answers, i18n from _locales): the settings
// page driven by keyboard through verification, a wrong code, the password
// window and the question before sending; axe-core (WCAG 2.1 A and AA) on
// each, and screenshots in English and Dutch into docs/mailclients/.
import { deepStrictEqual, equal, ok } from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { extname, join, normalize } from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

import { here } from './messenger.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM = process.env.KLUIS_CHROMIUM ?? process.env.CHROMIUM ?? '/usr/bin/chromium';
const root = join(here, 'dist/xpi');
const shots = join(here, '../../docs/mailclients');
const EXPIRY = Date.UTC(2027, 0, 5, 11, 0);
/** The extension's own CSP, from its manifest. */
const CSP = JSON.parse(readFileSync(join(here, 'static/manifest.json'), 'utf8')).content_security_policy;
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };

let browser;
let server;
let origin;

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (or set KLUIS_CHROMIUM)`);
  await mkdir(shots, { recursive: true });
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path);
    if (path === '/favicon.ico') {
      res.writeHead(204).end(); // a browser asks; Thunderbird's extension pages do not
      return;
    }
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    // The extension's CSP, so that an inline script or style would show as an error.
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CSP });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
});
after(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r()));
});

/**
 * A page with the stub: `replies` maps a request type to the reply (or to
 * `'code'`, answered by the code check of the settings page). Every request
 * is kept in `window.sent`.
 */
async function open(lang, url, replies) {
  const table = JSON.parse(readFileSync(join(here, 'static/_locales', lang, 'messages.json'), 'utf8'));
  const context = await browser.newContext({ locale: lang === 'nl' ? 'nl-NL' : 'en-GB', viewport: { width: 640, height: 720 }, timezoneId: 'Europe/Amsterdam' });
  await context.addInitScript(
    ({ table, replies, expiry }) => {
      window.sent = [];
      const getMessage = (key, subs) => {
        const entry = table[key];
        if (!entry) return '';
        const list = subs === undefined ? [] : [subs].flat();
        return entry.message.replace(/\$([A-Za-z0-9_]+)\$/g, (whole, name) => {
          const m = /^\$(\d)$/.exec(entry.placeholders?.[name.toLowerCase()]?.content ?? '');
          return m ? (list[Number(m[1]) - 1] ?? '') : whole;
        });
      };
      let saved = null;
      const sendMessage = async (message) => {
        window.sent.push(message);
        if (message.type === 'settings:save') {
          saved = { server: message.server.trim().replace(/\/+$/, ''), address: message.address.trim(), language: message.language, expiryDays: Number(message.expiryDays), verifiedUntil: null };
          return { ok: true, value: saved };
        }
        if (message.type === 'verify:confirm') {
          return message.code === '12345678' ? { ok: true, value: { ...saved, verifiedUntil: expiry } } : { ok: false, code: 'errorCodeRefused', error: 'invalid_code' };
        }
        return replies[message.type] ?? { ok: false, code: 'errorServer', error: 'unexpected' };
      };
      window.messenger = { runtime: { sendMessage }, i18n: { getMessage } };
    },
    { table, replies, expiry: EXPIRY },
  );
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${origin}/${url}`);
  return { context, page, errors };
}

async function axe(page, name) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  deepStrictEqual(violations, [], `axe on ${name}`);
}

const sentTypes = (page) => page.evaluate(() => window.sent.map((m) => m.type));

for (const lang of ['en', 'nl']) {
  test(`settings page (${lang}): by keyboard, save, ask for a code, a wrong code, the right one; axe; screenshot`, async () => {
    const { context, page, errors } = await open(lang, 'management.html?accountId=account1', {
      'settings:get': { ok: true, value: null },
      'verify:request': { ok: true, value: { expiresAt: EXPIRY } },
    });
    try {
      equal(await page.getAttribute('html', 'lang'), lang);
      equal(await page.inputValue('#language'), lang, 'the notice language defaults to the interface language');
      await axe(page, `settings ${lang}, empty`);
      await page.focus('#server');
      await page.keyboard.type('https://kluis.gemeente.nl/');
      await page.keyboard.press('Tab');
      await page.keyboard.type('ann@gemeente.nl');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('#status').textContent !== '');
      equal(await page.inputValue('#server'), 'https://kluis.gemeente.nl', 'saved as the background normalised it');
      await page.click('#send-code');
      await page.waitForFunction(() => document.activeElement?.id === 'code');
      ok((await page.textContent('#status')).includes('ann@gemeente.nl'));
      await page.keyboard.type('11111111');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#problem:not([hidden])');
      equal(await page.evaluate(() => document.activeElement?.id), 'problem', 'the error gets the focus');
      ok((await page.textContent('#problem-text')).includes(lang === 'nl' ? 'Die code klopt niet' : 'That code is not right'));
      await axe(page, `settings ${lang}, wrong code`);
      await page.fill('#code', '12345678');
      await page.press('#code', 'Enter');
      await page.waitForSelector('#problem', { state: 'hidden' });
      ok((await page.textContent('#verified')).includes(lang === 'nl' ? 'Bevestigd' : 'Verified'));
      ok((await page.textContent('#verified')).includes('2027'));
      deepStrictEqual(await sentTypes(page), ['settings:get', 'settings:save', 'settings:save', 'verify:request', 'verify:confirm', 'verify:confirm']);
      const save = await page.evaluate(() => window.sent[1]);
      deepStrictEqual(save, { type: 'settings:save', accountId: 'account1', server: 'https://kluis.gemeente.nl/', address: 'ann@gemeente.nl', language: lang, expiryDays: '7' });
      await axe(page, `settings ${lang}, verified`);
      await page.screenshot({ path: join(shots, `thunderbird-settings-${lang}.png`), fullPage: true });
      deepStrictEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test(`password window (${lang}): the password, the files, copy; axe; screenshot`, async () => {
    const view = {
      password: 'k7mq-3xpz-h9wd-2rtf-bn4c-e8ya',
      files: [
        { name: 'besluit-bezwaar.pdf', link: 'https://kluis.gemeente.nl/t/abc', expiresAt: EXPIRY },
        { name: 'bijlage-1.xlsx', link: 'https://kluis.gemeente.nl/t/def', expiresAt: EXPIRY },
      ],
    };
    const { context, page, errors } = await open(lang, 'password.html?tab=7', { 'password:get': { ok: true, value: view } });
    try {
      await page.waitForFunction(() => document.querySelector('#password').textContent !== '');
      equal(await page.textContent('#password'), view.password);
      equal(await page.locator('#files li').count(), 2);
      ok((await page.textContent('#files')).includes('besluit-bezwaar.pdf'));
      deepStrictEqual(await page.evaluate(() => window.sent[0]), { type: 'password:get', tabId: 7 });
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await page.click('#copy');
      await page.waitForFunction(() => document.querySelector('#status').textContent !== '');
      equal(await page.evaluate(() => navigator.clipboard.readText()), view.password);
      await axe(page, `password ${lang}`);
      await page.screenshot({ path: join(shots, `thunderbird-password-${lang}.png`), fullPage: true });
      deepStrictEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test(`question before sending (${lang}): kind, reason and place, never the number; the answer is sent; axe; screenshot`, async () => {
    const concerns = [
      { kind: 'bsn', reason: 'contains a valid citizen service number (BSN)', reasonNl: 'bevat een geldig burgerservicenummer (BSN)', places: [{ part: 'body' }, { part: 'attachment', name: 'dossier.pdf' }] },
      { kind: 'health', reason: "mentions a person's health (special personal data, GDPR art. 9)", reasonNl: 'noemt de gezondheid van een persoon (bijzonder persoonsgegeven, AVG art. 9)', places: [{ part: 'subject' }] },
    ];
    const { context, page, errors } = await open(lang, 'confirm.html?id=3', { 'confirm:get': { ok: true, value: concerns }, 'confirm:answer': { ok: true, value: null } });
    try {
      await page.waitForFunction(() => document.querySelectorAll('#concerns li').length === 2);
      const text = await page.textContent('#concerns');
      ok(text.includes(lang === 'nl' ? 'Burgerservicenummer (BSN)' : 'Citizen service number (BSN)'));
      ok(text.includes(lang === 'nl' ? 'bevat een geldig burgerservicenummer' : 'contains a valid citizen service number'));
      ok(text.includes('dossier.pdf'));
      equal(await page.evaluate(() => document.activeElement?.id), 'go-back', 'the safe answer has the focus');
      await axe(page, `question ${lang}`);
      await page.screenshot({ path: join(shots, `thunderbird-question-${lang}.png`), fullPage: true });
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => window.sent.length === 2);
      deepStrictEqual(await page.evaluate(() => window.sent[1]), { type: 'confirm:answer', id: 3, answer: 'send' });
      deepStrictEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}
