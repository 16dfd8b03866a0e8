// Steps through the real pages, shared by the end-to-end tests: every
// screen is checked by axe-core (WCAG 2.0/2.1 A and AA, zero violations)
// and, when named, photographed into docs/web/server/ (real engine, real
// kluis-server).
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { axe, shotsDir } from "../browser.mjs";

export const serverShots = join(shotsDir, "server");

/** axe on the page, then (with a name) a full-page screenshot docs/web/server/<name>.png. */
export async function step(page, name, { shot = true } = {}) {
  await page.waitForTimeout(80);
  await axe(page, name);
  if (shot) {
    mkdirSync(serverShots, { recursive: true });
    await page.screenshot({ path: join(serverShots, `${name}.png`), fullPage: true });
  }
}

export const WORDS = {
  nl: { code: "verificatiecode", recipients: "Naar wie", files: "Welke bestanden", password: "Wachtwoord", options: "Instellingen", check: "Controleer", done: "De bestanden zijn verstuurd", withdrawn: "ingetrokken", reply: "Veilig antwoorden", replyDone: "Uw antwoord is verstuurd" },
  en: { code: "verification code", recipients: "Who are you sending", files: "Which files", password: "Password", options: "Settings", check: "Check your answers", done: "Your files have been sent", withdrawn: "withdrawn", reply: "Reply securely", replyDone: "Your reply has been sent" },
};

/** Waits for the main heading to contain `text`. */
export async function heading(page, text, timeout = 30_000) {
  await page.waitForFunction((t) => document.querySelector("main h1")?.textContent?.toLowerCase().includes(t.toLowerCase()), text, { timeout });
}

export const submit = (page) => page.click("main form button[type=submit]");

/** The password shown grouped in element `id` ("a - b - c" in its label). */
export async function shownPassword(page, id) {
  const label = await page.getAttribute(`#${id}`, "aria-label");
  return label.split(" - ").join("-");
}

/** Makes the page save through the service worker (as browsers without the File System Access API do). */
export async function withoutPickers(context) {
  await context.addInitScript(() => {
    delete window.showSaveFilePicker;
    delete window.showDirectoryPicker;
  });
}

/**
 * Answers the File System Access pickers with the origin-private folder
 * (a headless browser cannot show a picker), so the page's own FSA path
 * writes the files; `saved(page)` lists them with their SHA-256.
 */
export async function opfsPickers(context) {
  await context.addInitScript(() => {
    window.showDirectoryPicker = () => navigator.storage.getDirectory();
    window.showSaveFilePicker = async ({ suggestedName } = {}) => (await navigator.storage.getDirectory()).getFileHandle(suggestedName ?? "file", { create: true });
  });
}

/** The files in the origin-private folder: name → [size, SHA-256 hex] (small files only). */
export function opfsFiles(page) {
  return page.evaluate(async () => {
    const dir = await navigator.storage.getDirectory();
    const out = {};
    for await (const [name, handle] of dir.entries()) {
      const bytes = await (await handle.getFile()).arrayBuffer();
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
      out[name] = [bytes.byteLength, Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")];
    }
    return out;
  });
}

/**
 * The send page from the address to "check your answers", photographing
 * each step as `<lang>-<prefix>-NN-…` when `shots`. `files` are paths or
 * playwright file payloads. Returns after the check page is shown.
 */
export async function composeInBrowser(page, server, { lang, from, to, files, subject, message, limit = "", shots = true, prefix = "send", remembered = false }) {
  const w = WORDS[lang];
  const name = (n) => (shots ? `${lang}-${prefix}-${n}` : null);
  const at = (n) => step(page, name(n) ?? n, { shot: Boolean(name(n)) });
  await page.goto(`${server.url}/`);
  assert.equal(await page.getAttribute("html", "lang"), lang);
  if (!remembered) {
    await page.waitForSelector("#address");
    await at("01-address");
    await page.fill("#address", from);
    const before = (await server.mailsTo(from)).length;
    await submit(page);
    await heading(page, w.code);
    await at("02-code");
    await page.fill("#code", await server.code(from, before + 1));
    await submit(page);
  }
  await heading(page, w.recipients);
  await page.fill("#recipient-0", to[0]);
  for (let i = 1; i < to.length; i++) {
    await page.click("#add-recipient");
    await page.fill(`#recipient-${i}`, to[i]);
  }
  await at(remembered ? "03-recipients-remembered" : "03-recipients");
  await submit(page);
  await heading(page, w.files);
  await page.setInputFiles("#files", files);
  if (subject) await page.fill("#subject", subject);
  if (message) await page.fill("#message", message);
  await at("04-files");
  await submit(page);
  await heading(page, w.password);
  await page.waitForSelector("#generated-password");
  await at("05-password");
  await submit(page);
  await heading(page, w.options);
  if (limit) await page.selectOption("#limit", limit);
  await page.check(`input[name=mail-language][value=${lang}]`);
  await at("06-options");
  await submit(page);
  await heading(page, w.check);
  await at("07-check");
}

/** Clicks Send (unless `click` is false: already clicked) and waits for the done page; returns { link, password }. */
export async function sendAndWait(page, { lang, shotName = null, timeout = 120_000, click = true }) {
  if (click) await page.click("#send");
  await heading(page, WORDS[lang].done, timeout);
  const link = (await page.textContent("#link")).trim();
  const password = await shownPassword(page, "done-password");
  if (shotName) await step(page, shotName);
  return { link, password };
}
