// The three ways a decrypted file is saved, each forced in turn by the
// fixture's ?save=: the bytes that arrive are exactly the file's, and a
// file that fails its check (beschadigd.txt) is not kept.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { serve } from "./server.mjs";
import { assertClean, fixtureBytes, launch, open, webRoot } from "./browser.mjs";

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

async function unlocked(page, save) {
  await page.goto(`${server.url}/t/abcdefghijklmnopqrstuvwxyz?lang=en&save=${save}`);
  await page.fill("#password", "correct-horse-battery");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#save-all");
}

for (const path of ["blob", "sw"]) {
  test(`save through ${path === "sw" ? "the service worker" : "a Blob"}: exact bytes, a damaged file not kept`, async () => {
    const { context, page, errors } = await open(browser, { lang: "en" });
    await unlocked(page, path);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save-0")]);
    assert.equal(download.suggestedFilename(), "rapport.pdf");
    const file = await download.path();
    assert.ok(file, `download failed: ${await download.failure()}`);
    assert.ok(readFileSync(file).equals(fixtureBytes(0, 1_536_000)), "the saved bytes are the file's");
    await page.waitForSelector("#file-status-0.kluis-file-status--done");

    const downloads = [];
    page.on("download", (d) => downloads.push(d));
    await page.click("#save-2");
    await page.waitForSelector("#file-status-2.kluis-file-status--failed");
    assert.match(await page.textContent("#file-status-2"), /damaged or changed/);
    await page.waitForTimeout(500);
    for (const d of downloads) {
      // The service worker's download is cut, so the browser keeps no file.
      assert.notEqual(await d.failure(), null, "a damaged file's download must fail");
      assert.equal(await d.path().catch(() => null), null);
    }
    if (path === "blob") assert.equal(downloads.length, 0, "no Blob download is offered for a damaged file");
    assertClean(errors, path);
    await context.close();
  });
}

test("save through the File System Access API (into the origin-private folder): exact bytes, a damaged file removed", async () => {
  const { context, page, errors } = await open(browser, { lang: "en" });
  await unlocked(page, "fsa");
  await page.click("#save-all");
  await page.waitForSelector("#file-status-2.kluis-file-status--failed");
  await page.waitForSelector("#file-status-1.kluis-file-status--done");
  const saved = await page.evaluate(async () => {
    const dir = await navigator.storage.getDirectory();
    const out = {};
    for await (const [name, handle] of dir.entries()) {
      const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
      out[name] = Array.from(bytes.subarray(0, 64)).concat([bytes.length]);
    }
    return out;
  });
  assert.deepEqual(Object.keys(saved).sort(), ["foto paspoort.jpg", "rapport.pdf"], "the damaged file is not kept");
  const expect = (i, size) => Array.from(fixtureBytes(i, 64)).concat([size]);
  assert.deepEqual(saved["rapport.pdf"], expect(0, 1_536_000));
  assert.deepEqual(saved["foto paspoort.jpg"], expect(1, 307_200));
  // Saving again does not overwrite: the next copy gets a free name.
  await page.click("#save-0");
  await page.waitForFunction(async () => {
    const dir = await navigator.storage.getDirectory();
    try {
      await dir.getFileHandle("rapport (1).pdf");
      return true;
    } catch {
      return false;
    }
  });
  assertClean(errors, "fsa");
  await context.close();
});
