"""The Rust PostgreSQL tests (crates/kluis-server/tests/postgres.rs, the
module `postgres` of the test binary `server`) against
this suite's PostgreSQL cluster: `cargo test --workspace` runs it without a
database, where it can only say it is skipped; here it must really run.

It runs `cargo test` with $KLUIS_CARGO_TEST_ARGS (scripts/test-server.sh sets
them to the test build's, so nothing is compiled again), else with
`-p kluis-server`."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_rust_postgres_test_runs_against_a_real_cluster(postgres):
    env = dict(os.environ, KLUIS_TEST_POSTGRES_URL=postgres.new_database())
    build = os.environ.get("KLUIS_CARGO_TEST_ARGS", "--locked -p kluis-server").split()
    result = subprocess.run(
        ["cargo", "test", "-q", *build, "--test", "server", "--", "postgres::", "--nocapture"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "skipped" not in output, output
    assert "3 passed" in output, output  # the whole flow, concurrent replies, concurrent migrations
