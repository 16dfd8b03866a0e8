/**
 * The mail being written, through Office.js's callbacks turned into
 * promises: its recipients, subject, body and attachments. No DOM: the
 * OnMessageSend handler uses this file too. Every call needs Mailbox 1.8
 * (getAttachmentsAsync, getAttachmentContentAsync) or older, except
 * `sessionData` (1.11), which Smart Alerts (1.12) implies.
 */

/** The part of `Office.MessageCompose` the add-in uses. */
export type ComposeItem = Pick<
  Office.MessageCompose,
  "to" | "cc" | "subject" | "body" | "getAttachmentsAsync" | "getAttachmentContentAsync" | "removeAttachmentAsync"
> & { sessionData?: Office.SessionData };

/** An Office.js failure, with Office's own error name. */
export class OfficeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "OfficeError";
  }
}

/** Runs an Office.js call that answers through a callback. */
export function call<T>(start: (callback: (result: Office.AsyncResult<T>) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    start((result) => {
      if (String(result.status) === "failed") {
        reject(new OfficeError(result.error?.name ?? "Failed", result.error?.message ?? "failed"));
      } else {
        resolve(result.value);
      }
    });
  });
}

/** The addresses in To and Cc, lower-cased, each once, in order. */
export async function recipients(item: ComposeItem): Promise<string[]> {
  const to = await call<Office.EmailAddressDetails[]>((cb) => item.to.getAsync(cb));
  const cc = await call<Office.EmailAddressDetails[]>((cb) => item.cc.getAsync(cb));
  const seen = new Set<string>();
  for (const r of [...to, ...cc]) {
    const address = (r.emailAddress ?? "").trim().toLowerCase();
    if (address) seen.add(address);
  }
  return [...seen];
}

/** The subject. */
export function subject(item: ComposeItem): Promise<string> {
  return call<string>((cb) => item.subject.getAsync(cb));
}

/** The body's type: `html` or `text`. */
export async function bodyType(item: ComposeItem): Promise<"html" | "text"> {
  const type = await call<Office.CoercionType>((cb) => item.body.getTypeAsync(cb));
  return String(type).toLowerCase() === "html" ? "html" : "text";
}

/** The body as plain text. */
export function bodyText(item: ComposeItem): Promise<string> {
  return call<string>((cb) => item.body.getAsync("text" as Office.CoercionType, cb));
}

/** Puts `data` (HTML or text, as `type` says) at the top of the body. */
export async function prependBody(item: ComposeItem, data: string, type: "html" | "text"): Promise<void> {
  await call<void>((cb) => item.body.prependAsync(data, { coercionType: type as Office.CoercionType }, cb));
}

/** An attachment Kluis can take: a file, or a mail attached as an item. */
export interface Attachment {
  id: string;
  name: string;
  size: number;
  contentType: string;
  kind: "file" | "item";
}

const TYPES: Record<string, string> = {
  pdf: "application/pdf",
  txt: "text/plain",
  csv: "text/csv",
  html: "text/html",
  eml: "message/rfc822",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  odt: "application/vnd.oasis.opendocument.text",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
};

/** A media type from the name (a composed mail's attachments have none of their own). */
export function mediaTypeOf(name: string, attachmentType = "file"): string {
  if (attachmentType === "item") return "message/rfc822";
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? "";
  return TYPES[ext] ?? "application/octet-stream";
}

/**
 * The attachments to send securely: files and attached mails, without the
 * pictures inside an HTML body (inline) or cloud links (those stay).
 */
export async function attachments(item: ComposeItem): Promise<Attachment[]> {
  const all = await call<Office.AttachmentDetailsCompose[]>((cb) => item.getAttachmentsAsync(cb));
  return all
    .filter((a) => !a.isInline && (String(a.attachmentType) === "file" || String(a.attachmentType) === "item"))
    .map((a) => ({
      id: a.id,
      name: String(a.attachmentType) === "item" && !/\.eml$/i.test(a.name) ? `${a.name}.eml` : a.name,
      size: a.size,
      contentType: (a as { contentType?: string }).contentType ?? mediaTypeOf(a.name, String(a.attachmentType)),
      kind: String(a.attachmentType) === "item" ? "item" : "file",
    }));
}

function base64Bytes(text: string): Uint8Array {
  const raw = atob(text.replace(/\s+/g, ""));
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/** An attachment's bytes (base64 for files, the mail's text for items). */
export async function attachmentBytes(item: ComposeItem, id: string): Promise<Uint8Array> {
  const content = await call<Office.AttachmentContent>((cb) => item.getAttachmentContentAsync(id, cb));
  switch (String(content.format).toLowerCase()) {
    case "base64":
      return base64Bytes(content.content);
    case "eml":
    case "icalendar":
      return new TextEncoder().encode(content.content);
    default:
      // "url": a cloud file Outlook will not hand over as bytes.
      throw new OfficeError("UnsupportedFormat", `attachment ${id} is a link, not a file`);
  }
}

/** Removes an attachment from the mail. */
export async function removeAttachment(item: ComposeItem, id: string): Promise<void> {
  await call<void>((cb) => item.removeAttachmentAsync(id, cb));
}

/** The session key that marks a mail whose attachments Kluis sent. */
export const SENT_KEY = "kluis.sent";

/** Marks the mail as sent securely (the OnMessageSend handler reads it). */
export async function markSent(item: ComposeItem, link: string): Promise<void> {
  if (!item.sessionData) return;
  await call<void>((cb) => item.sessionData?.setAsync(SENT_KEY, link, cb));
}

/** The link Kluis sent this mail's attachments to, if it did. */
export async function sentLink(item: ComposeItem): Promise<string | null> {
  if (!item.sessionData) return null;
  try {
    const value = await call<string>((cb) => item.sessionData?.getAsync(SENT_KEY, cb));
    return value ? value : null;
  } catch {
    return null; // not set: Office fails the call
  }
}
