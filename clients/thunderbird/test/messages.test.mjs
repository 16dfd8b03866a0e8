// The background's answers to the settings page (src/messages.ts): saving,
// verification by code, the token kept from the pages, and error codes.
import { deepStrictEqual, equal, ok } from 'node:assert/strict';
import { test } from 'node:test';

import { onAccountDeleted, route } from '../lib/messages.js';

function memoryStorage() {
  const data = new Map();
  return {
    data,
    get: async (key) => (data.has(key) ? { [key]: structuredClone(data.get(key)) } : {}),
    set: async (items) => {
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
    remove: async (key) => void data.delete(key),
  };
}

function setup({ confirm } = {}) {
  const storage = memoryStorage();
  const configured = [];
  const codes = [];
  const client = {
    ready: Promise.resolve(),
    generatePassword: () => 'x',
    requestCode: async (server, address) => (codes.push({ server, address }), { expiresAt: new Date(1_000_000) }),
    confirmCode: confirm ?? (async (_s, _a, code) => ({ token: `token-for-${code}`, expiresAt: new Date(Date.now() + 86400_000) })),
    send: async () => { throw new Error('not used'); },
    withdraw: async () => {},
  };
  const deps = {
    storage,
    client,
    setConfigured: async (id, value) => void configured.push([id, value]),
    passwordView: (tabId) => (tabId === 7 ? { password: 'pw', files: [] } : null),
    question: (id) => (id === 1 ? [{ kind: 'bsn' }] : null),
    answer: (id, answer) => configured.push(['answer', id, answer]),
  };
  return { deps, storage, configured, codes };
}

const save = { type: 'settings:save', accountId: 'a1', server: 'https://kluis.example.org/', address: 'ann@example.org', language: 'nl', expiryDays: '14' };

test('settings: saved, read back without the token; the account is configured only once verified', async () => {
  const { deps, storage, configured, codes } = setup();
  deepStrictEqual(await route(deps, { type: 'settings:get', accountId: 'a1' }), { ok: true, value: null });
  const saved = await route(deps, save);
  deepStrictEqual(saved, { ok: true, value: { server: 'https://kluis.example.org', address: 'ann@example.org', language: 'nl', expiryDays: 14, verifiedUntil: null } });
  deepStrictEqual(configured, [['a1', false]]);
  const asked = await route(deps, { type: 'verify:request', accountId: 'a1' });
  deepStrictEqual(asked, { ok: true, value: { expiresAt: 1_000_000 } });
  deepStrictEqual(codes, [{ server: 'https://kluis.example.org', address: 'ann@example.org' }]);
  const confirmed = await route(deps, { type: 'verify:confirm', accountId: 'a1', code: ' 12345678 ' });
  ok(confirmed.ok && confirmed.value.verifiedUntil > Date.now());
  ok(!JSON.stringify(confirmed).includes('token'), 'the token never reaches a page');
  equal(storage.data.get('account:a1').token, 'token-for-12345678', 'the token is in storage.local');
  deepStrictEqual(configured.at(-1), ['a1', true]);
  // Saving the same server and address keeps the token; another address drops it.
  await route(deps, { ...save, expiryDays: 3 });
  equal(storage.data.get('account:a1').token, 'token-for-12345678');
  equal(storage.data.get('account:a1').expiryDays, 3);
  const other = await route(deps, { ...save, address: 'bob@example.org' });
  equal(other.value.verifiedUntil, null);
  equal(storage.data.get('account:a1').token, undefined);
  deepStrictEqual(configured.at(-1), ['a1', false]);
  await onAccountDeleted(storage, 'a1');
  equal(storage.data.size, 0, 'a deleted account leaves nothing behind');
});

test('settings: errors come back with the code of the message the page shows', async () => {
  const refused = Object.assign(new Error('the code was refused'), { kind: 'Transport', reason: 'CodeRefused' });
  const { deps } = setup({ confirm: async () => { throw refused; } });
  deepStrictEqual(await route(deps, { type: 'verify:request', accountId: 'a1' }), { ok: false, code: 'errorMissing', error: 'save the server and the address first' });
  equal((await route(deps, { ...save, server: ' ' })).code, 'errorMissing');
  await route(deps, save);
  deepStrictEqual(await route(deps, { type: 'verify:confirm', accountId: 'a1', code: '1' }), { ok: false, code: 'errorCodeRefused', error: 'the code was refused' });
  deps.client.requestCode = async () => { throw Object.assign(new Error('bad url'), { kind: 'InvalidArgument' }); };
  equal((await route(deps, { type: 'verify:request', accountId: 'a1' })).code, 'errorInvalid');
  deps.client.requestCode = async () => { throw new Error('connection refused'); };
  deepStrictEqual(await route(deps, { type: 'verify:request', accountId: 'a1' }), { ok: false, code: 'errorServer', error: 'connection refused' });
  equal((await route(deps, { type: 'nonsense' })).ok, false);
});

test('password and question windows: their data, and the answer passed on', async () => {
  const { deps, configured } = setup();
  deepStrictEqual(await route(deps, { type: 'password:get', tabId: 7 }), { ok: true, value: { password: 'pw', files: [] } });
  deepStrictEqual(await route(deps, { type: 'password:get', tabId: 8 }), { ok: true, value: null });
  deepStrictEqual(await route(deps, { type: 'confirm:get', id: 1 }), { ok: true, value: [{ kind: 'bsn' }] });
  await route(deps, { type: 'confirm:answer', id: 1, answer: 'send' });
  await route(deps, { type: 'confirm:answer', id: 2, answer: 'whatever' });
  deepStrictEqual(configured, [['answer', 1, 'send'], ['answer', 2, 'cancel']]);
});
