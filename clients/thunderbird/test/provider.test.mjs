// The FileLink provider (src/provider.ts) and its settings, against a fake
// Kluis client and fake compose windows: every path of onFileUpload,
// onFileUploadAbort and onFileDeleted.
import { deepStrictEqual, equal, ok, rejects } from 'node:assert/strict';
import { test } from 'node:test';

import { Provider } from '../lib/provider.js';
import { addressOf, recipientsOf } from '../lib/recipients.js';
import { expiryDays, isReady, normalise } from '../lib/settings.js';

const HOUR = 3600_000;
const ready = () => ({
  server: 'https://kluis.example.org',
  address: 'Ann@Gemeente.nl',
  token: 'secret-token',
  tokenExpiresAt: Date.now() + 24 * HOUR,
  language: 'nl',
  expiryDays: 7,
});

/** A message lookup that shows the key and its substitutions, so tests see which message was chosen. */
const t = (key, subs) => (subs === undefined ? key : `${key}[${[subs].flat().join('|')}]`);

/** A fake client recording each call; `send` does what `behaviour` says. */
function fakeClient(behaviour = 'ok') {
  const calls = { send: [], withdraw: [] };
  let n = 0;
  return {
    calls,
    ready: Promise.resolve(),
    generatePassword: () => `pw-${++n}`,
    requestCode: async () => ({ expiresAt: new Date() }),
    confirmCode: async () => ({ token: 't', expiresAt: new Date() }),
    async send(request) {
      calls.send.push(request);
      if (behaviour === 'fail') throw Object.assign(new Error('the server answered 503'), { kind: 'Transport' });
      if (behaviour === 'hang') {
        await new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason)));
      }
      const id = `${'a'.repeat(25)}${calls.send.length}`.slice(0, 26);
      return { id, link: `https://kluis.example.org/t/${id}`, expiresAt: new Date(Date.UTC(2027, 0, 5, 12)) };
    },
    async withdraw(settings, id) {
      calls.withdraw.push({ token: settings.token, id });
      if (behaviour === 'withdraw-fails') throw new Error('the server refused to withdraw the transfer (500)');
    },
  };
}

function setup({ settings = ready(), behaviour = 'ok', details = { to: ['Bob <bob@example.org>'], cc: 'carol@example.org' } } = {}) {
  const client = fakeClient(behaviour);
  const shown = [];
  const logs = [];
  const provider = new Provider({
    client,
    settings: async () => settings,
    composeDetails: async () => details,
    showPassword: async (tabId) => void shown.push(tabId),
    t,
    log: (m) => logs.push(m),
  });
  return { provider, client, shown, logs };
}

const account = { id: 'account1' };
const file = (id, name = 'contract.pdf', text = 'inhoud') => ({ id, name, data: new File([text], name, { type: 'application/pdf' }) });

test('onFileUpload: the file is sent to To and Cc, and the link comes back with templateInfo (password-protected, expiry)', async () => {
  const { provider, client, shown } = setup();
  const result = await provider.onFileUpload(account, file(1), { id: 7 });
  equal(result.url, client.calls.send[0] && `https://kluis.example.org/t/${'a'.repeat(25)}1`);
  deepStrictEqual(result.templateInfo, {
    service_name: 'serviceName',
    service_url: 'https://kluis.example.org',
    download_password_protected: true,
    download_expiry_date: { timestamp: Date.UTC(2027, 0, 5, 12) },
  });
  const [sent] = client.calls.send;
  deepStrictEqual(sent.recipients, ['bob@example.org', 'carol@example.org']);
  equal(sent.password, 'pw-1');
  equal(sent.file.name, 'contract.pdf');
  equal(await sent.file.text(), 'inhoud');
  equal(sent.settings.token, 'secret-token');
  deepStrictEqual(shown, [7], 'the password window was opened for the compose tab');
  ok(!JSON.stringify(result).includes('pw-1'), 'the password is not in what goes into the mail');
  deepStrictEqual(provider.passwordView(7), {
    password: 'pw-1',
    files: [{ name: 'contract.pdf', link: result.url, expiresAt: Date.UTC(2027, 0, 5, 12) }],
  });
  ok(provider.sentSecurely(7));
  ok(!provider.sentSecurely(8));
});

test('onFileUpload: every file of one mail gets the same password; another mail gets another', async () => {
  const { provider, client } = setup();
  await provider.onFileUpload(account, file(1), { id: 7 });
  await provider.onFileUpload(account, file(2, 'b.txt'), { id: 7 });
  await provider.onFileUpload(account, file(3, 'c.txt'), { id: 9 });
  deepStrictEqual(client.calls.send.map((s) => s.password), ['pw-1', 'pw-1', 'pw-2']);
  equal(provider.passwordView(7).files.length, 2);
  provider.onTabRemoved(7);
  equal(provider.passwordView(7), null, 'the password is forgotten when the compose window closes');
});

test('onFileUpload: with no To or Cc yet (or no compose tab) the sender is the recipient', async () => {
  const { provider, client } = setup({ details: { to: [], cc: [], bcc: ['hidden@example.org'] } });
  await provider.onFileUpload(account, file(1), { id: 7 });
  deepStrictEqual(client.calls.send[0].recipients, ['ann@gemeente.nl'], 'never Bcc');
  const { provider: p2, client: c2, shown } = setup();
  await p2.onFileUpload(account, file(2), undefined);
  deepStrictEqual(c2.calls.send[0].recipients, ['ann@gemeente.nl']);
  deepStrictEqual(shown, [null]);
});

