"""The two clients of the suite: the `kluis` command (the real client, as a
user runs it) and a thin HTTP client (requests) for what the command does
not do on purpose: wrong codes, other senders' tokens, oversize or
interrupted uploads."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import time
from pathlib import Path

import requests

# Argon2id cost for the tests' sends (the CLI's hidden --argon2 option): the
# default (64 MiB, 3 passes) is for real passwords; the server never sees it.
FAST_ARGON2 = "m=8192,t=1,p=1"


def new_id() -> str:
    """A fresh 26-character transfer or blob id (docs/TRANSFER.md §2)."""
    return base64.b32encode(os.urandom(16)).decode().lower().rstrip("=")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def random_file(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(left, 1 << 20)
            f.write(os.urandom(n))
            left -= n
    return path


class Kluis:
    """Runs the `kluis` binary with a home of its own (so any token it keeps
    stays inside the test's folder)."""

    def __init__(self, binary: Path, home: Path):
        self.binary = binary
        self.home = home
        home.mkdir(parents=True, exist_ok=True)

    def env(self, extra: dict | None = None) -> dict:
        env = dict(os.environ, HOME=str(self.home), XDG_DATA_HOME=str(self.home / "data"),
                   XDG_CONFIG_HOME=str(self.home / "config"), XDG_CACHE_HOME=str(self.home / "cache"),
                   KLUIS_CONFIG_DIR=str(self.home / "config" / "kluis"), NO_COLOR="1")
        env.pop("KLUIS_FROM", None)
        env.pop("EMAIL", None)
        env.update(extra or {})
        return env

    def argv(self, *args) -> list[str]:
        return [str(self.binary), *map(str, args)]

    def run(self, *args, env: dict | None = None, input: str | None = None, timeout: float = 300,
            check: bool = True, cwd: Path | None = None) -> subprocess.CompletedProcess:
        result = subprocess.run(self.argv(*args), env=self.env(env), input=input, capture_output=True, text=True,
                                timeout=timeout, cwd=cwd or self.home,
                                stdin=None if input is not None else subprocess.DEVNULL)
        if check and result.returncode != 0:
            raise AssertionError(f"kluis {' '.join(map(str, args))} exited {result.returncode}\n"
                                 f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
        return result

    def popen(self, *args, env: dict | None = None, cwd: Path | None = None, stdin=subprocess.DEVNULL
              ) -> subprocess.Popen:
        return subprocess.Popen(self.argv(*args), env=self.env(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=stdin, text=True, cwd=cwd or self.home)


class Api:
    """docs/SERVER.md over requests, one call per method; answers are
    returned as they come (the tests assert on status codes)."""

    def __init__(self, base: str, token: str | None = None):
        self.base = base.rstrip("/")
        self.token = token
        self.http = requests.Session()

    def with_token(self, token: str | None) -> "Api":
        return Api(self.base, token)

    def _headers(self, extra=None):
        headers = dict(extra or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def get(self, path, **kw):
        return self.http.get(self.base + path, headers=self._headers(kw.pop("headers", None)), timeout=30, **kw)

    def post(self, path, body=None, **kw):
        return self.http.post(self.base + path, json=body, headers=self._headers(kw.pop("headers", None)),
                              timeout=30, **kw)

    def put(self, path, data, **kw):
        # One connection per upload: the server answers a refused upload
        # (409, 413) without reading its body and then closes the connection
        # without saying so (no `Connection: close`), which a reused
        # keep-alive connection would meet as "Remote end closed connection".
        headers = self._headers({"Content-Type": "application/octet-stream", "Connection": "close",
                                 **kw.pop("headers", {})})
        return self.http.put(self.base + path, data=data, headers=headers, timeout=60, **kw)

    def delete(self, path, **kw):
        return self.http.delete(self.base + path, headers=self._headers(kw.pop("headers", None)), timeout=30, **kw)

    # verification
    def request_code(self, address):
        return self.post("/api/v1/verify", {"address": address})

    def confirm(self, address, code):
        return self.post("/api/v1/verify/confirm", {"address": address, "code": code})

    # sending
    def announce(self, transfer_id, sender, blobs, recipients=("bob@example.org",), expires_in=3600,
                 download_limit=None, expires_at=None):
        body = {"id": transfer_id, "sender": sender, "recipients": list(recipients),
                "expires_at": expires_at if expires_at is not None else int(time.time()) + expires_in,
                "download_limit": download_limit,
                "blobs": [{"name": name, "size": size} for name, size in blobs]}
        return self.post("/api/v1/transfers", body)

    def upload_state(self, transfer_id, blob):
        return self.get(f"/api/v1/transfers/{transfer_id}/blobs/{blob}/upload")

    def put_blob(self, transfer_id, blob, offset, data):
        return self.put(f"/api/v1/transfers/{transfer_id}/blobs/{blob}?offset={offset}", data)

    def finish_blob(self, transfer_id, blob, size):
        return self.post(f"/api/v1/transfers/{transfer_id}/blobs/{blob}/finish", {"size": size})

    def finish(self, transfer_id, expires_at):
        return self.post(f"/api/v1/transfers/{transfer_id}/finish", {"expires_at": expires_at})

    # receiving
    def info(self, transfer_id):
        return self.get(f"/api/v1/transfers/{transfer_id}")

    def read_blob(self, transfer_id, blob, range_=None):
        headers = {"Range": range_} if range_ else None
        return self.get(f"/api/v1/transfers/{transfer_id}/blobs/{blob}", headers=headers)

    def send_whole(self, sender, blobs: dict[str, bytes], expires_in=3600, download_limit=None,
                   recipients=("bob@example.org",)) -> str:
        """Announces, uploads and finishes a transfer of raw blobs (as the
        server sees them: opaque bytes); returns its id."""
        transfer_id = new_id()
        expires_at = int(time.time()) + expires_in
        r = self.announce(transfer_id, sender, [(n, len(d)) for n, d in blobs.items()], recipients=recipients,
                          expires_at=expires_at, download_limit=download_limit)
        assert r.status_code == 201, (r.status_code, r.text)
        for name, data in blobs.items():
            r = self.put_blob(transfer_id, name, 0, data)
            assert r.status_code == 200, (r.status_code, r.text)
            r = self.finish_blob(transfer_id, name, len(data))
            assert r.status_code == 204, (r.status_code, r.text)
        r = self.finish(transfer_id, expires_at)
        assert r.status_code == 200, (r.status_code, r.text)
        return transfer_id


def error_code(response) -> str:
    """The `error` field of an error answer (docs/SERVER.md)."""
    try:
        return json.loads(response.text).get("error", "")
    except ValueError:
        return ""
