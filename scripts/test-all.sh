#!/usr/bin/env bash
# Runs every test of the project: Rust (format, lints, unit, integration,
# doc tests, vectors, malformed kit), Python, Kotlin, C#, JavaScript in Node
# and in headless Chromium, the web pages (axe-core, keyboard only), the
# demo, the drop server end to end, a bounded fuzz run and the supply-chain
# check. This is
# the README's test command and what CI runs (`.ci/run` calls it after
# installing system packages).
#
#   scripts/test-all.sh
#
# kluis-protocol and kluis-transfer are also linted for wasm32-unknown-unknown (the target is
# installed with rustup when missing).
#
# Each artifact is built once (scripts/lib/artifacts.sh): one
# `cargo test --no-run` of the whole workspace in the `fast` profile makes
# the libkluis_ffi.so that Python, Kotlin and C# load, the `kluis` and
# `kluis-server` that the interop, demo and end-to-end steps run, and every
# Rust test binary. Clippy runs in the same profile, so it shares the build
# scripts and proc-macros. Downloads (Python venvs, Maven artifacts) happen
# while cargo compiles; the log of that background step is printed whole
# when it is waited for, under its own heading. The fuzz run comes last and
# alone (beside the binding suites it upset their throughput ratios).
#
# At the end, passed or failed, it prints a table of each step's time and
# the whole run's.
#
# It installs what it can (Python venvs under target/, Maven artifacts,
# mono-mcs, postgresql and chromium from Debian when run as root,
# wasm-bindgen-cli with cargo install) and says plainly
# what is missing otherwise. Environment:
#   KLUIS_FUZZ_SECONDS   seconds per fuzz target (default 12; 0 skips fuzzing)
#   KLUIS_PROFILE        cargo profile of the test build (default fast)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/artifacts.sh
source scripts/lib/artifacts.sh
# shellcheck source=lib/web-tools.sh
source scripts/lib/web-tools.sh

start=$(date +%s)
LOGS="$ROOT/target/test-all-logs"
mkdir -p "$LOGS"
rows=()      # "name|seconds|result" per finished step
current=""   # the foreground step under way
current_start=0
declare -A bg_pid=() bg_start=()

table() {
    local rc=$?
    trap - EXIT
    [[ -n $current ]] && rows+=("$current|$(($(date +%s) - current_start))|FAILED")
    for name in "${!bg_pid[@]}"; do
        kill "${bg_pid[$name]}" 2>/dev/null || true
        rows+=("$name (background)|$(($(date +%s) - ${bg_start[$name]}))|not finished")
    done
    printf '\n=== time per step\n'
    printf '  %-44s %7s  %s\n' step seconds result
    local row
    for row in "${rows[@]}"; do
        IFS='|' read -r n s r <<<"$row"
        printf '  %-44s %7s  %s\n' "$n" "$s" "$r"
    done
    printf '  %-44s %7s  %s\n' "whole run" "$(($(date +%s) - start))" "$( ((rc == 0)) && echo passed || echo "FAILED (exit $rc)")"
    exit "$rc"
}
trap table EXIT

# Foreground step: begin NAME, run its commands, end.
begin() {
    current="$1"
    current_start=$(date +%s)
    printf '\n=== %s\n' "$1"
}
end() {
    rows+=("$current|$(($(date +%s) - current_start))|ok")
    current=""
}

# Background step: its output goes to $LOGS/<name>.log; `await NAME` waits
# for it, prints the log and fails the run if it failed.
logfile() { local slug="${1//[^A-Za-z0-9]/-}"; echo "$LOGS/${slug,,}.log"; }
spawn() {
    local name="$1"
    shift
    printf '\n=== %s (started in the background, log: %s)\n' "$name" "$(logfile "$name")"
    bg_start[$name]=$(date +%s)
    # The step's own end time, for the table (it may end long before `await`).
    (
        rc=0
        "$@" || rc=$?
        date +%s >"$(logfile "$name").end"
        exit "$rc"
    ) >"$(logfile "$name")" 2>&1 &
    bg_pid[$name]=$!
}
await() {
    local name="$1" rc=0 log
    log="$(logfile "$1")"
    wait "${bg_pid[$name]}" || rc=$?
    local ended
    ended="$(cat "$log.end" 2>/dev/null || date +%s)"
    local took=$((ended - ${bg_start[$name]}))
    unset "bg_pid[$name]"
    printf '\n=== %s (background, took %s s, waited for until %s s into the run): its output\n' \
        "$name" "$took" "$(($(date +%s) - start))"
    cat "$log"
    if ((rc)); then
        rows+=("$name|$took|FAILED")
        printf '\nerror: %s failed (exit %s); its output is above and in %s\n' "$name" "$rc" "$log" >&2
        exit "$rc"
    fi
    rows+=("$name|$took|ok")
}

