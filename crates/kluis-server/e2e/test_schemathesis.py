"""Schemathesis against the server's own /openapi.json: generated requests
(valid and invalid) for every operation, with a valid bearer token, bounded
in examples per operation and in time (KLUIS_E2E_SCHEMATHESIS_EXAMPLES,
KLUIS_E2E_SCHEMATHESIS_SECONDS; a fixed seed), and the check that no
answer is a server error (5xx). Random ids mostly meet 404s; the states
behind them are covered by the hand-written tests."""

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import token_for

MAX_EXAMPLES = int(os.environ.get("KLUIS_E2E_SCHEMATHESIS_EXAMPLES", "25"))
MAX_SECONDS = int(os.environ.get("KLUIS_E2E_SCHEMATHESIS_SECONDS", "60"))


def test_no_server_error_for_generated_requests(server, mailbox, address, tmp_path):
    s = server()
    token = token_for(s, mailbox, address())
    cli = Path(sys.executable).parent / "schemathesis"
    argv = [str(cli), "run", f"{s.url}/openapi.json",
            "--checks", "not_a_server_error",
            "--max-examples", str(MAX_EXAMPLES),
            "--max-time", str(MAX_SECONDS),
            "--phases", "examples,coverage,fuzzing",
            "--workers", "1",
            "--seed", "20261127",
            "--request-timeout", "20",
            "--header", f"Authorization: Bearer {token}",
            "--report", "junit", "--report-dir", str(tmp_path / "report")]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=MAX_SECONDS + 240,
                            cwd=tmp_path, env=dict(os.environ, NO_COLOR="1", SCHEMATHESIS_HOOKS=""))
    summary = result.stdout[-6000:]
    print(summary)
    assert result.returncode == 0, f"schemathesis found server errors or failed:\n{summary}\n{result.stderr[-3000:]}"
    assert s.alive(), "the server died under generated requests"
    # It really ran cases against every operation of the schema.
    tested = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", result.stdout)
    assert tested and int(tested.group(3)) == int(tested.group(2)) >= 12, summary
    cases = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
    assert cases and int(cases.group(1)) == int(cases.group(2)) > 100, summary
