"""Sending to and receiving from a real kluis-server through the binding's
HttpTransport, the way a Python host (or, through the same FFI, the .NET
add-in and a JVM client) sends with a drop server: verify the sender by the
mailed code, send, and open the transfer from the server as the recipient.

The server is the workspace's own `kluis-server` binary (KLUIS_SERVER_BIN,
else built with cargo), on a loopback port, with a folder store, SQLite and
mails written as .eml files into a folder, where the test reads the code.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

import kluis
from conftest import FAST_ARGON2

ROOT = Path(__file__).resolve().parents[3]
ANN = "ann@example.org"
BOB = "bob@example.org"


def server_binary() -> str:
    given = os.environ.get("KLUIS_SERVER_BIN")
    if given:
        return given
    subprocess.run(["cargo", "build", "--locked", "--quiet", "-p", "kluis-server"], cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return str(target / "debug" / "kluis-server")


class Server:
    def __init__(self, tmp: Path):
        self.mails = tmp / "mails"
        config = tmp / "server.toml"
        config.write_text(
            'listen = "127.0.0.1:0"\n'
            f'[database]\nurl = "sqlite://{tmp / "kluis.db"}"\n'
            f'[storage]\nkind = "fs"\npath = "{tmp / "blobs"}"\n'
            f'[maildir]\npath = "{self.mails}"\nfrom = "kluis@example.org"\n'
        )
        self.log = open(tmp / "server.log", "w+")
        self.proc = subprocess.Popen(
            [server_binary(), "--config", str(config)], stdout=self.log, stderr=subprocess.STDOUT
        )
        self.base = self._wait_listening()

    def _wait_listening(self, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.log.seek(0)
            found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", self.log.read())
            if found:
                return found.group(1)
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.log.seek(0)
        raise RuntimeError(f"kluis-server did not start:\n{self.log.read()}")

    def mails_to(self, address: str) -> list[email.message.EmailMessage]:
        found = []
        for path in sorted(self.mails.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address in str(message["To"]):
                found.append(message)
        return found

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path)
    yield s
    s.stop()


def body(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def verify(server: Server, address: str) -> str:
    kluis.request_code(server.base, address)
    code = re.search(r"\b(\d{8})\b", body(server.mails_to(address)[-1])).group(1)
    return kluis.confirm_code(server.base, address, code).token


def test_http_transport_sends_and_receives_through_a_real_server(tmp_path, server):
    token = verify(server, ANN)
    report = tmp_path / "report.pdf"
    report.write_bytes(os.urandom(700_000))
    password = kluis.generate_password()
    request = kluis.TransferRequest(
        sender=ANN,
        recipients=[BOB],
        files=[
            kluis.FileSource.PATH(path=str(report), name=None, media_type=None),
            kluis.FileSource.BYTES(name="notes.txt", data=b"remember the milk", media_type="text/plain"),
        ],
        password=password,
        subject="Offerte",
        message="Bob, hierbij de offerte.",
    )
    sender_side = kluis.HttpTransport(server.base, token, None)
    sent = kluis.send_transfer(sender_side, request, kluis.SendOptions(argon2=FAST_ARGON2, piece_size=64 * 1024))
    link = sender_side.link(sent.transfer_id)
    assert link.endswith("/t/" + sent.transfer_id)

    # The recipient's mail carries the link, and neither the password, the
    # subject nor a file name (the sender did not opt in).
    notice = body(server.mails_to(BOB)[-1])
    assert "/t/" + sent.transfer_id in notice
    for secret in (password, "Offerte", "report.pdf", "notes.txt"):
        assert secret not in notice

    # The recipient: no token, the server's address from the link.
    parsed = kluis.parse_link(server.base + "/t/" + sent.transfer_id)
    assert parsed.server_base == server.base
    received = kluis.open_transfer(kluis.HttpTransport(parsed.server_base, None, None), parsed.transfer_id, password)
    info = received.info()
    assert (info.sender, info.subject, info.message) == (ANN, "Offerte", "Bob, hierbij de offerte.")
    out = tmp_path / "downloads"
    out.mkdir()
    received.download_all(str(out), False)
    assert hashlib.sha256((out / "report.pdf").read_bytes()).digest() == hashlib.sha256(report.read_bytes()).digest()
    assert (out / "notes.txt").read_bytes() == b"remember the milk"

    with pytest.raises(kluis.KluisError):
        kluis.open_transfer(kluis.HttpTransport(server.base, None, None), sent.transfer_id, "not the password")


def test_a_wrong_code_and_a_missing_token_are_refused(server):
    kluis.request_code(server.base, ANN)
    with pytest.raises(kluis.KluisError):
        kluis.confirm_code(server.base, ANN, "00000000")
    request = kluis.TransferRequest(
        sender=ANN,
        recipients=[BOB],
        files=[kluis.FileSource.BYTES(name="a.txt", data=b"a", media_type=None)],
        password=kluis.generate_password(),
        subject="",
        message=None,
    )
    with pytest.raises(kluis.KluisError):
        kluis.send_transfer(
            kluis.HttpTransport(server.base, None, None), request, kluis.SendOptions(argon2=FAST_ARGON2)
        )


def test_the_servers_mail_in_the_chosen_language_is_the_bindings_notice(server):
    token = verify(server, ANN)
    request = kluis.TransferRequest(
        sender=ANN,
        recipients=[BOB],
        files=[kluis.FileSource.BYTES(name="notes.txt", data=b"melk", media_type=None)],
        password=kluis.generate_password(),
    )
    options = kluis.HttpOptions(language=kluis.Language.NL)
    sender_side = kluis.HttpTransport(server.base, token, options)
    sent = kluis.send_transfer(sender_side, request, kluis.SendOptions(argon2=FAST_ARGON2))
    expected = kluis.recipient_notice(ANN, sender_side.link(sent.transfer_id), sent.expires_at, kluis.Language.NL)
    mail = server.mails_to(BOB)[-1]
    assert str(mail["Subject"]) == expected.subject
    # The mail's lines end in CRLF (RFC 5322); the notice's in LF.
    assert expected.body in body(mail).replace("\r\n", "\n")
