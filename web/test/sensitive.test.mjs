// The note of the files-and-message step about sensitive information
// (src/send/sensitive.ts): it appears for a citizen service number in the
// message or a file, names the kind and why it matters but never the
// number, says Kluis protects it, sits in a status region, goes away when
// the number does, says which large files it did not check, changes
// nothing else, and axe-core finds no violation. Runs against the test
// build (dist-fixture/), where test/fixture/engine.ts plays the detector.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { serve } from "./server.mjs";
import { assertClean, axe, launch, open, webRoot } from "./browser.mjs";

let server;
let browser;
before(async () => {
  server = await serve(join(webRoot, "dist-fixture"));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const WORDS = {
  nl: { files: "Welke bestanden stuurt u?", password: "Wachtwoord", title: "Er staan gevoelige gegevens", bsn: "In uw bericht: een burgerservicenummer (BSN). Dat is een persoonlijk nummer.", inFile: "In dossier.txt: informatie over iemands gezondheid.", protects: "Kluis versleutelt uw bericht en bestanden", skipped: "niet gecontroleerd, omdat ze groter zijn dan 10 MB: groot.txt" },
  en: { files: "Which files are you sending?", password: "Password", title: "Your message or files contain sensitive information", bsn: "In your message: a citizen service number (BSN). This is a personal number.", inFile: "In dossier.txt: information about a person's health.", protects: "Kluis encrypts your message and files", skipped: "not checked because they are larger than 10 MB: groot.txt" },
};

const submit = (page) => page.click("main form button[type=submit]");
const heading = (page, text) => page.waitForFunction((t) => document.querySelector("main h1")?.textContent?.includes(t), text);
const noteText = (page) => page.evaluate(() => document.getElementById("sensitive-note")?.textContent ?? null);

/** Signs in with the fixture's code and names one recipient: the files step. */
async function toFilesStep(page, lang) {
  await page.goto(`${server.url}/?lang=${lang}`);
  await page.fill("#address", "m.devries@example.org");
  await submit(page);
  await page.waitForSelector("#code");
  await page.fill("#code", "1234 5678");
  await submit(page);
  await page.waitForSelector("#recipient-0");
  await page.fill("#recipient-0", "a.jansen@gemeente.example");
  await submit(page);
  await heading(page, WORDS[lang].files);
}

for (const lang of ["nl", "en"]) {
  const w = WORDS[lang];

  test(`a citizen service number in the message brings a calm note (${lang})`, async () => {
    const { context, page, errors } = await open(browser, { lang });
    await toFilesStep(page, lang);
    assert.equal(await page.getAttribute("#sensitive-note", "role"), "status", "the note is a status region");
    assert.equal(await noteText(page), "", "no note before anything is found");
    await page.fill("#message", "Geachte heer,\nMijn BSN is 111222333. Met vriendelijke groet");
    await page.waitForSelector("#sensitive-note li");
    const text = await noteText(page);
    for (const part of [w.title, w.bsn, w.protects]) assert.ok(text.includes(part), `the note says "${part}": ${text}`);
    assert.ok(!/\d{4}/.test(text), `the note shows no number: ${text}`);
    assert.ok(await page.evaluate(() => !!document.querySelector("#sensitive-note strong")), "the title is words, not a colour");
    await axe(page, `${lang} files step with the note`);
    if (process.env.KLUIS_SHOTS_DIR) await page.screenshot({ path: join(process.env.KLUIS_SHOTS_DIR, `${lang}-sensitive-note.png`), fullPage: true });

    // A file with health data and one too large to check.
    await page.setInputFiles("#files", [
      { name: "dossier.txt", mimeType: "text/plain", buffer: Buffer.from("Verslag: de diagnose is gesteld.") },
      { name: "groot.txt", mimeType: "text/plain", buffer: Buffer.alloc(10_000_001, 0x61) },
    ]);
    await page.waitForFunction((part) => document.getElementById("sensitive-note")?.textContent?.includes(part), w.skipped);
    assert.ok((await noteText(page)).includes(w.inFile), await noteText(page));
    await axe(page, `${lang} files step with files in the note`);

    // The number gone, the message's line goes; the file's stays.
    await page.fill("#message", "Geachte heer, zie de bijlage.");
    await page.waitForFunction((part) => !document.getElementById("sensitive-note")?.textContent?.includes(part), w.bsn);
    assert.ok((await noteText(page)).includes(w.inFile));

    // Nothing else changes: the step goes on as before.
    await submit(page);
    await heading(page, w.password);
    assertClean(errors, `${lang} sensitive note`);
    await context.close();
  });
}

test("the note follows a language switch and a 9-digit number without context brings none", async () => {
  const { context, page, errors } = await open(browser, { lang: "nl" });
  await toFilesStep(page, "nl");
  await page.fill("#message", "Factuurnummer 123456782");
  await page.waitForTimeout(900);
  assert.equal(await noteText(page), "", "an order number is not flagged");
  await page.fill("#message", "Burgerservicenummer: 123456782");
  await page.waitForSelector("#sensitive-note li");
  await page.click("#lang-switch");
  await page.waitForFunction((t) => document.getElementById("sensitive-note")?.textContent?.includes(t), WORDS.en.bsn);
  assertClean(errors, "language switch");
  await context.close();
});
