// The whole send and receive flow with the keyboard alone: Tab to reach,
// typing, Enter and Space to act. The mouse is never used (a file is
// chosen in the browser's file chooser, which Space opens on the input).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { serve } from "./server.mjs";
import { assertClean, chooseWithKey, focusedId, launch, open, tabTo, webRoot } from "./browser.mjs";

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

async function heading(page, text) {
  await page.waitForFunction((t) => document.querySelector("main h1")?.textContent?.includes(t), text);
}

test("send with the keyboard only", async () => {
  const { context, page, errors } = await open(browser, { lang: "nl" });
  await page.goto(`${server.url}/?lang=nl`);
  await page.waitForSelector("#address");
  // The first Tab reaches the skip link, and it leads to the content.
  await page.keyboard.press("Tab");
  assert.equal(await focusedId(page), "skip");
  await tabTo(page, "#address");
  await page.keyboard.type("m.devries@example.org");
  await page.keyboard.press("Enter");
  await heading(page, "verificatiecode");
  await tabTo(page, "#code");
  await page.keyboard.type("1234 5678");
  await page.keyboard.press("Enter");
  await heading(page, "Naar wie");
  await tabTo(page, "#recipient-0");
  await page.keyboard.type("a.jansen@gemeente.example");
  await tabTo(page, "#add-recipient");
  await page.keyboard.press("Enter");
  assert.equal(await focusedId(page), "recipient-1", "a new recipient field takes the focus");
  await page.keyboard.type("b.bakker@gemeente.example");
  await page.keyboard.press("Enter");
  await heading(page, "Welke bestanden");
  await tabTo(page, "#files");
  const chooser = await chooseWithKey(page, "Space");
  await chooser.setFiles([{ name: "brief.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(4096, 7) }]);
  await page.waitForSelector(".kluis-file-list__item");
  await tabTo(page, "#subject");
  await page.keyboard.type("Brief");
  await page.keyboard.press("Enter");
  await heading(page, "Wachtwoord");
  // Choose my own: arrow keys move between the radio buttons.
  await tabTo(page, "#password-mode");
  await page.keyboard.press("ArrowDown");
  await page.waitForSelector("#own-password");
  await tabTo(page, "#own-password");
  await page.keyboard.type("kort");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".kluis-error-summary");
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains("kluis-error-summary")), true);
  // The summary's link leads back into the field.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  assert.equal(await focusedId(page), "own-password");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("Tulpen fietsen 7 keer langs de Amstel");
  await page.keyboard.press("Enter");
  await heading(page, "Instellingen");
  await tabTo(page, "main form button[type=submit]");
  await page.keyboard.press("Enter");
  await heading(page, "Controleer uw gegevens");
  await tabTo(page, "#send");
  await page.keyboard.press("Enter");
  await heading(page, "De bestanden zijn verstuurd");
  await tabTo(page, "#withdraw");
  await page.keyboard.press("Enter");
  await tabTo(page, "#confirm-withdraw");
  await page.keyboard.press("Enter");
  await heading(page, "ingetrokken");
  assertClean(errors, "keyboard send");
  await context.close();
});

test("receive with the keyboard only", async () => {
  const { context, page, errors } = await open(browser, { lang: "nl" });
  await page.goto(`${server.url}/t/abcdefghijklmnopqrstuvwxyz?lang=nl&save=blob`);
  await page.waitForSelector("#password");
  await tabTo(page, "#password");
  await page.keyboard.type("fout-wachtwoord");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#password-error");
  assert.equal(await focusedId(page), "password", "focus stays in the password field");
  assert.equal(await page.inputValue("#password"), "", "the wrong password is cleared");
  // Show/hide is a button next to the field.
  await page.keyboard.type("correct-horse-battery");
  await tabTo(page, ".kluis-reveal", 3);
  await page.keyboard.press("Enter");
  assert.equal(await page.getAttribute("#password", "type"), "text");
  await tabTo(page, "#open");
  await page.keyboard.press("Enter");
  await heading(page, "omgevingsvergunning");
  await tabTo(page, "#save-0");
  const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
  assert.equal(download.suggestedFilename(), "rapport.pdf");
  await page.waitForSelector("#file-status-0.kluis-file-status--done");
  assertClean(errors, "keyboard receive");
  await context.close();
});
