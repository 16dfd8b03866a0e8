#!/usr/bin/env bash
# The C# bindings' test command: checks that Kluis.cs is what kluis-bindgen
# generates from kluis-ffi now, then compiles the bindings and the tests with
# Mono's C# 6 compiler and runs them.
#
#   bindings/csharp/run-tests.sh             # everything (about 1 min warm)
#   bindings/csharp/run-tests.sh --bless     # first regenerate Kluis.cs and the generator's golden files
#   bindings/csharp/run-tests.sh -- Stream   # only the C# tests whose name contains "Stream"
#
# Steps:
#   1. installs mono-mcs and mono-runtime with apt-get when mcs or mono is
#      missing (as root; otherwise it says what to install);
#   2. uses the shared test build (scripts/lib/artifacts.sh; built first if
#      missing): libkluis_ffi.so, the kluis CLI (for the interop tests), the
#      constructs fixture library and the kluis-bindgen generator;
#   3. runs the generator's golden tests (golden files of every construct, and
#      Kluis.cs regenerated from libkluis_ffi.so and compared with the
#      committed one: a changed Rust signature fails here);
#   4. compiles Kluis.cs + Streams.cs as a library with `mcs -langversion:6
#      -warnaserror` (C# 6: what mcs accepts at that level, Roslyn accepts at
#      LangVersion 6 and later, 7.3 included);
#   5. compiles and runs the Kluis tests (tests/*.cs, with examples/csharp), the constructs fixture's
#      tests, and two programs built against bindings with a wrong contract
#      version and a wrong API checksum, which must refuse to run.
# The last lines are "N passed, M failed" per suite; the exit code is non-zero
# on any failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
HERE=bindings/csharp
FIXTURE=crates/kluis-bindgen/fixtures/constructs
OUT="${CARGO_TARGET_DIR:-$ROOT/target}/csharp"
# shellcheck source=../../scripts/lib/artifacts.sh
source scripts/lib/artifacts.sh
LIBDIR="$KLUIS_ARTIFACTS"

bless=0
filters=()
while (($#)); do
    case "$1" in
    --bless) bless=1 ;;
    --) shift; filters=("$@"); break ;;
    -h | --help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--bless] [-- test-name-filter ...]" >&2; exit 2 ;;
    esac
    shift
done

start=$(date +%s)
step() { printf '\n==> %s\n' "$*"; }
missing() {
    printf 'error: %s\n       %s\n' "$1" "$2" >&2
    exit 3
}

