# shellcheck shell=bash
# The test builds, made once per run and shared by every test step.
#
# Sourced by scripts/test-all.sh, scripts/test-bindings.sh,
# scripts/test-server.sh and bindings/csharp/run-tests.sh. One cargo
# invocation builds everything they use, in the `fast` profile (Cargo.toml:
# optimised, no LTO, 16 codegen units) and with one feature set for the whole
# workspace, so that no later step rebuilds a crate with other features:
#
#   $KLUIS_ARTIFACTS/libkluis_ffi.so            Python wheel, Kotlin jar, C# tests
#   $KLUIS_ARTIFACTS/kluis, kluis-server        CLI interop, end to end, demo
#   $KLUIS_ARTIFACTS/uniffi-bindgen             Python and Kotlin bindings
#   $KLUIS_ARTIFACTS/kluis-bindgen              C# bindings
#   $KLUIS_ARTIFACTS/libconstructs.so           the C# generator's fixture
#   and every Rust test binary (`cargo test` with the same arguments)
#
# `kluis_build_artifacts` is a no-op (a second or two) once built, so each
# script calls it and also runs on its own.
#
# Environment: KLUIS_PROFILE (default fast; `dev` or `release` work too).

KLUIS_ROOT="${KLUIS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
KLUIS_PROFILE="${KLUIS_PROFILE:-fast}"
# The cargo arguments of every test build and test run.
KLUIS_CARGO_ARGS=(--workspace --features kluis-bindgen/cli --profile "$KLUIS_PROFILE" --locked)
_kluis_target="${CARGO_TARGET_DIR:-$KLUIS_ROOT/target}"
if [[ $KLUIS_PROFILE == dev ]]; then
    KLUIS_ARTIFACTS="$_kluis_target/debug"
else
    KLUIS_ARTIFACTS="$_kluis_target/$KLUIS_PROFILE"
fi
export KLUIS_PROFILE KLUIS_ARTIFACTS
# For the test suites, which otherwise look in target/release or target/debug.
export KLUIS_CLI="$KLUIS_ARTIFACTS/kluis"
export KLUIS_BIN="$KLUIS_ARTIFACTS/kluis"
export KLUIS_SERVER_BIN="$KLUIS_ARTIFACTS/kluis-server"
export KLUIS_FFI_LIBRARY="$KLUIS_ARTIFACTS/libkluis_ffi.so"
export KLUIS_CONSTRUCTS_LIBRARY="$KLUIS_ARTIFACTS/libconstructs.so"
# `cargo test` with these arguments, for a suite that runs one Rust test
# target (crates/kluis-server/e2e/test_postgres_rust.py).
export KLUIS_CARGO_TEST_ARGS="${KLUIS_CARGO_ARGS[*]}"

# Builds every test artifact (libraries, binaries, test binaries).
#
# `cargo test` builds the cdylibs (libkluis_ffi.so, libconstructs.so) but
# leaves them in deps/; they are copied up from the paths cargo reports.
# (A `cargo build` with the same arguments would copy them up too, but it
# and `cargo test` then rebuild kluis-ffi in turn, each time.)
kluis_build_artifacts() {
    local json="$_kluis_target/artifacts-$KLUIS_PROFILE.json"
    (cd "$KLUIS_ROOT" && cargo test --no-run --quiet "${KLUIS_CARGO_ARGS[@]}" \
        --message-format=json-render-diagnostics >"$json")
    python3 - "$json" "$KLUIS_ARTIFACTS" <<'PY'
import json, shutil, sys
from pathlib import Path
out = Path(sys.argv[2])
for line in open(sys.argv[1]):
    msg = json.loads(line)
    # Workspace crates only (a registry crate may be a cdylib too).
    if (msg.get("reason") == "compiler-artifact" and "cdylib" in msg["target"]["kind"]
            and msg["package_id"].startswith("path+")):
        for name in msg["filenames"]:
            path = Path(name)
            if path.suffix in (".so", ".dylib", ".dll") and path.parent != out:
                shutil.copy2(path, out / path.name)
PY
}
