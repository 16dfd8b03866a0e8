// The licences of what the build bundles into dist/assets/: every npm
// package whose files esbuild took in (its metafiles' inputs), with its
// version, licence, copyright lines, source repository and licence text.
// build.mjs writes the result as assets/licenses-<hash>.txt, which the
// pages link (<link rel="license">) and the CSS bundle names, so that the
// NL Design System's EUPL-1.2 notices travel with the assets (EUPL-1.2
// article 5: keep the notices, and say where the source code is).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * The licences a bundled package may carry: the repository's policy for
 * code (deny.toml's allow list: permissive licences and MPL-2.0), plus
 * EUPL-1.2 for the NL Design System's CSS and design tokens, which are
 * bundled unmodified. Anything else stops the build.
 */
export const ALLOWED = new Set(["MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "Zlib", "CC0-1.0", "0BSD", "MPL-2.0", "EUPL-1.2"]);

/** The package.json folder holding `file`, or null. */
function packageRoot(file) {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

/** Whether an SPDX expression is allowed: an OR needs one allowed side, an AND (or a WITH) all. */
export function allowed(expression) {
  const text = String(expression ?? "").replace(/[()]/g, " ").trim();
  if (!text) return false;
  return text.split(/\s+OR\s+/).some((all) => all.split(/\s+AND\s+/).every((id) => ALLOWED.has(id.split(/\s+WITH\s+/)[0].trim())));
}

/** The web address of a package.json `repository`. */
function repositoryOf(meta) {
  const repo = typeof meta.repository === "string" ? { url: meta.repository } : (meta.repository ?? {});
  if (!repo.url) return null;
  const url = repo.url
    .replace(/^git\+/, "")
    .replace(/^ssh:\/\/git@github\.com\//, "https://github.com/")
    .replace(/^git@github\.com:/, "https://github.com/")
    .replace(/\.git$/, "");
  return repo.directory ? `${url} (folder ${repo.directory})` : url;
}

/** The copyright lines in the comments of the package's bundled files. */
function copyrights(files) {
  const lines = new Set();
  for (const file of files) {
    for (const m of readFileSync(file, "utf8").matchAll(/Copyright \([cC]\)[^\n*]*/g)) lines.add(m[0].trim());
  }
  return [...lines].sort();
}

/** The package's own licence file(s), if any. */
function licenceText(dir) {
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.md|\.txt)?$/i.test(f));
  return file ? readFileSync(join(dir, file), "utf8").trim() : null;
}

/**
 * The licences file for the bundled inputs of `metafiles` (esbuild
 * metafiles; input paths relative to `cwd`), leaving out the web pages'
 * own package at `self`. Throws when a package's licence is not allowed.
 */
export function licensesFile(metafiles, { cwd = process.cwd(), self }) {
  const packages = new Map();
  for (const metafile of metafiles) {
    for (const input of Object.keys(metafile.inputs)) {
      if (input.includes(":")) continue; // esbuild's own namespaces (data:, ...)
      const file = resolve(cwd, input);
      const dir = packageRoot(file);
      if (!dir || dir === self) continue;
      const entry = packages.get(dir) ?? { files: new Set() };
      entry.files.add(file);
      packages.set(dir, entry);
    }
  }
  const found = [...packages].map(([dir, { files }]) => {
    const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const licence = meta.license ?? null;
    if (!allowed(licence)) {
      throw new Error(`web/build: the bundled package ${meta.name}@${meta.version} is licensed ${JSON.stringify(licence)}, which the repository's licence policy does not allow (web/licenses.mjs)`);
    }
    return { meta, licence, repository: repositoryOf(meta), copyrights: copyrights(files), text: licenceText(dir) };
  });
  found.sort((a, b) => a.meta.name.localeCompare(b.meta.name));

  const out = [
    "Licences of the Kluis web pages' assets",
    "",
    "The pages' own code is Kluis's, licensed MIT OR Apache-2.0. The assets",
    "bundle the packages below, each under its own licence. The NL Design",
    "System packages (EUPL-1.2) are bundled unmodified, minified into the",
    "stylesheet, with their copyright notices kept at the end of that file;",
    "their source code is at the repositories named here.",
    "",
  ];
  if (found.some((p) => p.meta.name === "kluis")) {
    out.push(
      "The engine package kluis holds WebAssembly compiled from Kluis's Rust",
      "crates and the crates they use, all under licences the repository's",
      "cargo-deny policy allows (deny.toml; listed in docs/DEPENDENCIES.md).",
      "",
    );
  }
  for (const p of found) {
    out.push(`${p.meta.name} ${p.meta.version}`);
    out.push(`  Licence: ${p.licence}${p.licence === "EUPL-1.2" ? " (Licensed under the EUPL)" : ""}`);
    if (p.meta.author) out.push(`  Author: ${typeof p.meta.author === "string" ? p.meta.author : p.meta.author.name}`);
    for (const line of p.copyrights) out.push(`  ${line}`);
    if (p.repository) out.push(`  Source: ${p.repository}`);
    out.push(`  Package: https://www.npmjs.com/package/${p.meta.name}/v/${p.meta.version}`);
    out.push("");
  }
  const texts = new Map();
  for (const p of found) {
    if (p.text && !texts.has(p.licence)) texts.set(p.licence, { text: p.text, from: p.meta.name });
  }
  for (const [licence, { text, from }] of texts) {
    out.push("=".repeat(72), `${licence} (the text in ${from})`, "=".repeat(72), "", text, "");
  }
  return { text: `${out.join("\n").trimEnd()}\n`, packages: found.map((p) => ({ name: p.meta.name, version: p.meta.version, license: p.licence })) };
}
