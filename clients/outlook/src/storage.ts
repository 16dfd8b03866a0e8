/**
 * The sender's verification, remembered in `localStorage` under the key
 * and in the format the web pages use (web/src/storage.ts): the task pane
 * is served from the same origin, so a sender verified on the send page
 * is verified here too, and the other way round. Never a password.
 */

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

/** The remembered verification, unless it expires within a minute. */
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

/** Remembers the verification until it expires. */
export function saveSender(v: Verified): void {
  try {
    store()?.setItem(SENDER_KEY, JSON.stringify({ address: v.address, token: v.token, expiresAt: v.expiresAt }));
  } catch {
    /* not remembered: the sender verifies again next time */
  }
}

/** Forgets the verification on this computer. */
export function forgetSender(): void {
  try {
    store()?.removeItem(SENDER_KEY);
  } catch {
    /* nothing stored */
  }
}
