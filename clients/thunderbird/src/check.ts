/**
 * The check before sending (`compose.onBeforeSend`): the detector runs on
 * the subject, the body and the attachments, on this device. When the mail
 * holds sensitive content and none of its files went by Kluis, the sender
 * is asked whether to send anyway or to go back and send by Kluis, told
 * what was found (the kind and the reason) but never the number itself.
 */

import type { ComposeAttachment, ComposeDetails, Finding, Scanner, Tab } from './types.js';

/** Attachments larger than this are not read into memory to be scanned. */
export const MAX_SCAN_BYTES = 32 << 20;

/** Where something was found: the subject, the body, or an attachment by name. */
export type Place = { part: 'subject' } | { part: 'body' } | { part: 'attachment'; name: string };

/** One thing to tell the sender: a kind of content, why, and where (no excerpt, no number). */
export interface Concern {
  kind: string;
  reason: string;
  reasonNl: string;
  places: Place[];
}

/** What the check needs from Thunderbird and the rest of the extension. */
export interface CheckDeps {
  /** The detector (the package's `scanText` and `scanBytes`). */
  scanner: Scanner;
  /** Whether a file of this mail went by Kluis FileLink. */
  sentSecurely(tabId: number): boolean;
  listAttachments(tabId: number): Promise<ComposeAttachment[]>;
  attachmentFile(attachmentId: number): Promise<File>;
  /** Asks the sender; resolves `'send'` or `'cancel'` (a closed window counts as cancel). */
  ask(tabId: number, concerns: Concern[]): Promise<'send' | 'cancel'>;
  log?: (message: string) => void;
}

/** Groups findings by kind, keeping each kind's first reason and the places, in order. */
export function concernsOf(found: { finding: Finding; place: Place }[]): Concern[] {
  const byKind = new Map<string, Concern>();
  for (const { finding, place } of found) {
    let concern = byKind.get(finding.kind);
    if (concern === undefined) {
      concern = { kind: finding.kind, reason: finding.reason, reasonNl: finding.reasonNl, places: [] };
      byKind.set(finding.kind, concern);
    }
    if (!concern.places.some((p) => JSON.stringify(p) === JSON.stringify(place))) concern.places.push(place);
  }
  return [...byKind.values()];
}

/** Scans the mail: every finding with where it was. */
export async function scanMail(deps: CheckDeps, scanner: Scanner, tabId: number, details: ComposeDetails): Promise<{ finding: Finding; place: Place }[]> {
  const found: { finding: Finding; place: Place }[] = [];
  const add = (findings: Finding[], place: Place): void => {
    for (const finding of findings) found.push({ finding, place });
  };
  if (details.subject) add(await scanner.scanText(details.subject), { part: 'subject' });
  if (details.isPlainText) {
    if (details.plainTextBody) add(await scanner.scanText(details.plainTextBody), { part: 'body' });
  } else if (details.body) {
    add(await scanner.scanBytes(new TextEncoder().encode(details.body), { mediaType: 'text/html', name: 'body.html' }), { part: 'body' });
  }
  for (const attachment of await deps.listAttachments(tabId)) {
    const name = attachment.name ?? '';
    try {
      const file = await deps.attachmentFile(attachment.id);
      if (file.size > MAX_SCAN_BYTES) {
        deps.log?.(`${name}: not scanned, larger than ${MAX_SCAN_BYTES} bytes`);
        continue;
      }
      const bytes = new Uint8Array(await file.arrayBuffer());
      add(await scanner.scanBytes(bytes, { mediaType: file.type || undefined, name }), { part: 'attachment', name });
    } catch (e) {
      deps.log?.(`${name}: not scanned: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return found;
}

/**
 * `compose.onBeforeSend`: `{}` lets the mail go, `{ cancel: true }` keeps
 * it in the compose window.
 */
export async function onBeforeSend(deps: CheckDeps, tab: Tab, details: ComposeDetails): Promise<{ cancel?: boolean }> {
  const tabId = tab.id;
  if (tabId === undefined) return {};
  if (deps.sentSecurely(tabId)) return {};
  let found: { finding: Finding; place: Place }[];
  try {
    found = await scanMail(deps, deps.scanner, tabId, details);
  } catch (e) {
    // A detector that fails must not keep every mail from being sent.
    deps.log?.(`the check before sending failed: ${e instanceof Error ? e.message : String(e)}`);
    return {};
  }
  if (found.length === 0) return {};
  const answer = await deps.ask(tabId, concernsOf(found));
  return answer === 'send' ? {} : { cancel: true };
}