test('onFileUpload: missing configuration or an expired token is reported, nothing is sent', async () => {
  const missing = setup({ settings: null });
  deepStrictEqual(await missing.provider.onFileUpload(account, file(1), { id: 7 }), { error: 'errorNotConfigured' });
  const unverified = setup({ settings: { ...ready(), token: undefined, tokenExpiresAt: undefined } });
  deepStrictEqual(await unverified.provider.onFileUpload(account, file(1), { id: 7 }), { error: 'errorNotVerified' });
  const expired = setup({ settings: { ...ready(), tokenExpiresAt: Date.now() - 1 } });
  deepStrictEqual(await expired.provider.onFileUpload(account, file(1), { id: 7 }), { error: 'errorNotVerified' });
  for (const s of [missing, unverified, expired]) {
    equal(s.client.calls.send.length, 0);
    deepStrictEqual(s.shown, []);
  }
});

test('onFileUpload: a failed upload is reported with the reason; the file is untouched and no password is kept', async () => {
  const { provider, shown } = setup({ behaviour: 'fail' });
  const data = file(1, 'brief.pdf', 'de inhoud blijft');
  const result = await provider.onFileUpload(account, data, { id: 7 });
  deepStrictEqual(result, { error: 'errorUpload[the server answered 503]' });
  equal(await data.data.text(), 'de inhoud blijft', 'the attachment is still whole');
  deepStrictEqual(shown, []);
  equal(provider.passwordView(7), null);
  ok(!provider.sentSecurely(7), 'a failed upload does not count as sent securely');
});

test('onFileUploadAbort: the upload stops and onFileUpload answers aborted (no error shown)', async () => {
  const { provider, client, shown } = setup({ behaviour: 'hang' });
  const pending = provider.onFileUpload(account, file(5), { id: 7 });
  await new Promise((r) => setTimeout(r, 10));
  equal(client.calls.send.length, 1);
  provider.onFileUploadAbort(account, 5);
  deepStrictEqual(await pending, { aborted: true });
  ok(client.calls.send[0].signal.aborted);
  deepStrictEqual(shown, []);
  ok(!provider.sentSecurely(7));
});

test('onFileDeleted: the transfer is withdrawn with the sender token; the mail no longer counts as sent securely', async () => {
  const { provider, client } = setup();
  await provider.onFileUpload(account, file(1), { id: 7 });
  const id = client.calls.send.length && `${'a'.repeat(25)}1`;
  await provider.onFileDeleted(account, 1, { id: 7 });
  deepStrictEqual(client.calls.withdraw, [{ token: 'secret-token', id }]);
  ok(!provider.sentSecurely(7));
  equal(provider.passwordView(7), null);
  await provider.onFileDeleted(account, 1, { id: 7 });
  equal(client.calls.withdraw.length, 1, 'an unknown file is ignored');
});

test('onFileDeleted: a refused withdrawal is logged and rejected; while uploading, the upload is stopped instead', async () => {
  const { provider, logs } = setup({ behaviour: 'withdraw-fails' });
  await provider.onFileUpload(account, file(1), { id: 7 });
  await rejects(provider.onFileDeleted(account, 1, { id: 7 }), /refused to withdraw/);
  ok(logs.some((l) => l.includes('not withdrawn')));
  const hanging = setup({ behaviour: 'hang' });
  const pending = hanging.provider.onFileUpload(account, file(2), { id: 7 });
  await new Promise((r) => setTimeout(r, 10));
  await hanging.provider.onFileDeleted(account, 2, { id: 7 });
  deepStrictEqual(await pending, { aborted: true });
  equal(hanging.client.calls.withdraw.length, 0);
});

test('recipients: addresses from To and Cc text, once each, contacts resolved when possible', async () => {
  equal(addressOf('"Jansen, Bob" <Bob@Example.org>'), 'bob@example.org');
  equal(addressOf('bob@example.org'), 'bob@example.org');
  equal(addressOf('not an address'), null);
  const details = { to: ['"Jansen, Bob" <bob@example.org>, carol@example.org', { id: 'c1', type: 'contact' }], cc: ['BOB@example.org'] };
  deepStrictEqual(await recipientsOf(details), ['bob@example.org', 'carol@example.org']);
  deepStrictEqual(await recipientsOf(details, async () => ['Dan <dan@example.org>']), ['bob@example.org', 'carol@example.org', 'dan@example.org']);
});

test('settings: stored values are checked field by field', () => {
  equal(normalise(null), null);
  equal(normalise({ server: 1, address: 'a@b.c' }), null);
  deepStrictEqual(normalise({ server: ' https://k.example.org/ ', address: ' a@b.c ', language: 'xx', expiryDays: 99, token: 5 }), {
    server: 'https://k.example.org',
    address: 'a@b.c',
    language: 'en',
    expiryDays: 7,
  });
  equal(expiryDays('30'), 30);
  equal(expiryDays(0), 7);
  equal(expiryDays(2.5), 7);
  ok(!isReady(null));
  ok(isReady(ready()));
  ok(!isReady({ ...ready(), tokenExpiresAt: 1 }));
});