missing() {
    printf '\nerror: %s\n       %s\n' "$1" "$2" >&2
    exit 3
}

begin "prerequisites"
command -v cargo >/dev/null || missing "cargo is not installed" "install Rust with rustup (https://rustup.rs)"
apt_missing=()
python3 -c 'import venv, ensurepip' 2>/dev/null || apt_missing+=(python3-venv)
command -v java >/dev/null || apt_missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || apt_missing+=(maven)
command -v mcs >/dev/null || apt_missing+=(mono-mcs)
command -v mono >/dev/null || apt_missing+=(mono-runtime)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || apt_missing+=(postgresql)
# Firefox ESR: the JavaScript package's browser suite and the receive page
# run in it too (puppeteer-core over WebDriver BiDi; KLUIS_FIREFOX names
# another binary).
[[ -x ${KLUIS_FIREFOX:-/usr/bin/firefox-esr} ]] || apt_missing+=(firefox-esr)
if ((${#apt_missing[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        echo "installing from Debian: ${apt_missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
    else
        missing "missing system packages: ${apt_missing[*]}" \
            "install them with: sudo apt-get install ${apt_missing[*]}"
    fi
fi
kluis_check_node
kluis_ensure_chromium
# The WebAssembly target (kluis-wasm, kluis-protocol and kluis-transfer for
# the browser).
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    command -v rustup >/dev/null ||
        missing "the wasm32-unknown-unknown target is not installed and there is no rustup" \
            "install the Rust standard library for wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown ||
        missing "rustup could not install the wasm32-unknown-unknown target" \
            "run: rustup target add wasm32-unknown-unknown"
fi
echo "cargo $(cargo --version | cut -d' ' -f2), $(python3 --version), java $(java -version 2>&1 | head -1 | cut -d'"' -f2), $(mvn -v 2>/dev/null | head -1 | cut -d' ' -f1-3), mcs $(mcs --version | awk '{print $NF}'), node $(node --version), $("$KLUIS_CHROMIUM" --version 2>/dev/null | head -1), $("${KLUIS_FIREFOX:-/usr/bin/firefox-esr}" --version 2>/dev/null | head -1), $(nproc) cores"
echo "test build: profile $KLUIS_PROFILE, artifacts in $KLUIS_ARTIFACTS"
end

begin "cargo fmt --check"
cargo fmt --all -- --check
end

# Downloads while cargo compiles: the server tests' venv (moto, which the
# Rust S3 store tests start too; aiosmtpd; schemathesis), the bindings' venv
# and the Kotlin build's Maven artifacts.
spawn "venvs and Maven artifacts" bash -c '
    set -euo pipefail
    bash scripts/test-server.sh --venv-only
    venv="${KLUIS_VENV:-target/bindings-venv}"
    [[ -x $venv/bin/python ]] || python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check pytest wheel
    echo "bindings venv: $("$venv/bin/python" -m pytest --version 2>&1)"
    cd bindings/kotlin && mvn -B --no-transfer-progress -q dependency:go-offline
    echo "Maven artifacts present"'

# One WebAssembly build for every JavaScript suite: the npm package (kluis-wasm
# for wasm32 in `release`, baseline, SIMD and the password rater; wasm-bindgen
# of the version Cargo.lock pins), then the web pages and the Outlook add-in
# on it (web/dist, clients/outlook/dist), which kluis-server embeds: so
# before any cargo step that builds the server. Also the npm packages of the
# mail-client add-ins and of the JavaScript benchmark.
begin "wasm and JavaScript builds (bindings/js, web, clients)"
kluis_ensure_wasm_bindgen
npm --prefix bindings/js ci --no-audit --no-fund
npm --prefix bindings/js run build
npm --prefix web ci --no-audit --no-fund
npm --prefix web run build
# The Outlook add-in, which kluis-server embeds too (its `outlook` feature).
npm --prefix clients/outlook ci --no-audit --no-fund
npm --prefix clients/outlook run build
npm --prefix clients/thunderbird ci --no-audit --no-fund
npm --prefix benches/js ci --no-audit --no-fund
end

begin "test build (cargo test --no-run, $KLUIS_PROFILE)"
kluis_build_artifacts
end

begin "clippy --all-targets -D warnings"
cargo clippy --all-targets "${KLUIS_CARGO_ARGS[@]}" -- -D warnings
# kluis-protocol's optional features (openapi, random) on their own too.
cargo clippy --all-targets --locked -p kluis-protocol --all-features --profile "$KLUIS_PROFILE" -- -D warnings
end

# The wire contract and the transfer rules compile for the browser, lint
# clean there too. Checked, not built: the WebAssembly build above already
# compiled both into kluis-wasm (with that crate's features); a second
# code generation here took 90 s and proved nothing more.
begin "kluis-protocol and kluis-transfer for wasm32-unknown-unknown (clippy)"
cargo clippy --locked -p kluis-protocol --target wasm32-unknown-unknown --features openapi --profile "$KLUIS_PROFILE" -- -D warnings
# kluis-transfer's rules without its file-system and HTTP client (features fs
# and http): what kluis-wasm builds on.
cargo clippy --locked -p kluis-transfer --no-default-features --target wasm32-unknown-unknown --profile "$KLUIS_PROFILE" -- -D warnings
end


await "venvs and Maven artifacts"

begin "cargo test"
cargo test "${KLUIS_CARGO_ARGS[@]}"
end

begin "demo (scripts/demo.sh)"
bash scripts/demo.sh
end

begin "Python bindings"
bash scripts/test-bindings.sh python
end

begin "Kotlin bindings"
bash scripts/test-bindings.sh kotlin
end

begin "C# bindings (mcs -langversion:6, mono)"
bash bindings/csharp/run-tests.sh
end

begin "C# classic Outlook example (mcs -langversion:6, mono, kluis-server)"
bash examples/csharp-outlook/run-tests.sh
end

begin "JavaScript package (Node, headless Chromium and Firefox)"
KLUIS_JS_BUILT=1 bash bindings/js/run-tests.sh
end

begin "JavaScript benchmark, smoke run (benches/js: every figure measured, none timed)"
KLUIS_JS_BUILT=1 bash benches/js/run-smoke.sh
end

begin "Outlook add-in (office-addin-mock, manifest, task pane in headless Chromium on kluis-server)"
KLUIS_JS_BUILT=1 bash clients/outlook/run-tests.sh
end

begin "Thunderbird FileLink extension (mocked messenger, kluis-server, .xpi, headless Chromium)"
KLUIS_JS_BUILT=1 bash clients/thunderbird/run-tests.sh
end

begin "web pages (headless Chromium and Firefox, axe-core, keyboard only)"
CHROMIUM="$KLUIS_CHROMIUM" npm --prefix web test
end

begin "web pages end to end (real kluis-server, headless Chromium)"
KLUIS_JS_BUILT=1 bash web/run-e2e.sh
end

begin "kluis-server end to end"
bash scripts/test-server.sh
end

# Last and alone: the fuzz targets' sanitizer build beside the suites above
# made the binding throughput tests (Python and Kotlin against the CLI) miss
# their ratio in a clean run.
if [[ -x fuzz/run.sh && ${KLUIS_FUZZ_SECONDS:-12} != 0 ]]; then
    begin "fuzz ${KLUIS_FUZZ_SECONDS:-12} s per target"
    bash fuzz/run.sh "${KLUIS_FUZZ_SECONDS:-12}"
    end
fi

if [[ -x scripts/deny.sh ]]; then
    begin "supply chain (cargo deny)"
    bash scripts/deny.sh
    end
fi

printf '\n=== all tests passed in %s s\n' "$(($(date +%s) - start))"
