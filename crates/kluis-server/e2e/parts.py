"""The real parts the end-to-end suite runs on loopback: an SMTP server that
keeps its mails in memory (aiosmtpd), an S3 server (moto), a PostgreSQL
cluster of its own (initdb + pg_ctl in a temporary folder) and kluis-server.

Every part listens on 127.0.0.1 only and is stopped by the fixture that
started it (conftest.py).
"""

from __future__ import annotations

import email
import email.policy
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# ---------------------------------------------------------------- helpers


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (for parts that cannot be
    started on port 0 and report the port they got)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, interval: float = 0.05):
    """Polls `predicate` until it returns something truthy; fails with `what`
    after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


# ---------------------------------------------------------------- SMTP


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def text(self) -> str:
        """Every text part of the mail, decoded, one after the other."""
        parts = []
        for part in self.message.walk():
            if part.get_content_maintype() == "text":
                parts.append(part.get_content())
        return "\n".join(parts)

    def code(self) -> str:
        """The 8-digit verification code in the mail."""
        found = re.findall(r"(?<!\d)(\d{8})(?!\d)", self.text)
        assert found, f"no 8-digit code in the mail:\n{self.text}"
        assert len(set(found)) == 1, f"several different codes in the mail: {found}"
        return found[0]

    def link(self) -> str:
        """The transfer link in the mail (http(s)://.../t/<id>...)."""
        found = re.findall(r"https?://[^\s<>\"')]+", self.text)
        links = [u for u in found if "/t/" in u or "kluis" in u]
        assert links, f"no transfer link in the mail:\n{self.text}"
        return links[0].rstrip(".,;")


class Mailbox:
    """An aiosmtpd SMTP server on 127.0.0.1 that keeps every mail it gets."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.mails: list[Mail] = []
        self._lock = threading.Lock()
        mailbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                message = email.message_from_bytes(envelope.original_content or envelope.content,
                                                   policy=email.policy.default)
                with mailbox._lock:
                    mailbox.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), message))
                return "250 OK"

        self.port = free_port()
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        self._controller.stop()

    def to(self, address: str) -> list[Mail]:
        with self._lock:
            return [m for m in self.mails if address.lower() in (r.lower() for r in m.recipients)]

    def wait_for(self, address: str, count: int = 1, timeout: float = 20.0) -> Mail:
        """Waits until `address` has received at least `count` mails and
        returns the `count`-th (1-based)."""
        mails = wait_until(lambda: self.to(address)[count - 1:] and self.to(address),
                           timeout, f"mail number {count} to {address} "
                           f"(received so far: {[(m.recipients, m.subject) for m in self.mails]})")
        return mails[count - 1]

    def code_for(self, address: str, count: int = 1, timeout: float = 20.0) -> str:
        return self.wait_for(address, count, timeout).code()


# ---------------------------------------------------------------- S3 (moto)


class S3:
    """A moto S3 server on 127.0.0.1 (ThreadedMotoServer, in this process)."""

    ACCESS_KEY = "kluis-test"
    SECRET_KEY = "kluis-test-secret"
    REGION = "us-east-1"

    def __init__(self):
        import logging

        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
        self.port = free_port()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, region_name=self.REGION,
                            aws_access_key_id=self.ACCESS_KEY, aws_secret_access_key=self.SECRET_KEY)

    def create_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> list[str]:
        keys = []
        for page in self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket):
            keys += [o["Key"] for o in page.get("Contents", [])]
        return keys

    def stop(self):
        self._server.stop()


# ---------------------------------------------------------------- PostgreSQL


class PostgresMissing(RuntimeError):
    pass


def find_pg_bin() -> Path:
    """The bin folder of the newest PostgreSQL server installed from Debian
    (/usr/lib/postgresql/N/bin), or of $KLUIS_PG_BIN."""
    if os.environ.get("KLUIS_PG_BIN"):
        return Path(os.environ["KLUIS_PG_BIN"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(re.search(r"/(\d+)/bin/", p).group(1)))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise PostgresMissing(
        "PostgreSQL server programs (initdb, pg_ctl, postgres) not found: "
        "install them with `apt-get install postgresql` (or set KLUIS_PG_BIN)")


class Postgres:
    """A throwaway PostgreSQL cluster: initdb into a fresh temporary folder,
    pg_ctl start on a free 127.0.0.1 port, trust authentication for the
    superuser `kluis`, and removed on stop.

    PostgreSQL refuses to run as root, so when the suite runs as root (as CI
    does) the cluster is created and run as the `postgres` system user that
    Debian's package creates, through `runuser -u postgres`; otherwise as the
    current user. The system cluster is never touched.
    """

    USER = "kluis"

    def __init__(self):
        self.bin = find_pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix="kluis-e2e-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = free_port()
        self._as: list[str] = []
        if os.geteuid() == 0:
            try:
                pg = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresMissing(
                    "running as root, and there is no `postgres` user to run PostgreSQL as: "
                    "install the server with `apt-get install postgresql` (it creates the user)")
            os.chown(self.root, pg.pw_uid, pg.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        self._run([str(self.bin / "initdb"), "-D", str(self.data), "-U", self.USER, "-A", "trust",
                   "-E", "UTF8", "--no-locale", "--no-sync"])
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                   "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
                         "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                   "start"])
        self.url_base = f"postgres://{self.USER}@127.0.0.1:{self.port}"
        self._count = 0

    def _run(self, argv):
        # In the cluster's folder: the postgres user may not enter the caller's.
        result = subprocess.run(self._as + argv, capture_output=True, text=True, timeout=120, cwd=self.root)
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(argv)} failed ({result.returncode}):\n"
                               f"{result.stdout}\n{result.stderr}\n{log}")
        return result.stdout

    def psql(self, sql: str, db: str = "postgres") -> str:
        return self._run([str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.USER,
                          "-d", db, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql])

    def new_database(self) -> str:
        """A fresh empty database; returns its postgres:// URL."""
        self._count += 1
        name = f"kluis_e2e_{self._count}"
        self.psql(f"CREATE DATABASE {name}")
        return f"{self.url_base}/{name}"

    def stop(self):
        try:
            self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


# ---------------------------------------------------------------- kluis-server


def toml(value, prefix: str = "") -> str:
    """A TOML document from nested dicts of str, int, float, bool and lists
    of those (enough for kluis-server's configuration)."""

    def scalar(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(scalar(x) for x in v) + "]"
        raise TypeError(f"cannot write {v!r} as TOML")

    lines, tables = [], []
    for key, v in value.items():
        if v is None:
            continue
        if isinstance(v, dict):
            tables.append((key, v))
        else:
            lines.append(f"{key} = {scalar(v)}")
    out = "\n".join(lines) + ("\n" if lines else "")
    for key, v in tables:
        name = f"{prefix}.{key}" if prefix else key
        out += f"\n[{name}]\n" + toml(v, name)
    return out


LISTENING = re.compile(r"listening on (?:https?://)?(?P<host>127\.0\.0\.1|\[::1\]|localhost):(?P<port>\d+)")


class Server:
    """One kluis-server process with a TOML configuration file, started on
    port 0 of 127.0.0.1; its address is read from the "listening on" line.
    Its output is kept (self.output) for the failure messages."""

    def __init__(self, binary: Path, config: dict, workdir: Path, env: dict | None = None):
        self.binary = binary
        self.config = config
        self.workdir = workdir
        self.config_path = workdir / "server.toml"
        self.env = env or {}
        self.output: list[str] = []
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.port = 0

    def start(self, timeout: float = 60.0) -> "Server":
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(toml(self.config))
        # Only the file configures the server: no KLUIS_SERVER_* override
        # from the caller's environment (the server reads those).
        env = {k: v for k, v in os.environ.items() if not k.startswith("KLUIS_SERVER_")}
        env.update(self.env)
        env.setdefault("RUST_LOG", "info")
        env.setdefault("NO_COLOR", "1")
        self.output = []
        self.process = subprocess.Popen([str(self.binary), "--config", str(self.config_path)],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        env=env, text=True, errors="replace", cwd=self.workdir)
        found = threading.Event()

        def pump(stream):
            for line in stream:
                self.output.append(line.rstrip("\n"))
                if not found.is_set():
                    m = LISTENING.search(line)
                    if m:
                        self.port = int(m.group("port"))
                        found.set()
            found.set()

        threading.Thread(target=pump, args=(self.process.stdout,), daemon=True).start()
        if not found.wait(timeout) or not self.port:
            self.kill()
            raise RuntimeError(f"kluis-server printed no 'listening on' line within {timeout} s; "
                               f"output:\n{self.log()}")
        self.url = f"http://127.0.0.1:{self.port}"
        return self

    def log(self) -> str:
        return "\n".join(self.output[-200:])

    def stop(self, timeout: float = 20.0):
        """SIGTERM, then SIGKILL if it does not end within `timeout`."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self):
        """SIGKILL: a crash, nothing flushed or cleaned up."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def alive(self) -> bool:
        return bool(self.process and self.process.poll() is None)

    def restart(self, crash: bool = True, timeout: float = 60.0) -> "Server":
        """Stops the server (SIGKILL when `crash`, else SIGTERM) and starts it
        again with the same configuration on the same port, so that links
        and clients keep working."""
        port = self.port
        self.kill() if crash else self.stop()
        self.config = dict(self.config, listen=f"127.0.0.1:{port}")
        deadline = time.monotonic() + 10
        while True:  # the port may linger for a moment
            try:
                self.start(timeout)
                break
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert self.port == port, (self.port, port)
        return self
