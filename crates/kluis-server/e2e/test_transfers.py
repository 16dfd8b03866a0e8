"""Sending and receiving over the API with opaque blobs: who may touch a
transfer (403), sizes (413), offsets (409), interrupted uploads resumed
from the server's partial length, download limits (410), ranges."""

import os
import socket
import time

from client import Api, error_code, new_id


def test_another_senders_token_is_refused(server, verified):
    s = server()
    ann, ann_api = verified(s, "ann")
    eve, eve_api = verified(s, "eve")
    tid = new_id()
    blob = new_id()
    expires_at = int(time.time()) + 3600
    r = ann_api.announce(tid, ann, [(blob, 100), ("manifest", 10)], expires_at=expires_at)
    assert r.status_code == 201, r.text
    assert r.json()["id"] == tid and r.json()["link"].endswith(f"/t/{tid}")

    # Eve may not announce in Ann's name, nor touch Ann's transfer.
    r = eve_api.announce(new_id(), ann, [("manifest", 10)])
    assert r.status_code == 403, r.text
    for r in [
        eve_api.announce(tid, eve, [(blob, 100), ("manifest", 10)], expires_at=expires_at),
        eve_api.upload_state(tid, blob),
        eve_api.put_blob(tid, blob, 0, b"x" * 100),
        eve_api.finish_blob(tid, blob, 100),
        eve_api.finish(tid, expires_at),
        eve_api.delete(f"/api/v1/transfers/{tid}"),
    ]:
        assert (r.status_code, error_code(r)) == (403, "forbidden"), (r.request.method, r.request.url, r.text)

    # Nothing Eve did changed it: Ann completes it as planned.
    r = ann_api.upload_state(tid, blob)
    assert r.status_code == 200 and r.json() == {"partial_len": None, "complete_len": None}, r.text
    for name, size in [(blob, 100), ("manifest", 10)]:
        assert ann_api.put_blob(tid, name, 0, os.urandom(size)).status_code == 200
        assert ann_api.finish_blob(tid, name, size).status_code == 204
    assert ann_api.finish(tid, expires_at).status_code == 200
    # Eve cannot delete it either.
    assert eve_api.delete(f"/api/v1/transfers/{tid}").status_code == 403
    assert Api(s.url).info(tid).status_code == 200


def test_announcements_are_idempotent_and_conflicts_are_refused(server, verified):
    s = server()
    ann, api = verified(s)
    tid = new_id()
    expires_at = int(time.time()) + 3600
    first = api.announce(tid, ann, [("manifest", 10)], expires_at=expires_at)
    assert first.status_code == 201, first.text
    again = api.announce(tid, ann, [("manifest", 10)], expires_at=expires_at)
    assert again.status_code == 200 and again.json() == first.json(), again.text
    other = api.announce(tid, ann, [("manifest", 11)], expires_at=expires_at)
    assert (other.status_code, error_code(other)) == (409, "conflict"), other.text


def test_oversize_uploads_are_refused(server, verified):
    limit = 64 * 1024
    s = server(limits={"max_transfer_bytes": limit})
    ann, api = verified(s)
    blob = new_id()
    # An announcement over the per-transfer maximum.
    r = api.announce(new_id(), ann, [(blob, limit), ("manifest", 1)])
    assert (r.status_code, error_code(r)) == (413, "too_large"), r.text
    # Bytes past the announced size.
    tid = new_id()
    assert api.announce(tid, ann, [(blob, 1000), ("manifest", 10)]).status_code == 201
    r = api.put_blob(tid, blob, 0, os.urandom(1001))
    assert (r.status_code, error_code(r)) == (413, "too_large"), r.text
    assert api.put_blob(tid, blob, 0, os.urandom(600)).status_code == 200
    r = api.put_blob(tid, blob, 600, os.urandom(401))
    assert (r.status_code, error_code(r)) == (413, "too_large"), r.text
    # Nothing of the refused pieces was kept.
    assert api.upload_state(tid, blob).json()["partial_len"] == 600
    # An unknown blob name is not an upload target.
    r = api.put_blob(tid, new_id(), 0, b"x")
    assert 400 <= r.status_code < 500, r.text


def test_offsets_and_finishing_follow_the_contract(server, verified):
    s = server()
    ann, api = verified(s)
    tid, blob = new_id(), new_id()
    data = os.urandom(5000)
    expires_at = int(time.time()) + 3600
    assert api.announce(tid, ann, [(blob, 5000), ("manifest", 10)], expires_at=expires_at).status_code == 201
    assert api.put_blob(tid, blob, 0, data[:2000]).json() == {"partial_len": 2000}
    r = api.put_blob(tid, blob, 1000, data[1000:3000])
    assert (r.status_code, error_code(r)) == (409, "conflict") and "2000" in r.json()["message"], r.text
    assert api.finish_blob(tid, blob, 5000).status_code == 409  # not all there yet
    # Finishing the transfer before every blob is complete is refused.
    assert api.finish(tid, expires_at).status_code == 409
    assert api.put_blob(tid, blob, 2000, data[2000:]).json() == {"partial_len": 5000}
    assert api.finish_blob(tid, blob, 4999).status_code == 409
    assert api.finish_blob(tid, blob, 5000).status_code == 204
    assert api.finish_blob(tid, blob, 5000).status_code == 204  # idempotent
    assert api.upload_state(tid, blob).json() == {"partial_len": None, "complete_len": 5000}
    assert api.put_blob(tid, blob, 5000, b"").status_code in (409,)
    # Unfinished: invisible to recipients.
    assert Api(s.url).info(tid).status_code == 404
    assert api.put_blob(tid, "manifest", 0, b"m" * 10).status_code == 200
    assert api.finish_blob(tid, "manifest", 10).status_code == 204
    r = api.finish(tid, expires_at)
    assert r.status_code == 200 and r.json()["link"].endswith(f"/t/{tid}"), r.text
    assert api.finish(tid, expires_at).status_code == 200  # idempotent
    info = Api(s.url).info(tid).json()
    assert info["id"] == tid and info["expires_at"] == expires_at and info["downloads"] == 0
    assert sorted((b["name"], b["size"]) for b in info["blobs"]) == sorted([(blob, 5000), ("manifest", 10)])
    # Ranges.
    reader = Api(s.url)
    r = reader.read_blob(tid, blob, "bytes=100-199")
    assert r.status_code == 206 and r.content == data[100:200]
    r = reader.read_blob(tid, blob)
    assert r.status_code == 200 and r.content == data
    assert reader.read_blob(tid, blob, "bytes=6000-6100").status_code == 416
    # The recipients' mail was sent once (see test_flow for its content).


