"""Seals INPUT into OUTPUT through the Python binding's streaming Sealer.

    python benches/python_sealer_write.py INPUT OUTPUT KEY_FILE

1 MiB reads from INPUT go to ``Sealer.write``; the envelope bytes it returns
go to OUTPUT (a plain file, written as they come, no fsync). KEY_FILE holds
the raw key as 64 hex characters, as ``kluis seal --key-file`` takes it.
Timed as a whole process by benches/compare.sh (the ``py_sealer_write`` row).
"""

import sys

import kluis

PIECE = 1 << 20


def main() -> None:
    source, dest, key_file = sys.argv[1:4]
    with open(key_file) as f:
        key = bytes.fromhex(f.read().strip())
    sealer = kluis.Sealer([kluis.Secret.KEY(key=key)])
    with open(source, "rb", buffering=0) as inp, open(dest, "wb") as out:
        while piece := inp.read(PIECE):
            out.write(sealer.write(piece))
        out.write(sealer.finish())


if __name__ == "__main__":
    main()
