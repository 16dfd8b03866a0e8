"""Load and slow clients on loopback (docs/SECURITY.md, "Server limits"):

- 200 concurrent clients mixing uploads, ranged downloads and small
  requests against one server: no error, the server's peak RSS stays
  bounded, the p99 latency of the small requests is printed;
- 500 connections that send a request head one byte a second: the server
  closes each at its header timeout and keeps serving normal requests
  meanwhile.

Both are bounded in count and time (well under a minute each); the figures
are printed (`pytest -s` shows them) for docs/SECURITY.md.
"""

from __future__ import annotations

import asyncio
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from client import Api, new_id

CLIENTS = 200
ROUNDS = 8
UPLOAD_BYTES = 256 * 1024
BIG_BYTES = 8 * 1024 * 1024
RANGE_BYTES = 64 * 1024
# The server's peak resident memory under the load test (VmHWM) must stay
# below this; the figure measured is printed.
RSS_BOUND_MIB = 256


def peak_rss_kib(pid: int) -> int:
    """VmHWM (peak resident set) of a process, in KiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM in /proc/<pid>/status")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def test_200_concurrent_clients_mixing_uploads_and_ranged_downloads(server, verified):
    # All clients come from 127.0.0.1: the per-IP connection cap must admit
    # them, and the read budget of the one transfer they all read (9 MiB,
    # read in 1600 ranges of 64 KiB, each counting 1 MiB) must too.
    s = server(connections={"max": 1024, "max_per_ip": 1024}, limits={"reads_per_transfer": 1000})
    sender, api = verified(s)
    big = os.urandom(BIG_BYTES)
    big_id = new_id()
    download = api.send_whole(sender, {"manifest": os.urandom(1024), big_id: big})

    # One transfer with a blob for each client to upload.
    upload = new_id()
    names = [new_id() for _ in range(CLIENTS)]
    expires_at = int(time.time()) + 3600
    r = api.announce(upload, sender, [("manifest", 16)] + [(n, UPLOAD_BYTES) for n in names], expires_at=expires_at)
    assert r.status_code == 201, r.text

    small_latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_line = threading.Barrier(CLIENTS)

    def client(i: int):
        rng = random.Random(i)
        reader = Api(s.url)
        writer = api.with_token(api.token)
        mine: list[float] = []
        try:
            start_line.wait(timeout=30)
            for round_ in range(ROUNDS):
                if round_ == i % ROUNDS:
                    data = rng.randbytes(UPLOAD_BYTES)
                    r = writer.put_blob(upload, names[i], 0, data)
                    assert r.status_code == 200, ("put", r.status_code, r.text)
                    r = writer.finish_blob(upload, names[i], UPLOAD_BYTES)
                    assert r.status_code == 204, ("finish_blob", r.status_code, r.text)
                start = rng.randrange(0, BIG_BYTES - RANGE_BYTES)
                r = reader.read_blob(download, big_id, f"bytes={start}-{start + RANGE_BYTES - 1}")
                assert r.status_code == 206, ("range", r.status_code, r.text[:200])
                assert r.content == big[start:start + RANGE_BYTES], "ranged read returned other bytes"
                for path in ("/health", f"/api/v1/transfers/{download}"):
                    t0 = time.perf_counter()
                    r = reader.get(path)
                    mine.append(time.perf_counter() - t0)
                    assert r.status_code == 200, (path, r.status_code, r.text)
        except Exception as e:  # noqa: BLE001 - every failure is reported below
            with lock:
                errors.append(f"client {i}: {e!r}")
        with lock:
            small_latencies.extend(mine)

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(client, range(CLIENTS)))
    elapsed = time.monotonic() - began
    assert not errors, f"{len(errors)} clients failed, e.g. {errors[:5]}"

    # Every upload arrived.
    for name in names[:: CLIENTS // 10]:
        state = api.upload_state(upload, name).json()
        assert state == {"partial_len": None, "complete_len": UPLOAD_BYTES}, state

    rss_mib = peak_rss_kib(s.process.pid) / 1024
    p50, p99 = percentile(small_latencies, 0.50), percentile(small_latencies, 0.99)
    print(f"\nload: {CLIENTS} clients, {len(small_latencies)} small requests, {CLIENTS} uploads of "
          f"{UPLOAD_BYTES // 1024} KiB, {CLIENTS * ROUNDS} ranged reads of {RANGE_BYTES // 1024} KiB in "
          f"{elapsed:.1f} s; small requests p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
          f"max {max(small_latencies) * 1000:.1f} ms; server peak RSS (VmHWM) {rss_mib:.1f} MiB")
    assert rss_mib < RSS_BOUND_MIB, f"server peak RSS {rss_mib:.1f} MiB"


SLOW = 500
HEADER_TIMEOUT = 3


async def slow_client(host: str, port: int, closed_after: list[float], sent: list[int], deadline: float):
    """Sends a request head one byte a second until the server closes the
    connection; records when (seconds since connecting) and how many bytes
    went out."""
    head = b"GET /health HTTP/1.1\r\nHost: kluis\r\nX-Slow: " + b"a" * 200 + b"\r\n\r\n"
    reader, writer = await asyncio.open_connection(host, port)
    began = time.monotonic()
    count = 0
    try:
        for byte in head:
            if time.monotonic() > deadline:
                return
            writer.write(bytes([byte]))
            await writer.drain()
            count += 1
            try:
                data = await asyncio.wait_for(reader.read(4096), 1.0)
            except asyncio.TimeoutError:
                continue
            if data.startswith(b"HTTP/1.1 200"):
                raise AssertionError("a slow head was answered")
            # An answer (408) or the end of the stream: closed.
            closed_after.append(time.monotonic() - began)
            return
    except (ConnectionResetError, BrokenPipeError):
        closed_after.append(time.monotonic() - began)
    finally:
        sent.append(count)
        writer.close()


def test_500_slow_request_heads_are_closed_at_the_header_timeout(server):
    s = server(connections={"max": 1024, "max_per_ip": 1024, "header_timeout_secs": HEADER_TIMEOUT})
    closed_after: list[float] = []
    sent: list[int] = []
    normal: list[float] = []
    failures: list[str] = []
    stop = threading.Event()

    def normal_requests():
        # A fresh connection per request, so each one is accepted anew.
        while not stop.is_set():
            t0 = time.perf_counter()
            try:
                r = requests.get(s.url + "/health", timeout=10, headers={"Connection": "close"})
                if r.status_code != 200:
                    failures.append(f"status {r.status_code}")
            except requests.RequestException as e:
                failures.append(repr(e))
            normal.append(time.perf_counter() - t0)
            time.sleep(0.1)

    async def main():
        deadline = time.monotonic() + 20
        tasks = [asyncio.create_task(slow_client("127.0.0.1", s.port, closed_after, sent, deadline))
                 for _ in range(SLOW)]
        await asyncio.sleep(0.5)  # all connected and dripping
        watcher = threading.Thread(target=normal_requests)
        watcher.start()
        try:
            await asyncio.gather(*tasks)
        finally:
            stop.set()
            watcher.join()

    began = time.monotonic()
    asyncio.run(main())
    elapsed = time.monotonic() - began

    assert len(closed_after) == SLOW, f"only {len(closed_after)} of {SLOW} slow connections were closed in 20 s"
    assert min(closed_after) >= HEADER_TIMEOUT - 0.5, f"closed before the timeout: {min(closed_after):.2f} s"
    assert max(closed_after) <= HEADER_TIMEOUT + 3, f"closed late: {max(closed_after):.2f} s"
    assert not failures, failures[:5]
    assert normal and max(normal) < 1.0, f"normal requests slowed: max {max(normal):.3f} s"
    print(f"\nslow heads: {SLOW} connections sending one byte a second (at most {max(sent)} bytes each) "
          f"closed after {min(closed_after):.2f}-{max(closed_after):.2f} s (header timeout {HEADER_TIMEOUT} s); "
          f"meanwhile {len(normal)} normal requests on new connections, p50 "
          f"{percentile(normal, 0.5) * 1000:.1f} ms, max {max(normal) * 1000:.1f} ms; test {elapsed:.1f} s; "
          f"server peak RSS {peak_rss_kib(s.process.pid) / 1024:.1f} MiB")
