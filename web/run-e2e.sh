#!/usr/bin/env bash
# The web pages end to end, as scripts/test-all.sh runs them: the real
# kluis-server (SQLite, a folder store, mail into a maildir) with this
# checkout's web/dist embedded, the real engine package, Debian's headless
# Chromium driven by playwright-core, and the `kluis` command for the
# interop steps (web/test/e2e/*.test.mjs; docs/WEB.md).
#
# Environment: KLUIS_JS_BUILT=1 skips `npm ci` and the builds of
# bindings/js and web/dist (test-all.sh builds them once); KLUIS_BIN and
# KLUIS_SERVER_BIN name the binaries (default: the test build's,
# scripts/lib/artifacts.sh, built here when missing; the server must be
# built after web/dist, which the suite checks); KLUIS_CHROMIUM (or
# CHROMIUM) names the Chromium binary; KLUIS_E2E_BIG_BYTES the size of the
# large file (default 300000000).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
# shellcheck source=../scripts/lib/web-tools.sh
source "$repo/scripts/lib/web-tools.sh"
export KLUIS_CHROMIUM="${KLUIS_CHROMIUM:-${CHROMIUM:-/usr/bin/chromium}}"
kluis_check_node
kluis_ensure_chromium

if [[ ${KLUIS_JS_BUILT:-} != 1 ]]; then
    kluis_ensure_wasm_bindgen
    (cd "$repo/bindings/js" && npm ci --no-audit --no-fund && npm run build)
    (cd "$here" && npm ci --no-audit --no-fund && npm run build)
elif [[ ! -d $here/node_modules ]]; then
    (cd "$here" && npm ci --no-audit --no-fund)
fi

if [[ -z ${KLUIS_BIN:-} || -z ${KLUIS_SERVER_BIN:-} ]]; then
    given_bin="${KLUIS_BIN:-}"
    given_server="${KLUIS_SERVER_BIN:-}"
    # shellcheck source=../scripts/lib/artifacts.sh
    source "$repo/scripts/lib/artifacts.sh"
    export KLUIS_BIN="${given_bin:-$KLUIS_BIN}" KLUIS_SERVER_BIN="${given_server:-$KLUIS_SERVER_BIN}"
    [[ -x $KLUIS_BIN ]] || (cd "$repo" && cargo build -p kluis-cli --profile "$KLUIS_PROFILE" --locked)
    # Always asked (a no-op when fresh): build.rs embeds web/dist, rebuilt above.
    [[ -n $given_server ]] || (cd "$repo" && cargo build -p kluis-server --profile "$KLUIS_PROFILE" --locked)
fi

cd "$here"
CHROMIUM="$KLUIS_CHROMIUM" node --test --test-concurrency=1 test/e2e/*.test.mjs
