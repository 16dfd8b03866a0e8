"""Sender verification over the API: codes from real mails, wrong, expired
and used codes, and the rate limits (docs/SERVER.md, "Sender verification")."""

import time

from client import Api, error_code
from conftest import token_for


def test_code_from_the_mail_gives_a_token_that_authenticates(server, mailbox, address):
    s = server()
    ann = address()
    api = Api(s.url)
    r = api.request_code(ann)
    assert r.status_code == 202, r.text
    assert r.json()["expires_at"] > time.time()
    mail = mailbox.wait_for(ann)
    code = mail.code()
    assert len(code) == 8 and code.isdigit()
    r = api.confirm(ann, code)
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    assert len(token) >= 43 and "=" not in token  # 32 bytes, URL-safe base64 without padding
    # The code is single use.
    r = api.confirm(ann, code)
    assert (r.status_code, error_code(r)) == (401, "invalid_code"), r.text
    # Without the token the sending calls are refused.
    r = api.upload_state("a" * 26, "manifest")
    assert r.status_code == 401, r.text


def test_wrong_code_is_refused_like_an_unknown_one(server, mailbox, address):
    s = server()
    ann = address()
    api = Api(s.url)
    assert api.request_code(ann).status_code == 202
    code = mailbox.code_for(ann)
    wrong = f"{(int(code) + 1) % 10 ** 8:08d}"
    r = api.confirm(ann, wrong)
    assert (r.status_code, error_code(r)) == (401, "invalid_code"), r.text
    # An address that never asked gets the same answer.
    r = api.confirm(address("nobody"), code)
    assert (r.status_code, error_code(r)) == (401, "invalid_code"), r.text
    # The right code still works after one wrong attempt.
    assert api.confirm(ann, code).status_code == 200


def test_a_code_dies_after_five_wrong_attempts(server, mailbox, address):
    s = server()
    ann = address()
    api = Api(s.url)
    assert api.request_code(ann).status_code == 202
    code = mailbox.code_for(ann)
    wrong = f"{(int(code) + 1) % 10 ** 8:08d}"
    for _ in range(5):
        assert api.confirm(ann, wrong).status_code == 401
    r = api.confirm(ann, code)
    assert r.status_code in (401, 429), r.text


def test_a_pending_code_is_kept_and_not_mailed_again(server, mailbox, address):
    # Asking again while a code is pending mails nothing and answers its
    # expiry: nobody can replace a sender's code by asking for their address.
    s = server()
    ann = address()
    api = Api(s.url)
    r = api.request_code(ann)
    assert r.status_code == 202
    first = mailbox.code_for(ann, 1)
    again = api.request_code(ann)
    assert again.status_code == 202
    assert again.json()["expires_at"] == r.json()["expires_at"]
    time.sleep(0.5)
    assert len(mailbox.to(ann)) == 1
    assert api.confirm(ann, first).status_code == 200
    # Used: the next request mails a new code.
    assert api.request_code(ann).status_code == 202
    second = mailbox.code_for(ann, 2)
    assert api.confirm(ann, second).status_code == 200


def test_expired_code_is_refused(server, mailbox, address):
    s = server(limits={"code_ttl_secs": 2})
    ann = address()
    api = Api(s.url)
    r = api.request_code(ann)
    assert r.status_code == 202
    assert r.json()["expires_at"] <= time.time() + 3
    code = mailbox.code_for(ann)
    time.sleep(3.5)
    r = api.confirm(ann, code)
    assert (r.status_code, error_code(r)) == (401, "invalid_code"), r.text


def test_invalid_address_is_refused(server):
    s = server()
    for bad in ["", "no-at-sign", "a@", "@example.org", "a b@example.org", "x" * 400 + "@example.org"]:
        r = Api(s.url).request_code(bad)
        assert (r.status_code, error_code(r)) == (400, "invalid_address"), (bad, r.text)


def test_code_requests_are_rate_limited_per_address(server, mailbox, address):
    # The documented default: 3 code mails per address (from one client IP)
    # per 15 minutes; each code is used before the next is mailed.
    s = server()
    ann = address()
    api = Api(s.url)
    for n in range(1, 4):
        assert api.request_code(ann).status_code == 202
        assert api.confirm(ann, mailbox.code_for(ann, n)).status_code == 200
    r = api.request_code(ann)
    assert (r.status_code, error_code(r)) == (429, "rate_limited"), r.text
    assert int(r.headers["Retry-After"]) > 0
    # Only 3 mails went out, and another address is not affected.
    time.sleep(0.5)
    assert len(mailbox.to(ann)) == 3
    assert api.request_code(address("carl")).status_code == 202


def test_code_requests_are_rate_limited_per_client_ip(server, address):
    s = server(limits={"verify_per_ip": 4})
    api = Api(s.url)
    for i in range(4):
        assert api.request_code(address(f"p{i}")).status_code == 202
    r = api.request_code(address("p5"))
    assert (r.status_code, error_code(r)) == (429, "rate_limited"), r.text
    assert "Retry-After" in r.headers


def test_confirm_attempts_are_rate_limited_per_client_ip(server, mailbox, address):
    s = server(limits={"confirm_per_ip": 3})
    api = Api(s.url)
    ann = address()
    assert api.request_code(ann).status_code == 202
    code = mailbox.code_for(ann)
    statuses = [api.confirm(address("x"), "00000000").status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    r = api.confirm(ann, code)
    assert (r.status_code, error_code(r)) == (429, "rate_limited"), r.text


def test_tokens_are_checked(server, mailbox, address):
    s = server()
    ann = address()
    token = token_for(s, mailbox, ann)
    for bad in [None, "", token[:-1] + ("A" if token[-1] != "A" else "B"), "not-a-token"]:
        r = Api(s.url, bad).announce("a" * 26, ann, [("manifest", 10)])
        assert r.status_code == 401, (bad, r.status_code, r.text)
    r = Api(s.url, token).announce("a" * 26, ann, [("manifest", 10)])
    assert r.status_code == 201, r.text
