/**
 * The recipients of a transfer made from a compose window: the addresses in
 * its To and Cc fields (never Bcc: the server would learn who was meant
 * to stay hidden).
 */

import type { ComposeDetails, ComposeRecipient } from './types.js';

/** A plain address check, as loose as the server's (`x@y.z`, no spaces or brackets). */
const ADDRESS = /^[^\s<>@,;"]+@[^\s<>@,;"]+\.[^\s<>@,;"]+$/;

/** The address in `Name <addr>` or a bare `addr`, lower-cased; `null` if there is none. */
export function addressOf(text: string): string | null {
  const bracketed = /<([^<>]+)>\s*$/.exec(text);
  const candidate = (bracketed ? bracketed[1]! : text).trim().toLowerCase();
  return ADDRESS.test(candidate) ? candidate : null;
}

function list(field: ComposeRecipient | ComposeRecipient[] | undefined): ComposeRecipient[] {
  if (field === undefined) return [];
  return Array.isArray(field) ? field : [field];
}

/**
 * The To and Cc addresses of `details`, each once, in order. Contact and
 * mailing-list references (`{ id, type }`) are resolved by `resolve`, when
 * given; entries that give no address are left out.
 */
export async function recipientsOf(
  details: ComposeDetails,
  resolve?: (ref: { id: string; type: string }) => Promise<string[]>,
): Promise<string[]> {
  const found: string[] = [];
  for (const entry of [...list(details.to), ...list(details.cc)]) {
    const texts = typeof entry === 'string' ? entry.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/) : resolve ? await resolve(entry) : [];
    for (const text of texts) {
      const address = addressOf(text);
      if (address !== null && !found.includes(address)) found.push(address);
    }
  }
  return found;
}
