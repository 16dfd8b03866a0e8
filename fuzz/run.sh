#!/usr/bin/env bash
# Runs every Kluis fuzz target for a bounded time; what CI calls.
#
#   fuzz/run.sh [SECONDS_PER_TARGET]        (default 60)
#
# Environment:
#   KLUIS_FUZZ_TARGETS="a b"   run only these targets (default: every [[bin]] of fuzz/Cargo.toml)
#   KLUIS_FUZZ_KEEP=1          keep the grown corpus copies (printed at the end)
#   KLUIS_FUZZ_BUILD_ONLY=1    build the targets into fuzz/target/<host>/release and stop
#
# How it builds: it drives libFuzzer directly (cargo build with the same
# RUSTFLAGS that cargo-fuzz 0.13 passes: SanitizerCoverage, AddressSanitizer
# with LeakSanitizer, --cfg fuzzing, debug assertions and overflow checks),
# so CI needs no `cargo install cargo-fuzz` (90 s on the 2-core machine) and
# nothing but crates.io. The crate keeps the cargo-fuzz layout, so
# `cargo fuzz run|tmin|cmin|coverage <target>` works for people who have it.
# Sanitizer flags are unstable: the nightly toolchain is used when rustup has
# one, otherwise the stable compiler with RUSTC_BOOTSTRAP=1.
# fuzz/Cargo.lock pins the versions; it is not passed --locked, because the
# path dependencies (crates/kluis-core, crates/kluis-transfer) may gain a
# dependency in a commit that does not touch fuzz/: cargo then adds just that
# one to the lock file instead of failing the run.
#
# For each target it first replays fuzz/regressions/<target>/ (minimised
# crashers found earlier; each must now pass; those under
# fuzz/regressions/pending/<target>/ wait for a fix and are only reported),
# then fuzzes a COPY of
# fuzz/corpus/<target>/ (the repository's corpus never grows in CI) with
#   -max_total_time=N -rss_limit_mb=2048 -timeout=10 -detect_leaks=1
# Any crash, panic, timeout, out-of-memory or leak fails the run; the
# offending input is kept under fuzz/artifacts/<target>/ and its path printed.
# The last line is "N passed, M failed".
set -uo pipefail

secs="${1:-60}"
case "$secs" in
    '' | *[!0-9]*) echo "usage: fuzz/run.sh [SECONDS_PER_TARGET]" >&2; exit 2 ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here" || exit 2

if [ -n "${KLUIS_FUZZ_TARGETS:-}" ]; then
    read -r -a targets <<<"$KLUIS_FUZZ_TARGETS"
else
    mapfile -t targets < <(awk '/^\[\[bin\]\]/{b=1; next} b && /^name *=/{gsub(/[" ]/,"",$0); sub(/^name=/,"",$0); print; b=0}' Cargo.toml)
fi
if [ "${#targets[@]}" -eq 0 ]; then
    echo "fuzz/run.sh: no targets found in fuzz/Cargo.toml" >&2
    exit 2
fi

cargo=(cargo)
if command -v rustup >/dev/null 2>&1 && rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    cargo=(cargo +nightly)
    toolchain="nightly"
else
    export RUSTC_BOOTSTRAP=1
    toolchain="stable with RUSTC_BOOTSTRAP=1"
fi
rustc_cmd=(rustc)
[ "${cargo[1]:-}" = "+nightly" ] && rustc_cmd=(rustc +nightly)
triple="$("${rustc_cmd[@]}" -vV | sed -n 's/^host: //p')"

# The flags cargo-fuzz 0.13.2 passes by default (src/project.rs), but for
# debug assertions and overflow checks, which fuzz/Cargo.toml's profile
# turns on (so that one crate can be built without them), as it sets
# codegen-units=1 (so that a few crates on no fuzzed path build faster).
RUSTFLAGS="-Cpasses=sancov-module \
-Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
-Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares \
-Cllvm-args=-sanitizer-coverage-stack-depth \
-Cllvm-args=-simplifycfg-branch-fold-threshold=0 \
--cfg fuzzing -Zsanitizer=address"
export RUSTFLAGS
export ASAN_OPTIONS="detect_odr_violation=0:detect_leaks=1:allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
# Never mix with the workspace's own build directory.
unset CARGO_TARGET_DIR CARGO_BUILD_TARGET
target_dir="$here/target"

