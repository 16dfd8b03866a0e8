// Every page and state in both languages: axe-core finds no violation, no
// console error (so no CSP refusal), and a screenshot of each lands in
// docs/web/. Runs against the test build (dist-fixture/: the engine and the
// server calls are played by test/fixture/), served with the real headers.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { serve } from "./server.mjs";
import { assertClean, check, launch, open, webRoot } from "./browser.mjs";

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
  nl: { codeTitle: "Vul de verificatiecode in", recipients: "Naar wie stuurt u de bestanden?", files: "Welke bestanden stuurt u?", password: "Wachtwoord", options: "Instellingen voor de ontvangers", check: "Controleer uw gegevens", done: "De bestanden zijn verstuurd", withdrawn: "De bestanden zijn ingetrokken", failed: "Het versturen is niet gelukt", unlocked: "Uw aanvraag omgevingsvergunning", reply: "Veilig antwoorden", replyDone: "Uw antwoord is verstuurd", own: "Ik kies zelf een wachtwoord", generate: "Maak een wachtwoord voor mij", withdraw: "Intrekken", confirm: "Ja, intrekken", add: "Nog een ontvanger toevoegen" },
  en: { codeTitle: "Enter the verification code", recipients: "Who are you sending the files to?", files: "Which files are you sending?", password: "Password", options: "Settings for the recipients", check: "Check your answers", done: "Your files have been sent", withdrawn: "The files have been withdrawn", failed: "Sending did not work", unlocked: "Uw aanvraag omgevingsvergunning", reply: "Reply securely", replyDone: "Your reply has been sent", own: "I will choose my own password", generate: "Create a password for me", withdraw: "Withdraw", confirm: "Yes, withdraw", add: "Add another recipient" },
};

async function heading(page, text) {
  await page.waitForFunction((t) => document.querySelector("main h1")?.textContent?.includes(t), text);
}

const submit = (page) => page.click("main form button[type=submit]");

