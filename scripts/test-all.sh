#!/usr/bin/env bash
# Runs every test of the project: Rust (format, lints, unit, integration,
# doc tests, vectors, malformed kit), Python, Kotlin, C#, the drop server end
# to end, a bounded fuzz run and the supply-chain check. This is the README's
# test command and what CI runs (`.ci/run` calls it after installing system
# packages).
#
#   scripts/test-all.sh
#
# It installs what it can (a Python venv with the wheel and pytest under
# target/, Maven artifacts, mono-mcs and postgresql from Debian when run as
# root) and says plainly what is missing otherwise. Environment:
#   KLUIS_FUZZ_SECONDS   seconds per fuzz target (default 20; 0 skips fuzzing)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

start=$(date +%s)
passed=()
step() { printf '\n=== %s\n' "$*"; }
done_step() { passed+=("$1 ($(($(date +%s) - $2)) s)"); }
missing() {
    printf '\nerror: %s\n       %s\n' "$1" "$2" >&2
    exit 3
}

step "checking prerequisites"
command -v cargo >/dev/null || missing "cargo is not installed" "install Rust with rustup (https://rustup.rs)"
apt_missing=()
python3 -c 'import venv, ensurepip' 2>/dev/null || apt_missing+=(python3-venv)
command -v java >/dev/null || apt_missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || apt_missing+=(maven)
command -v mcs >/dev/null || apt_missing+=(mono-mcs)
command -v mono >/dev/null || apt_missing+=(mono-runtime)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || apt_missing+=(postgresql)
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
echo "cargo $(cargo --version | cut -d' ' -f2), $(python3 --version), java $(java -version 2>&1 | head -1 | cut -d'"' -f2), $(mvn -v 2>/dev/null | head -1 | cut -d' ' -f1-3), mcs $(mcs --version | awk '{print $NF}')"

t=$(date +%s)
step "cargo fmt --check"
cargo fmt --all -- --check
done_step "rustfmt" "$t"

t=$(date +%s)
step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
done_step "clippy" "$t"

t=$(date +%s)
# kluis-server's S3 store tests start moto_server from this venv.
step "the server tests' Python venv (moto, aiosmtpd, schemathesis)"
bash scripts/test-server.sh --venv-only
done_step "server venv" "$t"

t=$(date +%s)
step "cargo test --workspace"
cargo test --workspace --locked
done_step "rust tests" "$t"

t=$(date +%s)
step "Python and Kotlin bindings"
bash scripts/test-bindings.sh
done_step "python + kotlin" "$t"

if [[ -x bindings/csharp/run-tests.sh ]]; then
    t=$(date +%s)
    step "C# bindings (mcs -langversion:6, mono)"
    bash bindings/csharp/run-tests.sh
    done_step "c#" "$t"
fi

t=$(date +%s)
step "kluis-server end to end (SMTP, S3, PostgreSQL, schemathesis)"
bash scripts/test-server.sh
done_step "server e2e" "$t"

if [[ -x fuzz/run.sh && ${KLUIS_FUZZ_SECONDS:-20} != 0 ]]; then
    t=$(date +%s)
    step "fuzzing, ${KLUIS_FUZZ_SECONDS:-20} s per target"
    bash fuzz/run.sh "${KLUIS_FUZZ_SECONDS:-20}"
    done_step "fuzz" "$t"
fi

if [[ -x scripts/deny.sh ]]; then
    t=$(date +%s)
    step "supply chain (cargo deny)"
    bash scripts/deny.sh
    done_step "deny" "$t"
fi

step "all tests passed in $(($(date +%s) - start)) s"
printf '  %s\n' "${passed[@]}"
