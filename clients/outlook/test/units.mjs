// Bundles the add-in's DOM-free modules (compose, item, launchevent, i18n)
// into one ES module for the Node tests, in a temporary folder.
import { build } from "esbuild";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The modules, freshly built. */
export async function loadUnits() {
  const outfile = join(mkdtempSync(join(tmpdir(), "kluis-outlook-")), "units.mjs");
  await build({
    stdin: {
      contents: 'export * from "./src/compose"; export * as item from "./src/item"; export * from "./src/launchevent"; export * from "./src/i18n";',
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    outfile,
    logLevel: "warning",
  });
  return import(pathToFileURL(outfile).href);
}
