/** What a sender (or a replying recipient) has entered so far. */
import type { PageData } from "../config";
import { lang, type Lang } from "../i18n";

export interface Draft {
  kind: "send" | "reply";
  from: string;
  token: string;
  recipients: string[];
  files: File[];
  subject: string;
  message: string;
  passwordMode: "generated" | "own";
  generated: string;
  own: string;
  expiryDays: number;
  downloadLimit: number | null;
  mailLanguage: Lang;
  /** Set while a step was opened from "check your answers": Continue returns there. */
  fromCheck: boolean;
  /** On a reply: the transfer replied to. */
  replyTo: string | null;
}

/** A new, empty draft. */
export function newDraft(data: PageData, kind: Draft["kind"] = "send"): Draft {
  return {
    kind,
    from: "",
    token: "",
    recipients: [""],
    files: [],
    subject: "",
    message: "",
    passwordMode: "generated",
    generated: "",
    own: "",
    expiryDays: data.limits.defaultExpiryDays,
    downloadLimit: null,
    mailLanguage: lang(),
    fromCheck: false,
    replyTo: null,
  };
}

/** The password the transfer is sealed with. */
export function password(d: Draft): string {
  return d.passwordMode === "generated" ? d.generated : d.own;
}

/** The files' total size in bytes. */
export function totalBytes(d: Draft): number {
  return d.files.reduce((sum, f) => sum + f.size, 0);
}

/** Most characters a confidential message may have (the manifest stays small). */
export const MAX_MESSAGE_CHARS = 100_000;
