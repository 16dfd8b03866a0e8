#!/usr/bin/env bash
# The Thunderbird extension's tests, as scripts/test-all.sh runs them:
# type check (tsc --strict, which also emits lib/ for the unit tests), build
# dist/kluis-thunderbird.xpi (esbuild, the kluis package copied in), then
# node --test: the unit tests with fakes and a mocked messenger, the built
# background against a real kluis-server on loopback received by `kluis
# receive`, the .xpi's manifest and `web-ext lint`, and the pages in
# headless Chromium with axe-core (screenshots into docs/mailclients/).
#
# Environment: KLUIS_JS_BUILT=1 skips building the kluis package (test-all.sh
# builds it once for every JavaScript suite; otherwise it is built here when
# bindings/js/dist is missing); KLUIS_BIN and KLUIS_SERVER_BIN name the
# `kluis` and `kluis-server` binaries (default: the test build's,
# scripts/lib/artifacts.sh, built here when missing); KLUIS_CHROMIUM (or
# CHROMIUM) the Chromium binary. `npm ci` runs from the committed
# package-lock.json when node_modules is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=../../scripts/lib/web-tools.sh
source "$repo/scripts/lib/web-tools.sh"
export KLUIS_CHROMIUM="${KLUIS_CHROMIUM:-${CHROMIUM:-/usr/bin/chromium}}"
kluis_check_node
kluis_ensure_chromium

if [[ -z ${KLUIS_BIN:-} || -z ${KLUIS_SERVER_BIN:-} ]]; then
    given_bin="${KLUIS_BIN:-}"
    given_server="${KLUIS_SERVER_BIN:-}"
    # shellcheck source=../../scripts/lib/artifacts.sh
    source "$repo/scripts/lib/artifacts.sh"
    export KLUIS_BIN="${given_bin:-$KLUIS_BIN}" KLUIS_SERVER_BIN="${given_server:-$KLUIS_SERVER_BIN}"
    [[ -x $KLUIS_BIN ]] || (cd "$repo" && cargo build -p kluis-cli --profile "$KLUIS_PROFILE" --locked)
    [[ -x $KLUIS_SERVER_BIN ]] || (cd "$repo" && cargo build -p kluis-server --profile "$KLUIS_PROFILE" --locked)
fi

if [[ ${KLUIS_JS_BUILT:-} != 1 && ! -f $repo/bindings/js/dist/index.js ]]; then
    kluis_ensure_wasm_bindgen
    (cd "$repo/bindings/js" && npm ci --no-audit --no-fund && npm run build)
fi

cd "$here"
[[ -d node_modules ]] || npm ci --no-audit --no-fund
npm run typecheck
npm run build
npm test
