#!/usr/bin/env python3
"""Independent Python reference check for Kluis envelope format v1.

Written from docs/FORMAT.md alone; it shares no code with the Rust crates.
For every vector it

  1. seals: rebuilds the envelope from the vector's inputs (file_key, salt,
     argon_salt, secrets, chunk_log2, metadata, plaintext = bytes i mod 251)
     and compares every intermediate value, the header and the whole envelope
     byte for byte (or its length and SHA-256 where the vector omits the hex);
  2. opens: parses the expected envelope as a reader would, with each secret
     the vector names, and checks that it yields the plaintext and metadata.

Dependencies: `cryptography` (AESGCMSIV, HKDF, HMAC) and `argon2-cffi`
(argon2.low_level.hash_secret_raw). Nothing else.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install cryptography argon2-cffi
    /tmp/venv/bin/python docs/test-vectors/verify_vectors.py [VECTORS.json ...]

Without arguments it checks envelope-v1-vectors.json beside this script.
Prints "N passed, M failed" and exits non-zero when M > 0.
"""

import hashlib
import hmac as std_hmac  # only for compare_digest (constant-time compare)
import json
import sys
import unicodedata
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as c_hmac
from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# ---------------------------------------------------------------- constants
MAGIC = b"KLUIS\x00"
VERSION = 1
KIND_PASSWORD = 0x01
KIND_KEY = 0x02
PASSWORD_BODY_LEN = 105
KEY_BODY_LEN = 80
TAG = 16
ZERO_NONCE = bytes(12)
INFO_KEYS = b"kluis/v1 keys"
INFO_SLOT = b"kluis/v1 slot"  # followed by ONE raw byte: the slot kind
# Unicode general category Zs, listed explicitly.
ZS = {0x0020, 0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000}
# Reader limits (defaults).
MAX_M_KIB, MAX_T, MAX_P = 1_048_576, 16, 16


# --------------------------------------------------------------- primitives
def aead_seal(key, nonce, aad, pt):
    return AESGCMSIV(key).encrypt(nonce, pt, aad)  # ciphertext || tag


def aead_open(key, nonce, aad, ct):
    return AESGCMSIV(key).decrypt(nonce, ct, aad)  # raises InvalidTag


def hkdf(ikm, salt, info, length):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def hmac_sha256(key, msg):
    h = c_hmac.HMAC(key, hashes.SHA256())
    h.update(msg)
    return h.finalize()


def argon2id(pw, salt, m_kib, t, p):
    return hash_secret_raw(secret=pw, salt=salt, time_cost=t, memory_cost=m_kib,
                           parallelism=p, hash_len=32, type=Type.ID, version=0x13)


# ------------------------------------------------------------- construction
def normalise_password(password: str) -> bytes:
    mapped = "".join(" " if ord(c) in ZS else c for c in password)
    out = unicodedata.normalize("NFC", mapped).encode("utf-8")
    if not out:
        raise ValueError("empty password")
    return out


def file_keys(file_key, salt):
    okm = hkdf(file_key, salt, INFO_KEYS, 96)
    return okm[0:32], okm[32:64], okm[64:96]  # mac_key, payload_key, meta_key


def slot_keys(kek, salt, kind):
    okm = hkdf(kek, salt, INFO_SLOT + bytes([kind]), 64)
    return okm[0:32], okm[32:64]  # wrap_key, commit


def be(n, width):
    return n.to_bytes(width, "big")


def chunk_nonce(index, last):
    return be(index, 11) + (b"\x01" if last else b"\x00")


def plaintext_of(n):
    return bytes(i % 251 for i in range(n))