echo "fuzz/run.sh: toolchain $toolchain ($("${rustc_cmd[@]}" --version)), $secs s per target, targets: ${targets[*]}"
build_start=$(date +%s)
if ! "${cargo[@]}" build --manifest-path "$here/Cargo.toml" --target-dir "$target_dir" \
    --target "$triple" --release --bins; then
    echo "fuzz/run.sh: the fuzz targets did not build" >&2
    echo "0 passed, ${#targets[@]} failed"
    exit 1
fi
echo "fuzz/run.sh: build took $(($(date +%s) - build_start)) s"
bin_dir="$target_dir/$triple/release"
if [ "${KLUIS_FUZZ_BUILD_ONLY:-0}" = 1 ]; then
    echo "fuzz/run.sh: built into $bin_dir"
    exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/kluis-fuzz.XXXXXX")"
if [ "${KLUIS_FUZZ_KEEP:-0}" != 1 ]; then
    trap 'rm -rf "$work"' EXIT
fi

passed=0
failed=0
summary=()
for t in "${targets[@]}"; do
    bin="$bin_dir/$t"
    if [ ! -x "$bin" ]; then
        summary+=("FAIL $t: no binary $bin")
        failed=$((failed + 1))
        continue
    fi
    mkdir -p "$here/artifacts/$t" "$work/$t/corpus"
    log="$work/$t.log"

    # 1. Regressions: every minimised crasher must now pass.
    if compgen -G "$here/regressions/$t/*" >/dev/null; then
        if ! "$bin" -runs=1 -timeout=10 -rss_limit_mb=2048 -detect_leaks=1 \
            "$here/regressions/$t"/* >"$log.regressions" 2>&1; then
            tail -n 40 "$log.regressions"
            summary+=("FAIL $t: a regression input fails again (log above)")
            failed=$((failed + 1))
            continue
        fi
    fi

    # Known findings whose fix has not landed yet (fuzz/regressions/pending/,
    # see its README): replayed and reported, not counted as failures.
    if compgen -G "$here/regressions/pending/$t/*" >/dev/null; then
        for f in "$here/regressions/pending/$t"/*; do
            if "$bin" -runs=1 -timeout=10 -rss_limit_mb=2048 -detect_leaks=1 "$f" >/dev/null 2>&1; then
                echo "note: pending regression $f now passes: move it to regressions/$t/"
            else
                echo "note: known finding, fix pending: $f"
            fi
        done
    fi

    # 2. Fuzz a copy of the corpus.
    if [ -d "$here/corpus/$t" ]; then
        cp -R "$here/corpus/$t/." "$work/$t/corpus/"
    fi
    start=$(date +%s)
    "$bin" "$work/$t/corpus" \
        -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -detect_leaks=1 \
        -artifact_prefix="$here/artifacts/$t/" -print_final_stats=1 >"$log" 2>&1
    rc=$?
    took=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -n 1)
    if [ "$rc" -eq 0 ] && ! grep -qE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|SUMMARY: |panicked at' "$log"; then
        passed=$((passed + 1))
        summary+=("ok   $t: ${execs:-?} executions in ${took}s (${rate:-?}/s), ${cov:-cov: ?}")
    else
        failed=$((failed + 1))
        artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
        echo "---- $t failed (exit $rc); last lines of its log:"
        grep -E 'panicked at|ERROR:|SUMMARY:|Test unit written' "$log" | head -n 20
        tail -n 30 "$log"
        summary+=("FAIL $t: exit $rc after ${execs:-?} executions, artifact: ${artifact:-none written}")
    fi
done

echo "---- fuzz summary ($secs s per target)"
printf '%s\n' "${summary[@]}"
if [ "${KLUIS_FUZZ_KEEP:-0}" = 1 ]; then
    echo "grown corpora kept in $work"
fi
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
