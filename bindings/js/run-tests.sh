#!/usr/bin/env bash
# The JavaScript package's tests, as scripts/test-all.sh runs them: build
# the package from this checkout (cargo for wasm32, wasm-bindgen, tsc), then
# the suite in Node (node --test) and in headless Chromium (playwright-core
# driving Debian's chromium). The interop tests use the kluis binary at
# $KLUIS_BIN (default: target/fast/kluis, built here when missing).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$here"

missing=()
command -v node >/dev/null || missing+=("node (Node.js >= 20)")
command -v npm >/dev/null || missing+=("npm")
command -v cargo >/dev/null || missing+=("cargo (Rust)")
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  missing+=("the wasm32-unknown-unknown target (rustup target add wasm32-unknown-unknown)")
fi
chromium="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] || missing+=("chromium at $chromium (apt-get install chromium, or set CHROMIUM)")
if [ "${#missing[@]}" -gt 0 ]; then
  echo "bindings/js/run-tests.sh: missing: ${missing[*]}" >&2
  exit 2
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "bindings/js/run-tests.sh: Node.js >= 20 is needed, found $(node --version)" >&2
  exit 2
fi
# wasm-bindgen-cli of the pinned version: scripts/build.mjs installs it with
# `cargo install` when it is missing or of another version.

if [ -z "${KLUIS_BIN:-}" ]; then
  export KLUIS_BIN="$repo/target/fast/kluis"
  [ -x "$KLUIS_BIN" ] || (cd "$repo" && cargo build -p kluis-cli --profile fast)
fi

npm ci --no-audit --no-fund
npm run build
npm test
CHROMIUM="$chromium" npm run test:browser
