// Builds the pages into dist/ (or, with --fixture, the test build into
// dist-fixture/, where test/fixture/ stands in for the engine and the
// server calls). Every asset gets a content-hashed name under assets/;
// manifest.json maps logical names to them; the page templates
// (send.nl.html, send.en.html, receive.nl.html, receive.en.html) link them
// and keep {{site_name}}, {{theme_css}} and {{data}} for the server.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { licensesFile } from "./licenses.mjs";

const root = dirname(fileURLToPath(import.meta.url));
const fixture = process.argv.includes("--fixture");
const outArg = process.argv.find((a) => a.startsWith("--out="));
const out = outArg ? resolve(outArg.slice("--out=".length)) : join(root, fixture ? "dist-fixture" : "dist");
// The engine package: node_modules/kluis (→ ../bindings/js), or KLUIS_PACKAGE_DIR.
const packageDir = process.env.KLUIS_PACKAGE_DIR ? resolve(process.env.KLUIS_PACKAGE_DIR) : join(root, "node_modules", "kluis");
const assets = join(out, "assets");

function hashOf(bytes) {
  return createHash("sha256").update(bytes).digest("base64url").slice(0, 10);
}

/** Writes `bytes` as assets/<stem>-<hash><ext> and answers that name. */
function emit(name, bytes) {
  const ext = extname(name);
  const hashed = `${basename(name, ext)}-${hashOf(bytes)}${ext}`;
  writeFileSync(join(assets, hashed), bytes);
  return hashed;
}

/** A hash of every file of the package (its worker scripts are named by it, see below). */
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

/**
 * The engine package loads its .wasm and worker scripts with
 * `new URL("./file", import.meta.url)`, which esbuild leaves alone. This
 * plugin copies each such file into assets/ under a hashed name (a worker
 * script bundled on its own first) and points the URL at it. A .wasm is
 * named by its content; a worker script by the hash of the whole package,
 * since it may refer to itself (a worker that starts workers), which no
 * content hash could name.
 */
