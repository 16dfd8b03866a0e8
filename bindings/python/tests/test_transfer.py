"""Transfers: the folder store, a Transport written in Python, passwords."""

from __future__ import annotations

import hashlib
import json
import os
import time

import pytest

import kluis
from conftest import FAST_ARGON2
from memory_transport import DictTransport

SEND = kluis.SendOptions(argon2=FAST_ARGON2, piece_size=64 * 1024)


def request(password: str, files, **kw) -> kluis.TransferRequest:
    return kluis.TransferRequest(
        sender="ann@example.org",
        recipients=["bob@example.org", "carol@example.org"],
        files=files,
        password=password,
        subject="Offerte",
        message="Bob, hierbij de offerte.",
        **kw,
    )


@pytest.fixture
def password() -> str:
    return kluis.generate_password()


def test_directory_transport_send_link_receive(tmp_path, password):
    report = tmp_path / "report.pdf"
    report.write_bytes(os.urandom(300_000))
    store = kluis.DirectoryTransport(str(tmp_path / "store"))
    files = [
        kluis.FileSource.PATH(path=str(report), name=None, media_type=None),
        kluis.FileSource.BYTES(name="notes.txt", data=b"remember the milk", media_type="text/plain"),
    ]
    sent = kluis.send_transfer(store, request(password, files), SEND)
    assert len(sent.transfer_id) == 26
    assert sent.expires_at - sent.created_at == 7 * 86400
    assert sent.stored_bytes > 300_000

    link = store.link(sent.transfer_id)
    assert link.startswith("file://") and password not in link

    # The recipient: link -> store -> transfer.
    parsed = kluis.parse_link(link)
    assert parsed.transfer_id == sent.transfer_id
    received = kluis.open_transfer(kluis.DirectoryTransport(parsed.store_path), parsed.transfer_id, password)
    info = received.info()
    assert info.sender == "ann@example.org"
    assert info.recipients == ["bob@example.org", "carol@example.org"]
    assert info.subject == "Offerte"
    assert info.message == "Bob, hierbij de offerte."
    assert [f.name for f in info.files] == ["report.pdf", "notes.txt"]
    assert info.files[0].sha256 == hashlib.sha256(report.read_bytes()).hexdigest()
    assert info.files[1].media_type == "text/plain"

    assert received.read_file(1) == b"remember the milk"
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    paths = received.download_all(str(downloads))
    assert [os.path.basename(p) for p in paths] == ["report.pdf", "notes.txt"]
    assert (downloads / "report.pdf").read_bytes() == report.read_bytes()
    with pytest.raises(kluis.KluisError.AlreadyExists):
        received.download_file(0, str(downloads))
    assert received.download_file(0, str(downloads), overwrite=True).endswith("report.pdf")
    other = received.download_file_to(1, str(tmp_path / "elsewhere.txt"))
    assert open(other, "rb").read() == b"remember the milk"


def test_a_python_transport_carries_a_whole_transfer(tmp_path, password):
    transport = DictTransport()
    data = os.urandom(200_000)
    files = [
        kluis.FileSource.BYTES(name="a.bin", data=data, media_type=None),
        kluis.FileSource.BYTES(name="a.bin", data=b"second file, same name", media_type=None),
    ]
    sent = kluis.send_transfer(transport, request(password, files), SEND)

    # Everything went through the Python methods, in pieces.
    assert transport.calls["put_range"] >= 4
    assert transport.calls["finish_blob"] == 3  # manifest + 2 files
    assert transport.expires[sent.transfer_id] == sent.expires_at
    stored = sum(len(v) for (t, _), v in transport.complete.items() if t == sent.transfer_id)
    assert stored == sent.stored_bytes
    # Announced once, before the upload: every blob with its sealed size.
    [plan] = transport.plans
    assert (plan.transfer_id, plan.expires_at, plan.file_names) == (sent.transfer_id, sent.expires_at, ["a.bin", "a.bin"])
    assert [b.name for b in plan.blobs][-1] == "manifest"
    assert sum(b.size for b in plan.blobs) == sent.stored_bytes
    # The store sees only sealed bytes.
    assert all(data[:64] not in blob for blob in transport.complete.values())

    received = kluis.open_transfer(transport, sent.transfer_id, password, kluis.ReceiveOptions(piece_size=4096))
    assert [f.save_name for f in received.info().files] == ["a.bin", "a (2).bin"]
    assert received.read_file(0) == data
    assert transport.calls["read_range"] > 200_000 // 4096
    received.download_all(str(tmp_path))
    assert (tmp_path / "a (2).bin").read_bytes() == b"second file, same name"

    # Purging through the Python transport.
    assert kluis.purge_expired(transport, now=sent.expires_at - 1) == []
    assert kluis.purge_expired(transport, now=sent.expires_at) == [sent.transfer_id]
    with pytest.raises(kluis.KluisError.NotFound):
        kluis.open_transfer(transport, sent.transfer_id, password)