const files = [
  { name: "paspoort.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(1_234_567, 1) },
  { name: "uittreksel BRP.jpg", mimeType: "image/jpeg", buffer: Buffer.alloc(345_678, 2) },
];

for (const lang of ["nl", "en"]) {
  const w = WORDS[lang];

  test(`send pages and their errors (${lang})`, async () => {
    const { context, page, errors } = await open(browser, { lang });
    await page.goto(`${server.url}/?lang=${lang}&sendMs=6000`);
    assert.equal(await page.getAttribute("html", "lang"), lang);
    await page.waitForSelector("#address");
    await check(page, `${lang}-send-01-address`);
    await submit(page);
    await page.waitForSelector(".kluis-error-summary");
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains("kluis-error-summary")), true, "the error summary takes the focus");
    await check(page, `${lang}-send-01-address-error`);
    await page.fill("#address", "m.devries@example.org");
    await submit(page);
    await heading(page, w.codeTitle);
    await check(page, `${lang}-send-02-code`);
    await page.fill("#code", "1111 2222");
    await submit(page);
    await page.waitForSelector(".kluis-error-summary");
    await check(page, `${lang}-send-02-code-error`);
    await page.fill("#code", "1234 5678");
    await submit(page);
    await heading(page, w.recipients);
    await check(page, `${lang}-send-03-recipients`);
    await page.fill("#recipient-0", "a.jansen@gemeente.example");
    await page.click("#add-recipient");
    await page.fill("#recipient-1", "not an address");
    await submit(page);
    await page.waitForSelector(".kluis-error-summary");
    await check(page, `${lang}-send-03-recipients-error`);
    await page.fill("#recipient-1", "b.bakker@gemeente.example");
    await submit(page);
    await heading(page, w.files);
    await submit(page);
    await page.waitForSelector(".kluis-error-summary");
    await check(page, `${lang}-send-04-files-error`, { shot: false });
    await page.setInputFiles("#files", files);
    await page.fill("#subject", "Aanvraag paspoort");
    await page.fill("#message", "Hierbij mijn documenten.\nMet vriendelijke groet, M. de Vries");
    await check(page, `${lang}-send-04-files`);
    await submit(page);
    await heading(page, w.password);
    assert.match(await page.textContent("#generated-password"), /k7mq/);
    await check(page, `${lang}-send-05-password`);
    await page.click(`text=${w.own}`);
    await page.fill("#own-password", "devries123");
    await page.waitForTimeout(800);
    await submit(page);
    await page.waitForSelector(".kluis-error-summary");
    await check(page, `${lang}-send-05-password-weak`);
    await page.fill("#own-password", "Tulpen fietsen 7 keer langs de Amstel");
    await page.waitForTimeout(800);
    await check(page, `${lang}-send-05-password-own`);
    await page.click(`text=${w.generate}`);
    await submit(page);
    await heading(page, w.options);
    await check(page, `${lang}-send-06-options`);
    await submit(page);
    await heading(page, w.check);
    // Several files: each with its size, then the total once.
    const filesRow = await page.textContent("main dl");
    assert.match(filesRow, lang === "nl" ? /Samen \d/ : /\d[^,]* in all/, filesRow);
    await check(page, `${lang}-send-07-check`);
    await page.click("#send");
    await page.waitForSelector("#send-progress-bar");
    await page.waitForTimeout(2200);
    await check(page, `${lang}-send-08-progress`);
    await heading(page, w.done);
    await check(page, `${lang}-send-09-done`);
    await page.click("#withdraw");
    await page.waitForSelector("#confirm-withdraw");
    await check(page, `${lang}-send-10-withdraw`);
    await page.click("#confirm-withdraw");
    await heading(page, w.withdrawn);
    await check(page, `${lang}-send-11-withdrawn`);

    // The verification is remembered: a new visit starts at the recipients, with "forget".
    await page.goto(`${server.url}/?lang=${lang}&sendMs=200`);
    await heading(page, w.recipients);
    await page.waitForSelector("#forget");
    await check(page, `${lang}-send-12-remembered`);
    await page.fill("#recipient-0", "fail@example.org");
    await submit(page);
    await heading(page, w.files);
    await page.setInputFiles("#files", files.slice(0, 1));
    await submit(page);
    await heading(page, w.password);
    await submit(page);
    await heading(page, w.options);
    await submit(page);
    await heading(page, w.check);
    await page.click("#send");
    await heading(page, w.failed);
    await check(page, `${lang}-send-13-failed`);
    const stored = await page.evaluate(() => Object.keys(localStorage).sort());
    assert.deepEqual(stored, ["kluis.sender"], "localStorage holds only the sender's verification (and the language once chosen)");
    assertClean(errors, `send (${lang})`);
    await context.close();
  });

  test(`receive pages, reply and states (${lang})`, async () => {
    const { context, page, errors } = await open(browser, { lang });
    await page.goto(`${server.url}/t/countedabcdefghijklmnopqr?lang=${lang}&save=blob`);
    await page.waitForSelector("#password");
    await check(page, `${lang}-receive-01-landing`);
    await page.fill("#password", "wrong-password");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#password-error");
    assert.equal(await page.inputValue("#password"), "", "a wrong password is cleared");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "password", "and the field keeps the focus");
    await check(page, `${lang}-receive-02-wrong-password`);
    await page.fill("#password", "correct-horse-battery");
    await page.keyboard.press("Enter");
    await heading(page, w.unlocked);
    await check(page, `${lang}-receive-03-unlocked`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save-1")]);
    assert.equal(download.suggestedFilename(), "foto paspoort.jpg");
    await page.click("#save-2");
    await page.waitForSelector("#file-status-2.kluis-file-status--failed");
    await page.waitForSelector("#file-status-1.kluis-file-status--done");
    await check(page, `${lang}-receive-04-saved`);
    await page.click("#reply");
    await heading(page, w.reply);
    await check(page, `${lang}-reply-01-address`);
    await page.fill("#reply-address", "m.devries@example.org");
    await submit(page);
    await heading(page, w.reply);
    await page.waitForSelector("#files");
    await submit(page);
    await page.waitForSelector(".kluis-error-summary");
    await page.fill("#message", "Hierbij het ondertekende formulier.");
    await page.setInputFiles("#files", files.slice(1));
    await check(page, `${lang}-reply-02-files`);
    await submit(page);
    await heading(page, w.password);
    await submit(page);
    await heading(page, w.check);
    await check(page, `${lang}-reply-03-check`);
    await page.click("#send");
    await heading(page, w.replyDone);
    await check(page, `${lang}-reply-04-done`);
    assertClean(errors.filter((e) => !/Failed to load resource.*404/.test(e)), `receive (${lang})`);
    await context.close();
  });

  test(`state pages (${lang})`, async () => {
    const { context, page, errors } = await open(browser, { lang });
    for (const state of ["expired", "withdrawn", "limit", "notfound", "busy"]) {
      await page.goto(`${server.url}/t/${state}abcdefghijklmnopq?lang=${lang}`);
      await page.waitForSelector("main h1:not(.kluis-fallback h1)");
      await check(page, `${lang}-state-${state}`);
    }
    // Errors the engine reports after the password: the link's id tells the fixture which.
    await page.goto(`${server.url}/t/goneabcdefghijklmnopqrstu?lang=${lang}`);
    await page.fill("#password", "x");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => !document.getElementById("password"));
    await check(page, `${lang}-state-limit-after-password`, { shot: false });
    assertClean(errors, `states (${lang})`);
    await context.close();

    // A browser without WebAssembly gets "browser too old".
    const old = await open(browser, { lang });
    await old.page.addInitScript(() => {
      delete window.WebAssembly;
    });
    await old.page.goto(`${server.url}/?lang=${lang}`);
    await old.page.waitForFunction(() => document.querySelector("main h1")?.getAttribute("tabindex") === "-1");
    await check(old.page, `${lang}-state-old-browser`);
    await old.context.close();
  });
}

