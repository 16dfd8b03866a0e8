// The check before sending (src/check.ts) with an injected detector that
// finds a BSN where one is (a nine-digit number passing the 11-test, as
// kluis-detect's rule does), and the question windows (src/windows.ts).
import { deepStrictEqual, equal, ok } from 'node:assert/strict';
import { test } from 'node:test';

import { concernsOf, MAX_SCAN_BYTES, onBeforeSend } from '../lib/check.js';
import { PasswordWindows, Questions } from '../lib/windows.js';

/** The BSN 11-test: 9 digits, sum of weights 9..2 and -1, divisible by 11. */
function isBsn(digits) {
  if (!/^\d{9}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(digits[i]) * (9 - i);
  sum -= Number(digits[8]);
  return sum % 11 === 0 && sum !== 0;
}

/** A detector for the tests: BSNs in text (and in bytes read as UTF-8), recording what it was given. */
function bsnScanner() {
  const seen = [];
  const scanText = (text) => {
    const found = [];
    for (const m of text.matchAll(/(?<!\d)\d{9}(?!\d)/g)) {
      if (isBsn(m[0])) {
        found.push({ kind: 'bsn', start: m.index, end: m.index + 9, excerpt: '…*********…', confidence: 'high', reason: 'contains a valid citizen service number (BSN)', reasonNl: 'bevat een geldig burgerservicenummer (BSN)' });
      }
    }
    return found;
  };
  return {
    seen,
    scanText: (text) => (seen.push({ text }), scanText(text)),
    scanBytes: async (bytes, options) => (seen.push({ bytes: bytes.length, ...options }), scanText(new TextDecoder().decode(bytes))),
  };
}

const BSN = '111222333';
ok(isBsn(BSN), 'the test BSN passes the 11-test');

function deps({ scanner = bsnScanner(), sentSecurely = false, attachments = [], answer = 'cancel' } = {}) {
  const asked = [];
  const logs = [];
  const files = new Map(attachments.map((a) => [a.id, a.file]));
  return {
    asked,
    logs,
    scanner,
    sentSecurely: () => sentSecurely,
    listAttachments: async () => attachments.map(({ id, file }) => ({ id, name: file.name, size: file.size })),
    attachmentFile: async (id) => {
      const file = files.get(id);
      if (file === 'broken') throw new Error('cannot read');
      return file;
    },
    ask: async (tabId, concerns) => (asked.push({ tabId, concerns }), answer),
    log: (m) => logs.push(m),
  };
}

const tab = { id: 3 };
const plain = (body, subject = 'Uw aanvraag') => ({ subject, isPlainText: true, plainTextBody: body, to: ['bob@example.org'] });

test('onBeforeSend: a mail without sensitive content is sent without a question', async () => {
  const d = deps({ attachments: [{ id: 1, file: new File(['nothing special'], 'notes.txt', { type: 'text/plain' }) }] });
  deepStrictEqual(await onBeforeSend(d, tab, plain('Beste Bob, tot morgen.')), {});
  deepStrictEqual(d.asked, []);
  ok(d.scanner.seen.some((s) => s.name === 'notes.txt' && s.mediaType === 'text/plain'), 'the attachment was scanned');
});

test('onBeforeSend: a BSN in the body asks; cancel keeps the mail, and the question names kind and reason but never the number', async () => {
  const d = deps({ answer: 'cancel' });
  deepStrictEqual(await onBeforeSend(d, tab, plain(`Het BSN van mevrouw is ${BSN}.`)), { cancel: true });
  equal(d.asked.length, 1);
  equal(d.asked[0].tabId, 3);
  deepStrictEqual(d.asked[0].concerns, [{ kind: 'bsn', reason: 'contains a valid citizen service number (BSN)', reasonNl: 'bevat een geldig burgerservicenummer (BSN)', places: [{ part: 'body' }] }]);
  ok(!JSON.stringify(d.asked).includes(BSN), 'the number is not passed to the question');
  ok(!JSON.stringify(d.asked).includes('excerpt'), 'nor its excerpt');
});

test('onBeforeSend: "send anyway" lets the mail go', async () => {
  const d = deps({ answer: 'send' });
  deepStrictEqual(await onBeforeSend(d, tab, plain(`BSN ${BSN}`)), {});
  equal(d.asked.length, 1);
});

test('onBeforeSend: subject, HTML body and attachments are all scanned, each place named', async () => {
  const d = deps({ attachments: [{ id: 1, file: new File([`bsn: ${BSN}`], 'dossier.txt', { type: 'text/plain' }) }] });
  const details = { subject: `Dossier ${BSN}`, isPlainText: false, body: `<p>BSN <b>${BSN}</b></p>` };
  deepStrictEqual(await onBeforeSend(d, tab, details), { cancel: true });
  deepStrictEqual(d.asked[0].concerns[0].places, [{ part: 'subject' }, { part: 'body' }, { part: 'attachment', name: 'dossier.txt' }]);
  ok(d.scanner.seen.some((s) => s.mediaType === 'text/html' && s.name === 'body.html'), 'the HTML body went to scanBytes as HTML');
});

test('onBeforeSend: a mail whose attachment went by Kluis is not checked again', async () => {
  const d = deps({ sentSecurely: true });
  deepStrictEqual(await onBeforeSend(d, tab, plain(`BSN ${BSN}`)), {});
  deepStrictEqual(d.asked, []);
  deepStrictEqual(d.scanner.seen, []);
});

test('onBeforeSend: an attachment that cannot be read or is too large is skipped and logged; the rest still counts', async () => {
  const big = { size: MAX_SCAN_BYTES + 1, name: 'big.bin', type: '', arrayBuffer: () => Promise.reject(new Error('must not be read')) };
  const d = deps({ attachments: [{ id: 1, file: 'broken' }, { id: 2, file: big }, { id: 3, file: new File([BSN], 'x.txt') }] });
  // The fake listAttachments reads names from the files.
  d.listAttachments = async () => [{ id: 1, name: 'kapot.pdf' }, { id: 2, name: 'big.bin' }, { id: 3, name: 'x.txt' }];
  deepStrictEqual(await onBeforeSend(d, tab, plain('geen')), { cancel: true });
  ok(d.logs.some((l) => l.startsWith('kapot.pdf: not scanned')));
  ok(d.logs.some((l) => l.startsWith('big.bin: not scanned')));
  deepStrictEqual(d.asked[0].concerns[0].places, [{ part: 'attachment', name: 'x.txt' }]);
});

test('onBeforeSend: a detector that throws lets the mail go (and says so in the log)', async () => {
  const d = deps({ scanner: { scanText: () => { throw new Error('boom'); }, scanBytes: () => [] } });
  deepStrictEqual(await onBeforeSend(d, tab, plain('x')), {});
  ok(d.logs.some((l) => l.includes('boom')));
});

test('concernsOf: one entry per kind, places once each', () => {
  const f = (kind) => ({ kind, reason: kind, reasonNl: kind });
  deepStrictEqual(
    concernsOf([
      { finding: f('bsn'), place: { part: 'body' } },
      { finding: f('iban'), place: { part: 'body' } },
      { finding: f('bsn'), place: { part: 'body' } },
      { finding: f('bsn'), place: { part: 'attachment', name: 'a' } },
    ]).map((c) => [c.kind, c.places.length]),
    [['bsn', 2], ['iban', 1]],
  );
});

function fakeWindows() {
  const created = [];
  const focused = [];
  let next = 100;
  return {
    created,
    focused,
    create: async (options) => (created.push(options), { id: next++ }),
    update: async (id) => void focused.push(id),
  };
}

test('Questions: the window gets the concerns; an answer or closing the window resolves the question', async () => {
  const w = fakeWindows();
  const q = new Questions(w);
  const concerns = [{ kind: 'bsn', reason: 'r', reasonNl: 'r', places: [{ part: 'body' }] }];
  const first = q.ask(concerns);
  await new Promise((r) => setTimeout(r, 0));
  equal(w.created[0].url, 'confirm.html?id=1');
  equal(w.created[0].type, 'popup');
  deepStrictEqual(q.question(1), concerns);
  q.answer(1, 'send');
  equal(await first, 'send');
  equal(q.question(1), null);
  const second = q.ask(concerns);
  await new Promise((r) => setTimeout(r, 0));
  q.onWindowRemoved(101);
  equal(await second, 'cancel', 'closing the window is cancel');
  const failing = new Questions({ create: async () => { throw new Error('no window'); }, update: async () => {} });
  equal(await failing.ask(concerns), 'cancel', 'no window: nothing is sent unasked');
});

test('PasswordWindows: one window per compose tab, focused again on the next upload', async () => {
  const w = fakeWindows();
  const p = new PasswordWindows(w);
  await p.show(7);
  await p.show(7);
  await p.show(null);
  deepStrictEqual(w.created.map((c) => c.url), ['password.html?tab=7', 'password.html?tab=']);
  deepStrictEqual(w.focused, [100]);
  p.onWindowRemoved(100);
  await p.show(7);
  equal(w.created.length, 3, 'reopened after it was closed');
});
