"""The whole flow as people run it, with the real `kluis` command: Ann
verifies her address (code from the mail), sends files with `kluis send
--server`, Bob gets the server's mail with the link and runs `kluis receive
<link>` with the password: the files are identical. Once per storage and
metadata backend: folder + SQLite, S3 (moto) + SQLite, folder + PostgreSQL."""

import json
import sqlite3
import subprocess
import time

import pytest

from client import FAST_ARGON2, Api, error_code, random_file, sha256
from parts import wait_until

MESSAGE = "Bob, the signed contract and the site photos. Regards, Ann"


def cli_verify(k, server, mailbox, address):
    """`kluis verify ADDR --server URL`: the command reads the code that the
    server mailed from standard input; the test takes it from the mail."""
    before = len(mailbox.to(address))
    p = k.popen("verify", address, "--server", server.url, stdin=subprocess.PIPE)
    try:
        code = mailbox.code_for(address, before + 1)
        out, err = p.communicate(code + "\n", timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0, f"kluis verify exited {p.returncode}\n{out}\n{err}"
    return out + err


def cli_send(k, server, files, sender, to, extra=(), check=True, timeout=600):
    result = k.run("send", *files, "--to", ",".join(to), "--from", sender, "--server", server.url,
                   "--subject", "Contract", "--message", MESSAGE, "--expires", "1d", "--json",
                   "--argon2", FAST_ARGON2, *extra, check=check, timeout=timeout, cwd=files[0].parent)
    return json.loads(result.stdout) if check else result


def cli_receive(k, link, password, out, check=True):
    return k.run("receive", link, "-o", out, "--password-env", "KLUIS_PASSWORD",
                 env={"KLUIS_PASSWORD": password}, check=check)


@pytest.fixture(params=["fs-sqlite", "s3-sqlite", "fs-postgres"])
def backend(request):
    """Configuration overrides for each storage and metadata backend."""
    kind = request.param
    overrides = {}
    if kind.startswith("s3"):
        s3 = request.getfixturevalue("s3")
        bucket = s3.create_bucket(f"kluis-{request.node.name.split('[')[0][-20:].replace('_', '-')}-{id(request) % 10**6}")
        overrides["storage"] = {"kind": "s3", "bucket": bucket, "endpoint": s3.endpoint, "region": s3.REGION,
                                "access_key_id": s3.ACCESS_KEY, "secret_access_key": s3.SECRET_KEY,
                                "allow_http": True}
        overrides["_bucket"] = bucket
    if kind.endswith("postgres"):
        pg = request.getfixturevalue("postgres")
        overrides["database"] = {"url": pg.new_database()}
    return kind, overrides


def test_whole_flow(backend, server, mailbox, kluis, address, tmp_path, request):
    kind, overrides = backend
    bucket = overrides.pop("_bucket", None)
    s = server(**overrides)
    ann, bob, carol = address("ann"), address("bob"), address("carol")
    k_ann, k_bob = kluis("ann"), kluis("bob")

    cli_verify(k_ann, s, mailbox, ann)

    files = [tmp_path / "send" / "contract.txt", tmp_path / "send" / "photos.bin"]
    files[0].parent.mkdir()
    files[0].write_text("Contract 2026-117: the parties agree.\n")
    random_file(files[1], 2 * 1024 * 1024 + 4321)
    sent = cli_send(k_ann, s, files, ann, [bob, carol])
    assert sent["link"].startswith(s.url + "/t/"), sent
    password = sent["password"]

    # Each recipient gets the server's mail with the link; no password, no
    # file name, no subject, no message in it (names are not disclosed by default).
    for who in (bob, carol):
        mail = mailbox.wait_for(who)
        assert mail.link() == sent["link"], mail.text
        for secret in [password, "contract.txt", "photos.bin", "Contract", MESSAGE]:
            assert secret not in mail.text and secret not in mail.subject, (secret, mail.text)

    # The server's storage holds only opaque blobs.
    if kind.startswith("fs"):
        stored = b"".join(p.read_bytes() for p in (s.workdir / "blobs").rglob("*") if p.is_file())
    else:
        s3 = request.getfixturevalue("s3")
        keys = s3.keys(bucket)
        assert any(sent["id"] in key for key in keys), keys
        stored = b"".join(s3.client().get_object(Bucket=bucket, Key=key)["Body"].read() for key in keys)
    assert len(stored) >= files[1].stat().st_size
    for clear in [b"contract.txt", b"photos.bin", MESSAGE.encode(), b"the parties agree", password.encode()]:
        assert clear not in stored, clear

    # A wrong password saves nothing.
    out = tmp_path / "bob"
    r = cli_receive(k_bob, mail.link(), "wrong-" + password, out, check=False)
    assert r.returncode == 1, r
    assert not out.exists() or not any(out.iterdir())

    result = cli_receive(k_bob, mail.link(), password, out)
    for f in files:
        assert sha256(out / f.name) == sha256(f), f.name
    # The first download mailed Ann a notice (her second mail after the code).
    notice = mailbox.wait_for(ann, 2)
    assert sent["id"] in notice.text or sent["link"] in notice.text, notice.text
    assert result.returncode == 0

    # The metadata database (SQLite or PostgreSQL) has the audit trail.
    events = audit_events(s, overrides, request, sent["id"])
    for event in ["created", "uploaded", "notified", "downloaded"]:
        assert event in events, (event, events)


def audit_events(s, overrides, request, transfer_id):
    query = f"SELECT event FROM audit_log WHERE transfer_id = '{transfer_id}' ORDER BY id"
    if "database" in overrides:
        pg = request.getfixturevalue("postgres")
        return pg.psql(query, db=overrides["database"]["url"].rsplit("/", 1)[1]).split()
    with sqlite3.connect(f"file:{s.workdir / 'kluis.db'}?mode=ro", uri=True) as db:
        return [row[0] for row in db.execute(query)]


def test_cli_verify_with_wrong_code_fails(server, mailbox, kluis, address):
    s = server()
    ann = address()
    p = kluis().popen("verify", ann, "--server", s.url, stdin=subprocess.PIPE)
    code = mailbox.code_for(ann)
    wrong = f"{(int(code) + 1) % 10 ** 8:08d}"
    out, err = p.communicate(wrong + "\n", timeout=60)
    assert p.returncode == 1, (out, err)
    assert "code" in err.lower()


def test_send_without_verification_is_refused(server, kluis, address, tmp_path):
    s = server()
    f = tmp_path / "a.txt"
    f.write_text("x")
    r = cli_send(kluis(), s, [f], address(), [address("bob")], check=False)
    assert r.returncode != 0
    assert "verify" in r.stderr.lower(), r.stderr


def test_rate_limits_are_shared_by_servers_on_one_postgres_database(server, postgres, mailbox, address):
    """Two server processes on one PostgreSQL database share the limits:
    3 code mails per address (from one client) per window, whichever
    process is asked, and the pending code: a code mailed by one process is
    not mailed again by the other and is confirmed by it."""
    url = postgres.new_database()
    one = server("one", database={"url": url})
    two = server("two", database={"url": url})
    ann = address()
    for n in range(1, 4):
        assert Api(one.url).request_code(ann).status_code == 202
        assert Api(two.url).request_code(ann).status_code == 202  # pending: nothing mailed
        code = mailbox.code_for(ann, n)
        assert Api(two.url if n % 2 else one.url).confirm(ann, code).status_code == 200
    time.sleep(0.5)
    assert len(mailbox.to(ann)) == 3
    r = Api(two.url).request_code(ann)
    assert (r.status_code, error_code(r)) == (429, "rate_limited"), r.text


def test_download_limit_with_the_cli(server, mailbox, kluis, address, tmp_path):
    """`kluis send --download-limit 1`: the first `kluis receive` works, the
    second is refused (the server answers 410 for the manifest), saving
    nothing."""
    s = server()
    ann, bob = address("ann"), address("bob")
    k = kluis("ann")
    cli_verify(k, s, mailbox, ann)
    f = tmp_path / "send" / "once.txt"
    f.parent.mkdir()
    f.write_text("read me once\n")
    sent = cli_send(k, s, [f], ann, [bob], extra=("--download-limit", "1"))
    link = mailbox.wait_for(bob).link()
    cli_receive(kluis("bob"), link, sent["password"], tmp_path / "first")
    assert (tmp_path / "first" / "once.txt").read_text() == "read me once\n"
    r = cli_receive(kluis("carol"), link, sent["password"], tmp_path / "second", check=False)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "gone" in r.stderr.lower() or "410" in r.stderr or "limit" in r.stderr.lower(), r.stderr
    assert not (tmp_path / "second").exists() or not any((tmp_path / "second").iterdir())
