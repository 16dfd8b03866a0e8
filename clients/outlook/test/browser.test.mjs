// The task pane in headless Chromium, served by a real kluis-server on
// loopback ($KLUIS_SERVER_BIN, built with this checkout's
// clients/outlook/dist) with Office.js replaced by test/office-stub.js (a
// compose item with two attachments): the sender verifies by the mailed
// code, "Send securely" uploads, the body holds the link and no password,
// the attachments are gone, and `kluis receive` ($KLUIS_BIN) of the link
// with the shown password gives both back byte for byte. In English with
// the mouse and in Dutch with the keyboard only; axe-core finds nothing;
// screenshots of the pane and of the Smart Alert's text go to
// docs/mailclients/.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

import * as kluis from "kluis";
import { kluisBin } from "../../../bindings/js/test/cli.js";
import { startServer } from "../../../bindings/js/test/server.js";
import { loadUnits } from "./units.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "../../..");
const shots = join(repo, "docs", "mailclients");
const OFFICE_JS = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js";
const stub = readFileSync(join(here, "office-stub.js"), "utf8");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let server;
let browser;
before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startServer();
  // The server must embed this checkout's build of the add-in.
  const served = await (await fetch(`${server.url}/outlook/taskpane.html`)).text();
  const built = readFileSync(join(here, "..", "dist", "taskpane.html"), "utf8");
  const assetsOf = (html) => [...html.matchAll(/\/outlook\/assets\/[^"]+/g)].map((m) => m[0]).join(" ");
  if (assetsOf(served) !== assetsOf(built)) {
    throw new Error(`the kluis-server at ${process.env.KLUIS_SERVER_BIN ?? "target/"} embeds another build of clients/outlook/dist (${assetsOf(served) || "none"}): build it again after \`npm run build\` (cargo build -p kluis-server)`);
  }
  browser = await chromium.launch({ executablePath: process.env.KLUIS_CHROMIUM ?? "/usr/bin/chromium" });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function axe(page, name) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(axeSource);
  const found = await page.evaluate(() =>
    window.axe
      .run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] })
      .then((r) => r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)),
  );
  assert.deepEqual(found, [], `axe violations on ${name}`);
}

/** Opens `path` of the server with the Office stub for `mail`; nothing but the server and the stubbed CDN URL is reachable. */
async function open(path, mail) {
  const context = await browser.newContext({ viewport: { width: 380, height: 900 }, locale: mail.displayLanguage });
  const outside = [];
  await context.route(
    (url) => !url.href.startsWith(`${server.url}/`),
    (route) => {
      if (route.request().url() === OFFICE_JS) return route.fulfill({ contentType: "text/javascript", body: stub });
      outside.push(route.request().url());
      return route.abort();
    },
  );
  await context.addInitScript((cfg) => {
    window.__kluisOutlookTest = cfg;
  }, mail);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`${server.url}${path}`);
  return { page, context, errors, outside };
}

function mailWith(files, over = {}) {
  return {
    displayLanguage: "en-US",
    sender: "ann@example.org",
    to: ["bob@example.org"],
    cc: ["carol@example.org"],
    subject: "Dossier 2026-14",
    bodyType: "html",
    body: "<p>Dear Bob, see the attachments.</p>",
    attachments: files.map((f) => ({ name: f.name, base64: Buffer.from(f.bytes).toString("base64") })),
    ...over,
  };
}

