#!/usr/bin/env bash
# Supply-chain check: licences, banned and duplicate crates, and sources of
# every crate in the workspace's dependency graph, with cargo-deny and
# deny.toml. Works offline once cargo-deny and the crates are present.
#
#   scripts/deny.sh
#
# The advisories check is not run: it needs the RustSec advisory database,
# a git repository these machines cannot reach.
#
# cargo-deny is installed with `cargo install cargo-deny --locked` when
# missing. That compiles it from crates.io: 5 min 11 s of CPU, 13 min 19 s
# wall-clock on the shared 2-core machine (cargo-deny 0.20.2, measured while
# other builds ran; expect about 3 min on an idle machine). That is too long
# for every CI run, so it only installs when KLUIS_DENY=1; otherwise, with
# cargo-deny absent, the script says so and exits 0 ("skipped"). The check
# itself takes about 4 s and runs offline.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! cargo deny --version >/dev/null 2>&1; then
    if [ "${KLUIS_DENY:-0}" = 1 ]; then
        echo "deny.sh: installing cargo-deny (cargo install cargo-deny --locked)"
        cargo install cargo-deny --locked
    else
        echo "deny.sh: skipped: cargo-deny is not installed (KLUIS_DENY=1 installs it: cargo install cargo-deny --locked, about 3 to 13 min on 2 cores)"
        exit 0
    fi
fi
echo "deny.sh: $(cargo deny --version)"
# --offline: no fetching of advisory databases or crates; the crates must
# already be downloaded (any cargo build/test of the workspace does that).
cargo deny --offline --workspace check licenses bans sources
