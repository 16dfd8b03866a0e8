#!/usr/bin/env bash
# The Outlook add-in's tests, as scripts/test-all.sh runs them: the type
# check (tsc --strict), the unit tests in Node with office-addin-mock, the
# manifest checked offline against a real kluis-server, and the task pane
# in headless Chromium against a real kluis-server on loopback (Office.js
# stubbed), received with the kluis CLI. Screenshots go to docs/mailclients/.
#
# kluis-server embeds clients/outlook/dist when it is compiled (feature
# `outlook`): this script builds dist/ first and, unless KLUIS_SERVER_BIN
# is given, runs the shared test build after it (scripts/lib/artifacts.sh;
# incremental). A given KLUIS_SERVER_BIN must have been built after
# `npm run build` here (the browser test says so when it was not).
#
# Environment: KLUIS_JS_BUILT=1 skips building the package bindings/js
# (test-all.sh builds it once for every JavaScript suite); KLUIS_BIN and
# KLUIS_SERVER_BIN name the binaries; KLUIS_CHROMIUM (or CHROMIUM) names
# the Chromium binary.
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
    (cd "$repo/bindings/js" && { [[ -d node_modules ]] || npm ci --no-audit --no-fund; } && npm run build)
fi
cd "$here"
[[ -d node_modules ]] || npm ci --no-audit --no-fund
npm run build

given_bin="${KLUIS_BIN:-}"
given_server="${KLUIS_SERVER_BIN:-}"
# shellcheck source=../../scripts/lib/artifacts.sh
source "$repo/scripts/lib/artifacts.sh"
export KLUIS_BIN="${given_bin:-$KLUIS_BIN}"
if [[ -z $given_server || ! -x $KLUIS_BIN ]]; then
    # The shared test build (a no-op when built; the server again when dist/ changed).
    kluis_build_artifacts
fi
[[ -n $given_server ]] && export KLUIS_SERVER_BIN="$given_server"

npm test
