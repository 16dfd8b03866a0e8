/**
 * "Send securely": the attachments (and the files the user adds) are read
 * from the mail, sealed on this computer and uploaded with the package's
 * `sendTransfer`; only when the upload is done are they removed from the
 * mail and the recipient notice with the link put at the top of the body.
 * The password is the caller's to show; it never goes into the mail. No
 * DOM here: the task pane (taskpane.ts) draws, this file decides.
 */
import * as item from "./item";
import type { ComposeItem } from "./item";
import type { Lang } from "./i18n";

/** The package functions this flow uses (the real package, or a test double). */
export interface KluisApi {
  HttpTransport: new (baseUrl: string, options?: { token?: string }) => unknown;
  sendTransfer(
    transport: never,
    request: {
      from: string;
      to: string[];
      subject?: string;
      files: { name: string; data: Uint8Array | Blob; mediaType?: string }[] | (File | { name: string; data: Uint8Array | Blob; mediaType?: string })[];
      expiresIn?: number;
      password: string;
      language?: "en" | "nl";
      downloadLimit?: number | null;
    },
    options?: { onProgress?: (event: { phase: string; done: number; total: number }) => void },
  ): Promise<{ id: string; link: string; expiresAt: Date }>;
  recipientNotice(sender: string, link: string, expiresAt: Date, language?: "en" | "nl"): { subject: string; body: string };
}

/** What the user chose in the task pane. */
export interface SendChoices {
  server: string;
  token: string;
  sender: string;
  language: Lang;
  password: string;
  expiryDays: number;
  downloadLimit: number | null;
  /** Files from this computer, besides the attachments. */
  extraFiles: File[];
}

/** Where the flow is, for a progress bar and a status line. */
export type Step = { step: "reading" } | { step: "sending"; phase: string; done: number; total: number } | { step: "finishing" };

/** What went wrong, in terms the task pane can word; the mail is unchanged unless `phase` is `after-upload`. */
export class SendFailure extends Error {
  constructor(
    readonly reason: "noRecipients" | "noFiles" | "office" | "server" | "network" | "notice",
    message: string,
    readonly link: string | null = null,
  ) {
    super(message);
    this.name = "SendFailure";
  }
}

/** What was done. */
export interface SendResult {
  link: string;
  expiresAt: Date;
  /** Attachments Outlook would not remove (the user must, before sending). */
  kept: string[];
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The notice as HTML: its paragraphs, each line kept, the link a link.
 *
 * ```js
 * noticeHtml('Hello,\n\nat:\n\n    https://k.example/t/x\n', 'https://k.example/t/x');
 * ```
 */
export function noticeHtml(body: string, link: string): string {
  const paragraphs = body.trim().split(/\n\s*\n/);
  const html = paragraphs.map((p) => {
    const lines = p.split("\n").map((line) => {
      const trimmed = line.trim();
      if (trimmed === link) return `<a href="${escapeHtml(link)}">${escapeHtml(link)}</a>`;
      return escapeHtml(trimmed);
    });
    return `<p>${lines.join("<br>")}</p>`;
  });
  return `<div class="kluis-notice">${html.join("")}</div><hr>`;
}

function classify(e: unknown): SendFailure {
  if (e instanceof SendFailure) return e;
  if (e instanceof item.OfficeError) return new SendFailure("office", e.message);
  const err = e as { kind?: string; reason?: string; message?: string };
  if (err && err.kind === "Transport" && /network|fetch|connect/i.test(`${err.reason ?? ""} ${err.message ?? ""}`)) {
    return new SendFailure("network", err.message ?? "network");
  }
  if (e instanceof TypeError) return new SendFailure("network", e.message);
  return new SendFailure("server", err?.message ?? String(e));
}

/**
 * Sends the mail's attachments and `choices.extraFiles` securely to the
 * To and Cc recipients, then removes the attachments and puts the notice
 * in the body (HTML or text, as the body is). Before the upload has
 * finished nothing in the mail changes: a failure leaves it as it was.
 */
export async function sendSecurely(
  mail: ComposeItem,
  kluis: KluisApi,
  choices: SendChoices,
  onStep: (step: Step) => void = () => {},
): Promise<SendResult> {
  let sent: { link: string; expiresAt: Date };
  let taken: item.Attachment[];
  try {
    onStep({ step: "reading" });
    const to = await item.recipients(mail);
    if (to.length === 0) throw new SendFailure("noRecipients", "no recipients in To or Cc");
    taken = await item.attachments(mail);
    if (taken.length === 0 && choices.extraFiles.length === 0) throw new SendFailure("noFiles", "nothing to send");
    const files: { name: string; data: Uint8Array | Blob; mediaType?: string }[] = [];
    for (const a of taken) {
      files.push({ name: a.name, data: await item.attachmentBytes(mail, a.id), mediaType: a.contentType });
    }
    for (const f of choices.extraFiles) files.push({ name: f.name, data: f, mediaType: f.type || "application/octet-stream" });
    const subject = await item.subject(mail);
    const transport = new kluis.HttpTransport(choices.server, { token: choices.token });
    sent = await kluis.sendTransfer(
      transport as never,
      {
        from: choices.sender,
        to,
        subject,
        files,
        expiresIn: choices.expiryDays * 86_400,
        password: choices.password,
        language: choices.language,
        downloadLimit: choices.downloadLimit,
      },
      { onProgress: (e) => onStep({ step: "sending", phase: e.phase, done: e.done, total: e.total }) },
    );
  } catch (e) {
    throw classify(e);
  }
  onStep({ step: "finishing" });
  // Uploaded: now the mail changes. The notice first (the link must not be
  // lost), then the attachments go.
  try {
    const notice = kluis.recipientNotice(choices.sender, sent.link, sent.expiresAt, choices.language);
    const type = await item.bodyType(mail);
    await item.prependBody(mail, type === "html" ? noticeHtml(notice.body, sent.link) : `${notice.body}\n`, type);
    await item.markSent(mail, sent.link);
  } catch (e) {
    throw new SendFailure("notice", (e as Error).message ?? String(e), sent.link);
  }
  const kept: string[] = [];
  for (const a of taken) {
    try {
      await item.removeAttachment(mail, a.id);
    } catch {
      kept.push(a.name);
    }
  }
  return { link: sent.link, expiresAt: sent.expiresAt, kept };
}
