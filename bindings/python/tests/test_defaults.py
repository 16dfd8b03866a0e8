"""Defaults: a record built with no arguments is the Rust default.

uniffi writes each record's defaults into this module as literals; the
``kluis.default_*()`` functions return the Rust crates' own defaults. Each
record with defaults must equal its function field by field, so a literal
that drifts from Rust fails here (kluis-ffi's Rust tests compare the same
literals with the same defaults).
"""

from __future__ import annotations

import pytest

import kluis

RECORDS = [
    (kluis.Argon2Params, kluis.default_argon2_params),
    (kluis.Metadata, kluis.default_metadata),
    (kluis.SealOptions, kluis.default_seal_options),
    (kluis.OpenLimits, kluis.default_open_limits),
    (kluis.SendOptions, kluis.default_send_options),
    (kluis.ReceiveOptions, kluis.default_receive_options),
    (kluis.HttpOptions, kluis.default_http_options),
]


def fields(record) -> dict:
    return dict(vars(record))


@pytest.mark.parametrize("record, rust_default", RECORDS, ids=[r.__name__ for r, _ in RECORDS])
def test_a_record_built_without_arguments_is_the_rust_default(record, rust_default):
    built, rust = fields(record()), fields(rust_default())
    assert rust and built.keys() == rust.keys()
    for name, value in rust.items():
        assert built[name] == value, f"{record.__name__}.{name}: {built[name]!r} here, {value!r} in Rust"
    assert record() == rust_default()


def test_a_transfer_request_takes_the_rust_defaults_for_what_is_left_out():
    files = [kluis.FileSource.BYTES(name="a.txt", data=b"a", media_type=None)]
    built = kluis.TransferRequest(sender="ann@example.org", recipients=["bob@example.org"], files=files, password="pw")
    rust = kluis.default_transfer_request("ann@example.org", ["bob@example.org"], files, "pw")
    assert fields(built).keys() == fields(rust).keys()
    for name, value in fields(rust).items():
        assert fields(built)[name] == value, name


def test_a_changed_field_is_no_longer_the_default():
    # The comparison above can fail: one field off is seen.
    changed = kluis.SealOptions(chunk_size=kluis.default_seal_options().chunk_size * 2)
    assert changed != kluis.default_seal_options()
    assert fields(changed)["chunk_size"] != fields(kluis.default_seal_options())["chunk_size"]


def test_calls_without_options_use_the_exported_defaults(key):
    # seal_bytes(options=None) seals with default_seal_options().
    envelope = kluis.seal_bytes(b"x", [key])
    assert kluis.inspect(envelope).chunk_size == kluis.default_seal_options().chunk_size
    assert kluis.default_seal_options().argon2 == kluis.default_argon2_params()
    assert kluis.default_send_options().argon2 == kluis.default_argon2_params()
