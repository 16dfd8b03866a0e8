// Reflow: at 320 CSS pixels wide and at 200 % zoom (a 1280-pixel window
// shows 640 CSS pixels) no page scrolls sideways, no heading splits a word
// across lines, and axe still finds nothing.
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

/**
 * Headings keep their words whole: no word of a heading in `main` spans two
 * lines, neither hyphenated nor broken. The fixture's texts hold long Dutch
 * words (the subject "Uw aanvraag omgevingsvergunning"), which the narrow
 * screen's heading size must fit on one line.
 */
async function wordsWhole(page, name) {
  const broken = await page.evaluate(() => {
    const out = [];
    for (const heading of document.querySelectorAll("main :is(h1, h2, h3)")) {
      const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const word of node.data.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, word.index);
          range.setEnd(node, word.index + word[0].length);
          const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.bottom)));
          if (lines.size > 1) {
            const size = getComputedStyle(heading).fontSize;
            out.push(`<${heading.localName}> at ${size} in ${heading.clientWidth}px splits ${JSON.stringify(word[0])}`);
          }
        }
      }
    }
    return out;
  });
  assert.deepEqual(broken, [], `${name}: a heading splits a word across lines`);
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
      await wordsWhole(page, "address");
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
      await wordsWhole(page, "password");
      await check(page, `${lang}-send-05-password-${label}`, { shot: lang === "nl" });
      await page.goto(`${server.url}/t/countedabcdefghijklmnopqr?lang=${lang}`);
      await page.waitForSelector("#password");
      await noSideScroll(page, "landing");
      await wordsWhole(page, "landing");
      await check(page, `${lang}-receive-01-landing-${label}`, { shot: lang === "nl" });
      await page.fill("#password", "correct-horse-battery");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#save-all");
      await noSideScroll(page, "unlocked");
      await wordsWhole(page, "unlocked");
      await axe(page, "unlocked");
      await check(page, `${lang}-receive-03-unlocked-${label}`, { shot: lang === "nl" });
      await context.close();
    }
  });
}
