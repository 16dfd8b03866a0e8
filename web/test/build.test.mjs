// The production build against a stand-in of the engine package that,
// like a wasm-bindgen package, loads its .wasm and a worker script with
// `new URL("./…", import.meta.url)`: both land in assets/ under hashed
// names, the URLs point at them, and the worker's own import is bundled.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { webRoot } from "./browser.mjs";

test("the build copies the engine's wasm and worker under hashed names and rewrites their URLs", () => {
  const tmp = mkdtempSync(join(tmpdir(), "kluis-web-build-"));
  try {
    const pkg = join(tmp, "kluis");
    mkdirSync(pkg);
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "kluis", version: "0.0.0", type: "module", main: "index.js" }));
    writeFileSync(join(pkg, "engine_bg.wasm"), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    writeFileSync(join(pkg, "glue.js"), "export const GLUE = 'glue-marker';\n");
    writeFileSync(join(pkg, "worker.js"), "import { GLUE } from './glue.js';\nconst wasm = new URL('./engine_bg.wasm', import.meta.url);\nself.postMessage([GLUE, String(wasm)]);\n");
    writeFileSync(
      join(pkg, "index.js"),
      [
        "export const ready = fetch(new URL('./engine_bg.wasm', import.meta.url)).then(() => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }));",
        "export class KluisError extends Error { constructor(kind, m) { super(m); this.kind = kind; } }",
        "export class HttpTransport { constructor(base, o) { this.base = base; this.o = o; } }",
        "export function generatePassword() { return 'aaaa-bbbb-cccc-dddd-eeee-ffff'; }",
        "export function ratePassword(p) { return { score: 4, acceptable: true, chars: p.length }; }",
        "export async function sendTransfer() { throw new KluisError('Transport', 'stand-in'); }",
        "export async function openTransfer() { throw new KluisError('WrongSecret', 'stand-in'); }",
        "",
      ].join("\n"),
    );
    const out = join(tmp, "dist");
    execFileSync(process.execPath, [join(webRoot, "build.mjs"), `--out=${out}`], { env: { ...process.env, KLUIS_PACKAGE_DIR: pkg }, stdio: "pipe" });
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
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
