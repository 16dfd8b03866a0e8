// Prints each built asset's size and gzip size, and the send page's total
// (JS + CSS + wasm + workers): `node sizes.mjs [dist]`.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const dir = process.argv[2] ?? "dist";
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
let total = 0;
let totalGz = 0;
for (const file of readdirSync(join(dir, "assets")).sort()) {
  const bytes = readFileSync(join(dir, "assets", file));
  const gz = gzipSync(bytes, { level: 9 }).length;
  const counted = !file.startsWith("receive") && !file.startsWith("sw-") && !file.startsWith("favicon");
  if (counted) {
    total += bytes.length;
    totalGz += gz;
  }
  console.log(`${file.padEnd(34)} ${String(bytes.length).padStart(9)} B  ${String(gz).padStart(8)} B gzip${counted ? "" : "  (not on the send page)"}`);
}
console.log(`send page assets: ${(total / 1024).toFixed(1)} KiB, ${(totalGz / 1024).toFixed(1)} KiB gzip (${manifest["send.js"]})`);