def seal(inp, record):
    """Build the envelope from explicit inputs; `record` collects intermediates."""
    file_key = bytes.fromhex(inp["file_key"])
    salt = bytes.fromhex(inp["salt"])
    chunk_log2 = inp["chunk_log2"]
    C = 1 << chunk_log2
    mac_key, payload_key, meta_key = file_keys(file_key, salt)
    record.update(mac_key=mac_key, payload_key=payload_key, meta_key=meta_key)

    header = bytearray(MAGIC + be(VERSION, 1) + be(chunk_log2, 1) + salt)
    header += be(len(inp["slot_order"]), 1)
    for kind_name in inp["slot_order"]:
        if kind_name == "password":
            a = inp["argon2"]
            argon_salt = bytes.fromhex(a["salt"])
            kek = argon2id(normalise_password(inp["password"]), argon_salt,
                           a["m_kib"], a["t"], a["p"])
            wrap_key, commit = slot_keys(kek, salt, KIND_PASSWORD)
            wrapped = aead_seal(wrap_key, ZERO_NONCE, b"", file_key)
            body = (be(a["m_kib"], 4) + be(a["t"], 4) + be(a["p"], 1)
                    + argon_salt + commit + wrapped)
            record["password_slot"] = dict(kek=kek, wrap_key=wrap_key, commit=commit)
            kind = KIND_PASSWORD
        elif kind_name == "key":
            kek = bytes.fromhex(inp["key"])
            wrap_key, commit = slot_keys(kek, salt, KIND_KEY)
            wrapped = aead_seal(wrap_key, ZERO_NONCE, b"", file_key)
            body = commit + wrapped
            record["key_slot"] = dict(wrap_key=wrap_key, commit=commit)
            kind = KIND_KEY
        else:
            raise ValueError(f"unknown slot kind {kind_name!r}")
        header += be(kind, 1) + be(len(body), 2) + body

    meta = inp.get("metadata_json")
    if meta is None:
        header += be(0, 4)
    else:
        meta_ct = aead_seal(meta_key, ZERO_NONCE, b"", meta.encode("utf-8"))
        header += be(len(meta_ct), 4) + meta_ct
    header_mac = hmac_sha256(mac_key, bytes(header))
    header += header_mac
    record.update(header_mac=header_mac, header_len=len(header))

    pt = plaintext_of(inp["plaintext_len"])
    out = bytearray(header)
    n_chunks = max(1, -(-len(pt) // C))  # ceil, and one empty chunk for empty input
    for i in range(n_chunks):
        last = i == n_chunks - 1
        out += aead_seal(payload_key, chunk_nonce(i, last), header_mac, pt[i * C:(i + 1) * C])
    return bytes(header), bytes(out)


# ------------------------------------------------------------------ reading
class Refused(Exception):
    pass


def plaintext_len_from(total_len, header_len, C):
    """Plaintext length implied by the envelope length (None if impossible)."""
    n = total_len - header_len
    if n == TAG:
        return 0
    full, rem = divmod(n, C + TAG)
    if rem == 0 and full >= 1:
        return full * C
    if rem > TAG:
        return full * C + rem - TAG
    return None


def open_envelope(env, password=None, key=None):
    """Minimal reader following FORMAT.md; returns (metadata bytes|None, plaintext)."""
    pos = 0

    def take(n, field):
        nonlocal pos
        if pos + n > len(env):
            raise Refused(f"MalformedHeader {{ field: {field} }} (cut short)")
        b = env[pos:pos + n]
        pos += n
        return b

    if take(6, "magic") != MAGIC:
        raise Refused("BadMagic")
    if take(1, "version")[0] != VERSION:
        raise Refused("UnsupportedVersion")
    chunk_log2 = take(1, "chunk_log2")[0]
    if not 12 <= chunk_log2 <= 24:
        raise Refused("MalformedHeader { field: chunk_log2 }")
    salt = take(32, "salt")
    slot_count = take(1, "slot_count")[0]
    if not 1 <= slot_count <= 16:
        raise Refused("MalformedHeader { field: slot_count }")
    slots, n_pw = [], 0
    for _ in range(slot_count):
        kind = take(1, "slot kind")[0]
        body_len = int.from_bytes(take(2, "slot body_len"), "big")
        body = take(body_len, "slot body")
        if kind == KIND_PASSWORD:
            if body_len != PASSWORD_BODY_LEN:
                raise Refused("MalformedHeader { field: body_len }")
            n_pw += 1
            if n_pw > 4:
                raise Refused("MalformedHeader { field: slot_count }")
        elif kind == KIND_KEY and body_len != KEY_BODY_LEN:
            raise Refused("MalformedHeader { field: body_len }")
        slots.append((kind, body))
    meta_len = int.from_bytes(take(4, "meta_len"), "big")
    if meta_len != 0 and not 16 <= meta_len <= 65552:
        raise Refused("MalformedHeader { field: meta_len }")
    meta_ct = take(meta_len, "meta_ct")
    authed = env[:pos]
    header_mac = take(32, "header_mac")
    header_len = pos

    # Argon2 limits, for every password slot, before any Argon2 work.
    for kind, body in slots:
        if kind == KIND_PASSWORD:
            m, t, p = int.from_bytes(body[0:4], "big"), int.from_bytes(body[4:8], "big"), body[8]
            if not (m <= MAX_M_KIB and 1 <= t <= MAX_T and 1 <= p <= MAX_P and m >= 8 * p):
                raise Refused("LimitsExceeded")

    file_key = None
    for kind, body in slots:  # header order; only slots of the secret's kind
        if password is not None and kind == KIND_PASSWORD:
            m, t, p = int.from_bytes(body[0:4], "big"), int.from_bytes(body[4:8], "big"), body[8]
            kek = argon2id(normalise_password(password), body[9:25], m, t, p)
            commit, wrapped = body[25:57], body[57:105]
        elif key is not None and kind == KIND_KEY:
            kek, commit, wrapped = key, body[0:32], body[32:80]
        else:
            continue
        wrap_key, expected = slot_keys(kek, salt, kind)
        if not std_hmac.compare_digest(commit, expected):
            continue  # wrapped is never touched for a non-matching slot
        try:
            file_key = aead_open(wrap_key, ZERO_NONCE, b"", wrapped)
            break
        except Exception:
            continue  # counts as "no match"
    if file_key is None:
        raise Refused("WrongSecret")

    mac_key, payload_key, meta_key = file_keys(file_key, salt)
    if not std_hmac.compare_digest(hmac_sha256(mac_key, authed), header_mac):
        raise Refused("HeaderTampered")
    meta = None
    if meta_len:
        meta = aead_open(meta_key, ZERO_NONCE, b"", meta_ct)
        if len(meta) > 65536 or not isinstance(json.loads(meta), dict):
            raise Refused("MalformedHeader { field: metadata }")

    C = 1 << chunk_log2
    payload = env[header_len:]
    pt = bytearray()
    i, off = 0, 0
    while True:
        seg = payload[off:off + C + TAG]
        off += len(seg)
        more = off < len(payload)
        if not seg:
            raise Refused("Truncated")  # nothing after the header
        if more:  # a full segment with bytes after it: must be a non-final chunk
            try:
                pt += aead_open(payload_key, chunk_nonce(i, False), header_mac, seg)
                i += 1
                continue
            except Exception:
                pass
            try:
                aead_open(payload_key, chunk_nonce(i, True), header_mac, seg)
            except Exception:
                raise Refused(f"ChunkTampered {{ index: {i} }}")
            raise Refused("TrailingData")
        # the segment that ends the input must be the final chunk
        if len(seg) < TAG or (len(seg) == TAG and i > 0):
            raise Refused(f"ChunkTampered {{ index: {i} }}")
        try:
            pt += aead_open(payload_key, chunk_nonce(i, True), header_mac, seg)
            break
        except Exception:
            pass
        try:
            aead_open(payload_key, chunk_nonce(i, False), header_mac, seg)
        except Exception:
            raise Refused(f"ChunkTampered {{ index: {i} }}")
        raise Refused("Truncated")  # authentic, but not the final chunk
    expect = plaintext_len_from(len(env), header_len, C)
    assert expect == len(pt), (expect, len(pt))
    if meta is not None:
        size = json.loads(meta).get("size")
        if size is not None and size != len(pt):
            raise Refused("SizeMismatch")
    return meta, bytes(pt)


# ------------------------------------------------------------------ driver
def check_vector(v):
    """Returns a list of mismatch descriptions (empty when the vector passes)."""
    errors = []
    inp, want = v["inputs"], v["intermediate"]
    got = {}
    header, env = seal(inp, got)

    def cmp(label, a, b):
        if a != b:
            errors.append(f"{label}: got {a.hex() if isinstance(a, bytes) else a}, "
                          f"want {b.hex() if isinstance(b, bytes) else b}")

    for slot in ("password_slot", "key_slot"):
        if slot in want:
            for k, hexval in want[slot].items():
                cmp(f"{slot}.{k}", got[slot][k], bytes.fromhex(hexval))
    for k in ("mac_key", "payload_key", "meta_key", "header_mac"):
        cmp(k, got[k], bytes.fromhex(want[k]))
    cmp("header_len", got["header_len"], want["header_len"])
    if v.get("envelope_header_hex"):
        cmp("header", header, bytes.fromhex(v["envelope_header_hex"]))
    cmp("envelope_len", len(env), v["envelope_len"])
    cmp("envelope_sha256", hashlib.sha256(env).hexdigest(), v["envelope_sha256"])
    if v.get("envelope_hex"):
        cmp("envelope", env, bytes.fromhex(v["envelope_hex"]))
    cmp("plaintext_sha256", hashlib.sha256(plaintext_of(inp["plaintext_len"])).hexdigest(),
        inp["plaintext_sha256"])

    # Open the expected envelope (or, without hex, ours once it matched the digest).
    expected_env = bytes.fromhex(v["envelope_hex"]) if v.get("envelope_hex") else env
    secrets = []
    if inp.get("password") is not None:
        secrets.append(("password", dict(password=inp["password"])))
    if inp.get("key") is not None:
        secrets.append(("key", dict(key=bytes.fromhex(inp["key"]))))
    for label, kw in secrets:
        try:
            meta, pt = open_envelope(expected_env, **kw)
        except Refused as e:
            errors.append(f"open with {label}: refused {e}")
            continue
        cmp(f"open with {label}: plaintext_sha256", hashlib.sha256(pt).hexdigest(),
            inp["plaintext_sha256"])
        want_meta = inp.get("metadata_json")
        cmp(f"open with {label}: metadata", meta,
            None if want_meta is None else want_meta.encode("utf-8"))
    return errors


def main(argv):
    here = Path(__file__).resolve().parent
    files = [Path(a) for a in argv[1:]] or [here / "envelope-v1-vectors.json"]
    passed = failed = 0
    for f in files:
        for v in json.loads(f.read_text(encoding="utf-8"))["vectors"]:
            try:
                errors = check_vector(v)
            except Exception as e:  # a crash is a failure, not a pass
                errors = [f"exception: {type(e).__name__}: {e}"]
            if errors:
                failed += 1
                print(f"FAIL {f.name}: {v['name']}")
                for e in errors:
                    print(f"    {e}")
            else:
                passed += 1
                print(f"ok   {f.name}: {v['name']}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
