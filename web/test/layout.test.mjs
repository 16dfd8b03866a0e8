// Reflow: at 320 CSS pixels wide and at 200 % zoom (a 1280-pixel window
// shows 640 CSS pixels) no page scrolls sideways and axe still finds nothing.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { serve } from "./server.mjs";
import { axe, check, launch, open, webRoot } from "./browser.mjs";

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

async function noSideScroll(page, name) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width, `${name}: page is ${scroll}px wide in a ${width}px window`);
}

for (const [label, options] of [
  ["320", { width: 320, height: 640, scale: 1 }],
  ["zoom200", { width: 640, height: 450, scale: 2 }],
]) {
  test(`no sideways scrolling at ${label === "320" ? "320 px" : "200 % zoom"}`, async () => {
    for (const lang of ["nl", "en"]) {
      const { context, page } = await open(browser, { lang, ...options });
      await page.goto(`${server.url}/?lang=${lang}`);
      await page.waitForSelector("#address");
      await noSideScroll(page, "address");
      await check(page, `${lang}-send-01-address-${label}`, { shot: lang === "nl" });
      await page.fill("#address", "m.devries@example.org");
      await page.click("main form button[type=submit]");
      await page.waitForSelector("#code");
      await page.fill("#code", "12345678");
      await page.click("main form button[type=submit]");
      await page.waitForSelector("#recipient-0");
      await page.fill("#recipient-0", "a.jansen@gemeente.example");
      await page.click("main form button[type=submit]");
      await page.waitForSelector("#files");
      await page.setInputFiles("#files", [{ name: "een-heel-lang-bestandsnaam-zonder-spaties-voor-de-test.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(1000) }]);
      await noSideScroll(page, "files");
      await page.click("main form button[type=submit]");
      await page.waitForSelector("#generated-password");
      await noSideScroll(page, "password");
      await check(page, `${lang}-send-05-password-${label}`, { shot: lang === "nl" });
      await page.goto(`${server.url}/t/countedabcdefghijklmnopqr?lang=${lang}`);
      await page.waitForSelector("#password");
      await noSideScroll(page, "landing");
      await check(page, `${lang}-receive-01-landing-${label}`, { shot: lang === "nl" });
      await page.fill("#password", "correct-horse-battery");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#save-all");
      await noSideScroll(page, "unlocked");
      await axe(page, "unlocked");
      await check(page, `${lang}-receive-03-unlocked-${label}`, { shot: lang === "nl" });
      await context.close();
    }
  });
}
