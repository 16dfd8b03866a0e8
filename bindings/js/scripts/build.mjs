// Builds the package from the repository: the Rust crate kluis-wasm for
// wasm32-unknown-unknown (cargo, `release` profile), the JavaScript glue
// (wasm-bindgen, the exact version the crate pins), then the TypeScript
// (tsc). Run as `npm run build`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const WASM_BINDGEN_VERSION = '0.2.130';
const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, '..');
const repo = resolve(pkg, '../..');

function run(cmd, args, options = {}) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: repo, ...options });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} exited with ${r.status}`);
}

function wasmBindgenVersion() {
  const r = spawnSync('wasm-bindgen', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split(/\s+/)[1] : null;
}

// 1. The wasm-bindgen CLI of exactly the pinned version (installed from
// crates.io with cargo when missing: no prebuilt download).
const found = wasmBindgenVersion();
if (found !== WASM_BINDGEN_VERSION) {
  console.log(`wasm-bindgen ${WASM_BINDGEN_VERSION} is needed (found: ${found ?? 'none'}); installing it with cargo`);
  // --locked first; a registry mirror may lack a version that the CLI's
  // published lock file names, and then cargo resolves the newest compatible.
  const install = ['install', 'wasm-bindgen-cli', '--version', `=${WASM_BINDGEN_VERSION}`];
  if (spawnSync('cargo', [...install, '--locked'], { stdio: 'inherit', cwd: repo }).status !== 0) {
    run('cargo', install);
  }
}

// 2. Four modules from the crate kluis-wasm: `kluis_wasm` (the envelope
// and generatePassword), which every page loads; `kluis_receive` (the drop
// server's client without sending: verification, opening, downloads),
// which the transfer worker loads on the first open; and `kluis_rate`
// (ratePassword: zxcvbn's dictionaries, five times the size of the rest;
// and the whole client, whose sending rates the password), loaded on the
// first rating or send; and `kluis_detect` (scanText, scanBytes: the
// sensitive-content detector with its document readers), loaded on the
// first scan. Each feature set keeps its own artifacts
// under target/, so neither rebuilds the other; wasm32 has its own folder
// there, so the native build is never disturbed.
const meta = JSON.parse(execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd: repo, encoding: 'utf8', maxBuffer: 64 << 20 }));
const built = join(meta.target_directory, 'wasm32-unknown-unknown', 'release', 'kluis_wasm.wasm');
const out = join(pkg, 'wasm');
rmSync(out, { recursive: true, force: true });
mkdirSync(out);
for (const [name, features] of [
  ['kluis_wasm', 'envelope,generate'],
  ['kluis_receive', 'receive'],
  ['kluis_rate', 'rate,transfer'],
  ['kluis_detect', 'detect'],
]) {
  run('cargo', ['build', '-p', 'kluis-wasm', '--release', '--target', 'wasm32-unknown-unknown', '--locked', '--no-default-features', '--features', features]);
  // The detector parses hostile documents on the caller's thread (there
  // are no threads to give its PDF parser a stack of its own): its glue can
  // start a fresh instance after a trap (engine.ts, `guarded`).
  const reset = name === 'kluis_detect' ? ['--experimental-reset-state-function'] : [];
  run('wasm-bindgen', ['--target', 'web', '--out-dir', out, '--out-name', name, '--remove-name-section', '--remove-producers-section', ...reset, built]);
}

// 3. The envelope module again with WebAssembly SIMD (simd128: AES and
// Argon2 about 1.5 times as fast), which the package loads where the
// engine has it and falls back from where it has not. Other RUSTFLAGS mean
// other artifacts: a target folder of its own keeps both builds
// incremental. Its glue must be the baseline's, byte for byte (the package
// ships one glue for both).
const simdTarget = join(meta.target_directory, 'wasm-simd');
run('cargo', ['build', '-p', 'kluis-wasm', '--release', '--target', 'wasm32-unknown-unknown', '--locked', '--no-default-features', '--features', 'envelope,generate'], {
  env: { ...process.env, CARGO_TARGET_DIR: simdTarget, RUSTFLAGS: `${process.env.RUSTFLAGS ?? ''} -C target-feature=+simd128`.trim() },
});
const simdOut = join(out, 'simd');
run('wasm-bindgen', ['--target', 'web', '--out-dir', simdOut, '--out-name', 'kluis_wasm', '--remove-name-section', '--remove-producers-section', join(simdTarget, 'wasm32-unknown-unknown', 'release', 'kluis_wasm.wasm')]);
if (readFileSync(join(simdOut, 'kluis_wasm.js'), 'utf8') !== readFileSync(join(out, 'kluis_wasm.js'), 'utf8')) {
  throw new Error('the simd128 build has other JavaScript glue than the baseline build');
}
renameSync(join(simdOut, 'kluis_wasm_bg.wasm'), join(out, 'kluis_wasm_simd_bg.wasm'));
rmSync(simdOut, { recursive: true, force: true });


// 4. The TypeScript.
rmSync(join(pkg, 'dist'), { recursive: true, force: true });
run(process.execPath, [join(pkg, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(pkg, 'tsconfig.json')]);
console.log('built bindings/js (dist/, wasm/)');