function packageAssets(shared = { done: new Map(), pkgHash: null }) {
  return {
    name: "kluis-package-assets",
    setup(b) {
      const pkgDir = existsSync(packageDir) ? realpathSync(packageDir) : null;
      const { done } = shared;
      if (pkgDir && process.env.KLUIS_PACKAGE_DIR) {
        // A package outside node_modules: its entry from package.json ("exports" or "main").
        b.onResolve({ filter: /^kluis$/ }, () => {
          const meta = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
          const dot = meta.exports?.["."];
          const entry = (typeof dot === "string" ? dot : dot?.browser ?? dot?.import ?? dot?.default) ?? meta.module ?? meta.main ?? "index.js";
          return { path: resolve(pkgDir, entry) };
        });
      }
      b.onLoad({ filter: /\.m?js$/ }, async (args) => {
        if (!pkgDir || !args.path.startsWith(pkgDir)) return undefined;
        let code = readFileSync(args.path, "utf8");
        const pattern = /new\s+URL\(\s*(["'])(\.{1,2}\/[^"']+)\1\s*,\s*import\.meta\.url\s*\)/g;
        for (const m of [...code.matchAll(pattern)]) {
          const target = resolve(dirname(args.path), m[2]);
          let hashed = done.get(target);
          if (!hashed) {
            if (/\.m?js$/.test(target)) {
              shared.pkgHash ??= packageHash(pkgDir);
              hashed = `${basename(target, extname(target))}-${shared.pkgHash}.js`;
              done.set(target, hashed); // before building: the worker may name itself
              const r = await build({ entryPoints: [target], bundle: true, format: "esm", minify: true, write: false, target: "es2022", plugins: [packageAssets(shared)] });
              writeFileSync(join(assets, hashed), r.outputFiles[0].contents);
            } else {
              hashed = emit(basename(target), readFileSync(target));
              done.set(target, hashed);
            }
          }
          code = code.replace(m[0], `new URL("./${hashed}", import.meta.url)`);
        }
        return { contents: code, loader: "js" };
      });
    },
  };
}

/** In the test build, test/fixture/ stands in for the engine and the server calls. */
function fixtures() {
  const swap = {
    [join(root, "src", "engine.ts")]: join(root, "test", "fixture", "engine.ts"),
    [join(root, "src", "server.ts")]: join(root, "test", "fixture", "server.ts"),
  };
  return {
    name: "kluis-fixtures",
    setup(b) {
      b.onResolve({ filter: /\/(engine|server)$/ }, (args) => {
        const real = resolve(args.resolveDir, `${args.path}.ts`);
        return swap[real] ? { path: swap[real] } : undefined;
      });
    },
  };
}

function fill(template, values) {
  return template.replace(/%([A-Z_]+)%/g, (whole, key) => (key in values ? values[key] : whole));
}

function escapeHtml(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

async function main() {
  if (!fixture && !existsSync(join(packageDir, "package.json"))) {
    console.error("web/build.mjs: the engine package `kluis` (bindings/js) is not built: run `npm --prefix bindings/js ci && npm --prefix bindings/js run build`, then `npm --prefix web ci`.");
    process.exit(1);
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(assets, { recursive: true });

  // The service worker first: the pages need its hashed name.
  const sw = await build({ entryPoints: [join(root, "src", "save", "sw.ts")], bundle: true, format: "iife", minify: true, write: false, target: "es2022", metafile: true });
  const swName = emit("sw.js", sw.outputFiles[0].contents);

  const result = await build({
    entryPoints: { send: join(root, "src", "send.ts"), receive: join(root, "src", "receive.ts"), app: join(root, "src", "styles", "app.css") },
    bundle: true,
    splitting: true,
    format: "esm",
    minify: true,
    sourcemap: false,
    target: ["es2022", "chrome110", "firefox115", "safari16"],
    outdir: assets,
    entryNames: "[name]-[hash]",
    chunkNames: "chunk-[hash]",
    assetNames: "[name]-[hash]",
    metafile: true,
    legalComments: "eof",
    define: { KLUIS_SW_URL: JSON.stringify(`/assets/${swName}`) },
    plugins: fixture ? [fixtures()] : [packageAssets()],
    logLevel: "warning",
  });

  const iconName = emit("favicon.svg", readFileSync(join(root, "templates", "favicon.svg")));
  // The licences of the bundled packages (web/licenses.mjs): EUPL-1.2 for the NL Design System's CSS.
  const licenses = licensesFile([sw.metafile, result.metafile], { cwd: process.cwd(), self: root });
  const licensesName = emit("licenses.txt", Buffer.from(licenses.text));
  const manifest = { "sw.js": `assets/${swName}`, "favicon.svg": `assets/${iconName}`, "licenses.txt": `assets/${licensesName}` };
  for (const [file, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint) continue;
    const rel = relative(out, join(root, file)).split("\\").join("/");
    if (meta.entryPoint.endsWith(".css")) manifest["app.css"] = rel;
    else manifest[`${meta.entryPoint.includes("receive") ? "receive" : "send"}.js`] = rel;
  }

  const catalogs = await loadCatalogs();
  const template = readFileSync(join(root, "templates", "page.html"), "utf8");
  manifest.templates = {};
  for (const page of ["send", "receive"]) {
    manifest.templates[page] = {};
    for (const lang of ["nl", "en"]) {
      const words = catalogs[lang];
      const html = fill(template, {
        LANG: lang,
        TITLE: escapeHtml(words[page === "send" ? "site.title" : "site.receiveTitle"]),
        CSS: `/${manifest["app.css"]}`,
        JS: `/${manifest[`${page}.js`]}`,
        SKIP: escapeHtml(words["site.skip"]),
        ICON: `/assets/${iconName}`,
        LICENSES: `/assets/${licensesName}`,
        OLD_TITLE: escapeHtml(words["state.oldBrowser.title"]),
        OLD_TEXT: escapeHtml(words["state.oldBrowser.text"]),
      });
      const fileName = `${page}.${lang}.html`;
      writeFileSync(join(out, fileName), html);
      manifest.templates[page][lang] = fileName;
    }
  }
  manifest.assets = Object.keys(result.metafile.outputs)
    .map((f) => relative(out, join(root, f)).split("\\").join("/"))
    .concat(`assets/${swName}`)
    .concat(readdirAssets().filter((f) => !Object.keys(result.metafile.outputs).some((o) => o.endsWith(f))).map((f) => `assets/${f}`))
    .filter((v, i, all) => all.indexOf(v) === i)
    .sort();
  writeFileSync(join(out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`built ${out} (${manifest.assets.length} assets; bundled: ${licenses.packages.map((p) => `${p.name}@${p.version} ${p.license}`).join(", ")})`);
}

function readdirAssets() {
  return readdirSync(assets);
}

/** The catalogs, compiled from src/i18n for the templates' words. */
async function loadCatalogs() {
  const r = await build({ entryPoints: [join(root, "src", "i18n", "index.ts")], bundle: true, format: "esm", write: false, platform: "neutral" });
  const url = `data:text/javascript;base64,${Buffer.from(r.outputFiles[0].text).toString("base64")}`;
  const mod = await import(url);
  return mod.allCatalogs;
}

await main();