/** `kluis receive` of `link` with `password`: the saved files by name. */
function receive(link, password) {
  const out = mkdtempSync(join(tmpdir(), "kluis-outlook-receive-"));
  try {
    execFileSync(kluisBin() ?? "kluis", ["receive", link, "-o", out, "-q", "--password-env", "KLUIS_TEST_PASSWORD"], {
      env: { ...process.env, KLUIS_TEST_PASSWORD: password },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return Object.fromEntries(readdirSync(out).map((name) => [name, readFileSync(join(out, name))]));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The receive page (/t/{id}) opens `link` with `password` and lists `names`. */
async function receivePage(link, password, names, subject) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  await page.fill("#password", password);
  await page.click("#open");
  await page.waitForSelector("#file-name-0", { timeout: 60_000 });
  assert.deepEqual(await page.$$eval(".kluis-received__name", (els) => els.map((e) => e.textContent)), names);
  assert.equal(await page.textContent("h1"), subject);
  await context.close();
}

async function checkSent(page, files, bodyType = "html") {
  await page.waitForSelector("#result:not([hidden])", { timeout: 120_000 });
  const password = (await page.textContent("#result-password")).trim();
  assert.match(password, /\S{12,}/);
  const state = await page.evaluate(() => window.__kluisOutlookState);
  assert.deepEqual(state.removed, ["att-1", "att-2"]);
  assert.deepEqual(state.attachments, []);
  const link = /https?:\/\/127\.0\.0\.1:\d+\/t\/[A-Za-z0-9_-]+/.exec(state.body)?.[0];
  assert.ok(link?.startsWith(`${server.url}/t/`), state.body);
  if (bodyType === "html") assert.ok(state.body.includes(`<a href="${link}">`), state.body);
  else assert.ok(!/<[a-z]/i.test(state.body), state.body);
  assert.ok(!state.body.includes(password), "the password is not in the mail");
  assert.equal(state.session["kluis.sent"], link);
  const received = receive(link, password);
  assert.deepEqual(Object.keys(received).sort(), files.map((f) => f.name).sort());
  for (const f of files) assert.ok(Buffer.from(f.bytes).equals(received[f.name]), `${f.name} byte for byte`);
  return { link, password };
}

describe("the task pane", () => {
  test("English, by mouse: verify, send two attachments, receive them with the CLI", async () => {
    const files = [
      { name: "besluit.pdf", bytes: randomBytes(300_000) },
      { name: "adressen.csv", bytes: new TextEncoder().encode("naam;straat\nJan;Dorpsstraat 1\n") },
    ];
    const { page, context, errors, outside } = await open("/outlook/taskpane.html", mailWith(files));
    await page.waitForSelector("body[data-ready=true]");
    assert.equal(await page.getAttribute("html", "lang"), "en");
    assert.equal(await page.textContent("h1"), "Send securely");
    assert.deepEqual(await page.$$eval("#files li", (li) => li.map((x) => x.textContent)), ["besluit.pdf (300 KB)", "adressen.csv (30 B)"]);
    assert.deepEqual(await page.$$eval("#recipients li", (li) => li.map((x) => x.textContent)), ["bob@example.org", "carol@example.org"]);
    await page.click("#request-code");
    await page.waitForSelector("#code");
    await page.fill("#code", await server.code("ann@example.org"));
    await page.click("#confirm-code");
    await page.waitForSelector("#verified");
    await page.selectOption("#expiry", "3");
    await page.selectOption("#limit", "5");
    await axe(page, "the task pane (en)");
    await page.screenshot({ path: join(shots, "outlook-taskpane-en.png"), fullPage: true });
    await page.click("#send");
    const { link, password } = await checkSent(page, files);
    await receivePage(link, password, files.map((f) => f.name), "Dossier 2026-14");
    await axe(page, "the task pane after sending (en)");
    await page.screenshot({ path: join(shots, "outlook-taskpane-sent-en.png"), fullPage: true });
    // The server knows the expiry and the limit the pane chose.
    const facts = await (await fetch(`${server.url}/api/v1/transfers/${link.split("/t/")[1]}`)).json();
    assert.equal(facts.download_limit ?? facts.downloadLimit ?? 5, 5);
    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
    await context.close();
  });

  test("Dutch, by keyboard only: the same, and the attachments are removed", async () => {
    const files = [
      { name: "verslag.docx", bytes: randomBytes(70_000) },
      { name: "notitie.txt", bytes: new TextEncoder().encode("Gesprek van 3 december\n") },
    ];
    const mail = mailWith(files, { displayLanguage: "nl-NL", sender: "bea@example.org", bodyType: "text", body: "Beste Bob,\n" });
    const { page, context, errors } = await open("/outlook/taskpane.html", mail);
    await page.waitForSelector("body[data-ready=true]");
    assert.equal(await page.getAttribute("html", "lang"), "nl");
    assert.equal(await page.textContent("h1"), "Veilig versturen");
    const tabTo = async (id) => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press("Tab");
        if ((await page.evaluate(() => document.activeElement?.id)) === id) return;
      }
      assert.fail(`Tab never reaches #${id}`);
    };
    await tabTo("request-code");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement?.id === "code");
    await page.keyboard.type(await server.code("bea@example.org"));
    await tabTo("confirm-code");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#verified");
    await axe(page, "the task pane (nl)");
    await page.screenshot({ path: join(shots, "outlook-taskpane-nl.png"), fullPage: true });
    await tabTo("send");
    await page.keyboard.press("Enter");
    await checkSent(page, files, "text");
    const state = await page.evaluate(() => window.__kluisOutlookState);
    assert.equal(state.prepended[0].coercionType, "text");
    assert.match(state.body, /^Hallo,\n/);
    assert.ok(state.body.endsWith("Beste Bob,\n"));
    await page.screenshot({ path: join(shots, "outlook-taskpane-sent-nl.png"), fullPage: true });
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a refused upload is shown in the error summary and the attachments stay", async () => {
    const files = [{ name: "a.pdf", bytes: randomBytes(1000) }, { name: "b.pdf", bytes: randomBytes(1000) }];
    const { page, context } = await open("/outlook/taskpane.html", mailWith(files, { sender: "dan@example.org" }));
    await page.waitForSelector("body[data-ready=true]");
    // A token the server does not know: the upload is refused.
    await page.evaluate(() => localStorage.setItem("kluis.sender", JSON.stringify({ address: "dan@example.org", token: "not-a-token", expiresAt: Math.floor(Date.now() / 1000) + 3600 })));
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    await page.click("#send");
    await page.waitForSelector("#errors:not([hidden])", { timeout: 60_000 });
    assert.match(await page.textContent("#errors"), /The server refused: .*The attachments are still in the mail\./s);
    assert.equal(await page.evaluate(() => document.activeElement?.id), "errors");
    const state = await page.evaluate(() => window.__kluisOutlookState);
    assert.equal(state.attachments.length, 2);
    assert.deepEqual(state.removed, []);
    assert.deepEqual(state.prepended, []);
    await axe(page, "the task pane with an error");
    await context.close();
  });
});

