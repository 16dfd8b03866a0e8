"""Shared helpers for the kluis Python tests.

The tests import the *installed* package (``pip install ./bindings/python``);
the repository is found from this file's location for the CLI binary, the
malformed-envelope kit and the examples.
"""

from __future__ import annotations

import os
import pathlib
import shutil

import pytest

import kluis

REPO = pathlib.Path(__file__).resolve().parents[3]

# Cheap Argon2 for password tests (never for real passwords).
FAST_ARGON2 = kluis.Argon2Params(m_kib=1024, t=1, p=1)
FAST = kluis.SealOptions(argon2=FAST_ARGON2)


@pytest.fixture
def key() -> kluis.Secret:
    return kluis.Secret.KEY(key=os.urandom(32))


def cli_path() -> str:
    """The `kluis` binary: $KLUIS_CLI, else target/release, else target/debug."""
    env = os.environ.get("KLUIS_CLI")
    if env:
        return env
    for profile in ("release", "debug"):
        candidate = REPO / "target" / profile / "kluis"
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("kluis")
    if found:
        return found
    pytest.fail("the kluis CLI was not found: run `cargo build -p kluis-cli --release` or set KLUIS_CLI")


@pytest.fixture
def cli() -> str:
    return cli_path()
