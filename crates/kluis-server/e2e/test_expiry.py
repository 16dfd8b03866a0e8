"""Expiry and purge: a transfer with a short expiry is refused (410) once
expired, the background task (purge interval 1 s) removes its blobs, and
the audit log records created, uploaded, notified, downloaded, expired and
purged, without any code or token."""

import json
import os
import sqlite3
import time

from client import Api, new_id
from parts import wait_until


def audit_rows(db_path):
    """Every row of the audit table, as text (the table is the one whose
    name contains 'audit')."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        audit = [t for t in tables if "audit" in t.lower()]
        assert audit, f"no audit table among {tables}"
        rows = db.execute(f"SELECT * FROM {audit[0]}").fetchall()
    return [" ".join(map(str, row)) for row in rows]


def test_expired_transfers_are_refused_then_purged(server, verified, mailbox):
    s = server(purge={"interval_secs": 1})
    ann, api = verified(s)
    blob = new_id()
    data = os.urandom(20_000)
    tid = api.send_whole(ann, {blob: data, "manifest": b"m" * 100}, expires_in=3)
    keep = api.send_whole(ann, {"manifest": b"k" * 100}, expires_in=3600)
    reader = Api(s.url)
    assert reader.read_blob(tid, "manifest").status_code == 200  # a download, before expiry
    blob_files = lambda: [p for p in (s.workdir / "blobs").rglob("*") if p.is_file() and tid in str(p)]
    assert blob_files(), "the blobs are not in the folder store"

    time.sleep(3.5)
    r = reader.info(tid)
    assert r.status_code in (404, 410), r.text
    assert reader.read_blob(tid, blob).status_code in (404, 410)
    # The purge task removes the blobs within a few intervals.
    wait_until(lambda: not blob_files(), 15, "the purge of the expired transfer's blobs")
    # The other transfer is untouched.
    assert reader.info(keep).status_code == 200
    assert reader.read_blob(keep, "manifest").content == b"k" * 100

    rows = audit_rows(s.workdir / "kluis.db")
    mine = [r for r in rows if tid in r]
    text = "\n".join(mine).lower()
    for event in ["created", "uploaded", "notified", "downloaded", "expired", "purged"]:
        assert event in text, f"no {event!r} event for {tid} in the audit log:\n" + "\n".join(mine)
    assert ann in "\n".join(rows)
    # No code and no token in the log.
    code = mailbox.to(ann)[0].code()  # her first mail: the verification code
    whole = "\n".join(rows)
    assert api.token not in whole and code not in whole


def test_expiry_beyond_the_maximum_is_refused(server, verified):
    s = server()
    ann, api = verified(s)
    r = api.announce(new_id(), ann, [("manifest", 10)], expires_in=31 * 86400)
    assert r.status_code == 400, r.text


def test_purge_removes_blobs_from_s3(server, verified, s3):
    bucket = s3.create_bucket("kluis-purge")
    s = server(purge={"interval_secs": 1},
               storage={"kind": "s3", "bucket": bucket, "endpoint": s3.endpoint, "region": s3.REGION,
                        "access_key_id": s3.ACCESS_KEY, "secret_access_key": s3.SECRET_KEY, "allow_http": True})
    ann, api = verified(s)
    blob = new_id()
    tid = api.send_whole(ann, {blob: os.urandom(70_000), "manifest": b"m" * 100}, expires_in=2)
    keep = api.send_whole(ann, {"manifest": b"k" * 100}, expires_in=3600)
    mine = lambda t: [k for k in s3.keys(bucket) if t in k]
    assert mine(tid) and mine(keep)
    wait_until(lambda: not mine(tid), 20, "the purge of the expired transfer's objects")
    assert mine(keep)
    assert Api(s.url).read_blob(keep, "manifest").content == b"k" * 100


def test_kluis_receive_of_an_expired_transfer_is_refused(server, mailbox, kluis, address, tmp_path):
    from test_flow import MESSAGE, cli_verify
    from client import FAST_ARGON2

    s = server()
    ann, bob = address("ann"), address("bob")
    k = kluis("ann")
    cli_verify(k, s, mailbox, ann)
    f = tmp_path / "short.txt"
    f.write_text("soon gone\n")
    sent = json.loads(k.run("send", f, "--to", bob, "--from", ann, "--server", s.url, "--message", MESSAGE,
                            "--expires", "2s", "--json", "--argon2", FAST_ARGON2).stdout)
    time.sleep(3)
    r = kluis("bob").run("receive", mailbox.wait_for(bob).link(), "-o", tmp_path / "out", "--password-env", "P",
                         env={"P": sent["password"]}, check=False)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert any(w in r.stderr.lower() for w in ("expired", "gone", "410")), r.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
