/**
 * What the extension's pages share: the `messenger` calls they make (only
 * `runtime.sendMessage` and `i18n`, which the settings page inside
 * Thunderbird's preferences also has), filling in `data-i18n` texts, and
 * asking the background.
 */

import type { Reply, Request } from './messages.js';

/** The part of `messenger` a page uses. */
export interface PageMessenger {
  runtime: { sendMessage(message: Request): Promise<Reply> };
  i18n: { getMessage(key: string, substitutions?: string | string[]): string };
}

declare const messenger: PageMessenger;

/** The page's `messenger`. */
export function api(): PageMessenger {
  return messenger;
}

/** A message of the extension's `_locales`. */
export function t(key: string, substitutions?: string | string[]): string {
  return messenger.i18n.getMessage(key, substitutions);
}

/** Fills every `[data-i18n]` element's text and sets the page's language. */
export function localize(root: Document): void {
  root.documentElement.lang = t('lang') || 'en';
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n!);
  root.title = t(root.documentElement.dataset.title ?? 'extensionName');
}

/** Asks the background; the reply as it came. */
export async function ask(request: Request): Promise<Reply> {
  try {
    return await messenger.runtime.sendMessage(request);
  } catch (e) {
    return { ok: false, code: 'errorServer', error: e instanceof Error ? e.message : String(e) };
  }
}

/** A date in the page's language. */
export function formatDate(ms: number): string {
  return new Intl.DateTimeFormat(t('lang') || 'en', { dateStyle: 'long', timeStyle: 'short' }).format(new Date(ms));
}

/** The element with `id`, which the page's HTML has. */
export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el as T;
}
