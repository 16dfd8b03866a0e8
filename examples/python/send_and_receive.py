"""Kluis in Python, first five minutes: send and receive a transfer.

A transfer carries files and a confidential message under one password. The
sender mails the link; the password goes another way (phone, chat).

Run: python examples/python/send_and_receive.py
"""

import os
import tempfile

import kluis

with tempfile.TemporaryDirectory() as tmp:
    # A folder store (kluis.DirectoryTransport.open_default() uses ~/.local/share/kluis/store).
    store = kluis.DirectoryTransport(os.path.join(tmp, "store"))

    # Sender
    password = kluis.generate_password()  # e.g. k7mq-3xpz-h9wd-2rtf-bn4c-e8ya
    request = kluis.TransferRequest(
        sender="ann@example.org",
        recipients=["bob@example.org"],
        subject="Contract",
        message="Bob, the signed contract.",
        files=[kluis.FileSource.BYTES(name="contract.pdf", data=b"%PDF-1.7 ...", media_type=None)],
        password=password,
        expires_in_seconds=7 * 86400,
    )
    sent = kluis.send_transfer(store, request)
    link = store.link(sent.transfer_id)
    print("mail this link:", link)

    # A password chosen by a person is rated first.
    print("'password123' acceptable?", kluis.rate_password("password123").acceptable)

    # Recipient
    parsed = kluis.parse_link(link)
    received = kluis.open_transfer(kluis.DirectoryTransport(parsed.store_path), parsed.transfer_id, password)
    info = received.info()
    print(f"from {info.sender}: {info.subject!r}, message {info.message!r}")
    downloads = os.path.join(tmp, "Downloads")
    os.mkdir(downloads)
    for path in received.download_all(downloads):
        print("saved", path)
    with open(os.path.join(downloads, "contract.pdf"), "rb") as f:
        assert f.read() == b"%PDF-1.7 ..."
