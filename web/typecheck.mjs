// `tsc --strict --noEmit` over the pages, the fixtures and the service
// worker. The pages are checked against the engine package's own types when
// it is installed (node_modules/kluis → ../bindings/js), else against
// types/kluis-api.d.ts, the issue-13 API as the pages use it.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const real = existsSync(join(root, "node_modules", "kluis", "package.json"));
const pages = real ? "tsconfig.json" : "tsconfig.shim.json";
console.log(`typecheck: the engine's types from ${real ? "the installed kluis package" : "types/kluis-api.d.ts (kluis not installed)"}`);
for (const project of [pages, "tsconfig.sw.json"]) {
  try {
    execFileSync(process.execPath, [tsc, "-p", join(root, project), "--strict", "--noEmit"], { stdio: "inherit" });
  } catch {
    console.error(`typecheck: ${project} has errors (above)`);
    process.exit(1);
  }
}
console.log("typecheck: ok");
