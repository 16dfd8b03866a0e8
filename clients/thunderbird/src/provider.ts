/**
 * The FileLink provider: `cloudFile.onFileUpload` seals the file on this
 * device and uploads it as a Kluis transfer, `onFileUploadAbort` stops
 * that, `onFileDeleted` withdraws the transfer. One password per compose
 * window: every file of one mail opens with the same password, which the
 * sender is shown (never put in the mail) and tells the recipients by
 * phone.
 *
 * The recipients of each transfer are the compose window's To and Cc
 * addresses at the moment of the upload; with none filled in yet, the
 * sender's own address (the server requires at least one recipient and
 * mails each the link: README.md, "Recipients").
 */

import type { KluisClient, Sent } from './client.js';
import { recipientsOf } from './recipients.js';
import { isReady } from './settings.js';
import type { AccountSettings, CloudFile, CloudFileAccount, ComposeDetails, Tab, Translate, UploadResult } from './types.js';

/** What the provider needs from Thunderbird and the rest of the extension. */
export interface ProviderDeps {
  client: KluisClient;
  settings(accountId: string): Promise<AccountSettings | null>;
  composeDetails(tabId: number): Promise<ComposeDetails>;
  /** Contacts and lists named in To/Cc, as addresses (`addressBooks`), when available. */
  resolveRecipient?: (ref: { id: string; type: string }) => Promise<string[]>;
  /** Shows the sender the password of the mail in `tabId` (a popup window; `null`: no compose tab). */
  showPassword(tabId: number | null): Promise<void>;
  t: Translate;
  /** Reports what could not be shown to the user otherwise (a failed withdrawal). */
  log?: (message: string) => void;
}

/** A file uploaded (or being uploaded) by this provider. */
export interface Upload {
  fileId: number;
  accountId: string;
  tabId: number | null;
  name: string;
  controller: AbortController;
  sent: Sent | null;
}

/** What the password window shows for one compose window. */
export interface PasswordView {
  password: string;
  files: { name: string; link: string; expiresAt: number }[];
}

/** The templateInfo of a Kluis link: password-protected, expiring. */
export function templateInfo(sent: Sent, settings: AccountSettings, t: Translate): UploadResult['templateInfo'] {
  return {
    service_name: t('serviceName'),
    service_url: settings.server,
    download_password_protected: true,
    download_expiry_date: { timestamp: sent.expiresAt.getTime() },
  };
}

function message(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** The provider's event handlers and the state they share. */
export class Provider {
  private readonly uploads = new Map<number, Upload>();
  private readonly passwords = new Map<number | null, string>();

  constructor(private readonly deps: ProviderDeps) {}

  /** `cloudFile.onFileUpload`. */
  async onFileUpload(account: CloudFileAccount, file: CloudFile, tab?: Tab): Promise<UploadResult> {
    const { t } = this.deps;
    const settings = await this.deps.settings(account.id);
    if (settings === null) return { error: t('errorNotConfigured') };
    if (!isReady(settings)) return { error: t('errorNotVerified') };
    const tabId = tab?.id ?? null;
    let recipients: string[] = [];
    if (tabId !== null) {
      try {
        recipients = await recipientsOf(await this.deps.composeDetails(tabId), this.deps.resolveRecipient);
      } catch {
        recipients = [];
      }
    }
    if (recipients.length === 0) recipients = [settings.address.toLowerCase()];

    await this.deps.client.ready;
    let password = this.passwords.get(tabId);
    if (password === undefined) {
      password = this.deps.client.generatePassword();
      this.passwords.set(tabId, password);
    }
    const upload: Upload = { fileId: file.id, accountId: account.id, tabId, name: file.name, controller: new AbortController(), sent: null };
    this.uploads.set(file.id, upload);
    const named = file.data instanceof File && file.data.name === file.name ? file.data : new File([file.data], file.name, { type: file.data.type });
    try {
      upload.sent = await this.deps.client.send({ settings, recipients, file: named, password, signal: upload.controller.signal });
    } catch (e) {
      this.uploads.delete(file.id);
      this.forgetPasswordIfUnused(tabId);
      if (upload.controller.signal.aborted) return { aborted: true };
      return { error: t('errorUpload', message(e)) };
    }
    try {
      await this.deps.showPassword(tabId);
    } catch (e) {
      this.deps.log?.(`the password window could not be opened: ${message(e)}`);
    }
    return { url: upload.sent.link, templateInfo: templateInfo(upload.sent, settings, t) };
  }

  /** `cloudFile.onFileUploadAbort`: stops the upload of `fileId`; `onFileUpload` then answers `{ aborted: true }`. */
  onFileUploadAbort(_account: CloudFileAccount, fileId: number): void {
    this.uploads.get(fileId)?.controller.abort(new DOMException('the upload was cancelled', 'AbortError'));
  }

  /**
   * `cloudFile.onFileDeleted`: the attachment was removed (or the mail
   * discarded); its transfer is withdrawn from the server, so the link
   * stops working.
   */
  async onFileDeleted(account: CloudFileAccount, fileId: number): Promise<void> {
    const upload = this.uploads.get(fileId);
    if (upload === undefined) return;
    this.uploads.delete(fileId);
    this.forgetPasswordIfUnused(upload.tabId);
    if (upload.sent === null) {
      upload.controller.abort(new DOMException('the attachment was removed', 'AbortError'));
      return;
    }
    const settings = await this.deps.settings(account.id);
    if (!isReady(settings)) {
      this.deps.log?.(`transfer ${upload.sent.id} not withdrawn: the account has no valid token`);
      return;
    }
    try {
      await this.deps.client.withdraw(settings, upload.sent.id);
    } catch (e) {
      this.deps.log?.(`transfer ${upload.sent.id} not withdrawn: ${message(e)}`);
      throw e;
    }
  }

  /** Whether a file of the mail in `tabId` went by Kluis (uploaded and not removed). */
  sentSecurely(tabId: number): boolean {
    for (const upload of this.uploads.values()) if (upload.tabId === tabId && upload.sent !== null) return true;
    return false;
  }

  /** The password and links of the mail in `tabId`, for the password window; `null` when it has none. */
  passwordView(tabId: number | null): PasswordView | null {
    const password = this.passwords.get(tabId);
    if (password === undefined) return null;
    const files = [...this.uploads.values()]
      .filter((u) => u.tabId === tabId && u.sent !== null)
      .map((u) => ({ name: u.name, link: u.sent!.link, expiresAt: u.sent!.expiresAt.getTime() }));
    return { password, files };
  }

  /**
   * The compose window `tabId` was closed: its password is no longer kept
   * (the uploads are, so that a later `onFileDeleted` still withdraws).
   */
  onTabRemoved(tabId: number): void {
    this.passwords.delete(tabId);
  }

  private forgetPasswordIfUnused(tabId: number | null): void {
    for (const upload of this.uploads.values()) if (upload.tabId === tabId) return;
    this.passwords.delete(tabId);
  }
}
