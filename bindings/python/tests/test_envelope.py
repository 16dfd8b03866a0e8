"""Byte and file round trips, options, inspection."""

from __future__ import annotations

import json
import os

import pytest

import kluis
from conftest import FAST, FAST_ARGON2


def test_bytes_round_trip_with_a_key(key):
    envelope = kluis.seal_bytes(b"vertrouwelijk", [key])
    opened = kluis.open_bytes(envelope, key)
    assert opened.plaintext == b"vertrouwelijk"
    assert opened.metadata is None


def test_bytes_round_trip_with_a_password_and_metadata():
    metadata = kluis.Metadata(
        name="notulen.txt",
        media_type="text/plain",
        size=5,
        modified="2026-11-26T12:00:00Z",
        extra_json=json.dumps({"x-client": "test", "n": 1}),
    )
    options = kluis.SealOptions(argon2=FAST_ARGON2, metadata=metadata, chunk_size=4096)
    password = kluis.Secret.PASSWORD(password="paard batterij nietje")
    envelope = kluis.seal_bytes(b"hallo", [password], options)
    opened = kluis.open_bytes(envelope, password)
    assert opened.plaintext == b"hallo"
    assert opened.metadata.name == "notulen.txt"
    assert opened.metadata.media_type == "text/plain"
    assert opened.metadata.size == 5
    assert opened.metadata.modified == "2026-11-26T12:00:00Z"
    assert json.loads(opened.metadata.extra_json) == {"x-client": "test", "n": 1}


def test_any_of_several_secrets_opens(key):
    password = kluis.Secret.PASSWORD(password="correct horse battery staple")
    envelope = kluis.seal_bytes(b"x" * 100_000, [password, key], FAST)
    assert kluis.open_bytes(envelope, key).plaintext == b"x" * 100_000
    assert kluis.open_bytes(envelope, password).plaintext == b"x" * 100_000


def test_empty_and_chunk_boundary_plaintexts(key):
    options = kluis.SealOptions(chunk_size=4096)
    for size in (0, 1, 4095, 4096, 4097, 3 * 4096):
        data = os.urandom(size)
        assert kluis.open_bytes(kluis.seal_bytes(data, [key], options), key).plaintext == data


def test_threads_4000_with_16_mib_chunks_seal_on_the_cores_there_are(key):
    """A thread count is clamped to the cores: 4000 threads with 16 MiB
    chunks used to ask for a 64 GiB batch buffer and abort the interpreter."""
    data = os.urandom(100_000)
    options = kluis.SealOptions(chunk_size=1 << 24, threads=4000)
    envelope = kluis.seal_bytes(data, [key], options)
    assert kluis.open_bytes(envelope, key).plaintext == data
    sealer = kluis.Sealer([key], options)
    streamed = sealer.write(data) + sealer.finish()
    assert kluis.open_bytes(streamed, key).plaintext == data


def test_sizes_a_caller_passes_are_bounded(key):
    envelope = kluis.seal_bytes(b"x", [key])
    for limits in (
        kluis.OpenLimits(max_m_kib=2**32 - 1),
        kluis.OpenLimits(max_t=2**32 - 1),
        kluis.OpenLimits(max_p=255),
        kluis.OpenLimits(max_password_slots=5),
    ):
        with pytest.raises(kluis.KluisError.InvalidArgument, match="OpenLimits.max_"):
            kluis.open_bytes(envelope, key, limits)
    for chunk_size in (0, 5000, 1 << 25, 2**64 - 1):
        with pytest.raises(kluis.KluisError.InvalidArgument):
            kluis.seal_bytes(b"x", [key], kluis.SealOptions(chunk_size=chunk_size))


def test_inspect_needs_no_secret(key):
    password = kluis.Secret.PASSWORD(password="a long enough password")
    envelope = kluis.seal_bytes(b"abc", [password, key], kluis.SealOptions(argon2=FAST_ARGON2, chunk_size=8192))
    info = kluis.inspect(envelope)
    assert info.version == 1
    assert info.chunk_size == 8192
    assert info.metadata_len == 0
    assert info.slots == [kluis.SlotInfo.PASSWORD(argon2=FAST_ARGON2), kluis.SlotInfo.KEY()]
    # The header alone is enough.
    assert kluis.inspect(envelope[: info.header_len]) == info


def test_file_round_trip(tmp_path, key):
    source = tmp_path / "report.pdf"
    source.write_bytes(os.urandom(300_000))
    sealed = tmp_path / "report.pdf.kluis"
    out = tmp_path / "out.pdf"
    options = kluis.SealOptions(metadata=kluis.Metadata(name="report.pdf", size=300_000))
    assert kluis.seal_file(str(source), str(sealed), [key], options) is None
    metadata = kluis.open_file(str(sealed), str(out), key)
    assert out.read_bytes() == source.read_bytes()
    assert metadata == kluis.Metadata(name="report.pdf", size=300_000)


def test_open_file_is_atomic(tmp_path, key):
    source = tmp_path / "in.bin"
    source.write_bytes(os.urandom(200_000))
    sealed = tmp_path / "in.kluis"
    kluis.seal_file(str(source), str(sealed), [key], kluis.SealOptions(chunk_size=4096))
    damaged = bytearray(sealed.read_bytes())
    damaged[-10] ^= 1  # the final chunk: everything before it authenticates
    sealed.write_bytes(bytes(damaged))
    out = tmp_path / "out.bin"
    out.write_bytes(b"left alone")
    with pytest.raises(kluis.KluisError.Tampered):
        kluis.open_file(str(sealed), str(out), key)
    assert out.read_bytes() == b"left alone"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.bin", "in.kluis", "out.bin"]


def test_seal_file_leaves_no_output_on_failure(tmp_path, key):
    out = tmp_path / "out.kluis"
    with pytest.raises(kluis.KluisError.Io):
        kluis.seal_file(str(tmp_path / "missing"), str(out), [key])
    assert list(tmp_path.iterdir()) == []


def test_records_are_plain_values(key):
    a = kluis.Metadata(name="a.txt")
    assert a == kluis.Metadata(name="a.txt", media_type=None, size=None, modified=None, extra_json=None)
    assert a != kluis.Metadata(name="b.txt")
