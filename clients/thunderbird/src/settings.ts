/**
 * Each FileLink account's settings in `storage.local` (key `account:<id>`):
 * the server, the verified sender, the sender's token, the language of the
 * notice mail and the expiry. The token stays on this device; nothing here
 * is a password of a transfer.
 */

import type { AccountSettings } from './types.js';

/** The part of `storage.local` used here. */
export interface StorageArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(key: string): Promise<void>;
}

/** Days a transfer stays available unless the account says otherwise. */
export const DEFAULT_EXPIRY_DAYS = 7;
/** The longest a Kluis server keeps a transfer by default (docs/SERVER.md). */
export const MAX_EXPIRY_DAYS = 30;

const key = (accountId: string): string => `account:${accountId}`;

/** The settings of `accountId`, or `null` when it has none (or they are not valid). */
export async function loadSettings(storage: StorageArea, accountId: string): Promise<AccountSettings | null> {
  const stored = (await storage.get(key(accountId)))[key(accountId)];
  return normalise(stored);
}

/** Stores the settings of `accountId`. */
export async function saveSettings(storage: StorageArea, accountId: string, settings: AccountSettings): Promise<void> {
  await storage.set({ [key(accountId)]: settings });
}

/** Forgets the settings (and the token) of `accountId`. */
export async function removeSettings(storage: StorageArea, accountId: string): Promise<void> {
  await storage.remove(key(accountId));
}

/** Whether the account can send now: a server, an address and an unexpired token. */
export function isReady(settings: AccountSettings | null, now: number = Date.now()): settings is AccountSettings & { token: string } {
  return settings !== null && typeof settings.token === 'string' && settings.token.length > 0 && (settings.tokenExpiresAt ?? 0) > now;
}

/** A whole number of days within 1 to {@link MAX_EXPIRY_DAYS}, else the default. */
export function expiryDays(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_EXPIRY_DAYS ? n : DEFAULT_EXPIRY_DAYS;
}

/** The server address as typed, without spaces and trailing slashes. */
export function normaliseServer(server: string): string {
  return server.trim().replace(/\/+$/, '');
}

/** Checks a stored value field by field: anything unexpected is dropped, never trusted. */
export function normalise(value: unknown): AccountSettings | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.server !== 'string' || typeof v.address !== 'string') return null;
  const settings: AccountSettings = {
    server: normaliseServer(v.server),
    address: v.address.trim(),
    language: v.language === 'nl' ? 'nl' : 'en',
    expiryDays: expiryDays(v.expiryDays),
  };
  if (typeof v.token === 'string' && typeof v.tokenExpiresAt === 'number') {
    settings.token = v.token;
    settings.tokenExpiresAt = v.tokenExpiresAt;
  }
  return settings;
}
