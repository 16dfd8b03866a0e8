#!/usr/bin/env bash
# The JavaScript package's tests, as scripts/test-all.sh runs them: build
# the package from this checkout (cargo for wasm32, wasm-bindgen, tsc), then
# the suite in Node (node --test) and in headless Chromium (playwright-core
# driving Debian's chromium). The interop tests use the kluis binary at
# $KLUIS_BIN and the transfer tests a kluis-server on loopback, the binary
# at $KLUIS_SERVER_BIN (default: the test build's, scripts/lib/artifacts.sh,
# built here when missing).
#
# Environment: KLUIS_JS_BUILT=1 skips `npm ci` and the build (test-all.sh
# builds the package once for every JavaScript suite); KLUIS_CHROMIUM (or
# CHROMIUM) names the Chromium binary; KLUIS_FIREFOX (default
# /usr/bin/firefox-esr) the Firefox the same browser suite also runs in when
# it is installed (puppeteer-core over WebDriver BiDi; skipped otherwise).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=../../scripts/lib/web-tools.sh
source "$repo/scripts/lib/web-tools.sh"
export KLUIS_CHROMIUM="${KLUIS_CHROMIUM:-${CHROMIUM:-/usr/bin/chromium}}"
kluis_check_node
kluis_ensure_chromium
command -v cargo >/dev/null || _kluis_missing "cargo is not installed" "install Rust with rustup (https://rustup.rs)"
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown ||
        _kluis_missing "the wasm32-unknown-unknown target is missing" "run: rustup target add wasm32-unknown-unknown"
fi

if [[ -z ${KLUIS_BIN:-} || -z ${KLUIS_SERVER_BIN:-} ]]; then
    given_bin="${KLUIS_BIN:-}"
    given_server="${KLUIS_SERVER_BIN:-}"
    # shellcheck source=../../scripts/lib/artifacts.sh
    source "$repo/scripts/lib/artifacts.sh"
    export KLUIS_BIN="${given_bin:-$KLUIS_BIN}" KLUIS_SERVER_BIN="${given_server:-$KLUIS_SERVER_BIN}"
    [[ -x $KLUIS_BIN ]] || (cd "$repo" && cargo build -p kluis-cli --profile "$KLUIS_PROFILE" --locked)
    [[ -x $KLUIS_SERVER_BIN ]] || (cd "$repo" && cargo build -p kluis-server --profile "$KLUIS_PROFILE" --locked)
fi

cd "$here"
if [[ ${KLUIS_JS_BUILT:-} != 1 ]]; then
    kluis_ensure_wasm_bindgen
    npm ci --no-audit --no-fund
    npm run build
fi
npm test
CHROMIUM="$KLUIS_CHROMIUM" npm run test:browser
firefox="${KLUIS_FIREFOX:-/usr/bin/firefox-esr}"
if [[ -x $firefox ]]; then
    KLUIS_FIREFOX="$firefox" npm run test:firefox
else
    echo "Firefox is not installed at $firefox: the browser suite in Firefox is skipped (apt-get install firefox-esr, or set KLUIS_FIREFOX)"
fi
