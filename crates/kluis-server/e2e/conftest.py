"""Fixtures of the kluis-server end-to-end suite: real parts on loopback.

    mailbox   aiosmtpd SMTP server, mails kept in memory (one per session;
              every test uses addresses of its own)
    s3        moto S3 server (ThreadedMotoServer), one per session
    postgres  a PostgreSQL cluster of the suite's own (initdb + pg_ctl in a
              temporary folder, as the `postgres` user when run as root),
              one per session, a fresh database per test
    server    a factory: kluis-server with a configuration file written for
              the test (fresh SQLite database and blob folder in tmp_path by
              default), on port 0; stopped at the end of the test

Binaries: $KLUIS_SERVER_BIN and $KLUIS_BIN, by default target/debug/
kluis-server and target/debug/kluis (scripts/test-server.sh builds them).
A missing part is an error that says how to get it, never a skip.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest

from client import Api, Kluis
from parts import Mailbox, Postgres, S3, Server

ROOT = Path(__file__).resolve().parents[3]


def binary(env: str, name: str) -> Path:
    path = Path(os.environ.get(env) or ROOT / "target" / "debug" / name)
    if not path.is_file() or not os.access(path, os.X_OK):
        raise pytest.UsageError(f"{path} not found: build it with `cargo build -p "
                                f"{'kluis-server' if name == 'kluis-server' else 'kluis-cli'}` "
                                f"(scripts/test-server.sh does) or set ${env}")
    return path


@pytest.fixture(scope="session")
def server_bin() -> Path:
    return binary("KLUIS_SERVER_BIN", "kluis-server")


@pytest.fixture(scope="session")
def kluis_bin() -> Path:
    return binary("KLUIS_BIN", "kluis")


@pytest.fixture(scope="session")
def mailbox():
    box = Mailbox()
    yield box
    box.stop()


@pytest.fixture(scope="session")
def s3():
    server = S3()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres():
    cluster = Postgres()
    yield cluster
    cluster.stop()


@pytest.fixture
def address():
    """A fresh sender address for each call (the mailbox is shared)."""
    return lambda who="ann": f"{who}-{uuid.uuid4().hex[:10]}@example.org"


def base_config(tmp: Path, mailbox: Mailbox) -> dict:
    """kluis-server's configuration for a test (crates/kluis-server/src/
    config.rs): loopback, port 0, SQLite and a blob folder in the test's
    folder, mail to the suite's SMTP server."""
    return {
        "listen": "127.0.0.1:0",
        "database": {"url": f"sqlite://{tmp / 'kluis.db'}"},
        "storage": {"kind": "fs", "path": str(tmp / "blobs")},
        "smtp": {"host": "127.0.0.1", "port": mailbox.port, "tls": "none", "from": "kluis@example.org"},
    }


def merge(base: dict, overrides: dict) -> dict:
    out = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


@pytest.fixture
def server(server_bin, mailbox, tmp_path, request):
    """`server(**overrides)` starts a kluis-server whose configuration is
    base_config merged with the overrides; every server started is stopped
    at the end of the test and its output shown if the test failed."""
    started: list[Server] = []

    def start(name: str = "server", **overrides) -> Server:
        workdir = tmp_path / name
        workdir.mkdir(exist_ok=True)
        config = merge(base_config(workdir, mailbox), overrides)
        s = Server(server_bin, config, workdir)
        started.append(s)
        return s.start()

    yield start
    for s in started:
        s.stop()
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        for s in started:
            print(f"\n---- {s.workdir.name} output ----\n{s.log()}")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def kluis(kluis_bin, tmp_path):
    """`kluis(name)`: a `kluis` command with a home of its own under tmp_path."""
    return lambda name="ann": Kluis(kluis_bin, tmp_path / "home" / name)


def token_for(server: Server, mailbox: Mailbox, address: str) -> str:
    """Verifies `address` over the API (code from the mail); returns the token."""
    api = Api(server.url)
    before = len(mailbox.to(address))
    r = api.request_code(address)
    assert r.status_code == 202, (r.status_code, r.text)
    code = mailbox.code_for(address, before + 1)
    r = api.confirm(address, code)
    assert r.status_code == 200, (r.status_code, r.text)
    body = r.json()
    assert body["expires_at"] > time.time()
    return body["token"]


@pytest.fixture
def verified(mailbox, address):
    """`verified(server, who)` -> (address, Api with that sender's token)."""

    def verify(server: Server, who: str = "ann"):
        addr = address(who)
        return addr, Api(server.url, token_for(server, mailbox, addr))

    return verify
