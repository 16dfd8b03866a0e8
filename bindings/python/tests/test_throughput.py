"""A 1 GiB seal_file from Python runs within 10 % of the `kluis` CLI.

Both seal the same 1 GiB (sparse) file with the same raw key into a file in
the same folder (each fsyncs its output, deleted before the next run). They
run in interleaved pairs and the best run of each counts; on a machine
shared with other work a pair can be disturbed, so up to five pairs run,
stopping as soon as two have run and the best times meet the bound. Marked `slow` (20 s to a minute on two cores);
deselect with -m "not slow".
"""

from __future__ import annotations

import os
import subprocess
import time

import pytest

import kluis

SIZE = 1 << 30


@pytest.mark.slow
def test_seal_file_throughput_matches_the_cli(cli, tmp_path, capsys):
    source = tmp_path / "big.bin"
    with open(source, "wb") as f:
        f.truncate(SIZE)  # sparse: reading it costs no disk I/O
    raw = os.urandom(32)
    key_file = tmp_path / "key.hex"
    key_file.write_text(raw.hex())
    secret = kluis.Secret.KEY(key=raw)
    out_cli = tmp_path / "cli.kluis"
    out_py = tmp_path / "py.kluis"

    def run_cli() -> float:
        started = time.perf_counter()
        subprocess.run(
            [cli, "--quiet", "seal", str(source), "-o", str(out_cli), "--key-file", str(key_file)],
            check=True, timeout=600,
        )
        return time.perf_counter() - started

    def run_python() -> float:
        started = time.perf_counter()
        kluis.seal_file(str(source), str(out_py), [secret])
        return time.perf_counter() - started

    try:
        cli_times, py_times = [], []
        for pair in range(5):
            # Each output is deleted before the next run: a 1 GiB file left in
            # the page cache slows the next writer down (measured: up to 2x CPU).
            cli_times.append(run_cli())
            out_cli.unlink()
            py_times.append(run_python())
            out_py.unlink()
            if pair >= 1 and min(py_times) <= min(cli_times) / 0.9:
                break
        cli_rate = SIZE / min(cli_times) / 1e6
        py_rate = SIZE / min(py_times) / 1e6
        with capsys.disabled():
            print(
                f"\n1 GiB seal: CLI {cli_rate:.0f} MB/s (runs {', '.join(f'{t:.2f}s' for t in cli_times)}), "
                f"Python seal_file {py_rate:.0f} MB/s (runs {', '.join(f'{t:.2f}s' for t in py_times)}), "
                f"ratio {py_rate / cli_rate:.3f}"
            )
        assert py_rate >= 0.9 * cli_rate, f"Python {py_rate:.0f} MB/s is below 90 % of the CLI's {cli_rate:.0f} MB/s"
    finally:
        for p in (source, out_cli, out_py):
            if p.exists():
                p.unlink()
