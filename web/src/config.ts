/**
 * What the server tells a page when it renders the template: the site's
 * name and logo, its limits, and on the receive page the transfer's facts
 * and state. It arrives as JSON in `<body data-kluis="…">` (an attribute,
 * so that no inline script is needed under the Content-Security-Policy).
 */

/** The states a receive page can be in when the server renders it. */
export type TransferState = "open" | "expired" | "withdrawn" | "limit" | "not_found" | "busy";

/** What the server knows of a transfer (never its names, message or password). */
export interface TransferFacts {
  id: string;
  state: TransferState;
  sender: string;
  recipients: string[];
  /** Unix seconds. */
  expiresAt: number;
  files: number;
  bytes: number;
  /** How many more times it may be opened; null: no limit. */
  downloadsLeft: number | null;
  /** Whether a recipient may still reply. */
  replyAllowed: boolean;
}

/** The server's limits that the send form checks before sending. */
export interface Limits {
  maxTransferBytes: number;
  maxRecipients: number;
  maxFiles: number;
  maxExpiryDays: number;
  defaultExpiryDays: number;
}

export interface PageData {
  site: { name: string; logo: string | null };
  limits: Limits;
  transfer: TransferFacts | null;
}

const DEFAULT_LIMITS: Limits = {
  maxTransferBytes: 10 * 1024 ** 3,
  maxRecipients: 50,
  maxFiles: 9999,
  maxExpiryDays: 30,
  defaultExpiryDays: 7,
};

const STATES: readonly TransferState[] = ["open", "expired", "withdrawn", "limit", "not_found", "busy"];

function num(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : fallback;
}

function str(v: unknown, fallback: string): string {
  return typeof v === "string" ? v : fallback;
}

/** Reads and checks the page data; missing or malformed fields take defaults. */
export function parsePageData(raw: string | undefined): PageData {
  let json: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(raw ?? "{}");
    if (parsed && typeof parsed === "object") json = parsed as Record<string, unknown>;
  } catch {
    /* defaults below */
  }
  const site = (json.site ?? {}) as Record<string, unknown>;
  const limits = (json.limits ?? {}) as Record<string, unknown>;
  const maxExpiryDays = Math.max(1, Math.floor(num(limits.maxExpiryDays, DEFAULT_LIMITS.maxExpiryDays)));
  const data: PageData = {
    site: { name: str(site.name, ""), logo: typeof site.logo === "string" && site.logo.startsWith("/") ? site.logo : null },
    limits: {
      maxTransferBytes: num(limits.maxTransferBytes, DEFAULT_LIMITS.maxTransferBytes),
      maxRecipients: Math.max(1, num(limits.maxRecipients, DEFAULT_LIMITS.maxRecipients)),
      maxFiles: Math.max(1, num(limits.maxFiles, DEFAULT_LIMITS.maxFiles)),
      maxExpiryDays,
      defaultExpiryDays: Math.min(maxExpiryDays, Math.max(1, num(limits.defaultExpiryDays, DEFAULT_LIMITS.defaultExpiryDays))),
    },
    transfer: null,
  };
  const tr = json.transfer as Record<string, unknown> | undefined;
  if (tr && typeof tr === "object") {
    const state = STATES.includes(tr.state as TransferState) ? (tr.state as TransferState) : "not_found";
    data.transfer = {
      id: str(tr.id, ""),
      state,
      sender: str(tr.sender, ""),
      recipients: Array.isArray(tr.recipients) ? tr.recipients.filter((r): r is string => typeof r === "string") : [],
      expiresAt: num(tr.expiresAt, 0),
      files: num(tr.files, 0),
      bytes: num(tr.bytes, 0),
      downloadsLeft: typeof tr.downloadsLeft === "number" ? tr.downloadsLeft : null,
      replyAllowed: tr.replyAllowed === true,
    };
  }
  return data;
}

/** The page data of this document. */
export function pageData(): PageData {
  return parsePageData(document.body.dataset.kluis);
}