def test_transfer_error_kinds(password):
    transport = DictTransport()
    files = [kluis.FileSource.BYTES(name="x.txt", data=b"x" * 1000, media_type=None)]
    sent = kluis.send_transfer(transport, request(password, files, expires_in_seconds=3600), SEND)
    tid = sent.transfer_id

    with pytest.raises(kluis.KluisError.WrongSecret):
        kluis.open_transfer(transport, tid, "not-the-password")
    with pytest.raises(kluis.KluisError.NotFound):
        kluis.open_transfer(transport, "a" * 26, password)
    with pytest.raises(kluis.KluisError.Expired) as e:
        kluis.open_transfer(transport, tid, password, kluis.ReceiveOptions(now=sent.expires_at))
    assert "expired" in str(e.value)
    with pytest.raises(kluis.KluisError.InvalidArgument):
        kluis.open_transfer(transport, "not an id", password)

    # A damaged file blob is refused when downloaded.
    received = kluis.open_transfer(transport, tid, password)
    (blob_key,) = [k for k in transport.complete if k[0] == tid and k[1] != "manifest"]
    damaged = bytearray(transport.complete[blob_key])
    damaged[-1] ^= 1
    transport.complete[blob_key] = bytes(damaged)
    with pytest.raises(kluis.KluisError.Tampered):
        received.read_file(0)
    # A missing one is NotFound.
    del transport.complete[blob_key]
    with pytest.raises(kluis.KluisError.NotFound):
        received.read_file(0)
    with pytest.raises(kluis.KluisError.InvalidArgument):
        received.read_file(5)


def test_weak_passwords_are_refused_unless_allowed():
    transport = DictTransport()
    files = [kluis.FileSource.BYTES(name="x.txt", data=b"x", media_type=None)]
    with pytest.raises(kluis.KluisError.WeakPassword) as e:
        kluis.send_transfer(transport, request("password123", files), SEND)
    assert "too" in str(e.value) or "characters" in str(e.value)
    sent = kluis.send_transfer(transport, request("password123", files, allow_weak_password=True), SEND)
    assert kluis.open_transfer(transport, sent.transfer_id, "password123").read_file(0) == b"x"


def test_errors_raised_by_a_python_transport():
    class Failing(DictTransport):
        def put_range(self, transfer_id, blob, offset, data):
            raise kluis.TransportError.Io(reason="disk full")

    class Broken(DictTransport):
        def put_range(self, transfer_id, blob, offset, data):
            raise RuntimeError("a bug in the transport")

    files = [kluis.FileSource.BYTES(name="x.txt", data=b"x", media_type=None)]
    with pytest.raises(kluis.KluisError.Transport) as e:
        kluis.send_transfer(Failing(), request(kluis.generate_password(), files), SEND)
    assert "disk full" in str(e.value)
    # Any other exception is reported, not a crash.
    with pytest.raises(kluis.KluisError.Transport) as e:
        kluis.send_transfer(Broken(), request(kluis.generate_password(), files), SEND)
    assert "a bug in the transport" in str(e.value)