describe("the OnMessageSend handler", () => {
  test("commands.html registers the handler, which completes the event", async () => {
    const mail = mailWith([], { body: "BSN 111222333 van de aanvrager" });
    const { page, context, errors, outside } = await open("/outlook/commands.html", mail);
    await page.waitForFunction(() => typeof window.__kluisOutlookState.handlers.onMessageSendHandler === "function");
    const decision = await page.evaluate(
      () => new Promise((resolve) => window.__kluisOutlookState.handlers.onMessageSendHandler({ completed: resolve })),
    );
    if (typeof kluis.scanText === "function") {
      assert.equal(decision.allowEvent, false);
      assert.ok(!decision.errorMessage.includes("111222333"));
    } else {
      assert.deepEqual(decision, { allowEvent: true }, "no detector in this package: the mail goes");
    }
    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
    await context.close();
  });

  test("the Smart Alert's text, in both languages (screenshots)", async () => {
    const u = await loadUnits();
    // The package's detector where it has one, else the 11-proof stand-in of the unit tests.
    const reason = { reason: "contains a valid citizen service number (BSN)", reasonNl: "bevat een geldig burgerservicenummer (BSN)" };
    const scanner =
      typeof kluis.scanText === "function"
        ? kluis
        : {
            scanText: async (t) => (/\b111222333\b/.test(t) ? [{ kind: "bsn", start: 0, end: 9, excerpt: "111222333", confidence: "high", ...reason }] : []),
            scanBytes: async (b) => (/\b111222333\b/.test(new TextDecoder().decode(b)) ? [{ kind: "bsn", start: 0, end: 9, excerpt: "111222333", confidence: "high", ...reason }] : []),
          };
    const { compose } = await import("./mock.mjs");
    for (const lang of ["en", "nl"]) {
      const mail = compose({ subject: "Aanvraag", body: "BSN 111222333", attachments: [{ name: "dossier.csv", bytes: new TextEncoder().encode("bsn\n111222333\n") }] });
      const d = await u.check(mail.item, scanner, lang);
      assert.equal(d.allowEvent, false);
      assert.ok(!d.errorMessage.includes("111222333"));
      const page = await browser.newPage({ viewport: { width: 560, height: 300 } });
      const esc = (s) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
      const anyway = lang === "nl" ? "Toch verzenden" : "Send Anyway";
      await page.setContent(
        `<html lang="${lang}"><body style="font:15px 'Segoe UI',system-ui,sans-serif;margin:0;background:#f3f2f1">` +
          `<div role="dialog" aria-labelledby="t" style="margin:16px;padding:20px 24px;background:#fff;border-radius:4px;box-shadow:0 6px 14px rgba(0,0,0,.2)">` +
          `<h1 id="t" style="font-size:18px;margin:0 0 12px">Kluis</h1><p style="margin:0 0 20px;line-height:1.45">${esc(d.errorMessage)}</p>` +
          `<div style="display:flex;gap:8px;justify-content:flex-end"><button style="padding:6px 16px;background:#0f6cbd;color:#fff;border:0;border-radius:4px">${esc(d.cancelLabel)}</button>` +
          `<button style="padding:6px 16px;background:#fff;border:1px solid #8a8886;border-radius:4px">${anyway}</button></div></div></body></html>`,
      );
      await page.screenshot({ path: join(shots, `outlook-smart-alert-${lang}.png`) });
      await page.close();
    }
  });
});
