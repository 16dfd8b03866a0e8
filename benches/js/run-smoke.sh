#!/usr/bin/env bash
# The JavaScript benchmark (benches/js/run.mjs) as a smoke test: every
# figure of the full run measured once on small sizes (16 MiB seal/open,
# 32 MiB through seal and open for memory, one Argon2id run each), in
# headless Chromium (SIMD and fallback builds) and in Node (SIMD); it checks that
# each was measured, never how fast (no timed assertion). Ends with
# `smoke: N passed, N failed`. The full run: see benches/README.md.
#
# Environment: KLUIS_JS_BUILT=1 when bindings/js is built already (else it
# is built here: npm ci, npm run build); KLUIS_CHROMIUM (or CHROMIUM) names
# the Chromium binary; KLUIS_BENCH_* change the sizes (see run.mjs).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=../../scripts/lib/web-tools.sh
source "$repo/scripts/lib/web-tools.sh"
export KLUIS_CHROMIUM="${KLUIS_CHROMIUM:-${CHROMIUM:-/usr/bin/chromium}}"
kluis_check_node
kluis_ensure_chromium

if [[ ${KLUIS_JS_BUILT:-} != 1 ]]; then
    kluis_ensure_wasm_bindgen
    (cd "$repo/bindings/js" && npm ci --no-audit --no-fund && npm run build)
fi
cd "$here"
[[ -d node_modules/hash-wasm && -d node_modules/playwright-core ]] || npm ci --no-audit --no-fund
exec node run.mjs --smoke "$@"
