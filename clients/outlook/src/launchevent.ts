/**
 * The OnMessageSend handler (Smart Alerts, soft block): it runs the
 * detector on the subject, the text and the attachments of the mail being
 * sent. When it finds sensitive data and the mail was not sent securely,
 * Outlook shows what was found (the kind and the reason, never the value)
 * with two ways on: "Send securely" (opens the task pane) and "Send
 * anyway". Free of DOM use, as classic Outlook's JavaScript-only runtime
 * requires; the detector comes in through {@link Scanner}, so the handler
 * itself needs no WebAssembly.
 */
import * as mail from "./item";
import type { ComposeItem } from "./item";
import { type Lang, text } from "./i18n";

/** One thing the detector found (the package's `Finding`). */
export interface Finding {
  kind: string;
  start: number;
  end: number;
  excerpt: string;
  confidence: number | string;
  reason: string;
  reasonNl: string;
}

/** The detector: the package's `scanText` and `scanBytes`. */
export interface Scanner {
  scanText(text: string): Promise<Finding[]>;
  scanBytes(bytes: Uint8Array, options: { mediaType?: string; name?: string }): Promise<Finding[]>;
}

/** Where a finding was. */
export type Place = { in: "subject" } | { in: "body" } | { in: "attachment"; name: string };

/** A finding and where it was. */
export interface Located {
  place: Place;
  finding: Finding;
}

/** The task pane's command (the manifest's button), which "Send securely" opens. */
export const SEND_SECURELY_COMMAND = "kluisSendSecurely";

/** Attachments larger than this are not read (the handler has little time and memory). */
export const MAX_SCANNED_ATTACHMENT = 10 * 1024 * 1024;

/** What the handler tells Outlook. */
export type Decision =
  | { allowEvent: true }
  | {
      allowEvent: false;
      errorMessage: string;
      cancelLabel: string;
      commandId: string;
      sendModeOverride: "promptUser";
    };

function where(lang: Lang, place: Place): string {
  switch (place.in) {
    case "subject":
      return text(lang, "alert.in.subject");
    case "body":
      return text(lang, "alert.in.body");
    case "attachment":
      return text(lang, "alert.in.attachment", { name: place.name });
  }
}

/**
 * The decision on `found`: send when nothing was found or the mail was
 * sent securely; otherwise a soft block naming each kind once, with its
 * reason and where it was, never the excerpt or the number itself.
 * Outlook shows at most 500 characters.
 */
export function decide(found: Located[], sentSecurely: boolean, lang: Lang): Decision {
  if (found.length === 0 || sentSecurely) return { allowEvent: true };
  const seen = new Set<string>();
  const items: string[] = [];
  for (const { place, finding } of found) {
    const key = `${finding.kind}|${place.in}|${place.in === "attachment" ? place.name : ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    items.push(text(lang, "alert.item", { where: where(lang, place), reason: lang === "nl" ? finding.reasonNl : finding.reason }));
  }
  let what = items.join("; ");
  const full = (w: string): string => text(lang, "alert.found", { what: w });
  if (full(what).length > 500) {
    what = text(lang, "alert.found.more", { first: items[0] ?? "", count: items.length - 1 });
  }
  let message = full(what);
  if (message.length > 500) message = `${message.slice(0, 499)}…`;
  return {
    allowEvent: false,
    errorMessage: message,
    cancelLabel: text(lang, "alert.sendSecurely"),
    commandId: SEND_SECURELY_COMMAND,
    sendModeOverride: "promptUser",
  };
}

/**
 * Scans the mail: subject, text and each attachment Kluis could take (up
 * to {@link MAX_SCANNED_ATTACHMENT}). A mail whose attachments Kluis sent
 * (and that has none left) counts as sent securely.
 */
export async function check(item: ComposeItem, scanner: Scanner, lang: Lang): Promise<Decision> {
  const link = await mail.sentLink(item);
  const attachments = await mail.attachments(item);
  const sentSecurely = link !== null && attachments.length === 0;
  if (sentSecurely) return { allowEvent: true };
  const found: Located[] = [];
  const add = (place: Place, findings: Finding[]): void => {
    for (const finding of findings) found.push({ place, finding });
  };
  add({ in: "subject" }, await scanner.scanText(await mail.subject(item)));
  add({ in: "body" }, await scanner.scanText(await mail.bodyText(item)));
  for (const a of attachments) {
    if (a.size > MAX_SCANNED_ATTACHMENT) continue;
    const bytes = await mail.attachmentBytes(item, a.id);
    add({ in: "attachment", name: a.name }, await scanner.scanBytes(bytes, { mediaType: a.contentType, name: a.name }));
  }
  return decide(found, false, lang);
}

/** The Smart Alerts event: `completed` ends it. */
export interface SendEvent {
  completed(options: Decision | { allowEvent: boolean }): void;
}

/**
 * The handler: checks the mail and completes the event. When the check
 * cannot run (no detector in this runtime, an attachment Outlook will not
 * hand over), the mail goes: a check that fails must not stop mail.
 */
export async function onMessageSend(
  event: SendEvent,
  item: ComposeItem,
  scanner: () => Promise<Scanner | null>,
  lang: Lang,
  log: (message: string) => void = () => {},
): Promise<void> {
  let decision: Decision = { allowEvent: true };
  try {
    const s = await scanner();
    if (s === null) log("kluis: no detector in this runtime; the mail goes unchecked");
    else decision = await check(item, s, lang);
  } catch (e) {
    log(`kluis: the check failed (${(e as Error)?.name ?? "error"}); the mail goes unchecked`);
  }
  event.completed(decision);
}
