// The real pages on the real kluis-server without a mouse: a keyboard-only
// send (the code typed from the mail, the file chosen in the chooser that
// Space opens) and a keyboard-only receive of it, with the bytes checked;
// and both languages at 320 px wide (no sideways scrolling, axe-core clean).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { assertClean, chooseWithKey, focusedId, launch, open, tabTo } from "../browser.mjs";
import { rm, startServer, workDir } from "./harness.mjs";
import { WORDS, heading, opfsFiles, opfsPickers, shownPassword, step, withoutPickers } from "./pages.mjs";

let work;
let server;
let browser;
before(async () => {
  work = await workDir("keyboard");
  server = await startServer(join(work, "server"));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Sends one file with the keyboard alone; returns { link, password }. */
async function keyboardSend(page, lang, from, to, file) {
  const w = WORDS[lang];
  await page.goto(`${server.url}/`);
  await page.waitForSelector("#address");
  await page.keyboard.press("Tab");
  assert.equal(await focusedId(page), "skip", "the first Tab reaches the skip link");
  await tabTo(page, "#address");
  await page.keyboard.type(from);
  await page.keyboard.press("Enter");
  await heading(page, w.code);
  await tabTo(page, "#code");
  await page.keyboard.type(await server.code(from));
  await page.keyboard.press("Enter");
  await heading(page, w.recipients);
  await tabTo(page, "#recipient-0");
  await page.keyboard.type(to);
  await page.keyboard.press("Enter");
  await heading(page, w.files);
  await tabTo(page, "#files");
  const chooser = await chooseWithKey(page, "Space");
  await chooser.setFiles([file]);
  await page.waitForSelector(".kluis-file-list__item");
  await tabTo(page, "#message");
  await page.keyboard.type("Met het toetsenbord verstuurd.");
  await tabTo(page, "main form button[type=submit]");
  await page.keyboard.press("Enter");
  await heading(page, w.password);
  await tabTo(page, "main form button[type=submit]");
  await page.keyboard.press("Enter");
  await heading(page, w.options);
  await tabTo(page, "main form button[type=submit]");
  await page.keyboard.press("Enter");
  await heading(page, w.check);
  await tabTo(page, "#send");
  await page.keyboard.press("Enter");
  await heading(page, w.done, 60_000);
  return { link: (await page.textContent("#link")).trim(), password: await shownPassword(page, "done-password") };
}

test("send and receive with the keyboard only, on the real server", async () => {
  const lang = "nl";
  const s = await open(browser, { lang });
  const file = { name: "aanvraag.txt", mimeType: "text/plain", buffer: Buffer.from("Aanvraag, met het toetsenbord.\n".repeat(1000)) };
  const sent = await keyboardSend(s.page, lang, "toetsenbord@gemeente.example", "ontvanger-kb@example.org", file);
  assert.equal(await server.link("ontvanger-kb@example.org"), sent.link);
  assertClean(s.errors, "keyboard send");
  await s.context.close();

  const r = await open(browser, { lang });
  await withoutPickers(r.context);
  await r.page.goto(sent.link);
  await r.page.waitForSelector("#password");
  await tabTo(r.page, "#password");
  await r.page.keyboard.type("fout-wachtwoord-fout");
  await r.page.keyboard.press("Enter");
  await r.page.waitForSelector("#password-error", { timeout: 30_000 });
  assert.equal(await focusedId(r.page), "password", "focus stays in the password field");
  await r.page.keyboard.type(sent.password);
  await r.page.keyboard.press("Enter");
  await r.page.waitForSelector("#save-0", { timeout: 30_000 });
  await tabTo(r.page, "#save-0");
  const [download] = await Promise.all([r.page.waitForEvent("download"), r.page.keyboard.press("Enter")]);
  assert.equal(download.suggestedFilename(), "aanvraag.txt");
  await r.page.waitForSelector("#file-status-0.kluis-file-status--done");
  assert.ok((await readFile(await download.path())).equals(file.buffer), "the saved bytes are the file's");
  assertClean(r.errors, "keyboard receive");
  await r.context.close();
});

for (const lang of ["nl", "en"]) {
  test(`320 px wide: the send and receive pages reflow (${lang})`, async () => {
    const noSideways = async (page, name) => {
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 320, `${name}: ${wide} px wide at a 320 px viewport`);
    };
    const from = `smal-${lang}@gemeente.example`;
    const s = await open(browser, { lang, width: 320, height: 640 });
    await s.page.goto(`${server.url}/`);
    await s.page.waitForSelector("#address");
    await noSideways(s.page, "address");
    await step(s.page, `${lang}-send-01-address-320`);
    await s.page.fill("#address", from);
    await s.page.keyboard.press("Enter");
    await heading(s.page, WORDS[lang].code);
    await s.page.fill("#code", await server.code(from));
    await s.page.keyboard.press("Enter");
    await heading(s.page, WORDS[lang].recipients);
    await s.page.fill("#recipient-0", `smal-ontvanger-${lang}@example.org`);
    await s.page.keyboard.press("Enter");
    await heading(s.page, WORDS[lang].files);
    await s.page.setInputFiles("#files", [{ name: "een-bestand-met-een-heel-lange-naam-zonder-spaties-2026.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(20_000, 9) }]);
    await noSideways(s.page, "files");
    await s.page.click("main form button[type=submit]");
    await heading(s.page, WORDS[lang].password);
    await noSideways(s.page, "password");
    await step(s.page, `${lang}-send-05-password-320`);
    await s.page.click("main form button[type=submit]");
    await heading(s.page, WORDS[lang].options);
    await s.page.click("main form button[type=submit]");
    await heading(s.page, WORDS[lang].check);
    await noSideways(s.page, "check");
    await s.page.click("#send");
    await heading(s.page, WORDS[lang].done, 60_000);
    await noSideways(s.page, "done");
    await step(s.page, `${lang}-send-09-done-320`);
    const link = (await s.page.textContent("#link")).trim();
    const password = await shownPassword(s.page, "done-password");
    assertClean(s.errors, `320 send (${lang})`);
    await s.context.close();

    const r = await open(browser, { lang, width: 320, height: 640 });
    await opfsPickers(r.context);
    await r.page.goto(link);
    await r.page.waitForSelector("#password");
    await noSideways(r.page, "landing");
    await step(r.page, `${lang}-receive-01-landing-320`);
    await r.page.fill("#password", password);
    await r.page.keyboard.press("Enter");
    await r.page.waitForSelector("#save-all", { timeout: 30_000 });
    await r.page.click("#save-all");
    await r.page.waitForSelector("#file-status-0.kluis-file-status--done");
    assert.equal(Object.keys(await opfsFiles(r.page)).length, 1);
    await noSideways(r.page, "unlocked");
    await step(r.page, `${lang}-receive-03-unlocked-320`);
    assertClean(r.errors, `320 receive (${lang})`);
    await r.context.close();
  });
}
