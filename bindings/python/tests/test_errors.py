"""Every error kind is its own catchable class with a readable message."""

from __future__ import annotations

import json
import os

import pytest

import kluis
from conftest import FAST, REPO

KIT = REPO / "docs" / "test-vectors" / "malformed"

# The core's error kinds (docs/FORMAT.md section 10) and the class each raises.
KIND_TO_CLASS = {
    "BadMagic": kluis.KluisError.Malformed,
    "UnsupportedVersion": kluis.KluisError.Malformed,
    "MalformedHeader": kluis.KluisError.Malformed,
    "LimitsExceeded": kluis.KluisError.LimitsExceeded,
    "WrongSecret": kluis.KluisError.WrongSecret,
    "HeaderTampered": kluis.KluisError.Tampered,
    "ChunkTampered": kluis.KluisError.Tampered,
    "TrailingData": kluis.KluisError.Tampered,
    "SizeMismatch": kluis.KluisError.Tampered,
    "Truncated": kluis.KluisError.Truncated,
}


def kit_cases():
    doc = json.loads((KIT / "cases.json").read_text())
    secrets = {}
    for name, value in doc["secrets"].items():
        if "key" in name:
            secrets[name] = kluis.Secret.KEY(key=bytes.fromhex(value))
        else:
            secrets[name] = kluis.Secret.PASSWORD(password=value)
    return [pytest.param(case, secrets[case["secret"]], id=case["file"]) for case in doc["cases"]]


@pytest.mark.parametrize("case,secret", kit_cases())
def test_malformed_kit_open_bytes(case, secret):
    envelope = (KIT / case["file"]).read_bytes()
    with pytest.raises(KIND_TO_CLASS[case["expect"]]):
        kluis.open_bytes(envelope, secret)


@pytest.mark.parametrize("case,secret", kit_cases())
def test_malformed_kit_streaming(case, secret):
    """The same refusal when the envelope arrives in 1013-byte pieces."""
    envelope = (KIT / case["file"]).read_bytes()
    opener = kluis.Opener(secret)
    with pytest.raises(KIND_TO_CLASS[case["expect"]]):
        for i in range(0, len(envelope), 1013):
            opener.write(envelope[i : i + 1013])
        opener.finish()


def test_all_kinds_are_distinct_subclasses():
    kinds = [
        "WrongSecret", "Tampered", "Truncated", "LimitsExceeded", "Malformed", "Expired",
        "NotFound", "WeakPassword", "AlreadyExists", "InvalidArgument", "Transport", "Io",
    ]
    classes = [getattr(kluis.KluisError, k) for k in kinds]
    assert len(set(classes)) == len(kinds)
    for cls in classes:
        assert issubclass(cls, kluis.KluisError)
        assert issubclass(cls, Exception)


def test_wrong_secret(key):
    envelope = kluis.seal_bytes(b"x", [key])
    with pytest.raises(kluis.KluisError.WrongSecret) as e:
        kluis.open_bytes(envelope, kluis.Secret.KEY(key=bytes(32)))
    assert str(e.value) == "wrong password or key"


def test_tampered(key):
    envelope = bytearray(kluis.seal_bytes(b"x" * 10, [key]))
    envelope[-1] ^= 1
    with pytest.raises(kluis.KluisError.Tampered) as e:
        kluis.open_bytes(bytes(envelope), key)
    assert "chunk 0 failed to authenticate" in str(e.value)


def test_truncated(key):
    envelope = kluis.seal_bytes(os.urandom(70_000), [key])
    with pytest.raises(kluis.KluisError.Truncated):
        kluis.open_bytes(envelope[: -(70_000 - 65_536 + 16)], key)


def test_limits_exceeded_before_any_argon2_run():
    secret = kluis.Secret.PASSWORD(password="een wachtwoord")
    envelope = kluis.seal_bytes(b"x", [secret], FAST)
    with pytest.raises(kluis.KluisError.LimitsExceeded) as e:
        kluis.open_bytes(envelope, secret, kluis.OpenLimits(max_m_kib=512))
    assert "above the limit" in str(e.value)


def test_malformed(key):
    with pytest.raises(kluis.KluisError.Malformed) as e:
        kluis.open_bytes(b"not an envelope at all", key)
    assert "magic" in str(e.value)
    with pytest.raises(kluis.KluisError.Malformed):
        kluis.inspect(b"KL")


def test_io(tmp_path, key):
    with pytest.raises(kluis.KluisError.Io):
        kluis.open_file(str(tmp_path / "missing.kluis"), str(tmp_path / "out"), key)


@pytest.mark.parametrize(
    "call",
    [
        lambda: kluis.seal_bytes(b"x", []),
        lambda: kluis.seal_bytes(b"x", [kluis.Secret.KEY(key=b"short")]),
        lambda: kluis.seal_bytes(b"x", [kluis.Secret.PASSWORD(password="")]),
        lambda: kluis.seal_bytes(b"x", [kluis.Secret.KEY(key=bytes(32))] * 17),
        lambda: kluis.seal_bytes(b"x", [kluis.Secret.KEY(key=bytes(32))], kluis.SealOptions(chunk_size=1000)),
        lambda: kluis.seal_bytes(
            b"x", [kluis.Secret.KEY(key=bytes(32))], kluis.SealOptions(argon2=kluis.Argon2Params(m_kib=8, t=0, p=1))
        ),
        lambda: kluis.seal_bytes(
            b"x", [kluis.Secret.KEY(key=bytes(32))], kluis.SealOptions(metadata=kluis.Metadata(name="../etc/passwd"))
        ),
        lambda: kluis.seal_bytes(
            b"x", [kluis.Secret.KEY(key=bytes(32))], kluis.SealOptions(metadata=kluis.Metadata(extra_json="[1]"))
        ),
        lambda: kluis.Opener(kluis.Secret.KEY(key=bytes(31))),
    ],
    ids=["no-secret", "short-key", "empty-password", "17-secrets", "chunk-size", "argon2", "name", "extra-json", "opener-key"],
)
def test_invalid_argument(call):
    with pytest.raises(kluis.KluisError.InvalidArgument) as e:
        call()
    assert str(e.value)


def test_size_mismatch_while_sealing_is_an_invalid_argument(key):
    sealer = kluis.Sealer([key], kluis.SealOptions(metadata=kluis.Metadata(size=10)))
    sealer.write(b"12345")
    with pytest.raises(kluis.KluisError.InvalidArgument) as e:
        sealer.finish()
    assert "announces 10 bytes but 5" in str(e.value)


def test_writing_more_than_the_announced_size_is_an_invalid_argument(key):
    sealer = kluis.Sealer([key], kluis.SealOptions(metadata=kluis.Metadata(size=10)))
    sealer.write(b"12345")
    with pytest.raises(kluis.KluisError.InvalidArgument) as e:
        sealer.write(b"678901")
    assert "size" in str(e.value)


def test_messages_are_readable(key):
    try:
        kluis.open_bytes(kluis.seal_bytes(b"x", [key]), kluis.Secret.KEY(key=bytes(32)))
    except kluis.KluisError as e:  # the base class catches every kind
        assert type(e) is kluis.KluisError.WrongSecret
        assert str(e) == "wrong password or key"
        assert "WrongSecret" in repr(e)
