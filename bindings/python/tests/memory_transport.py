"""A Transport written in Python: the whole store in dictionaries.

It follows the contract of ``kluis_transfer::Transport`` (see the Rust docs),
raising ``kluis.TransportError`` subclasses, which the transfer code maps to
``KluisError.NotFound`` / ``KluisError.Transport``.
"""

from __future__ import annotations

import threading
from typing import Dict, List, Optional

import kluis


class DictTransport(kluis.Transport):
    def __init__(self) -> None:
        self.partial: Dict[tuple, bytearray] = {}
        self.complete: Dict[tuple, bytes] = {}
        self.expires: Dict[str, int] = {}
        self.transfers: set = set()
        self.calls: Dict[str, int] = {}
        self.plans: List[kluis.TransferPlan] = []
        self.lock = threading.Lock()

    def _count(self, name: str) -> None:
        self.calls[name] = self.calls.get(name, 0) + 1

    def begin_transfer(self, plan: kluis.TransferPlan) -> None:
        # Called before every upload attempt: idempotent. A plain store keeps
        # only the announcement, for the tests to look at.
        with self.lock:
            self._count("begin_transfer")
            self.plans.append(plan)

    def put_range(self, transfer_id: str, blob: str, offset: int, data: bytes) -> None:
        with self.lock:
            self._count("put_range")
            key = (transfer_id, blob)
            if transfer_id in self.expires:
                raise kluis.TransportError.Conflict(reason=f"transfer {transfer_id} is finished")
            if key in self.complete:
                raise kluis.TransportError.Conflict(reason=f"{blob} is already complete")
            buf = self.partial.setdefault(key, bytearray())
            if offset > len(buf):
                raise kluis.TransportError.Conflict(reason=f"offset {offset} past the end ({len(buf)})")
            del buf[offset:]
            buf += data
            self.transfers.add(transfer_id)

    def partial_len(self, transfer_id: str, blob: str) -> Optional[int]:
        with self.lock:
            buf = self.partial.get((transfer_id, blob))
            return None if buf is None else len(buf)

    def finish_blob(self, transfer_id: str, blob: str, total_len: int) -> None:
        with self.lock:
            self._count("finish_blob")
            key = (transfer_id, blob)
            if key in self.complete:
                if len(self.complete[key]) != total_len:
                    raise kluis.TransportError.Conflict(reason="complete with another length")
                return
            buf = self.partial.get(key)
            if buf is None:
                raise kluis.TransportError.NotFound(reason=f"{blob} of {transfer_id}")
            if len(buf) != total_len:
                raise kluis.TransportError.Conflict(reason=f"{len(buf)} bytes, not {total_len}")
            self.complete[key] = bytes(self.partial.pop(key))

    def complete_len(self, transfer_id: str, blob: str) -> Optional[int]:
        with self.lock:
            data = self.complete.get((transfer_id, blob))
            return None if data is None else len(data)

    def read_range(self, transfer_id: str, blob: str, offset: int, length: int) -> bytes:
        with self.lock:
            self._count("read_range")
            data = self.complete.get((transfer_id, blob))
            if data is None:
                raise kluis.TransportError.NotFound(reason=f"{blob} of {transfer_id}")
            return data[offset : offset + length]

    def finish_transfer(self, transfer_id: str, expires_at: int) -> None:
        with self.lock:
            if transfer_id not in self.transfers:
                raise kluis.TransportError.NotFound(reason=transfer_id)
            if (transfer_id, "manifest") not in self.complete:
                raise kluis.TransportError.Conflict(reason="the manifest is not complete")
            if self.expires.get(transfer_id, expires_at) != expires_at:
                raise kluis.TransportError.Conflict(reason="finished with another expiry")
            self.expires[transfer_id] = expires_at

    def expiry(self, transfer_id: str) -> Optional[int]:
        with self.lock:
            if transfer_id not in self.transfers:
                raise kluis.TransportError.NotFound(reason=transfer_id)
            return self.expires.get(transfer_id)

    def delete_transfer(self, transfer_id: str) -> None:
        with self.lock:
            self.transfers.discard(transfer_id)
            self.expires.pop(transfer_id, None)
            for store in (self.partial, self.complete):
                for key in [k for k in store if k[0] == transfer_id]:
                    del store[key]

    def list_expired(self, now: int) -> List[str]:
        with self.lock:
            return sorted(t for t, e in self.expires.items() if e <= now)
