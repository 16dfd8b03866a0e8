// A compose item of Outlook, as office-addin-mock's OfficeMockObject:
// To, Cc, subject, a body (HTML or text), attachments with their bytes,
// sessionData; it records what the add-in did (body prepended, attachments
// removed) and can be told to fail a call, as Outlook reports failures
// (an AsyncResult with status "failed").
import { OfficeMockObject } from "office-addin-mock";

const ok = (value) => ({ status: "succeeded", value });
const failed = (name, message) => ({ status: "failed", error: { name, message, code: 9999 } });

/**
 * @param {{ to?: string[], cc?: string[], subject?: string, body?: string, bodyType?: "html"|"text",
 *   attachments?: { name: string, bytes: Uint8Array, type?: string, inline?: boolean }[],
 *   fail?: { remove?: boolean, content?: boolean }, displayLanguage?: string, sender?: string }} spec
 */
export function compose(spec = {}) {
  const state = {
    body: spec.body ?? "",
    bodyType: spec.bodyType ?? "html",
    attachments: (spec.attachments ?? []).map((a, i) => ({ id: `att-${i + 1}`, ...a })),
    removed: [],
    prepended: [],
    session: new Map(),
    calls: [],
  };
  const addresses = (list) => (list ?? []).map((a) => ({ emailAddress: a, displayName: a.split("@")[0] }));
  const item = {
    itemType: "message",
    to: { getAsync: (cb) => cb(ok(addresses(spec.to))) },
    cc: { getAsync: (cb) => cb(ok(addresses(spec.cc))) },
    subject: { getAsync: (cb) => cb(ok(spec.subject ?? "")) },
    body: {
      getTypeAsync: (cb) => cb(ok(state.bodyType)),
      getAsync: (type, cb) => cb(ok(state.bodyType === "html" ? state.body.replace(/<[^>]+>/g, " ") : state.body)),
      prependAsync: (data, options, cb) => {
        state.prepended.push({ data, coercionType: options.coercionType });
        state.body = data + state.body;
        cb(ok(undefined));
      },
    },
    getAttachmentsAsync: (cb) =>
      cb(ok(state.attachments.map((a) => ({ id: a.id, name: a.name, size: a.bytes.length, attachmentType: "file", isInline: !!a.inline })))),
    getAttachmentContentAsync: (id, cb) => {
      state.calls.push(["content", id]);
      const a = state.attachments.find((x) => x.id === id);
      if (!a || spec.fail?.content) return cb(failed("InvalidAttachmentId", "The attachment is not there"));
      cb(ok({ format: "base64", content: Buffer.from(a.bytes).toString("base64") }));
    },
    removeAttachmentAsync: (id, cb) => {
      if (spec.fail?.remove) return cb(failed("ItemNotFound", "cannot remove"));
      state.removed.push(id);
      state.attachments = state.attachments.filter((x) => x.id !== id);
      cb(ok(undefined));
    },
    sessionData: {
      setAsync: (key, value, cb) => {
        state.session.set(key, value);
        cb(ok(undefined));
      },
      getAsync: (key, cb) => (state.session.has(key) ? cb(ok(state.session.get(key))) : cb(failed("NotFound", "no such key"))),
    },
  };
  const office = new OfficeMockObject({
    context: {
      displayLanguage: spec.displayLanguage ?? "en-US",
      mailbox: { userProfile: { emailAddress: spec.sender ?? "ann@example.org" }, item },
    },
    host: "outlook",
    onReady: async () => ({ host: "Outlook" }),
  });
  return { office, item: office.context.mailbox.item, state };
}
