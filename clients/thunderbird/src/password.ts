/**
 * The password window of one mail (`password.html?tab=<compose tab id>`):
 * the password to tell the recipients by phone, with a copy button, and
 * the files sent with it. The password is only ever shown here, never
 * written into the mail.
 */

import type { PasswordView } from './provider.js';
import { ask, byId, formatDate, localize, t } from './page.js';

const tabParam = new URL(location.href).searchParams.get('tab') ?? '';
const tabId = /^\d+$/.test(tabParam) ? Number(tabParam) : null;

const output = byId<HTMLElement>('password');
const list = byId<HTMLUListElement>('files');
const status = byId<HTMLParagraphElement>('status');
const copy = byId<HTMLButtonElement>('copy');

async function refresh(): Promise<void> {
  const reply = await ask({ type: 'password:get', tabId });
  const view = reply.ok ? (reply.value as PasswordView | null) : null;
  if (view === null) {
    output.textContent = '';
    copy.disabled = true;
    status.textContent = t('noPassword');
    list.replaceChildren();
    return;
  }
  output.textContent = view.password;
  copy.disabled = false;
  list.replaceChildren(
    ...view.files.map((f) => {
      const li = document.createElement('li');
      li.textContent = t('fileExpires', [f.name, formatDate(f.expiresAt)]);
      return li;
    }),
  );
}

copy.addEventListener('click', async () => {
  await navigator.clipboard.writeText(output.textContent ?? '');
  status.textContent = t('copied');
});
byId<HTMLButtonElement>('close').addEventListener('click', () => window.close());
window.addEventListener('focus', () => void refresh());

localize(document);
void refresh();
