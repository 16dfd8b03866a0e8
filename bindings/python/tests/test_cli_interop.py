"""Envelopes move between the `kluis` CLI and Python, both ways."""

from __future__ import annotations

import os
import subprocess

import pytest

import kluis


def run(cli, *args):
    result = subprocess.run([cli, "--quiet", *args], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"kluis {' '.join(args)} failed: {result.stderr}"
    return result


@pytest.fixture
def key_file(tmp_path):
    raw = os.urandom(32)
    path = tmp_path / "key.hex"
    path.write_text(raw.hex() + "\n")
    return path, kluis.Secret.KEY(key=raw)


def test_cli_seal_python_open(cli, tmp_path, key_file):
    path, secret = key_file
    source = tmp_path / "offerte.pdf"
    source.write_bytes(os.urandom(200_000))
    sealed = tmp_path / "offerte.pdf.kluis"
    run(cli, "seal", str(source), "-o", str(sealed), "--key-file", str(path))
    out = tmp_path / "back.pdf"
    metadata = kluis.open_file(str(sealed), str(out), secret)
    assert out.read_bytes() == source.read_bytes()
    # The CLI records the file's name and size.
    assert metadata.name == "offerte.pdf"
    assert metadata.size == 200_000
    # And the bytes open the same way in memory and as a stream.
    envelope = sealed.read_bytes()
    assert kluis.open_bytes(envelope, secret).plaintext == source.read_bytes()
    opener = kluis.Opener(secret)
    streamed = b"".join(opener.write(envelope[i : i + 999]) for i in range(0, len(envelope), 999))
    assert streamed + opener.finish() == source.read_bytes()


def test_python_seal_cli_open(cli, tmp_path, key_file):
    path, secret = key_file
    source = tmp_path / "notes.txt"
    source.write_bytes(os.urandom(150_000))
    sealed = tmp_path / "notes.txt.kluis"
    options = kluis.SealOptions(metadata=kluis.Metadata(name="notes.txt", size=150_000))
    kluis.seal_file(str(source), str(sealed), [secret], options)
    out = tmp_path / "back.txt"
    run(cli, "open", str(sealed), "-o", str(out), "--key-file", str(path))
    assert out.read_bytes() == source.read_bytes()


def test_password_envelopes_both_ways(cli, tmp_path):
    password = "zeven woorden voor de kluis"
    password_file = tmp_path / "pw.txt"
    password_file.write_text(password + "\n")
    secret = kluis.Secret.PASSWORD(password=password)
    data = os.urandom(10_000)

    # Python seals with a Sealer, the CLI opens.
    sealer = kluis.Sealer([secret], kluis.SealOptions(argon2=kluis.Argon2Params(m_kib=8192, t=1, p=1)))
    envelope = sealer.write(data[:5000]) + sealer.write(data[5000:]) + sealer.finish()
    (tmp_path / "a.kluis").write_bytes(envelope)
    run(cli, "open", str(tmp_path / "a.kluis"), "-o", str(tmp_path / "a.out"), "--password-file", str(password_file))
    assert (tmp_path / "a.out").read_bytes() == data

    # The CLI seals, Python opens.
    (tmp_path / "b.bin").write_bytes(data)
    run(
        cli, "seal", str(tmp_path / "b.bin"), "-o", str(tmp_path / "b.kluis"),
        "--password-file", str(password_file), "--argon2", "m=8192,t=1,p=1",
    )
    assert kluis.open_bytes((tmp_path / "b.kluis").read_bytes(), secret).plaintext == data


def test_cli_refuses_what_python_refuses(cli, tmp_path, key_file):
    path, secret = key_file
    envelope = bytearray(kluis.seal_bytes(b"abc", [secret]))
    envelope[-3] ^= 1
    (tmp_path / "bad.kluis").write_bytes(bytes(envelope))
    result = subprocess.run(
        [cli, "--quiet", "open", str(tmp_path / "bad.kluis"), "-o", str(tmp_path / "out"), "--key-file", str(path)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert not (tmp_path / "out").exists()
    with pytest.raises(kluis.KluisError.Tampered):
        kluis.open_bytes(bytes(envelope), secret)
