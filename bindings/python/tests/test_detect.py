"""The sensitive-content detector (docs/DETECT.md): the shared vectors and
files, through the binding."""

from __future__ import annotations

import json

import pytest

import kluis
from conftest import REPO

VECTORS = json.loads((REPO / "docs" / "test-vectors" / "detect-vectors.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["name"])
def test_shared_vectors(vector: dict) -> None:
    found = kluis.scan_text(vector["text"])
    got = [(f.kind, f.start, f.end) for f in found]
    want = [(f["kind"], f["start"], f["end"]) for f in vector["findings"]]
    assert got == want
    text = vector["text"].encode("utf-8")
    for f in found:
        assert f.reason and f.reason_nl and 0 < f.confidence <= 1
        if f.kind in ("bsn", "iban", "credit_card", "id_document", "driving_licence"):
            assert text[f.start : f.end].decode("utf-8") not in f.excerpt


def test_scan_file(tmp_path) -> None:
    note = tmp_path / "brief.html"
    note.write_text("<p>Burgerservicenummer: <b>111222333</b></p>", encoding="utf-8")
    (finding,) = kluis.scan_file(str(note))
    assert (finding.kind, finding.reason) == ("bsn", "contains a valid citizen service number (BSN)")
    with pytest.raises(kluis.KluisError.Io):
        kluis.scan_file(str(tmp_path / "missing.txt"))
    binary = tmp_path / "tool.bin"
    binary.write_bytes(b"\x7fELF\x02\x01\x01\x00")
    with pytest.raises(kluis.KluisError.Malformed):
        kluis.scan_file(str(binary))