# 1. Mono.
command -v cargo >/dev/null || missing "cargo is not installed" "install Rust: https://rustup.rs"
need=()
command -v mcs >/dev/null || need+=(mono-mcs)
command -v mono >/dev/null || need+=(mono-runtime)
if ((${#need[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        step "apt-get install ${need[*]}"
        export DEBIAN_FRONTEND=noninteractive
        if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends mono-mcs mono-runtime >/dev/null; }; then
            missing "installing ${need[*]} failed" "install Mono's C# compiler and runtime yourself: apt-get install mono-mcs mono-runtime"
        fi
    else
        missing "missing: ${need[*]} (Mono's C# compiler and runtime)" "install them with: sudo apt-get install mono-mcs mono-runtime"
    fi
fi
echo "mcs $(mcs --version | awk '{print $NF}'), $(mono --version | head -1 | cut -d'(' -f1)"

# 2. Native libraries and the generator.
step "the test build ($KLUIS_PROFILE profile, $LIBDIR)"
kluis_build_artifacts
BINDGEN="$LIBDIR/kluis-bindgen"

# 3. Generated code is current.
mkdir -p "$OUT"
"$BINDGEN" csharp --library "$LIBDIR/libkluis_ffi.so" --config "$HERE/uniffi-csharp.toml" --out "$OUT/Kluis.cs"
if ((bless)); then
    cp "$OUT/Kluis.cs" "$HERE/Kluis.cs"
    echo "regenerated $HERE/Kluis.cs"
elif ! diff -q "$HERE/Kluis.cs" "$OUT/Kluis.cs" >/dev/null; then
    diff -u "$HERE/Kluis.cs" "$OUT/Kluis.cs" | head -40 >&2 || true
    missing "$HERE/Kluis.cs is not what kluis-bindgen generates from kluis-ffi now" \
        "if the change is intended: $0 --bless, then review and commit the diff"
fi
step "cargo test --test golden   (the generator's golden files)"
KLUIS_BLESS=$bless cargo test --quiet "${KLUIS_CARGO_ARGS[@]}" --test golden

# 4. The bindings as a C# 6 library, warnings as errors.
MCS=(mcs -langversion:6 -unsafe -nologo -debug)
step "mcs -langversion:6: Kluis.cs + Streams.cs as Kluis.dll"
"${MCS[@]}" -warnaserror+ -target:library -doc:"$OUT/Kluis.xml" -out:"$OUT/Kluis.dll" "$HERE/Kluis.cs" "$HERE/Streams.cs"
"${MCS[@]}" -warnaserror+ -target:library -out:"$OUT/Constructs.dll" "$FIXTURE/golden/Constructs.cs"

# 5. Tests.
step "mcs -langversion:6: test programs"
"${MCS[@]}" -main:Kluis.Testing.TestRunner -out:"$OUT/kluis-tests.exe" "$HERE/Kluis.cs" "$HERE/Streams.cs" "$HERE"/tests/*.cs examples/csharp/*.cs
"${MCS[@]}" -out:"$OUT/constructs-tests.exe" "$FIXTURE/golden/Constructs.cs" "$HERE/tests/TestRunner.cs" "$FIXTURE"/tests/*.cs
# Bindings that expect another contract version, or another checksum for one function.
sed 's/internal const uint ContractVersion = \([0-9]*\);/internal const uint ContractVersion = 1\1;/' \
    "$FIXTURE/golden/Constructs.cs" >"$OUT/ConstructsOtherContract.cs"
awk '!done && /CheckChecksum\("func_next_color"/ {
        match($0, /, [0-9]+\);/); n = substr($0, RSTART + 2, RLENGTH - 4);
        sub(/, [0-9]+\);/, ", " (n + 1) % 65536 ");"); done = 1 } { print }' \
    "$FIXTURE/golden/Constructs.cs" >"$OUT/ConstructsOtherChecksum.cs"
! cmp -s "$FIXTURE/golden/Constructs.cs" "$OUT/ConstructsOtherContract.cs" || missing "could not alter the contract version" "see $0"
! cmp -s "$FIXTURE/golden/Constructs.cs" "$OUT/ConstructsOtherChecksum.cs" || missing "could not alter a checksum" "see $0"
"${MCS[@]}" -out:"$OUT/mismatch-contract.exe" "$OUT/ConstructsOtherContract.cs" "$FIXTURE/tests/mismatch/Mismatch.cs"
"${MCS[@]}" -out:"$OUT/mismatch-checksum.exe" "$OUT/ConstructsOtherChecksum.cs" "$FIXTURE/tests/mismatch/Mismatch.cs"

export LD_LIBRARY_PATH="$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export KLUIS_REPO="$ROOT" KLUIS_CLI="$LIBDIR/kluis" RUST_BACKTRACE=0
failed=0
step "mono kluis-tests.exe ${filters[*]:-}"
mono --debug "$OUT/kluis-tests.exe" "${filters[@]}" || failed=1
step "mono constructs-tests.exe ${filters[*]:-}"
# (Its panic test makes Rust print the panic to stderr: shown apart, without it.)
mono --debug "$OUT/constructs-tests.exe" "${filters[@]}" 2>"$OUT/constructs-stderr.txt" || failed=1
grep -v -e "^thread '.*panicked at" -e "^oh no$" -e "^note: run with" "$OUT/constructs-stderr.txt" >&2 || true
step "bindings for another library refuse to run"
mono "$OUT/mismatch-contract.exe" "uses uniffi contract version 30, these bindings version 130" || failed=1
mono "$OUT/mismatch-checksum.exe" "does not match these bindings: the API checksum of func_next_color" || failed=1

if ((failed)); then
    printf '\nC# bindings: FAILED (%s s)\n' "$(($(date +%s) - start))"
    exit 1
fi
printf '\nC# bindings: all tests passed (%s s)\n' "$(($(date +%s) - start))"
