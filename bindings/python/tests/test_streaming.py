"""Sealer and Opener: any split of the input gives the same result."""

from __future__ import annotations

import os
import random
import threading
import time

import pytest

import kluis
from conftest import FAST, FAST_ARGON2

SPLITS = [1, 7, 13, 4095, 4097, 65535, 65537, 1 << 20]


def pieces(data: bytes, size: int):
    for i in range(0, len(data), size):
        yield data[i : i + size]


def random_pieces(data: bytes, rng: random.Random):
    i = 0
    while i < len(data):
        n = rng.choice([0, 1, 2, 3, 17, 4096, 5000, 70000])
        yield data[i : i + n]
        i += n


def seal_stream(chunks, secrets, options=None) -> bytes:
    sealer = kluis.Sealer(secrets, options)
    out = [sealer.write(c) for c in chunks]
    out.append(sealer.finish())
    return b"".join(out)


def open_stream(chunks, secret) -> bytes:
    opener = kluis.Opener(secret)
    out = [opener.write(c) for c in chunks]
    out.append(opener.finish())
    return b"".join(out)


PLAINTEXT = os.urandom(300_001)


@pytest.mark.parametrize("split", SPLITS)
def test_sealer_with_odd_splits(key, split):
    envelope = seal_stream(pieces(PLAINTEXT, split), [key], kluis.SealOptions(chunk_size=4096))
    assert kluis.open_bytes(envelope, key).plaintext == PLAINTEXT
    # Same length as a one-shot seal (the random header differs, the layout does not).
    assert len(envelope) == len(kluis.seal_bytes(PLAINTEXT, [key], kluis.SealOptions(chunk_size=4096)))


@pytest.mark.parametrize("split", SPLITS)
def test_opener_with_odd_splits(key, split):
    envelope = kluis.seal_bytes(PLAINTEXT, [key], kluis.SealOptions(chunk_size=4096))
    assert open_stream(pieces(envelope, split), key) == PLAINTEXT


def test_random_splits_both_ways(key):
    rng = random.Random(20261126)
    for _ in range(5):
        envelope = seal_stream(random_pieces(PLAINTEXT, rng), [key], kluis.SealOptions(chunk_size=4096))
        assert open_stream(random_pieces(envelope, rng), key) == PLAINTEXT


def test_password_stream_and_metadata():
    secret = kluis.Secret.PASSWORD(password="stroom van bytes")
    options = kluis.SealOptions(argon2=FAST_ARGON2, metadata=kluis.Metadata(name="s.bin"))
    envelope = seal_stream(pieces(b"abc" * 1000, 100), [secret], options)
    opener = kluis.Opener(secret)
    assert opener.metadata() is None
    first = opener.write(envelope[:-1])
    assert opener.metadata() == kluis.Metadata(name="s.bin")
    assert first + opener.write(envelope[-1:]) + opener.finish() == b"abc" * 1000


def test_opener_releases_only_authenticated_plaintext(key):
    chunk = 4096
    data = os.urandom(5 * chunk)
    envelope = bytearray(kluis.seal_bytes(data, [key], kluis.SealOptions(chunk_size=chunk)))
    header_len = kluis.inspect(bytes(envelope)).header_len
    stride = chunk + 16
    # Chunk 3 is damaged: chunks 0..2 come out, then the error, nothing more.
    envelope[header_len + 3 * stride + 5] ^= 0x40
    opener = kluis.Opener(key)
    released = b""
    with pytest.raises(kluis.KluisError.Tampered):
        for piece in pieces(bytes(envelope), 1000):
            released += opener.write(piece)
    assert released == data[: 3 * chunk]
    # The opener stays failed.
    with pytest.raises(kluis.KluisError.Tampered):
        opener.finish()


def test_a_full_chunk_is_held_back_until_the_next_byte(key):
    chunk = 4096
    data = os.urandom(2 * chunk)
    envelope = kluis.seal_bytes(data, [key], kluis.SealOptions(chunk_size=chunk))
    header_len = kluis.inspect(envelope).header_len
    opener = kluis.Opener(key)
    # Header and all of chunk 0: it might still be the final chunk.
    assert opener.write(envelope[: header_len + chunk + 16]) == b""
    assert opener.write(envelope[header_len + chunk + 16 : header_len + chunk + 17]) == data[:chunk]
    assert opener.write(envelope[header_len + chunk + 17 :]) == b""
    assert opener.finish() == data[chunk:]


def test_finish_fails_on_truncation(key):
    envelope = kluis.seal_bytes(os.urandom(3 * 4096), [key], kluis.SealOptions(chunk_size=4096))
    opener = kluis.Opener(key)
    opener.write(envelope[: -(4096 + 16)])
    with pytest.raises(kluis.KluisError.Truncated):
        opener.finish()


def test_sealer_cannot_be_used_after_finish(key):
    sealer = kluis.Sealer([key])
    sealer.write(b"x")
    sealer.finish()
    with pytest.raises(kluis.KluisError.InvalidArgument):
        sealer.write(b"y")
    with pytest.raises(kluis.KluisError.InvalidArgument):
        sealer.finish()


def test_objects_are_shared_between_threads(key):
    sealer = kluis.Sealer([key], kluis.SealOptions(chunk_size=4096))
    parts: list[bytes] = []
    lock = threading.Lock()

    def writer():
        for _ in range(50):
            with lock:  # the order of pieces is the caller's business
                parts.append(sealer.write(b"z" * 1000))

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    parts.append(sealer.finish())
    assert kluis.open_bytes(b"".join(parts), key).plaintext == b"z" * 200_000


def test_long_calls_release_the_gil():
    """Argon2 at the default cost runs in Rust while a Python thread keeps counting."""
    counter = 0
    stop = threading.Event()

    def count():
        nonlocal counter
        while not stop.is_set():
            counter += 1

    secret = kluis.Secret.PASSWORD(password="GIL vrij wachtwoord")
    envelope = kluis.seal_bytes(b"x", [secret], FAST)
    thread = threading.Thread(target=count)
    thread.start()
    try:
        time.sleep(0.05)
        before = counter
        started = time.perf_counter()
        kluis.seal_bytes(b"y", [secret])  # default Argon2: 64 MiB, 3 passes
        elapsed = time.perf_counter() - started
        during = counter - before
    finally:
        stop.set()
        thread.join()
    assert kluis.open_bytes(envelope, secret).plaintext == b"x"
    # Holding the GIL for the whole call would freeze the counter (the
    # interpreter would switch at most once, at the end).
    assert elapsed > 0.05
    assert during > 10_000, f"the counting thread advanced only {during} times in {elapsed:.2f}s"
