#!/usr/bin/env bash
# The classic Outlook example's test command: compiles the C# bindings
# (bindings/csharp), the example (src/) and its tests (tests/) with Mono's
# C# 6 compiler, then runs the tests under Mono with a fake mail item against
# a real kluis-server on loopback, and `kluis receive` as the recipient.
#
#   examples/csharp-outlook/run-tests.sh              # everything (a few seconds once built)
#   examples/csharp-outlook/run-tests.sh -- Html      # only the tests whose name contains "Html"
#
# It uses the test build's libkluis_ffi.so, kluis and kluis-server: those at
# $KLUIS_FFI_LIBRARY, $KLUIS_BIN and $KLUIS_SERVER_BIN when set (as
# scripts/test-all.sh sets them, scripts/lib/artifacts.sh), otherwise the
# test build's paths, each built with cargo only when missing. Mono's mcs and
# mono are installed with apt-get when missing and run as root.
# The last line is "N passed, M failed"; the exit code is non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${CARGO_TARGET_DIR:-$repo/target}/csharp-outlook"
filters=()
while (($#)); do
    case "$1" in
    --) shift; filters=("$@"); break ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "usage: $0 [-- test-name-filter ...]" >&2; exit 2 ;;
    esac
done
start=$(date +%s)
step() { printf '\n==> %s\n' "$*"; }
missing() {
    printf 'error: %s\n       %s\n' "$1" "$2" >&2
    exit 3
}

# 1. Mono.
need=()
command -v mcs >/dev/null || need+=(mono-mcs)
command -v mono >/dev/null || need+=(mono-runtime)
if ((${#need[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        step "apt-get install ${need[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq --no-install-recommends mono-mcs mono-runtime >/dev/null ||
            missing "installing ${need[*]} failed" "install Mono yourself: apt-get install mono-mcs mono-runtime"
    else
        missing "missing: ${need[*]} (Mono's C# compiler and runtime)" "install them with: sudo apt-get install mono-mcs mono-runtime"
    fi
fi

# 2. The native library, the CLI and the server of the test build.
if [[ -z ${KLUIS_FFI_LIBRARY:-} || -z ${KLUIS_BIN:-} || -z ${KLUIS_SERVER_BIN:-} ]]; then
    given_ffi="${KLUIS_FFI_LIBRARY:-}" given_bin="${KLUIS_BIN:-}" given_server="${KLUIS_SERVER_BIN:-}"
    # shellcheck source=../../scripts/lib/artifacts.sh
    source "$repo/scripts/lib/artifacts.sh"
    export KLUIS_FFI_LIBRARY="${given_ffi:-$KLUIS_FFI_LIBRARY}" KLUIS_BIN="${given_bin:-$KLUIS_BIN}" \
        KLUIS_SERVER_BIN="${given_server:-$KLUIS_SERVER_BIN}"
    [[ -f $KLUIS_FFI_LIBRARY ]] || (cd "$repo" && cargo build -p kluis-ffi --profile "$KLUIS_PROFILE" --locked)
    [[ -x $KLUIS_BIN ]] || (cd "$repo" && cargo build -p kluis-cli --profile "$KLUIS_PROFILE" --locked)
    [[ -x $KLUIS_SERVER_BIN ]] || (cd "$repo" && cargo build -p kluis-server --profile "$KLUIS_PROFILE" --locked)
fi
for f in "$KLUIS_FFI_LIBRARY" "$KLUIS_BIN" "$KLUIS_SERVER_BIN"; do
    [[ -f $f ]] || missing "$f is missing" "build it: cargo build -p kluis-ffi -p kluis-cli -p kluis-server --profile fast"
done
echo "library $KLUIS_FFI_LIBRARY, CLI $KLUIS_BIN, server $KLUIS_SERVER_BIN"

# 3. Compile: the bindings as Kluis.dll, the example as a library against it
#    (as an add-in references it; warnings and undocumented public items are
#    errors), the tests as a program against both.
mkdir -p "$out"
MCS=(mcs -langversion:6 -nologo -debug)
step "mcs -langversion:6: Kluis.dll, Kluis.Outlook.dll, outlook-tests.exe"
"${MCS[@]}" -unsafe -target:library -out:"$out/Kluis.dll" "$repo/bindings/csharp/Kluis.cs" "$repo/bindings/csharp/Streams.cs"
"${MCS[@]}" -warnaserror+ -target:library -r:"$out/Kluis.dll" -doc:"$out/Kluis.Outlook.xml" \
    -out:"$out/Kluis.Outlook.dll" "$here"/src/*.cs
"${MCS[@]}" -warnaserror+ -r:"$out/Kluis.dll" -r:"$out/Kluis.Outlook.dll" -main:Kluis.Testing.TestRunner \
    -out:"$out/outlook-tests.exe" "$here"/tests/*.cs "$repo/bindings/csharp/tests/TestRunner.cs"

# 4. Run. Mono finds libkluis_ffi.so on LD_LIBRARY_PATH.
step "mono outlook-tests.exe ${filters[*]:-}"
status=0
LD_LIBRARY_PATH="$(dirname "$KLUIS_FFI_LIBRARY")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" RUST_BACKTRACE=0 \
    mono --debug "$out/outlook-tests.exe" "${filters[@]}" || status=1
printf '\nC# classic Outlook example: %s (%s s)\n' "$([[ $status == 0 ]] && echo "all tests passed" || echo FAILED)" "$(($(date +%s) - start))"
exit $status
