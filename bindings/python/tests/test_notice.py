"""The recipient notice: the mail text that carries a transfer's link, the
same text ``kluis send`` prints and a Kluis server mails, in English and
Dutch."""

from __future__ import annotations

import pytest

import kluis
from conftest import FAST_ARGON2

LINK = "https://kluis.example.org/t/" + "a" * 26
SUBJECTS = {
    kluis.Language.EN: "Encrypted files from ann@example.org",
    kluis.Language.NL: "Versleutelde bestanden van ann@example.org",
}
# A server link is opened in a browser, where the server's receive page asks
# for the password the sender told by phone or SMS.
BROWSER = {
    kluis.Language.EN: ("Open this link in your browser:", "by phone\nor by text message (SMS): it is not in this mail."),
    kluis.Language.NL: ("Open deze link in uw browser:", "via de telefoon\nof per sms. Het wachtwoord staat niet in deze mail."),
}


@pytest.mark.parametrize("language", [kluis.Language.EN, kluis.Language.NL])
def test_the_notice_renders_in_each_language(language):
    notice = kluis.recipient_notice("ann@example.org", LINK, 1_700_604_800, language)
    assert notice.subject == SUBJECTS[language]
    assert f"\n    {LINK}\n" in notice.body
    for sentence in BROWSER[language]:
        assert sentence in notice.body
    assert notice.body.endswith(f"\n    kluis receive {LINK}\n")
    assert "2023-11-21 22:13 UTC" in notice.body


def test_english_is_the_default_and_dutch_differs():
    default = kluis.recipient_notice("ann@example.org", LINK, 0)
    english = kluis.recipient_notice("ann@example.org", LINK, 0, kluis.Language.EN)
    dutch = kluis.recipient_notice("ann@example.org", LINK, 0, kluis.Language.NL)
    assert default == english
    assert dutch.body != english.body and "wachtwoord" in dutch.body and "password" in english.body


def test_the_notice_of_a_sent_transfer_has_the_link_and_no_secret(tmp_path):
    store = kluis.DirectoryTransport(str(tmp_path / "store"))
    password = kluis.generate_password()
    request = kluis.TransferRequest(
        sender="ann@example.org",
        recipients=["bob@example.org"],
        files=[kluis.FileSource.BYTES(name="jaarverslag.pdf", data=b"%PDF", media_type=None)],
        password=password,
        subject="Vertrouwelijk jaarverslag",
        message="Alleen voor Bob.",
    )
    sent = kluis.send_transfer(store, request, kluis.SendOptions(argon2=FAST_ARGON2))
    link = store.link(sent.transfer_id)
    for language in (kluis.Language.EN, kluis.Language.NL):
        notice = kluis.recipient_notice("ann@example.org", link, sent.expires_at, language)
        assert link in notice.body
        # A shared folder's link has no page: the notice says `kluis receive`.
        assert BROWSER[language][0] not in notice.body
        assert f"\n    kluis receive {link}\n" in notice.body
        text = notice.subject + notice.body
        for secret in (password, "Vertrouwelijk jaarverslag", "jaarverslag.pdf", "Alleen voor Bob."):
            assert secret not in text


@pytest.mark.parametrize("link", ["", LINK + "#password=geheim", LINK + "?k=1", "https://kluis.example.org/"])
def test_only_a_transfer_link_is_accepted(link):
    with pytest.raises(kluis.KluisError.InvalidArgument, match="not a transfer link"):
        kluis.recipient_notice("ann@example.org", link, 0)
