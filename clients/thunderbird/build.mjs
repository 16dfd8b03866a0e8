// Builds the extension: `node build.mjs` writes dist/xpi/ (the unpacked
// extension) and dist/kluis-thunderbird.xpi (the same as a zip).
//
// - src/*.ts are bundled by esbuild: the background as an ES module whose
//   `import ... from 'kluis'` points at the package copied beside it (the
//   package finds its .wasm and its workers next to its own files with
//   `new URL(..., import.meta.url)`, so it is copied, not bundled), the
//   pages as plain scripts.
// - static/ (manifest.json, _locales, pages, style, icon) is copied; the
//   manifest gets the version of package.json.
// - The zip is reproducible: entries in sorted order, each dated
//   2000-01-01 00:00 (DOS time, no extended timestamps), mode 0644, the
//   same bytes from the same sources with the same Node.js (zlib).
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';
import yazl from 'yazl';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist', 'xpi');
const xpi = join(here, 'dist', 'kluis-thunderbird.xpi');
const kluisRoot = join(here, 'node_modules', 'kluis');

/** The package files the extension needs at run time (its package.json `files`, less types and docs). */
async function kluisFiles() {
  const pkg = JSON.parse(await readFile(join(kluisRoot, 'package.json'), 'utf8'));
  const files = [];
  for (const entry of pkg.files) {
    if (entry.endsWith('/')) {
      for (const name of await readdir(join(kluisRoot, entry))) if (name.endsWith('.js')) files.push(entry + name);
    } else if (/\.(js|wasm)$/.test(entry)) {
      files.push(entry);
    }
  }
  return files.sort();
}

async function listFiles(dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await listFiles(path)));
    else found.push(path);
  }
  return found;
}

/** Writes the zip of `dir` to `target`, reproducibly; resolves with its SHA-256. */
async function zip(dir, target) {
  const names = (await listFiles(dir)).map((p) => relative(dir, p).split(sep).join('/')).sort();
  const archive = new yazl.ZipFile();
  // Local components, so the DOS date is the same in every time zone.
  const mtime = new Date(2000, 0, 1, 0, 0, 0);
  for (const name of names) {
    archive.addBuffer(await readFile(join(dir, name)), name, { mtime, mode: 0o100644, compress: true, forceDosTimestamp: true });
  }
  archive.end();
  const chunks = [];
  for await (const chunk of archive.outputStream) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  await writeFile(target, bytes);
  return createHash('sha256').update(bytes).digest('hex');
}

/** Maps the bare `kluis` import of the background to the copied package. */
const kluisExternal = {
  name: 'kluis-external',
  setup(build) {
    build.onResolve({ filter: /^kluis$/ }, () => ({ path: './kluis/dist/index.js', external: true }));
  },
};

export async function build() {
  await rm(join(here, 'dist'), { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const common = { bundle: true, target: 'firefox128', legalComments: 'none', logLevel: 'warning', charset: 'utf8' };
  await esbuild.build({ ...common, entryPoints: [join(here, 'src/background.ts')], outfile: join(out, 'background.js'), format: 'esm', plugins: [kluisExternal] });
  for (const page of ['management', 'password', 'confirm']) {
    await esbuild.build({ ...common, entryPoints: [join(here, `src/${page}.ts`)], outfile: join(out, `${page}.js`), format: 'iife' });
  }
  for (const file of await listFiles(join(here, 'static'))) {
    const target = join(out, relative(join(here, 'static'), file));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(file, target);
  }
  const { version } = JSON.parse(await readFile(join(here, 'package.json'), 'utf8'));
  const manifest = JSON.parse(await readFile(join(here, 'static/manifest.json'), 'utf8'));
  manifest.version = version;
  await writeFile(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const file of await kluisFiles()) {
    const target = join(out, 'kluis', file);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(kluisRoot, file), target);
  }
  const sha256 = await zip(out, xpi);
  return { xpi, sha256 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { xpi: path, sha256 } = await build();
  console.log(`${relative(process.cwd(), path)}  sha256 ${sha256}`);
}
