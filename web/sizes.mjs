// Prints each built asset's size and gzip size, and what the send page
// loads before it is usable (its JS, the stylesheet, the engine's worker and
// ONE envelope .wasm: the SIMD build where the browser has SIMD, else the
// other). The password rater's .wasm loads only when a sender chooses their
// own password. `node sizes.mjs [dist]`.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const dir = process.argv[2] ?? "dist";
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
const sizes = new Map();
for (const file of readdirSync(join(dir, "assets")).sort()) {
  const bytes = readFileSync(join(dir, "assets", file));
  const gz = gzipSync(bytes, { level: 9 }).length;
  sizes.set(file, { raw: bytes.length, gz });
  console.log(`${file.padEnd(36)} ${String(bytes.length).padStart(9)} B  ${String(gz).padStart(8)} B gzip`);
}
const files = [...sizes.keys()];
const wasm = files.filter((f) => f.endsWith(".wasm") && !f.startsWith("kluis_rate"));
const oneWasm = wasm.find((f) => f.includes("simd")) ?? wasm[0];
const initial = files.filter((f) => (f.startsWith("send-") || f.startsWith("chunk-") || f.startsWith("app-") || f.startsWith("worker")) && !f.endsWith(".wasm"));
if (oneWasm) initial.push(oneWasm);
const sum = (list, k) => list.reduce((s, f) => s + sizes.get(f)[k], 0);
console.log(`send page before it is usable (${initial.join(", ")}): ${(sum(initial, "raw") / 1024).toFixed(1)} KiB, ${(sum(initial, "gz") / 1024).toFixed(1)} KiB gzip`);
const rater = files.filter((f) => f.startsWith("kluis_rate"));
if (rater.length) console.log(`loaded on first "choose my own password": ${rater.join(", ")}: ${(sum(rater, "gz") / 1024).toFixed(1)} KiB gzip`);
console.log(`manifest: send.js → ${manifest["send.js"]}`);