test("a municipality's theme: its tokens, name and logo, from the server", async () => {
  const { context, page, errors } = await open(browser, { lang: "nl" });
  await page.goto(`${server.url}/t/countedabcdefghijklmnopqr?lang=nl&theme=demo`);
  await page.waitForSelector("#password");
  assert.equal(await page.getAttribute(".kluis-header__logo", "alt"), "Gemeente Groenstad");
  const color = await page.evaluate(() => getComputedStyle(document.querySelector("#open")).backgroundColor);
  assert.equal(color, "rgb(0, 100, 60)", "the theme's token colours the primary button");
  await check(page, "nl-receive-01-landing-theme");
  await page.goto(`${server.url}/?lang=nl&theme=demo`);
  await page.waitForSelector("#address");
  await check(page, "nl-send-01-address-theme");
  assertClean(errors, "theme");
  await context.close();
});

test("the language switch changes the page and is remembered", async () => {
  const { context, page, errors } = await open(browser, { lang: "nl" });
  await page.goto(`${server.url}/`);
  await page.waitForSelector("#address");
  await page.fill("#address", "m.devries@example.org");
  await page.click("#lang-switch");
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.equal(await page.textContent("main h1"), "Your email address");
  assert.equal(await page.inputValue("#address"), "m.devries@example.org", "what was typed stays");
  assert.equal(await page.evaluate(() => localStorage.getItem("kluis.language")), "en");
  await page.goto(`${server.url}/?lang=nl`);
  await page.waitForSelector("#address");
  assert.equal(await page.getAttribute("html", "lang"), "en", "the remembered choice wins over the server's guess");
  assertClean(errors, "language switch");
  await context.close();
});
