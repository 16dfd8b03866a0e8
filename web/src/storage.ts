/**
 * What the pages keep in `localStorage`: the chosen language and the
 * sender's verification (address, token, expiry). Nothing else, and never
 * a password, a file name or a message.
 */
import { isLang, type Lang } from "./i18n";

const LANG_KEY = "kluis.language";
const SENDER_KEY = "kluis.sender";

/** A sender whose address the server verified. */
export interface Verified {
  address: string;
  token: string;
  /** Unix seconds. */
  expiresAt: number;
}

function store(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage blocked: nothing is remembered
  }
}

/** The language the user chose earlier, if any. */
export function savedLang(): Lang | null {
  const value = store()?.getItem(LANG_KEY);
  return isLang(value) ? value : null;
}

/** Remembers the language the user chose. */
export function saveLang(value: Lang): void {
  try {
    store()?.setItem(LANG_KEY, value);
  } catch {
    /* quota or blocked: the choice lasts this page only */
  }
}

/** The remembered verification, unless it has expired. */
export function savedSender(now = Date.now()): Verified | null {
  const raw = store()?.getItem(SENDER_KEY);
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<Verified>;
    if (typeof v.address === "string" && typeof v.token === "string" && typeof v.expiresAt === "number" && v.expiresAt * 1000 > now + 60_000) {
      return { address: v.address, token: v.token, expiresAt: v.expiresAt };
    }
  } catch {
    /* unreadable: forgotten below */
  }
  forgetSender();
  return null;
}

/** Remembers the sender's verification until it expires. */
export function saveSender(v: Verified): void {
  try {
    store()?.setItem(SENDER_KEY, JSON.stringify({ address: v.address, token: v.token, expiresAt: v.expiresAt }));
  } catch {
    /* not remembered: the sender verifies again next time */
  }
}

/** Forgets the sender's verification on this device. */
export function forgetSender(): void {
  try {
    store()?.removeItem(SENDER_KEY);
  } catch {
    /* nothing stored */
  }
}
