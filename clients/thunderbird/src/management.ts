/**
 * The settings page (`cloud_file.management_url`, shown in Thunderbird's
 * preferences for one FileLink account, `?accountId=`): the server, the
 * sender's address and its verification by a mailed code, the language of
 * the notice mail and the expiry.
 */

import type { Reply } from './messages.js';
import type { SettingsView } from './messages.js';
import { ask, byId, formatDate, localize, t } from './page.js';

const accountId = new URL(location.href).searchParams.get('accountId') ?? '';

const form = byId<HTMLFormElement>('settings');
const server = byId<HTMLInputElement>('server');
const address = byId<HTMLInputElement>('address');
const language = byId<HTMLSelectElement>('language');
const expiry = byId<HTMLInputElement>('expiry');
const state = byId<HTMLParagraphElement>('verified');
const sendCode = byId<HTMLButtonElement>('send-code');
const codeForm = byId<HTMLFormElement>('verify');
const code = byId<HTMLInputElement>('code');
const status = byId<HTMLParagraphElement>('status');
const problem = byId<HTMLDivElement>('problem');
const problemText = byId<HTMLParagraphElement>('problem-text');

function show(view: SettingsView | null): void {
  if (view !== null) {
    server.value = view.server;
    address.value = view.address;
    language.value = view.language;
    expiry.value = String(view.expiryDays);
  }
  state.textContent = view?.verifiedUntil ? t('verifiedUntil', formatDate(view.verifiedUntil)) : t('notVerified');
}

function report(reply: Reply, done: string | null): boolean {
  if (reply.ok) {
    problem.hidden = true;
    status.textContent = done ?? '';
    return true;
  }
  status.textContent = '';
  problemText.textContent = `${t(reply.code)} (${reply.error})`;
  problem.hidden = false;
  problem.focus();
  return false;
}

async function save(): Promise<boolean> {
  const reply = await ask({ type: 'settings:save', accountId, server: server.value, address: address.value, language: language.value, expiryDays: expiry.value });
  if (reply.ok) show(reply.value as SettingsView);
  return report(reply, t('saved'));
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  void save();
});

sendCode.addEventListener('click', async () => {
  if (!(await save())) return;
  const reply = await ask({ type: 'verify:request', accountId });
  if (report(reply, t('codeSent', address.value.trim()))) code.focus();
});

codeForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const reply = await ask({ type: 'verify:confirm', accountId, code: code.value });
  if (reply.ok) {
    code.value = '';
    show(reply.value as SettingsView);
  }
  report(reply, null);
});

localize(document);
language.value = t('lang') === 'nl' ? 'nl' : 'en';
void ask({ type: 'settings:get', accountId }).then((reply) => {
  if (reply.ok) show(reply.value as SettingsView | null);
  else report(reply, null);
});
