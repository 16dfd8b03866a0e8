/**
 * The shapes this extension uses: the parts of Thunderbird's `messenger`
 * API it calls (cloudFile, compose, runtime, storage, windows, i18n; see
 * webextension-api.thunderbird.net), its own settings, and the detector's
 * findings. Everything else is injected, so that the logic runs in Node
 * against mocks.
 */

/** A cloud file account of this add-on (`cloudFile.CloudFileAccount`). */
export interface CloudFileAccount {
  id: string;
  name?: string;
  configured?: boolean;
}

/** The file Thunderbird hands to `onFileUpload` (`cloudFile.CloudFile`). */
export interface CloudFile {
  id: number;
  name: string;
  data: Blob;
}

/** A tab (`tabs.Tab`); only its id is used. */
export interface Tab {
  id?: number;
}

/** `cloudFile.CloudFileTemplateInfo`: the hints of the link's entry in the mail. */
export interface CloudFileTemplateInfo {
  service_name?: string;
  service_url?: string;
  download_password_protected?: boolean;
  download_expiry_date?: { timestamp: number };
  download_limit?: number;
}

/** What `onFileUpload` answers. */
export interface UploadResult {
  url?: string;
  templateInfo?: CloudFileTemplateInfo;
  aborted?: boolean;
  error?: string | boolean;
}

/** A recipient in the compose window: text such as `Ann <ann@example.org>`, or a contact reference. */
export type ComposeRecipient = string | { id: string; type: string };

/** The part of `compose.ComposeDetails` this extension reads. */
export interface ComposeDetails {
  to?: ComposeRecipient | ComposeRecipient[];
  cc?: ComposeRecipient | ComposeRecipient[];
  subject?: string;
  body?: string;
  plainTextBody?: string;
  isPlainText?: boolean;
}

/** `compose.ComposeAttachment`. */
export interface ComposeAttachment {
  id: number;
  name?: string;
  size?: number;
}

/** One account's settings, kept in `storage.local` under `account:<id>`. */
export interface AccountSettings {
  /** The Kluis server, `https://host[:port][/prefix]`. */
  server: string;
  /** The sender's address, verified with the server by a mailed code. */
  address: string;
  /** The sender's token from the server (absent until verified). */
  token?: string;
  /** When the token expires, milliseconds since 1970. */
  tokenExpiresAt?: number;
  /** The language of the server's notice mail. */
  language: 'en' | 'nl';
  /** Days a transfer stays available (1 to 30). */
  expiryDays: number;
}

/** A finding of the detector (the package's `scanText` / `scanBytes`). */
export interface Finding {
  kind: string;
  start: number;
  end: number;
  excerpt: string;
  confidence: number | string;
  reason: string;
  reasonNl: string;
}

/** The detector: `scanText(text)` and `scanBytes(bytes, { mediaType, name })`, synchronous or not. */
export interface Scanner {
  scanText(text: string): Finding[] | Promise<Finding[]>;
  scanBytes(bytes: Uint8Array, options: { mediaType?: string; name?: string }): Finding[] | Promise<Finding[]>;
}

/** Looks a message up in the extension's `_locales` (`i18n.getMessage`). */
export type Translate = (key: string, substitutions?: string | string[]) => string;
