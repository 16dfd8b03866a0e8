"""Replies from the receive page (docs/WEB.md) with the real server on
SQLite and on PostgreSQL: a reply token sends one transfer to the original
sender only, the per-transfer limit holds, and a withdrawn transfer's page
says so (its tombstone)."""

import os

import pytest

from client import Api, error_code, new_id


@pytest.fixture(params=["sqlite", "postgres"])
def db_server(request, server):
    if request.param == "postgres":
        url = request.getfixturevalue("postgres").new_database()
        return server(database={"url": url}, replies={"per_transfer": 2})
    return server(replies={"per_transfer": 2})


def test_a_reply_reaches_the_original_sender_only(db_server, verified, mailbox):
    s = db_server
    ann, ann_api = verified(s, "ann")
    tid = ann_api.send_whole(ann, {"manifest": os.urandom(10), new_id(): os.urandom(100)})
    public = Api(s.url)
    r = public.post(f"/api/v1/transfers/{tid}/reply", {"address": "Bob@Example.org"})
    assert r.status_code == 200, r.text
    grant = r.json()
    assert (grant["sender"], grant["to"]) == ("bob@example.org", ann)
    bob_api = Api(s.url, grant["token"])
    # Elsewhere: refused; to Ann: accepted, once.
    r = bob_api.announce(new_id(), "bob@example.org", [("manifest", 10)], recipients=("eve@example.org",))
    assert (r.status_code, error_code(r)) == (403, "forbidden"), r.text
    reply = bob_api.send_whole("bob@example.org", {"manifest": os.urandom(10)}, recipients=(ann,))
    notice = mailbox.wait_for(ann, count=2)  # after the code mail
    assert f"/t/{reply}" in notice.link() and "bob@example.org" in notice.subject, notice.text
    types = [p.get_content_type() for p in notice.message.walk()]
    assert types == ["multipart/alternative", "text/plain", "text/html"], types
    assert grant["token"] not in notice.text
    r = bob_api.announce(new_id(), "bob@example.org", [("manifest", 10)], recipients=(ann,))
    assert (r.status_code, error_code(r)) == (403, "forbidden"), r.text
    assert bob_api.delete(f"/api/v1/transfers/{tid}").status_code == 403
    # The limit (2): one more, then refused.
    assert public.post(f"/api/v1/transfers/{tid}/reply", {"address": "carol@example.org"}).status_code == 200
    r = public.post(f"/api/v1/transfers/{tid}/reply", {"address": "dave@example.org"})
    assert (r.status_code, error_code(r)) == (403, "forbidden"), r.text

    # Withdrawn: the page says so, and no reply is granted.
    assert ann_api.delete(f"/api/v1/transfers/{tid}").status_code == 204
    page = public.get(f"/t/{tid}").text
    assert "&quot;state&quot;:&quot;withdrawn&quot;" in page or "kluis receive" in page
    r = public.post(f"/api/v1/transfers/{tid}/reply", {"address": "bob@example.org"})
    assert r.status_code == 410, r.text


def test_the_page_carries_the_security_headers(db_server):
    r = Api(db_server.url).get("/")
    assert r.status_code == 200
    assert r.headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'")
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert r.headers["Cache-Control"] == "no-store"
