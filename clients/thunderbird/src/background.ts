/**
 * The background page: wires the provider (src/provider.ts), the check
 * before sending (src/check.ts) and the pages' requests (src/messages.ts)
 * to Thunderbird's `messenger` API and to the `kluis` package.
 */

import * as kluis from 'kluis';

import { onBeforeSend } from './check.js';
import { kluisClient } from './client.js';
import { onAccountDeleted, route, type Request } from './messages.js';
import { Provider } from './provider.js';
import { loadSettings, type StorageArea } from './settings.js';
import type { ComposeAttachment, ComposeDetails, Scanner, Translate } from './types.js';
import { PasswordWindows, Questions } from './windows.js';

/* The parts of `messenger` used here (Thunderbird's WebExtension API). */
interface Event<F> {
  addListener(listener: F): void;
}
interface Messenger {
  cloudFile: {
    updateAccount(accountId: string, properties: { configured?: boolean }): Promise<unknown>;
    onFileUpload: Event<Provider['onFileUpload']>;
    onFileUploadAbort: Event<Provider['onFileUploadAbort']>;
    onFileDeleted: Event<Provider['onFileDeleted']>;
    onAccountDeleted: Event<(accountId: string) => void>;
  };
  compose: {
    getComposeDetails(tabId: number): Promise<ComposeDetails>;
    listAttachments(tabId: number): Promise<ComposeAttachment[]>;
    getAttachmentFile(attachmentId: number): Promise<File>;
    onBeforeSend: Event<(tab: { id?: number }, details: ComposeDetails) => Promise<{ cancel?: boolean }>>;
  };
  runtime: { onMessage: Event<(message: Request) => Promise<unknown>> };
  storage: { local: StorageArea };
  tabs: { onRemoved: Event<(tabId: number) => void> };
  windows: {
    create(options: { type: 'popup'; url: string; width: number; height: number }): Promise<{ id?: number }>;
    update(windowId: number, options: { focused: boolean }): Promise<unknown>;
    onRemoved: Event<(windowId: number) => void>;
  };
  i18n: { getMessage(key: string, substitutions?: string | string[]): string };
}

declare const messenger: Messenger;

const t: Translate = (key, substitutions) => messenger.i18n.getMessage(key, substitutions);
const log = (message: string): void => console.warn(`Kluis: ${message}`);

/** The package's detector (kluis-detect in WebAssembly, loaded on the first scan). */
const scanner: Scanner = { scanText: (text) => kluis.scanText(text), scanBytes: (bytes, options) => kluis.scanBytes(bytes, options) };

const storage = messenger.storage.local;
const client = kluisClient(kluis);
const passwords = new PasswordWindows(messenger.windows);
const questions = new Questions(messenger.windows);

const provider = new Provider({
  client,
  settings: (accountId) => loadSettings(storage, accountId),
  composeDetails: (tabId) => messenger.compose.getComposeDetails(tabId),
  showPassword: (tabId) => passwords.show(tabId),
  t,
  log,
});

messenger.cloudFile.onFileUpload.addListener((account, file, tab) => provider.onFileUpload(account, file, tab));
messenger.cloudFile.onFileUploadAbort.addListener((account, fileId) => provider.onFileUploadAbort(account, fileId));
messenger.cloudFile.onFileDeleted.addListener((account, fileId) => provider.onFileDeleted(account, fileId));
messenger.cloudFile.onAccountDeleted.addListener((accountId) => void onAccountDeleted(storage, accountId));
messenger.tabs.onRemoved.addListener((tabId) => provider.onTabRemoved(tabId));
messenger.windows.onRemoved.addListener((windowId) => {
  questions.onWindowRemoved(windowId);
  passwords.onWindowRemoved(windowId);
});

messenger.compose.onBeforeSend.addListener((tab, details) =>
  onBeforeSend(
    {
      scanner,
      sentSecurely: (tabId) => provider.sentSecurely(tabId),
      listAttachments: (tabId) => messenger.compose.listAttachments(tabId),
      attachmentFile: (id) => messenger.compose.getAttachmentFile(id),
      ask: (_tabId, concerns) => questions.ask(concerns),
      log,
    },
    tab,
    details,
  ),
);

messenger.runtime.onMessage.addListener((message) =>
  route(
    {
      storage,
      client,
      setConfigured: async (accountId, configured) => {
        await messenger.cloudFile.updateAccount(accountId, { configured });
      },
      passwordView: (tabId) => provider.passwordView(tabId),
      question: (id) => questions.question(id),
      answer: (id, answer) => questions.answer(id, answer),
    },
    message,
  ),
);
