// The sensitive-content detector (scanText, scanBytes; docs/DETECT.md),
// run by `node --test` (test/node.test.js) and in headless Chromium
// (test/browser.js). env = { kluis, fixture(path) -> Promise<Uint8Array> }
// as for test/suite.js.

import { equal, ok, rejects } from './check.js';
import { docx, eml, pdf, zip, zipBomb } from './documents.js';

const NUMBER_KINDS = new Set(['bsn', 'iban', 'credit_card', 'id_document', 'driving_licence']);
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const enc = new TextEncoder();
const dec = new TextDecoder();

/** [kind, start, end] of each finding, as the vector file lists them. */
const triples = (found) => JSON.stringify(found.map((f) => [f.kind, f.start, f.end]));

/** Every field of a Finding, of its type; the number itself never in the excerpt. */
function wellFormed(f, text) {
  equal(Object.keys(f).sort().join(), 'confidence,end,excerpt,kind,reason,reasonNl,start', 'the fields of a Finding');
  ok(typeof f.kind === 'string' && typeof f.excerpt === 'string', 'kind and excerpt are strings');
  ok(Number.isInteger(f.start) && Number.isInteger(f.end) && f.start < f.end, `offsets ${f.start}..${f.end}`);
  ok(f.confidence > 0 && f.confidence <= 1, `confidence ${f.confidence}`);
  ok(f.reason.length > 0 && f.reasonNl.length > 0 && f.reason !== f.reasonNl, 'a reason in English and in Dutch');
  if (text !== undefined && NUMBER_KINDS.has(f.kind)) {
    const number = dec.decode(enc.encode(text).subarray(f.start, f.end));
    ok(!f.excerpt.includes(number), `the excerpt ${JSON.stringify(f.excerpt)} hides ${number}`);
  }
}

/** A PDF whose page dictionary holds `depth` nested arrays (brackets `depth + 1` deep). */
const nestedPdf = (depth) => pdf(['BSN 111222333'], `/X ${'['.repeat(depth)}${']'.repeat(depth)} `);

export function detectTests(test, env) {
  const { kluis } = env;

  test('scanText finds exactly the shared vectors (detect-vectors.json)', async () => {
    const doc = JSON.parse(dec.decode(await env.fixture('detect-vectors.json')));
    ok(doc.vectors.length >= 30, 'the vector file has its vectors');
    let findings = 0;
    for (const v of doc.vectors) {
      const found = await kluis.scanText(v.text);
      equal(triples(found), JSON.stringify(v.findings.map((f) => [f.kind, f.start, f.end])), v.name);
      for (const f of found) {
        ok(doc.kinds.includes(f.kind), `${f.kind} is a listed kind`);
        wellFormed(f, v.text);
      }
      findings += found.length;
    }
    ok(findings > 20, 'the vectors find things');
  });

  test('scanText: UTF-8 byte offsets, reasons in two languages, bad arguments', async () => {
    const text = 'Één cliënt — BSN: 111222333';
    const [f] = await kluis.scanText(text);
    equal(f.kind, 'bsn');
    equal(f.start, enc.encode(text).length - 9, 'a byte offset, not a UTF-16 index');
    equal(f.reason, 'contains a valid citizen service number (BSN)');
    equal(f.reasonNl, 'bevat een geldig burgerservicenummer (BSN)');
    equal(f.confidence, 0.97, 'the confidence as the detector gives it');
    equal((await kluis.scanText('')).length, 0, 'nothing in an empty text');
    await rejects(kluis.scanText(42), 'InvalidArgument');
    await rejects(kluis.scanBytes('BSN 111222333'), 'InvalidArgument');
    await rejects(kluis.scanBytes(new Uint8Array(1), { mediaType: 7 }), 'InvalidArgument');
  });

  test('scanBytes reads a .docx, a PDF and an .eml with an attachment made here', async () => {
    const lines = ['Burgerservicenummer: 111222333', 'IBAN NL91 ABNA 0417 1643 00'];
    const word = docx(lines);
    for (const options of [{ mediaType: DOCX }, { name: 'brief.docx' }, {}, undefined]) {
      const found = await kluis.scanBytes(word, options);
      equal(found.map((f) => f.kind).join(), 'bsn,iban', `docx with ${JSON.stringify(options)}`);
      found.forEach((f) => wellFormed(f));
    }
    const paper = await kluis.scanBytes(pdf(['Mijn BSN is 111222333.', 'Met vriendelijke groet']), { mediaType: 'application/pdf' });
    equal(triples(paper), JSON.stringify([['bsn', 12, 21]]), 'the PDF text layer');
    const mail = eml('Zie de bijlage.', { name: 'aanvraag.docx', type: DOCX, data: docx(['Pas: creditcard 4111 1111 1111 1111']) });
    const inMail = await kluis.scanBytes(mail, { name: 'bericht.eml' });
    equal(inMail.map((f) => f.kind).join(), 'credit_card', 'an attachment inside a message');
    const csv = await kluis.scanBytes(enc.encode('naam;bsn\nJansen;111222333\n'), { mediaType: 'text/csv' });
    equal(csv.map((f) => f.kind).join(), 'bsn', 'a CSV file');
    equal((await kluis.scanBytes(enc.encode('Factuurnummer 123456782'))).length, 0, 'no finding in a harmless text');
  });

  test('scanBytes refuses what it cannot read, with kinds the bindings use', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    await rejects(kluis.scanBytes(png, { name: 'foto.png' }), 'Malformed', 'Unsupported');
    const broken = zip([{ name: 'word/document.xml', data: enc.encode('<w:p><w:t>BSN 111222333</w:t></w:p><!-- never closed') }]);
    await rejects(kluis.scanBytes(broken, { mediaType: DOCX }), 'Malformed', 'Malformed');
    await rejects(kluis.scanBytes(enc.encode('%PDF-1.4\nnonsense'), { name: 'x.pdf' }), 'Malformed');
    // PDF nesting: WebAssembly parses on the caller's stack, 100 brackets deep at most.
    equal((await kluis.scanBytes(nestedPdf(99))).map((f) => f.kind).join(), 'bsn', 'a PDF nested 100 deep is read');
    await rejects(kluis.scanBytes(nestedPdf(100)), 'LimitsExceeded', 'TooDeep');
    // Still usable afterwards.
    equal((await kluis.scanText('BSN: 111222333')).length, 1, 'the detector works after refusals');
  });

  test('scanBytes refuses a zip bomb with a clear error', async () => {
    // 1.2 GB of XML from about 13 MB: past the 1 GiB the detector inflates.
    const bomb = zipBomb(1_200_000_000);
    ok(bomb.length < 14 << 20, `the bomb is small (${bomb.length} bytes)`);
    const err = await rejects(kluis.scanBytes(bomb, { name: 'bom.docx' }), 'LimitsExceeded', 'TooLarge');
    ok(/too large to check: the decompressed content passes the limit of 1073741824/.test(err.message), err.message);
    equal((await kluis.scanText('IBAN NL91ABNA0417164300'))[0]?.kind, 'iban', 'the detector works after the bomb');
  });
}
