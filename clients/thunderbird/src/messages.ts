/**
 * The background's answers to the extension's own pages
 * (`runtime.sendMessage`): the settings page (read and save the settings,
 * ask for a code, confirm it), the password window and the question before
 * sending. Only the background talks to the server; the token never
 * reaches a page.
 */

import type { KluisClient } from './client.js';
import type { Concern } from './check.js';
import type { PasswordView } from './provider.js';
import { expiryDays, loadSettings, normaliseServer, removeSettings, saveSettings, type StorageArea } from './settings.js';
import type { AccountSettings } from './types.js';

/** What the settings page is shown: the settings without the token. */
export interface SettingsView {
  server: string;
  address: string;
  language: 'en' | 'nl';
  expiryDays: number;
  /** When the sender's verification expires (ms since 1970), or `null` when not verified. */
  verifiedUntil: number | null;
}

/** A message from a page. */
export type Request =
  | { type: 'settings:get'; accountId: string }
  | { type: 'settings:save'; accountId: string; server: string; address: string; language: string; expiryDays: number | string }
  | { type: 'verify:request'; accountId: string }
  | { type: 'verify:confirm'; accountId: string; code: string }
  | { type: 'password:get'; tabId: number | null }
  | { type: 'confirm:get'; id: number }
  | { type: 'confirm:answer'; id: number; answer: 'send' | 'cancel' };

/**
 * The answer: `{ ok: true, value }` or `{ ok: false, code, error }`: `code`
 * names the message the page shows (`errorCodeRefused`, `errorInvalid`,
 * `errorMissing`, `errorServer`), `error` the details.
 */
export type Reply = { ok: true; value: unknown } | { ok: false; code: string; error: string };

/** What the router needs. */
export interface RouterDeps {
  storage: StorageArea;
  client: KluisClient;
  /** Marks the FileLink account configured (or not) in Thunderbird (`cloudFile.updateAccount`). */
  setConfigured(accountId: string, configured: boolean): Promise<void>;
  passwordView(tabId: number | null): PasswordView | null;
  question(id: number): Concern[] | null;
  answer(id: number, answer: 'send' | 'cancel'): void;
  now?: () => number;
}

function view(settings: AccountSettings | null, now: number): SettingsView | null {
  if (settings === null) return null;
  const verified = settings.token !== undefined && (settings.tokenExpiresAt ?? 0) > now;
  return { server: settings.server, address: settings.address, language: settings.language, expiryDays: settings.expiryDays, verifiedUntil: verified ? settings.tokenExpiresAt! : null };
}

/** The page's message for a failure (the package's `KluisError` kinds and reasons). */
export function failure(e: unknown): { ok: false; code: string; error: string } {
  const error = e instanceof Error ? e.message : String(e);
  const { kind, reason } = (typeof e === 'object' && e !== null ? e : {}) as { kind?: unknown; reason?: unknown };
  if (kind === 'Transport' && reason === 'CodeRefused') return { ok: false, code: 'errorCodeRefused', error };
  if (kind === 'InvalidArgument') return { ok: false, code: 'errorInvalid', error };
  return { ok: false, code: 'errorServer', error };
}

const missing = (error: string): Reply => ({ ok: false, code: 'errorMissing', error });

/** Answers one request. Errors become `{ ok: false, error }`, never a rejection. */
export async function route(deps: RouterDeps, request: Request): Promise<Reply> {
  const now = deps.now?.() ?? Date.now();
  try {
    switch (request.type) {
      case 'settings:get':
        return { ok: true, value: view(await loadSettings(deps.storage, request.accountId), now) };
      case 'settings:save': {
        const before = await loadSettings(deps.storage, request.accountId);
        const server = normaliseServer(String(request.server));
        const address = String(request.address).trim();
        if (server === '' || address === '') return missing('server and address are required');
        const settings: AccountSettings = { server, address, language: request.language === 'nl' ? 'nl' : 'en', expiryDays: expiryDays(request.expiryDays) };
        // The token belongs to one address on one server.
        if (before?.token !== undefined && before.server === server && before.address.toLowerCase() === address.toLowerCase()) {
          settings.token = before.token;
          settings.tokenExpiresAt = before.tokenExpiresAt!;
        }
        await saveSettings(deps.storage, request.accountId, settings);
        await deps.setConfigured(request.accountId, settings.token !== undefined);
        return { ok: true, value: view(settings, now) };
      }
      case 'verify:request': {
        const settings = await loadSettings(deps.storage, request.accountId);
        if (settings === null) return missing('save the server and the address first');
        const { expiresAt } = await deps.client.requestCode(settings.server, settings.address);
        return { ok: true, value: { expiresAt: expiresAt.getTime() } };
      }
      case 'verify:confirm': {
        const settings = await loadSettings(deps.storage, request.accountId);
        if (settings === null) return missing('save the server and the address first');
        const { token, expiresAt } = await deps.client.confirmCode(settings.server, settings.address, String(request.code).trim());
        const verified = { ...settings, token, tokenExpiresAt: expiresAt.getTime() };
        await saveSettings(deps.storage, request.accountId, verified);
        await deps.setConfigured(request.accountId, true);
        return { ok: true, value: view(verified, now) };
      }
      case 'password:get':
        return { ok: true, value: deps.passwordView(request.tabId) };
      case 'confirm:get':
        return { ok: true, value: deps.question(request.id) };
      case 'confirm:answer':
        deps.answer(request.id, request.answer === 'send' ? 'send' : 'cancel');
        return { ok: true, value: null };
      default:
        return { ok: false, code: 'errorServer', error: 'unknown request' };
    }
  } catch (e) {
    return failure(e);
  }
}

/** `cloudFile.onAccountDeleted`: the account's settings and token are forgotten. */
export async function onAccountDeleted(storage: StorageArea, accountId: string): Promise<void> {
  await removeSettings(storage, accountId);
}
