// The built extension's background page (dist/xpi/background.js, with the
// kluis package copied into the .xpi) under a mocked `messenger`, against a
// real kluis-server on loopback (bindings/js/test/server.js: SQLite, a blob
// folder, mails as .eml files): the settings page's verification by the
// mailed code, onFileUpload, the link opened by `kluis receive` with the
// password shown in the password window, byte for byte, and onFileDeleted
// withdrawing the transfer.
import { deepStrictEqual, equal, ok } from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { kluisBin } from '../../../bindings/js/test/cli.js';
import { startServer } from '../../../bindings/js/test/server.js';
import { here, mockMessenger } from './messenger.mjs';

const background = join(here, 'dist/xpi/background.js');
let server;
let work;
let messenger;
const sender = `ann-${process.pid}@example.org`;
const bob = `bob-${process.pid}@example.org`;
const account = { id: 'account1', name: 'Kluis', configured: false };

/** Sends a message as a page does: to the background's runtime.onMessage listener. */
const page = (message) => messenger.runtime.onMessage.fire(message);

function kluisCli(args, home) {
  const bin = kluisBin();
  if (!bin) throw new Error('no kluis binary: set KLUIS_BIN or cargo build -p kluis-cli --profile fast');
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data') };
  return new Promise((resolve, reject) => {
    execFile(bin, args, { env, maxBuffer: 1 << 28 }, (error, stdout, stderr) => (error ? reject(new Error(`kluis ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout)));
  });
}

before(async () => {
  if (!existsSync(background)) throw new Error('dist/xpi/background.js is missing: run node build.mjs first');
  server = await startServer();
  work = await mkdtemp(join(tmpdir(), 'kluis-thunderbird-'));
  messenger = mockMessenger();
  globalThis.messenger = messenger;
  await import(background);
});
after(async () => {
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test('the background registers every listener it needs', () => {
  for (const [api, name] of [['cloudFile', 'onFileUpload'], ['cloudFile', 'onFileUploadAbort'], ['cloudFile', 'onFileDeleted'], ['cloudFile', 'onAccountDeleted'], ['compose', 'onBeforeSend'], ['runtime', 'onMessage'], ['tabs', 'onRemoved'], ['windows', 'onRemoved']]) {
    equal(messenger[api][name].listeners.length, 1, `${api}.${name}`);
  }
});

test('before it is set up, an upload is refused with the message to set it up', async () => {
  const result = await messenger.cloudFile.onFileUpload.fire(account, { id: 99, name: 'a.txt', data: new File(['x'], 'a.txt') }, { id: 1 });
  ok(/Kluis is not set up yet/.test(result.error), result.error);
});

test('settings: the sender is verified by the code the server mails; the account becomes configured', async () => {
  const saved = await page({ type: 'settings:save', accountId: account.id, server: server.url, address: sender, language: 'nl', expiryDays: 2 });
  ok(saved.ok, JSON.stringify(saved));
  const asked = await page({ type: 'verify:request', accountId: account.id });
  ok(asked.ok && asked.value.expiresAt > Date.now(), JSON.stringify(asked));
  const wrong = await page({ type: 'verify:confirm', accountId: account.id, code: '00000000' });
  deepStrictEqual([wrong.ok, wrong.code], [false, 'errorCodeRefused']);
  const code = await server.code(sender);
  const confirmed = await page({ type: 'verify:confirm', accountId: account.id, code });
  ok(confirmed.ok && confirmed.value.verifiedUntil > Date.now(), JSON.stringify(confirmed));
  deepStrictEqual(messenger.accountUpdates.at(-1), [account.id, { configured: true }]);
  ok(messenger.storageData.get(`account:${account.id}`).token.length > 10, 'the token is kept in storage.local');
});

let uploaded;
let bytes;

test('onFileUpload: sealed and uploaded; the link and templateInfo come back, the password only in its window', async () => {
  bytes = randomBytes(200_000 + 17);
  messenger.composeTabs.set(7, { details: { to: [`Bob <${bob}>`], cc: [], subject: 'Rapport', isPlainText: true, plainTextBody: 'Zie de link.' } });
  const file = { id: 1, name: 'rapport.pdf', data: new File([bytes], 'rapport.pdf', { type: 'application/pdf' }) };
  const result = await messenger.cloudFile.onFileUpload.fire(account, file, { id: 7 });
  ok(result.url?.startsWith(`${server.url}/t/`), JSON.stringify(result));
  equal(result.templateInfo.download_password_protected, true);
  equal(result.templateInfo.service_url, server.url);
  ok(Math.abs(result.templateInfo.download_expiry_date.timestamp - (Date.now() + 2 * 86400_000)) < 120_000, 'expires in the chosen 2 days');
  const window = messenger.windowsCreated.at(-1);
  deepStrictEqual([window.type, window.url], ['popup', 'password.html?tab=7']);
  const shown = await page({ type: 'password:get', tabId: 7 });
  ok(shown.ok && /^[a-z0-9]{4}(-[a-z0-9]{4}){5}$/.test(shown.value.password), 'a generated password');
  deepStrictEqual(shown.value.files.map((f) => [f.name, f.link]), [['rapport.pdf', result.url]]);
  ok(!JSON.stringify(result).includes(shown.value.password), 'the password is not in what goes into the mail');
  uploaded = { url: result.url, password: shown.value.password };
  const notice = await server.mailsTo(bob);
  equal(notice.length, 1, 'the server mailed the recipient from To');
  ok(notice[0].text.includes(result.url.split('/t/')[1]), 'with the link');
  ok(!notice[0].text.includes(uploaded.password), 'and without the password');
});

test('`kluis receive` opens the link with the shown password: the file byte for byte', async () => {
  const home = await mkdtemp(join(work, 'home-'));
  await writeFile(join(home, 'pw'), uploaded.password);
  const out = join(home, 'out');
  const info = JSON.parse(await kluisCli(['receive', '-q', '--json', '--password-file', join(home, 'pw'), '-o', out, uploaded.url], home));
  equal(info.from, sender);
  deepStrictEqual(await readFile(join(out, 'rapport.pdf')), bytes);
});

test('onFileUpload: a refusal by the server (a token it does not know) is reported; no link, no password', async () => {
  const stale = { id: 'stale', name: 'Kluis' };
  messenger.storageData.set('account:stale', { server: server.url, address: sender, token: 'x'.repeat(43), tokenExpiresAt: Date.now() + 86400_000, language: 'en', expiryDays: 1 });
  const windows = messenger.windowsCreated.length;
  const started = Date.now();
  const result = await messenger.cloudFile.onFileUpload.fire(stale, { id: 50, name: 'b.txt', data: new File(['b'], 'b.txt') }, { id: 12 });
  ok(/^Kluis could not send the file: .+\. Nothing went to the recipients/.test(result.error), result.error);
  equal(result.url, undefined);
  equal(messenger.windowsCreated.length, windows, 'no password window');
  equal((await page({ type: 'password:get', tabId: 12 })).value, null);
  ok(Date.now() - started < 20_000, 'refused at once, not retried');
});

test('onBeforeSend: a mail whose attachment went by Kluis is sent without a question', async () => {
  const before = messenger.windowsCreated.length;
  deepStrictEqual(await messenger.compose.onBeforeSend.fire({ id: 7 }, { subject: 'BSN 111222333', isPlainText: true, plainTextBody: 'BSN 111222333' }), {});
  equal(messenger.windowsCreated.length, before);
});

test('onFileDeleted: the transfer is withdrawn from the server', async () => {
  const id = uploaded.url.split('/t/')[1];
  equal((await fetch(`${server.url}/api/v1/transfers/${id}`)).status, 200);
  await messenger.cloudFile.onFileDeleted.fire(account, 1, { id: 7 });
  equal((await fetch(`${server.url}/api/v1/transfers/${id}`)).status, 404, 'withdrawn: the API no longer knows it');
  const shown = await page({ type: 'password:get', tabId: 7 });
  equal(shown.value, null, 'the mail has no Kluis file any more');
});

test('onBeforeSend with the package detector: a BSN in the text asks; the answer decides; a clean mail goes', async () => {
  messenger.composeTabs.set(8, { details: {}, attachments: [] });
  const details = { subject: 'Aanvraag', isPlainText: true, plainTextBody: 'Het BSN van mevrouw is 111222333.' };
  const pending = messenger.compose.onBeforeSend.fire({ id: 8 }, details);
  const id = await questionWindow();
  const question = await page({ type: 'confirm:get', id });
  deepStrictEqual(question.value.map((c) => [c.kind, c.places]), [['bsn', [{ part: 'body' }]]]);
  ok(question.value[0].reasonNl.includes('burgerservicenummer'));
  ok(!JSON.stringify(question).includes('111222333'), 'never the number');
  await page({ type: 'confirm:answer', id, answer: 'cancel' });
  deepStrictEqual(await pending, { cancel: true });
  const windows = messenger.windowsCreated.length;
  deepStrictEqual(await messenger.compose.onBeforeSend.fire({ id: 8 }, { ...details, plainTextBody: 'Tot morgen.' }), {});
  equal(messenger.windowsCreated.length, windows, 'no question for a clean mail');
});

test('onBeforeSend with the package detector: a BSN in an attachment and an HTML body; "send anyway" sends', async () => {
  const attachment = new File(['Dossier van de aanvrager\nBSN: 111222333\n'], 'dossier.txt', { type: 'text/plain' });
  messenger.composeTabs.set(9, { details: {}, attachments: [{ id: 31, file: attachment }] });
  const pending = messenger.compose.onBeforeSend.fire({ id: 9 }, { subject: 'Dossier', isPlainText: false, body: '<p>IBAN <b>NL91ABNA0417164300</b></p>' });
  const id = await questionWindow();
  const question = await page({ type: 'confirm:get', id });
  const byKind = Object.fromEntries(question.value.map((c) => [c.kind, c.places]));
  deepStrictEqual(byKind.bsn, [{ part: 'attachment', name: 'dossier.txt' }]);
  deepStrictEqual(byKind.iban, [{ part: 'body' }]);
  await page({ type: 'confirm:answer', id, answer: 'send' });
  deepStrictEqual(await pending, {});
});

/** Waits for a new question window; its question's id. */
async function questionWindow() {
  for (let i = 0; i < 250; i++) {
    const window = messenger.windowsCreated.at(-1);
    if (window?.url.startsWith('confirm.html?id=') && !asked.has(window.url)) {
      asked.add(window.url);
      return Number(new URL(window.url, 'moz-extension://x/').searchParams.get('id'));
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no question window opened');
}
const asked = new Set();
