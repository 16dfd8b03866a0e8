#!/usr/bin/env bash
# The end-to-end tests of the drop server (crates/kluis-server/e2e) with real
# parts on loopback: kluis-server and the kluis command (the shared test
# build of scripts/lib/artifacts.sh, built first if missing), an
# SMTP server (aiosmtpd), an S3 server (moto), a PostgreSQL cluster of the
# suite's own (initdb + pg_ctl in a temporary folder; run as the `postgres`
# user when this runs as root), and schemathesis against /openapi.json.
#
#   scripts/test-server.sh                 # the whole suite (about 3 min warm)
#   scripts/test-server.sh -k flow -x      # arguments go to pytest
#   scripts/test-server.sh --venv-only     # only make the venv (moto, aiosmtpd, ...)
#
# Needs: cargo, python3 with venv/ensurepip, PostgreSQL's server programs
# (`apt-get install postgresql`; the system cluster is not used and need not
# run). Installs the Python side in target/server-venv (override: KLUIS_SERVER_VENV).
# Environment: KLUIS_E2E_SCHEMATHESIS_EXAMPLES (default 25 per operation),
# KLUIS_E2E_SCHEMATHESIS_SECONDS (default 150).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

step() { printf '\n==> %s\n' "$*"; }
missing() {
    printf 'error: %s\n' "$1" >&2
    printf '       %s\n' "$2" >&2
    exit 3
}

command -v cargo >/dev/null || missing "cargo is not installed" "install Rust: https://rustup.rs"
command -v python3 >/dev/null || missing "python3 is not installed" "apt-get install python3 python3-venv"
python3 -c 'import venv, ensurepip' 2>/dev/null ||
    missing "python3 cannot create virtual environments (no venv/ensurepip)" "apt-get install python3-venv"
pg_bin="${KLUIS_PG_BIN:-}"
if [[ -z $pg_bin ]]; then
    pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
fi
if [[ -z $pg_bin || ! -x $pg_bin/initdb || ! -x $pg_bin/pg_ctl || ! -x $pg_bin/postgres ]]; then
    missing "PostgreSQL's server programs (initdb, pg_ctl, postgres) are not installed" \
        "apt-get install postgresql   (or set KLUIS_PG_BIN to the folder that holds them)"
fi
if [[ $(id -u) == 0 ]] && ! id postgres >/dev/null 2>&1; then
    missing "running as root and there is no 'postgres' user to run the test cluster as" \
        "apt-get install postgresql   (its package creates the user)"
fi
export KLUIS_PG_BIN="$pg_bin"

# --venv-only: just make the venv (scripts/test-all.sh does so before
# `cargo test --workspace`, whose S3 store tests start moto_server from it).
VENV="${KLUIS_SERVER_VENV:-$ROOT/target/server-venv}"
make_venv() {
    step "python venv at $VENV; pip install -r crates/kluis-server/e2e/requirements.txt"
    [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r crates/kluis-server/e2e/requirements.txt
}
if [[ ${1:-} == --venv-only ]]; then
    make_venv
    exit 0
fi

# shellcheck source=lib/artifacts.sh
source scripts/lib/artifacts.sh
step "the test build ($KLUIS_PROFILE profile, $KLUIS_ARTIFACTS)"
kluis_build_artifacts

make_venv

step "pytest crates/kluis-server/e2e  ($("$pg_bin/postgres" --version))"
cd crates/kluis-server/e2e
exec "$VENV/bin/python" -m pytest -p no:cacheprovider "$@"
