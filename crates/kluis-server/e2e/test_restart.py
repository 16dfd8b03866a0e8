"""A server restart in the middle of transfers loses nothing that was
completed: acknowledged uploads, finished blobs, tokens, finished transfers.
Also the real client across a crash: `kluis send` keeps going when the
server is killed and restarted under it (its retries), and the result
opens."""

import os
import threading
import time

from client import Api, new_id, random_file, sha256
from conftest import token_for
from parts import wait_until
from test_flow import cli_receive, cli_send, cli_verify


def test_restart_mid_transfer_loses_nothing_completed(server, verified):
    s = server()
    ann, api = verified(s)
    done = api.send_whole(ann, {"manifest": b"d" * 64})
    tid, a, b = new_id(), new_id(), new_id()
    da, db = os.urandom(1 << 20), os.urandom(2 << 20)
    expires_at = int(time.time()) + 3600
    assert api.announce(tid, ann, [(a, len(da)), (b, len(db)), ("manifest", 32)],
                        expires_at=expires_at).status_code == 201
    assert api.put_blob(tid, a, 0, da).status_code == 200
    assert api.finish_blob(tid, a, len(da)).status_code == 204
    assert api.put_blob(tid, b, 0, db[: len(db) // 2]).json() == {"partial_len": len(db) // 2}

    s.restart(crash=True)

    # The token, the finished transfer, the complete blob and the
    # acknowledged part of the other are all still there.
    assert Api(s.url).info(done).status_code == 200
    assert Api(s.url).read_blob(done, "manifest").content == b"d" * 64
    assert api.upload_state(tid, a).json() == {"partial_len": None, "complete_len": len(da)}
    assert api.upload_state(tid, b).json() == {"partial_len": len(db) // 2, "complete_len": None}
    # The announcement is recognised as the same one (a resumed send).
    r = api.announce(tid, ann, [(a, len(da)), (b, len(db)), ("manifest", 32)], expires_at=expires_at)
    assert r.status_code == 200, r.text
    assert api.put_blob(tid, b, len(db) // 2, db[len(db) // 2:]).status_code == 200
    assert api.finish_blob(tid, b, len(db)).status_code == 204
    assert api.put_blob(tid, "manifest", 0, b"m" * 32).status_code == 200
    assert api.finish_blob(tid, "manifest", 32).status_code == 204
    assert api.finish(tid, expires_at).status_code == 200
    reader = Api(s.url)
    assert reader.read_blob(tid, a).content == da
    assert reader.read_blob(tid, b).content == db


def test_kluis_send_survives_a_server_crash(server, mailbox, kluis, address, tmp_path):
    s = server()
    ann, bob = address("ann"), address("bob")
    k = kluis("ann")
    cli_verify(k, s, mailbox, ann)
    big = random_file(tmp_path / "send" / "big.bin", 48 * 1024 * 1024)

    result = {}

    def send():
        try:
            result["sent"] = cli_send(k, s, [big], ann, [bob])
        except BaseException as e:  # shown by the assertion below
            result["error"] = e

    sender = threading.Thread(target=send)
    sender.start()
    blobs = s.workdir / "blobs"
    stored = lambda: sum(p.stat().st_size for p in blobs.rglob("*") if p.is_file()) if blobs.exists() else 0
    # Crash the server once the upload is under way, and bring it back.
    wait_until(lambda: stored() > 4 * 1024 * 1024, 300, "the upload to start")
    s.kill()
    at_crash = stored()
    assert at_crash < big.stat().st_size, "the upload was over before the crash"
    s.restart(crash=True)
    sender.join(600)
    assert "sent" in result, f"kluis send did not finish after the server came back: {result.get('error')}"
    sent = result["sent"]
    mail = mailbox.wait_for(bob)
    assert mail.link() == sent["link"]
    out = tmp_path / "bob"
    cli_receive(kluis("bob"), mail.link(), sent["password"], out)
    assert sha256(out / "big.bin") == sha256(big)


def test_a_killed_kluis_send_leaves_nothing_for_recipients(server, mailbox, kluis, address, tmp_path):
    """`kluis send` killed halfway: the recipients get no mail and the
    unfinished transfer stays invisible to them (404); the part uploaded is
    still resumable on the server (its partial length), and a new send
    goes through. (kluis cannot resume another process's send: its
    envelopes are sealed with fresh random keys each time.)"""
    s = server()
    ann, bob = address("ann"), address("bob")
    k = kluis("ann")
    cli_verify(k, s, mailbox, ann)
    big = random_file(tmp_path / "send" / "big.bin", 48 * 1024 * 1024)
    p = k.popen("send", big, "--to", bob, "--from", ann, "--server", s.url, "--json",
                "--argon2", "m=8192,t=1,p=1")
    blobs = s.workdir / "blobs"
    parts = lambda: [f for f in blobs.rglob("*.part") if f.stat().st_size > 2 * 1024 * 1024] if blobs.exists() else []
    wait_until(parts, 300, "the upload to start")
    p.kill()
    p.communicate(timeout=30)
    part = parts()[0]
    tid, blob = part.parent.name, part.name.removesuffix(".part")
    reader = Api(s.url)
    assert reader.info(tid).status_code == 404
    assert reader.read_blob(tid, "manifest").status_code == 404
    time.sleep(1)
    assert mailbox.to(bob) == []
    # The server kept the acknowledged prefix: an upload could resume from it.
    state = Api(s.url, token_for(s, mailbox, ann)).upload_state(tid, blob)
    assert state.status_code == 200 and 0 < state.json()["partial_len"] <= part.stat().st_size, state.text
    # A new send works and reaches Bob.
    small = tmp_path / "send" / "small.txt"
    small.write_text("again")
    sent = cli_send(k, s, [small], ann, [bob])
    assert mailbox.wait_for(bob).link() == sent["link"]
