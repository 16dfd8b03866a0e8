// A mocked `messenger` for the built background page (dist/xpi/background.js):
// every event records its listeners so a test can fire it, storage.local is
// a Map, windows are recorded, and i18n answers from the extension's own
// _locales (placeholders filled as Thunderbird fills them).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const here = new URL('..', import.meta.url).pathname;

/** `i18n.getMessage` over static/_locales/<locale>/messages.json. */
export function messages(locale) {
  const table = JSON.parse(readFileSync(join(here, 'static/_locales', locale, 'messages.json'), 'utf8'));
  return (key, substitutions) => {
    const entry = table[key];
    if (!entry) return '';
    const subs = substitutions === undefined ? [] : [substitutions].flat();
    return entry.message.replace(/\$([A-Za-z0-9_]+)\$/g, (whole, name) => {
      const content = entry.placeholders?.[name.toLowerCase()]?.content;
      const m = /^\$(\d)$/.exec(content ?? '');
      return m ? (subs[Number(m[1]) - 1] ?? '') : whole;
    });
  };
}

function event() {
  const listeners = [];
  return { listeners, addListener: (f) => listeners.push(f), fire: (...args) => listeners[0](...args) };
}

/** The mock; `compose` answers come from `composeTabs` (tab id to details and attachments). */
export function mockMessenger({ locale = 'en' } = {}) {
  const data = new Map();
  const composeTabs = new Map();
  const windows = [];
  const accounts = [];
  let nextWindow = 1;
  const messenger = {
    composeTabs,
    windowsCreated: windows,
    accountUpdates: accounts,
    storageData: data,
    cloudFile: {
      updateAccount: async (id, properties) => (accounts.push([id, properties]), { id, ...properties }),
      onFileUpload: event(),
      onFileUploadAbort: event(),
      onFileDeleted: event(),
      onAccountDeleted: event(),
    },
    compose: {
      getComposeDetails: async (tabId) => structuredClone(composeTabs.get(tabId)?.details ?? {}),
      listAttachments: async (tabId) => (composeTabs.get(tabId)?.attachments ?? []).map(({ id, file }) => ({ id, name: file.name, size: file.size })),
      getAttachmentFile: async (id) => {
        for (const tab of composeTabs.values()) for (const a of tab.attachments ?? []) if (a.id === id) return a.file;
        throw new Error(`no attachment ${id}`);
      },
      onBeforeSend: event(),
    },
    runtime: { onMessage: event() },
    storage: {
      local: {
        get: async (key) => (data.has(key) ? { [key]: structuredClone(data.get(key)) } : {}),
        set: async (items) => {
          for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
        },
        remove: async (key) => void data.delete(key),
      },
    },
    tabs: { onRemoved: event() },
    windows: {
      create: async (options) => {
        const id = nextWindow++;
        windows.push({ id, ...options });
        return { id };
      },
      update: async () => ({}),
      onRemoved: event(),
    },
    i18n: { getMessage: messages(locale) },
  };
  return messenger;
}
