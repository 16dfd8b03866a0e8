// The production build against a stand-in of the engine package that,
// like a wasm-bindgen package, loads its .wasm and a worker script with
// `new URL("./…", import.meta.url)`: both land in assets/ under hashed
// names, the URLs point at them, and the worker's own import is bundled.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertClean, launch, open, webRoot } from "./browser.mjs";
import { serve } from "./server.mjs";

const tmp = mkdtempSync(join(tmpdir(), "kluis-web-build-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A stand-in of the engine package, with the issue-13 names, built into tmp/dist. */
function buildWithStandIn() {
  const pkg = join(tmp, "kluis");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "kluis", version: "0.0.0", type: "module", main: "index.js", license: "MIT OR Apache-2.0" }));
  writeFileSync(join(pkg, "engine_bg.wasm"), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  writeFileSync(join(pkg, "glue.js"), "export const GLUE = 'glue-marker';\n");
  writeFileSync(join(pkg, "worker.js"), "import { GLUE } from './glue.js';\nconst wasm = new URL('./engine_bg.wasm', import.meta.url);\nself.postMessage([GLUE, String(wasm)]);\n");
  writeFileSync(
    join(pkg, "index.js"),
    [
      "export const ready = fetch(new URL('./engine_bg.wasm', import.meta.url)).then((r) => { if (!r.ok) throw new Error('wasm'); return new Promise((ok) => { const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }); w.onmessage = () => ok(); }); });",
      "export class KluisError extends Error { constructor(kind, m) { super(m); this.kind = kind; } }",
      "export class HttpTransport { constructor(base, o) { this.base = base; this.o = o; } }",
      "export function generatePassword() { return 'aaaa-bbbb-cccc-dddd-eeee-ffff'; }",
      "export async function ratePassword(p) { return { score: p.length > 12 ? 4 : 1, acceptable: p.length > 12, chars: p.length, warning: null, suggestions: [], guessesLog10: 3 }; }",
      "export async function sendTransfer(t, req, opts) {",
      "  if (!(t instanceof HttpTransport) || t.o.token !== 'stand-in-token') throw new KluisError('Transport', '401 unauthorized');",
      "  opts.onProgress({ phase: 'Sealing', file: 0, done: 3n, total: 3n });",
      "  opts.onProgress({ phase: 'Uploading', file: 0, done: 3n, total: 3n });",
      "  return { id: 'standinstandinstandinstand', link: location.origin + '/t/standinstandinstandinstand#' + req.files.length + '-' + req.expiresIn + '-' + req.language, expiresAt: new Date(Date.now() + 86400000) };",
      "}",
      "export async function openTransfer(link, password) {",
      "  if (password !== 'open sesame') throw new KluisError('WrongSecret', 'wrong password');",
      "  return { info: { sender: 'a@gemeente.example', recipients: ['b@example.org'], subject: 'Stand-in subject', message: 'hello', created: new Date(), expires: new Date(), files: [{ name: 'a.txt', size: 3n, mediaType: 'text/plain' }] },",
      "    fileStream() { return new ReadableStream({ start(c) { c.enqueue(new Uint8Array([1, 2, 3])); c.close(); } }); } };",
      "}",
      "",
    ].join("\n"),
  );
  const out = join(tmp, "dist");
  execFileSync(process.execPath, [join(webRoot, "build.mjs"), `--out=${out}`], { env: { ...process.env, KLUIS_PACKAGE_DIR: pkg }, stdio: "pipe" });
  return out;
}

let built = null;
const dist = () => (built ??= buildWithStandIn());

test("the build copies the engine's wasm and worker under hashed names and rewrites their URLs", () => {
  const out = dist();
  {
    const files = readdirSync(join(out, "assets"));
    const wasm = files.find((f) => /^engine_bg-[A-Za-z0-9_-]{10}\.wasm$/.test(f));
    const worker = files.find((f) => /^worker-[A-Za-z0-9_-]{10}\.js$/.test(f));
    assert.ok(wasm, `hashed wasm among ${files}`);
    assert.ok(worker, `hashed worker among ${files}`);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    assert.ok(manifest.assets.includes(`assets/${wasm}`) && manifest.assets.includes(`assets/${worker}`), "the manifest lists them");
    const workerCode = readFileSync(join(out, "assets", worker), "utf8");
    assert.match(workerCode, /glue-marker/, "the worker's import is bundled into it");
    assert.ok(workerCode.includes(`./${wasm}`), "the worker points at the hashed wasm");
    const pages = files.filter((f) => f.endsWith(".js")).map((f) => readFileSync(join(out, "assets", f), "utf8")).join("\n");
    assert.ok(pages.includes(`./${wasm}`) && pages.includes(`./${worker}`), "the page code points at the hashed files");
    assert.doesNotMatch(pages, /engine_bg\.wasm|\.\/worker\.js/, "no unhashed reference is left");
  }
});

