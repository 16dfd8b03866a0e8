#!/usr/bin/env bash
# Regenerates fuzz/corpus/<target>/ from the test vectors, the malformed kit
# and generated seeds (examples/gen_corpus.rs), minimised with libFuzzer's
# -merge=1 so that only inputs adding coverage are kept (the corpus stays a
# few hundred KB). Inputs already in fuzz/corpus/<target>/ are merged in too.
#
#   fuzz/gen_corpus.sh [TARGET...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
seeds="$(mktemp -d "${TMPDIR:-/tmp}/kluis-seeds.XXXXXX")"
trap 'rm -rf "$seeds"' EXIT
unset CARGO_TARGET_DIR
cargo run --quiet --manifest-path "$here/Cargo.toml" --target-dir "$here/target" \
    --example gen_corpus -- "$seeds"
KLUIS_FUZZ_BUILD_ONLY=1 "$here/run.sh" >/dev/null
triple="$(rustc -vV | sed -n 's/^host: //p')"
bin_dir="$here/target/$triple/release"
if [ "$#" -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(ls "$seeds"); fi
for t in "${targets[@]}"; do
    new="$seeds/merged-$t"
    mkdir -p "$new" "corpus/$t"
    mkdir -p "$here/artifacts/$t"
    ASAN_OPTIONS=detect_leaks=0 "$bin_dir/$t" -merge=1 -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$here/artifacts/$t/" \
        "$new" "corpus/$t" "$seeds/$t" 2>&1 | grep -E '^MERGE-OUTER: [0-9]+ new files' || true
    rm -rf "corpus/$t"
    mv "$new" "corpus/$t"
    echo "corpus/$t: $(ls "corpus/$t" | wc -l) files, $(du -sk "corpus/$t" | cut -f1) KB"
done
