// Renders the pages' padlock (web/templates/favicon.svg) as the PNG icons
// an add-in manifest needs (16, 32, 64, 80 and 128 pixels) into icons/,
// with headless Chromium ($KLUIS_CHROMIUM). Run once when the logo
// changes; the PNGs are committed, so a build needs no browser.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = dirname(fileURLToPath(import.meta.url));
const svg = readFileSync(join(root, "../../web/templates/favicon.svg"), "utf8");
const browser = await chromium.launch({ executablePath: process.env.KLUIS_CHROMIUM ?? "/usr/bin/chromium" });
try {
  for (const size of [16, 32, 64, 80, 128]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace("<svg ", `<svg width="${size}" height="${size}" `)}</body></html>`);
    writeFileSync(join(root, "icons", `icon-${size}.png`), await page.screenshot({ omitBackground: true }));
    await page.close();
  }
} finally {
  await browser.close();
}
