"""Kluis in Python, first five minutes: seal and open bytes, files and streams.

Run: python examples/python/seal_and_open.py   (after `pip install ./bindings/python`)
"""

import os
import tempfile

import kluis

# A password (Argon2id; the default cost is 64 MiB, 3 passes) and a raw 32-byte key.
password = kluis.Secret.PASSWORD(password="paard batterij nietje")
my_key = kluis.Secret.KEY(key=os.urandom(32))

# Bytes in memory: either secret opens the envelope.
options = kluis.SealOptions(metadata=kluis.Metadata(name="notulen.txt", media_type="text/plain"))
envelope = kluis.seal_bytes(b"vertrouwelijk", [password, my_key], options)
opened = kluis.open_bytes(envelope, my_key)
print("opened:", opened.plaintext, "named", opened.metadata.name)

# What anyone can see without a secret.
info = kluis.inspect(envelope)
print("slots:", info.slots, "chunk size:", info.chunk_size)

# Errors are classes, one per kind.
try:
    kluis.open_bytes(envelope, kluis.Secret.PASSWORD(password="fout"))
except kluis.KluisError.WrongSecret as e:
    print("refused:", e)

with tempfile.TemporaryDirectory() as tmp:
    # Files: the output appears only once complete (atomic).
    source = os.path.join(tmp, "report.pdf")
    with open(source, "wb") as f:
        f.write(os.urandom(100_000))
    kluis.seal_file(source, source + ".kluis", [my_key])
    metadata = kluis.open_file(source + ".kluis", os.path.join(tmp, "copy.pdf"), my_key)
    print("file round trip ok; metadata:", metadata)

    # Streams: feed pieces of any size; only authenticated plaintext comes out.
    sealer = kluis.Sealer([my_key])
    pieces = [sealer.write(b"part one, "), sealer.write(b"part two"), sealer.finish()]
    opener = kluis.Opener(my_key)
    plaintext = b"".join(opener.write(p) for p in pieces) + opener.finish()
    print("stream:", plaintext)
    assert plaintext == b"part one, part two"