test("the assets carry the bundled packages' licences: the NL Design System's EUPL-1.2 notices and text, linked from every page", () => {
  const out = dist();
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
  const name = manifest["licenses.txt"];
  assert.match(name, /^assets\/licenses-[A-Za-z0-9_-]{10}\.txt$/);
  assert.ok(manifest.assets.includes(name), "served with the assets");
  const text = readFileSync(join(out, name), "utf8");
  for (const pkg of ["@utrecht/component-library-css", "@nl-design-system-unstable/voorbeeld-design-tokens"]) {
    const version = JSON.parse(readFileSync(join(webRoot, "node_modules", pkg, "package.json"), "utf8")).version;
    assert.ok(text.includes(`${pkg} ${version}\n  Licence: EUPL-1.2`), `${pkg} ${version} in ${text.slice(0, 2000)}`);
  }
  assert.match(text, /Copyright \(c\) [0-9-]+ Gemeente Utrecht/, "the CSS's copyright lines");
  assert.match(text, /Source: https:\/\/github\.com\/nl-design-system\/utrecht/, "where the source code is (EUPL-1.2 article 5)");
  assert.match(text, /EUROPEAN UNION PUBLIC LICEN[CS]E v\. 1\.2/, "the licence's text");
  assert.match(text, /kluis 0\.0\.0\n  Licence: MIT OR Apache-2\.0/, "the engine package");
  const css = readFileSync(join(out, manifest["app.css"]), "utf8");
  assert.match(css, /@license EUPL-1\.2/, "the CSS keeps its own notices");
  for (const lang of ["nl", "en"]) {
    for (const page of ["send", "receive"]) {
      const html = readFileSync(join(out, manifest.templates[page][lang]), "utf8");
      assert.ok(html.includes(`<link rel="license" href="/${name}">`), `${page}.${lang}`);
    }
  }
});

test("a bundled package under a licence outside the policy stops the build", () => {
  const pkg = join(tmp, "kluis-gpl");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "kluis", version: "0.0.1", type: "module", main: "index.js", license: "GPL-3.0-only" }));
  writeFileSync(join(pkg, "index.js"), "export const ready = Promise.resolve();\n");
  const run = () => execFileSync(process.execPath, [join(webRoot, "build.mjs"), `--out=${join(tmp, "dist-gpl")}`], { env: { ...process.env, KLUIS_PACKAGE_DIR: pkg }, stdio: "pipe" });
  assert.throws(run, (e) => /kluis@0\.0\.1 is licensed "GPL-3\.0-only"/.test(String(e.stderr)));
});

test("the production pages drive the engine package through engine.ts (names of issue 13)", async () => {
  const server = await serve(dist());
  const browser = await launch();
  try {
    const { page, errors } = await open(browser, { lang: "en" });
    // Receive: KluisError WrongSecret is a wrong password; the right one unlocks.
    await page.goto(`${server.url}/t/abcdefghijklmnopqrstuvwxyz?lang=en`);
    await page.fill("#password", "nope");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#password-error");
    assert.match(await page.textContent("#password-error"), /This password is wrong/);
    await page.fill("#password", "open sesame");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelector("main h1")?.textContent === "Stand-in subject");
    assert.match(await page.textContent("main"), /a\.txt.*3 B/s);
    // Send, with a remembered sender: progress events with bigint counts, a Date expiry.
    await page.goto(`${server.url}/?lang=en`);
    await page.evaluate(() => localStorage.setItem("kluis.sender", JSON.stringify({ address: "a@gemeente.example", token: "stand-in-token", expiresAt: Math.floor(Date.now() / 1000) + 3600 })));
    await page.reload();
    await page.fill("#recipient-0", "b@example.org");
    await page.click("main form button[type=submit]");
    await page.setInputFiles("#files", [{ name: "x.txt", mimeType: "text/plain", buffer: Buffer.from("abc") }]);
    await page.click("main form button[type=submit]");
    assert.equal(await page.textContent("#generated-password"), "aaaa-bbbb-cccc-dddd-eeee-ffff".split("-").join("-"));
    await page.click("main form button[type=submit]");
    await page.selectOption("#expiry", "3");
    await page.click("main form button[type=submit]");
    await page.click("#send");
    await page.waitForSelector("#link");
    assert.match(await page.textContent("#link"), /\/t\/standinstandinstandinstand#1-259200-en$/, "one file, 3 days in seconds, the mail language");
    assertClean(errors, "production pages");
  } finally {
    await browser.close();
    await server.close();
  }
});