class DropsConnections(DictTransport):
    """Loses the connection `failures` times, each in the middle of a piece
    (half of it lands), as a network would; counts the bytes that land."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures_left = failures
        self.landed = 0

    def put_range(self, transfer_id, blob, offset, data):
        if self.failures_left > 0:
            self.failures_left -= 1
            half = data[: len(data) // 2]
            super().put_range(transfer_id, blob, offset, half)
            self.landed += len(half)
            raise kluis.TransportError.Io(reason="connection reset by peer")
        super().put_range(transfer_id, blob, offset, data)
        self.landed += len(data)


def test_send_transfer_resumes_after_a_transport_failure_as_kluis_send_does(password):
    # kluis-transfer's resume-and-retry policy, the one `kluis send` uses:
    # after an Io (or Conflict) failure the upload is attempted again, from
    # where the store stands, 3 attempts in all.
    data = os.urandom(200_000)
    files = [kluis.FileSource.BYTES(name="a.bin", data=data, media_type=None)]
    flaky = DropsConnections(failures=2)
    sent = kluis.send_transfer(flaky, request(password, files), SEND)
    assert flaky.calls["begin_transfer"] == 3, "announced again before each attempt"
    assert flaky.landed == sent.stored_bytes, "no byte sent twice: each attempt resumes"
    received = kluis.open_transfer(flaky, sent.transfer_id, password)
    assert received.read_file(0) == data
    # A third failure uses up the attempts: the error is the caller's.
    with pytest.raises(kluis.KluisError.Transport) as e:
        kluis.send_transfer(DropsConnections(failures=3), request(password, files), SEND)
    assert "connection reset by peer" in str(e.value)


def test_generated_and_rated_passwords():
    pw = kluis.generate_password()
    groups = pw.split("-")
    assert len(groups) == 6 and all(len(g) == 4 for g in groups)
    assert kluis.generate_password() != pw
    words = kluis.generate_password(kluis.PasswordStyle.WORDS)
    assert len(words.split("-")) == 10
    assert kluis.rate_password(pw).acceptable

    weak = kluis.rate_password("password123")
    assert not weak.acceptable
    assert weak.score < 3
    assert weak.reason
    # Words from the transfer itself count as easy to guess.
    alone = kluis.rate_password("bakkerijjansen")
    in_context = kluis.rate_password("bakkerijjansen", ["p.jansen@bakkerij.nl"])
    assert in_context.guesses_log10 < alone.guesses_log10
    strong = kluis.rate_password("Tulpen fietsen 7 keer langs de Amstel")
    assert strong.acceptable and strong.reason is None and strong.chars == 37


def test_transfers_from_several_threads(tmp_path):
    """DirectoryTransport and ReceivedTransfer are shared between threads."""
    import threading

    store = kluis.DirectoryTransport(str(tmp_path / "store"))
    password = kluis.generate_password()
    files = [kluis.FileSource.BYTES(name=f"f{i}.bin", data=os.urandom(50_000), media_type=None) for i in range(4)]
    sent = kluis.send_transfer(store, request(password, files), SEND)
    received = kluis.open_transfer(store, sent.transfer_id, password)
    results = {}

    def fetch(i):
        results[i] = received.read_file(i)

    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(4)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert time.perf_counter() - started < 60
    assert [hashlib.sha256(results[i]).hexdigest() for i in range(4)] == [f.sha256 for f in received.info().files]


def forge_manifest(store, passwords) -> str:
    """A transfer whose manifest is sealed with several password slots, as
    only a hostile server or sender would make it (a Kluis sender uses one)."""
    tid = "a" * 26
    now = int(time.time())
    manifest = json.dumps({
        "version": 1, "transfer": tid, "from": "mallory@example.org", "to": ["bob@example.org"],
        "subject": "forged", "created": now, "expires": now + 3600,
        "files": [{"blob": "b" * 25 + "a", "name": "a.txt", "size": 0,
                   "sha256": hashlib.sha256(b"").hexdigest(), "key": "07" * 32}],
    }).encode()
    secrets = [kluis.Secret.PASSWORD(password=p) for p in passwords]
    sealed = kluis.seal_bytes(manifest, secrets, kluis.SealOptions(argon2=FAST_ARGON2))
    store.put_range(tid, "manifest", 0, sealed)
    store.finish_blob(tid, "manifest", len(sealed))
    store.finish_transfer(tid, now + 3600)
    return tid


def test_a_forged_manifest_above_the_transfer_limits_is_refused_before_argon2(tmp_path, password):
    store = kluis.DirectoryTransport(str(tmp_path / "store"))
    tid = forge_manifest(store, ["x-one", "x-two", password])
    with pytest.raises(kluis.KluisError.LimitsExceeded, match="3 password slots is above the limit of 2"):
        kluis.open_transfer(store, tid, password)
    with pytest.raises(kluis.KluisError.LimitsExceeded):
        kluis.open_transfer(store, tid, password, kluis.ReceiveOptions())
    # The caller may allow more: the envelope limits take four slots.
    received = kluis.open_transfer(store, tid, password, kluis.ReceiveOptions(limits=kluis.OpenLimits()))
    assert received.info().subject == "forged"
