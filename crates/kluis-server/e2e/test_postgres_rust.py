"""The Rust PostgreSQL test (crates/kluis-server/tests/postgres.rs) against
this suite's PostgreSQL cluster: `cargo test --workspace` runs it without a
database, where it can only say it is skipped; here it must really run."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_rust_postgres_test_runs_against_a_real_cluster(postgres):
    env = dict(os.environ, KLUIS_TEST_POSTGRES_URL=postgres.new_database())
    result = subprocess.run(
        ["cargo", "test", "--locked", "-q", "-p", "kluis-server", "--test", "postgres", "--", "--nocapture"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "skipped" not in output, output
    assert "1 passed" in output, output
