// Builds the Outlook add-in into dist/, which kluis-server embeds (feature
// `outlook`, crates/kluis-server/build.rs) and serves under /outlook/:
//   taskpane.html  the "Send securely" task pane (a template: the server
//                  fills {{site_name}}, {{theme_css}} and {{data}})
//   commands.html  the event runtime of new Outlook, the web and Mac
//   launchevent.js the OnMessageSend handler as one classic script, for
//                  classic Outlook's JavaScript-only runtime (no modules)
//   icon-*.png     the add-in's icons (icons/, made by make-icons.mjs)
//   assets/…       content-hashed scripts, styles, WebAssembly and workers
//   manifest.json  every file above, for the server's build script
// Office.js comes from Microsoft's CDN (OFFICE_JS below), as Microsoft
// requires of add-ins in AppSource and every Outlook client expects.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const OFFICE_JS = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js";
const root = dirname(fileURLToPath(import.meta.url));
const out = join(root, "dist");
const assets = join(out, "assets");
const packageDir = join(root, "node_modules", "kluis");
const PREFIX = "/outlook/";

function hashOf(bytes) {
  return createHash("sha256").update(bytes).digest("base64url").slice(0, 10);
}

function emit(name, bytes) {
  const ext = extname(name);
  const hashed = `${basename(name, ext)}-${hashOf(bytes)}${ext}`;
  writeFileSync(join(assets, hashed), bytes);
  return hashed;
}

function packageHash(dir) {
  const h = createHash("sha256");
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === "node_modules") continue;
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.(m?js|wasm|json)$/.test(entry.name)) h.update(relative(dir, p)).update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest("base64url").slice(0, 10);
}

// The package loads its .wasm and worker scripts with
// `new URL("./file", import.meta.url)`: each such file is copied into
// assets/ under a hashed name and the URL pointed at it (the plugin of
// web/build.mjs, which runs its build when imported, so it is repeated here).
function packageAssets(shared = { done: new Map(), pkgHash: null }) {
  return {
    name: "kluis-package-assets",
    setup(b) {
      const pkgDir = realpathSync(packageDir);
      b.onLoad({ filter: /\.m?js$/ }, async (args) => {
        if (!args.path.startsWith(pkgDir)) return undefined;
        let code = readFileSync(args.path, "utf8");
        const pattern = /new\s+URL\(\s*(["'])(\.{1,2}\/[^"']+)\1\s*,\s*import\.meta\.url\s*\)/g;
        for (const m of [...code.matchAll(pattern)]) {
          const target = resolve(dirname(args.path), m[2]);
          let hashed = shared.done.get(target);
          if (!hashed) {
            if (/\.m?js$/.test(target)) {
              shared.pkgHash ??= packageHash(pkgDir);
              hashed = `${basename(target, extname(target))}-${shared.pkgHash}.js`;
              shared.done.set(target, hashed);
              const r = await build({ entryPoints: [target], bundle: true, format: "esm", minify: true, write: false, target: "es2022", plugins: [packageAssets(shared)] });
              writeFileSync(join(assets, hashed), r.outputFiles[0].contents);
            } else {
              hashed = emit(basename(target), readFileSync(target));
              shared.done.set(target, hashed);
            }
          }
          code = code.replace(m[0], `new URL("./${hashed}", import.meta.url)`);
        }
        return { contents: code, loader: "js" };
      });
    },
  };
}

function fill(template, values) {
  return template.replace(/%([A-Z_]+)%/g, (whole, key) => (key in values ? values[key] : whole));
}

async function main() {
  if (!existsSync(join(packageDir, "dist", "index.js"))) {
    console.error("clients/outlook/build.mjs: the package `kluis` (bindings/js) is not built: run `npm --prefix bindings/js ci && npm --prefix bindings/js run build`, then `npm --prefix clients/outlook ci`.");
    process.exit(1);
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(assets, { recursive: true });

  const result = await build({
    entryPoints: {
      taskpane: join(root, "src", "taskpane.ts"),
      commands: join(root, "src", "commands.ts"),
      "taskpane-style": join(root, "src", "taskpane.css"),
    },
    bundle: true,
    splitting: true,
    format: "esm",
    minify: true,
    target: ["es2022", "chrome110", "firefox115", "safari16"],
    outdir: assets,
    entryNames: "[name]-[hash]",
    chunkNames: "chunk-[hash]",
    assetNames: "[name]-[hash]",
    metafile: true,
    legalComments: "eof",
    plugins: [packageAssets()],
    logLevel: "warning",
  });
  const entry = {};
  for (const [file, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint) continue;
    const rel = relative(out, join(root, file)).split("\\").join("/");
    const name = basename(file);
    const key = name.startsWith("taskpane-style-") && name.endsWith(".css") ? "css" : name.startsWith("commands-") ? "commands" : name.startsWith("taskpane-") && name.endsWith(".js") ? "taskpane" : null;
    if (key) entry[key] = PREFIX + rel;
  }

  // The classic handler: one script, no module syntax, no package.
  await build({
    entryPoints: [join(root, "src", "launchevent-classic.ts")],
    bundle: true,
    format: "iife",
    minify: true,
    target: "es2017",
    outfile: join(out, "launchevent.js"),
    legalComments: "eof",
    logLevel: "warning",
  });

  writeFileSync(join(out, "taskpane.html"), fill(readFileSync(join(root, "templates", "taskpane.html"), "utf8"), { CSS: entry.css, JS: entry.taskpane, OFFICE_JS }));
  writeFileSync(join(out, "commands.html"), fill(readFileSync(join(root, "templates", "commands.html"), "utf8"), { JS: entry.commands, OFFICE_JS }));
  const icons = readdirSync(join(root, "icons")).filter((f) => /^icon-\d+\.png$/.test(f)).sort();
  for (const icon of icons) copyFileSync(join(root, "icons", icon), join(out, icon));

  const manifest = {
    pages: ["taskpane.html", "commands.html"],
    files: ["launchevent.js", ...icons],
    assets: readdirSync(assets).map((f) => `assets/${f}`).sort(),
  };
  writeFileSync(join(out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`built ${out} (${manifest.assets.length} assets)`);
}

await main();
