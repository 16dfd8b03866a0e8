#!/usr/bin/env bash
# Runs the Python and Kotlin binding tests on the shared test build.
#
#   scripts/test-bindings.sh            # both
#   scripts/test-bindings.sh python     # only the Python tests
#   scripts/test-bindings.sh kotlin     # only the Kotlin tests
#
# Uses the test build of scripts/lib/artifacts.sh (built first if missing:
# one `cargo test --no-run` of the workspace in the `fast` profile), so the
# Python wheel, the Kotlin jar and the C# tests load one and the same
# libkluis_ffi.so, and the interop tests run the `kluis` built beside it:
#   Python  a venv in target/bindings-venv (override: KLUIS_VENV) with pytest
#           and a wheel packed from that library (bindings/python/pack_wheel.py,
#           maturin's layout; users build theirs with `pip install ./bindings/python`)
#   Kotlin  `mvn -B test -Dkluis.skipCargo` with that library and uniffi-bindgen
#           (not -q: the Surefire "Tests run:" lines are the result)
#
# Needs: cargo, python3 (3.11+) with venv/ensurepip, java (17+), mvn.
# `.ci/run` installs the last three on a fresh machine.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/artifacts.sh
source scripts/lib/artifacts.sh
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

step "the test build ($KLUIS_PROFILE profile, $KLUIS_ARTIFACTS)"
kluis_build_artifacts

if [[ $WHAT != kotlin ]]; then
    VENV="${KLUIS_VENV:-$ROOT/target/bindings-venv}"
    step "python venv at $VENV; the kluis wheel from $KLUIS_FFI_LIBRARY"
    [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check pytest wheel
    wheel="$("$VENV/bin/python" bindings/python/pack_wheel.py --library "$KLUIS_FFI_LIBRARY" \
        --bindgen "$KLUIS_ARTIFACTS/uniffi-bindgen" --out "$ROOT/target/wheels")"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall "$wheel"
    step "pytest bindings/python/tests"
    "$VENV/bin/python" -m pytest bindings/python/tests -ra -p no:cacheprovider
fi

if [[ $WHAT != python ]]; then
    step "mvn -B test   (bindings/kotlin)"
    (cd bindings/kotlin && mvn -B --no-transfer-progress test -Dkluis.skipCargo \
        -Dkluis.native.dir="$KLUIS_ARTIFACTS" -Dkluis.uniffi.bindgen="$KLUIS_ARTIFACTS/uniffi-bindgen")
fi

step "binding tests passed"
