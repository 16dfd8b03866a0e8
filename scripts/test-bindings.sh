#!/usr/bin/env bash
# Runs the Python and Kotlin binding tests, building what they need first.
#
#   scripts/test-bindings.sh            # everything (about 10 min warm, 30 cold on 2 cores)
#   scripts/test-bindings.sh python     # only the Python tests
#   scripts/test-bindings.sh kotlin     # only the Kotlin tests
#
# Builds, each once, in the shared target/ directory:
#   target/release/libkluis_ffi.so, target/release/kluis  (release: the 1 GiB
#       throughput test compares Python with the CLI, both optimised)
#   target/debug/uniffi-bindgen  (dev profile, which is the profile maturin runs it in)
# Then: a venv in target/bindings-venv (override: KLUIS_VENV), `pip install
# ./bindings/python pytest`, pytest; and `mvn -B test` in bindings/kotlin
# (not -q: the Surefire "Tests run:" lines are the result).
#
# Needs: cargo, python3 with venv/ensurepip, java (17+), mvn. `.ci/run`
# installs the last three on a fresh machine.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WHAT="${1:-all}"
case "$WHAT" in all | python | kotlin) ;; *)
    echo "usage: $0 [all|python|kotlin]" >&2
    exit 2
    ;;
esac

step() { printf '\n==> %s\n' "$*"; }
missing() {
    printf 'error: %s\n' "$1" >&2
    printf '       %s\n' "$2" >&2
    exit 3
}

# What this machine lacks, said plainly and before any long build.
command -v cargo >/dev/null || missing "cargo is not installed" "install Rust: https://rustup.rs"
if [[ $WHAT != kotlin ]]; then
    command -v python3 >/dev/null || missing "python3 is not installed" "apt-get install python3 python3-venv"
    python3 -c 'import venv, ensurepip' 2>/dev/null ||
        missing "python3 cannot create virtual environments (no venv/ensurepip)" "apt-get install python3-venv"
fi
if [[ $WHAT != python ]]; then
    command -v java >/dev/null || missing "java is not installed (17 or newer)" "apt-get install openjdk-17-jdk-headless"
    command -v mvn >/dev/null || missing "mvn (Maven) is not installed" "apt-get install maven"
fi

# Built one package at a time, as maturin and the pom build kluis-ffi: a
# combined `-p kluis-ffi -p kluis-cli` unifies features differently and
# would make them rebuild every dependency a second time.
step "cargo build --release -p kluis-ffi; cargo build --release -p kluis-cli"
cargo build --release -p kluis-ffi
cargo build --release -p kluis-cli
step "cargo build -p kluis-bindgen --features cli   (uniffi-bindgen, for maturin and Kotlin)"
cargo build -p kluis-bindgen --features cli

if [[ $WHAT != kotlin ]]; then
    VENV="${KLUIS_VENV:-$ROOT/target/bindings-venv}"
    step "python venv at $VENV; pip install ./bindings/python pytest"
    [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check ./bindings/python pytest
    step "pytest bindings/python/tests"
    KLUIS_CLI="$ROOT/target/release/kluis" "$VENV/bin/python" -m pytest bindings/python/tests -ra -p no:cacheprovider
fi

if [[ $WHAT != python ]]; then
    step "mvn -B test   (bindings/kotlin)"
    (cd bindings/kotlin && mvn -B --no-transfer-progress test)
fi

step "binding tests passed"