def interrupted_put(url: str, path: str, token: str, total: int, sent: bytes):
    """Starts a PUT announcing `total` bytes, sends only `sent`, and drops
    the connection: an upload cut off halfway."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        head = (f"PUT {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/octet-stream\r\nContent-Length: {total}\r\n\r\n")
        sock.sendall(head.encode() + sent)
        time.sleep(0.5)  # let the server take in what arrived
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")


def test_an_upload_cut_off_halfway_resumes_from_the_partial_length(server, verified):
    s = server()
    ann, api = verified(s)
    tid, blob = new_id(), new_id()
    size = 3 * 1024 * 1024
    data = os.urandom(size)
    expires_at = int(time.time()) + 3600
    assert api.announce(tid, ann, [(blob, size), ("manifest", 16)], expires_at=expires_at).status_code == 201
    assert api.put_blob(tid, blob, 0, data[: size // 4]).status_code == 200
    # The second piece is cut off halfway through.
    interrupted_put(s.url, f"/api/v1/transfers/{tid}/blobs/{blob}?offset={size // 4}", api.token,
                    size // 2, data[size // 4: size // 4 + size // 4])
    state = api.upload_state(tid, blob).json()
    partial = state["partial_len"]
    assert state["complete_len"] is None
    # The server kept a prefix: at least what was acknowledged, at most what arrived.
    assert size // 4 <= partial <= size // 2, state
    # Resuming from any other offset is refused; from the partial length it works.
    assert api.put_blob(tid, blob, partial + 1, data[partial + 1:]).status_code == 409
    assert api.put_blob(tid, blob, partial, data[partial:]).json() == {"partial_len": size}
    assert api.finish_blob(tid, blob, size).status_code == 204
    assert api.put_blob(tid, "manifest", 0, b"M" * 16).status_code == 200
    assert api.finish_blob(tid, "manifest", 16).status_code == 204
    assert api.finish(tid, expires_at).status_code == 200
    r = Api(s.url).read_blob(tid, blob)
    assert r.status_code == 200 and r.content == data


def test_download_limit(server, verified, mailbox):
    s = server()
    ann, api = verified(s)
    manifest = os.urandom(300)
    blob = new_id()
    tid = api.send_whole(ann, {blob: os.urandom(1000), "manifest": manifest}, download_limit=2)
    reader = Api(s.url)
    # Every read of the manifest is a download, a ranged one too (byte 0 is
    # known to anyone: skipping it gets past neither the limit nor the notice).
    assert reader.read_blob(tid, "manifest", "bytes=10-20").status_code == 206
    info = reader.info(tid).json()
    assert info["downloads"] == 1 and info["download_limit"] == 2
    r = reader.read_blob(tid, "manifest")
    assert r.status_code == 200 and r.content == manifest
    # The first download mailed the sender a notice.
    notice = mailbox.wait_for(ann, 2)
    assert tid in notice.text or "download" in notice.text.lower()
    # Limit reached: the manifest is gone, the transfer answers 410.
    r = reader.read_blob(tid, "manifest")
    assert (r.status_code, error_code(r)) == (410, "gone"), r.text
    assert reader.read_blob(tid, "manifest", "bytes=0-9").status_code == 410
    assert reader.info(tid).status_code == 410
    # File blobs stay readable until expiry (a recipient who had the manifest can finish).
    assert reader.read_blob(tid, blob, "bytes=0-99").status_code == 206


def test_sender_can_delete(server, verified):
    s = server()
    ann, api = verified(s)
    tid = api.send_whole(ann, {"manifest": b"m" * 50})
    assert api.delete(f"/api/v1/transfers/{tid}").status_code == 204
    assert Api(s.url).info(tid).status_code in (404, 410)
    assert Api(s.url).read_blob(tid, "manifest").status_code in (404, 410)


def test_health_and_openapi(server):
    s = server()
    r = Api(s.url).get("/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    spec = Api(s.url).get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    for path in ["/api/v1/verify", "/api/v1/verify/confirm", "/api/v1/transfers", "/api/v1/transfers/{id}",
                 "/api/v1/transfers/{id}/blobs/{blob}", "/api/v1/transfers/{id}/finish"]:
        assert path in spec["paths"], path
    assert "/api/v1/transfers/{id}/reply" in spec["paths"]
    # The receive page (docs/WEB.md), or without the built-in pages the command.
    page = Api(s.url).get(f"/t/{new_id()}").text
    assert "&quot;state&quot;:&quot;not_found&quot;" in page or "kluis receive" in page
