// Shared parts of the browser tests: Debian's Chromium driven by
// playwright-core, axe-core from node_modules, screenshots into docs/web/.
import { chromium } from "playwright-core";
import { readFileSync, mkdirSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const here = dirname(fileURLToPath(import.meta.url));
export const webRoot = join(here, "..");
export const shotsDir = join(webRoot, "..", "docs", "web");
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** Starts headless Chromium with the flags this machine needs. */
export function launch() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A fresh context and page; every console error (a CSP refusal among them) is collected in `errors`. */
export async function open(browser, { lang = "nl", width = 1024, height = 900, scale = 1 } = {}) {
  const context = await browser.newContext({ acceptDownloads: true, locale: lang === "nl" ? "nl-NL" : "en-GB", viewport: { width, height }, deviceScaleFactor: scale, timezoneId: "Europe/Amsterdam" });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  return { context, page, errors };
}

/** Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page and fails on any violation. */
export async function axe(page, name) {
  const loaded = await page.evaluate(() => typeof window.axe === "object");
  // Evaluated through the DevTools protocol, so the page's CSP does not apply to it.
  if (!loaded) await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] }),
  );
  const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  assert.deepEqual(found, [], `axe violations on ${name}`);
}

/** axe, then a full-page screenshot docs/web/<name>.png. */
export async function check(page, name, { shot = true } = {}) {
  await page.waitForTimeout(60);
  await axe(page, name);
  if (shot) {
    mkdirSync(shotsDir, { recursive: true });
    await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });
  }
}

/** Presses Tab until `selector` has the focus (keyboard only); fails after `max` presses. */
export async function tabTo(page, selector, max = 40) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${selector}`);
}

/**
 * Presses `key` on the focused file input and gives the file chooser it
 * opens. Playwright turns file-chooser interception on without waiting for
 * the browser (a listener's subscription is sent and not awaited), so on a
 * busy machine a key pressed at once could reach the page first and open
 * the real, headless chooser, which never reports. The listener goes on
 * first, and a round trip to the page (after the interception request on
 * the same connection) makes sure it is in force before the key.
 */
export async function chooseWithKey(page, key, timeout = 30_000) {
  let timer;
  const chosen = new Promise((resolve, reject) => {
    page.once("filechooser", resolve);
    timer = setTimeout(() => reject(new Error(`no file chooser within ${timeout} ms of ${key}`)), timeout);
  });
  await page.evaluate(() => 0);
  await page.keyboard.press(key);
  try {
    return await chosen;
  } finally {
    clearTimeout(timer);
  }
}

/** The id of the focused element. */
export function focusedId(page) {
  return page.evaluate(() => document.activeElement?.id ?? "");
}

/** No console errors, so no CSP refusal either. */
export function assertClean(errors, name) {
  assert.deepEqual(errors, [], `console errors on ${name}`);
}

/** Deterministic bytes of the fixture's file `index` (as test/fixture/engine.ts makes them). */
export function fixtureBytes(index, size) {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + index) & 255;
  return out;
}
