// A stand-in for Office.js in the headless tests, served in place of
// Microsoft's CDN script (the test routes that one URL here): an Outlook
// compose item from window.__kluisOutlookTest (recipients, subject, body
// and its type, attachments as base64), answering asynchronously as
// Office.js does; what the add-in did is in window.__kluisOutlookState.
(() => {
  const cfg = window.__kluisOutlookTest;
  const state = {
    body: cfg.body,
    bodyType: cfg.bodyType,
    attachments: cfg.attachments.map((a, i) => ({ id: `att-${i + 1}`, ...a })),
    removed: [],
    prepended: [],
    session: {},
    handlers: {},
    completed: [],
  };
  window.__kluisOutlookState = state;
  const later = (cb, result) => setTimeout(() => cb(result), 0);
  const ok = (value) => ({ status: "succeeded", value });
  const failed = (name, message) => ({ status: "failed", error: { name, message, code: 9999 } });
  const people = (list) => list.map((a) => ({ emailAddress: a, displayName: a }));
  const size = (b64) => Math.floor((b64.length * 3) / 4) - (b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0);
  const item = {
    itemType: "message",
    to: { getAsync: (cb) => later(cb, ok(people(cfg.to))) },
    cc: { getAsync: (cb) => later(cb, ok(people(cfg.cc))) },
    subject: { getAsync: (cb) => later(cb, ok(cfg.subject)) },
    body: {
      getTypeAsync: (cb) => later(cb, ok(state.bodyType)),
      getAsync: (type, cb) => later(cb, ok(state.body)),
      prependAsync: (data, options, cb) => {
        state.prepended.push({ data, coercionType: options.coercionType });
        state.body = data + state.body;
        later(cb, ok(undefined));
      },
    },
    getAttachmentsAsync: (cb) =>
      later(cb, ok(state.attachments.map((a) => ({ id: a.id, name: a.name, size: size(a.base64), attachmentType: "file", isInline: false })))),
    getAttachmentContentAsync: (id, cb) => {
      const a = state.attachments.find((x) => x.id === id);
      later(cb, a ? ok({ format: "base64", content: a.base64 }) : failed("InvalidAttachmentId", "no such attachment"));
    },
    removeAttachmentAsync: (id, cb) => {
      state.removed.push(id);
      state.attachments = state.attachments.filter((x) => x.id !== id);
      later(cb, ok(undefined));
    },
    sessionData: {
      setAsync: (key, value, cb) => {
        state.session[key] = value;
        later(cb, ok(undefined));
      },
      getAsync: (key, cb) => later(cb, key in state.session ? ok(state.session[key]) : failed("NotFound", "no such key")),
    },
  };
  window.Office = {
    onReady: () => Promise.resolve({ host: "Outlook", platform: "OfficeOnline" }),
    context: { displayLanguage: cfg.displayLanguage, mailbox: { userProfile: { emailAddress: cfg.sender }, item } },
    actions: {
      associate: (name, handler) => {
        state.handlers[name] = handler;
      },
    },
  };
})();
