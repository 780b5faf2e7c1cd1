"""Writes keep reads fast: 2,000 documents posted over HTTP to a real `eventgraph serve` leave the
read latency within 2x of what it was, and a restart (after SIGTERM) under 5 s.

Before, the write-ahead log was never flushed and every query worker replayed all of it after
each write: after 1,000 posts every non-lookup query hit the 10 s limit and a restart took ~32 s.
This is one of the few tests that time something, because the property is a time; the reads are
medians of many, and the bound is the issue's 2x.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.reliability.conftest import Server, child_env

pytestmark = pytest.mark.server

TOKEN = "ingest-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"}
DOCUMENTS = 2000
COUNTRIES = ("Japan", "Australia", "Germany", "Canada", "Norway", "Chile", "Kenya", "Peru")
READS = (
    "SELECT ?e ?t WHERE { ?e a <http://semanticweb.cs.vu.nl/2009/11/sem/Event> ; a ?t } LIMIT 20",
    "ASK { ?s ?p ?o }",
)


def document(n: int) -> bytes:
    giver, taker = COUNTRIES[n % len(COUNTRIES)], COUNTRIES[(n + 3) % len(COUNTRIES)]
    day = 1 + n % 28
    return (
        f"Relief shipment {n}\n\n"
        f"On {day} March 2021, {giver} donated {1000 + n} masks and {n + 5} tents to {taker}. "
        f"The foreign ministers of {giver} and {taker} met in Geneva on {day} April 2021."
    ).encode()


def post(server: Server, n: int) -> int:
    answer = requests.post(f"{server.url}/documents?name=doc{n:05d}.txt", data=document(n), headers=AUTH, timeout=120)
    return answer.status_code


def read_latency(server: Server, rounds: int = 15) -> float:
    """The median time of the reads, and of a read that follows a write (the worker reopens)."""
    times = []
    with requests.Session() as session:
        for _ in range(rounds):
            for query in READS:
                start = time.perf_counter()
                answer = session.get(server.url + "/sparql", params={"query": query}, timeout=60)
                times.append(time.perf_counter() - start)
                assert answer.status_code == 200, answer.text
    return statistics.median(times)


def after_a_write(server: Server, n: int) -> float:
    times = []
    for i in range(5):
        assert post(server, n + i) == 201
        start = time.perf_counter()
        answer = requests.get(server.url + "/sparql", params={"query": READS[0]}, timeout=60)
        times.append(time.perf_counter() - start)
        assert answer.status_code == 200, answer.text
    return statistics.median(times)


def start_time(store: Path) -> tuple[Server, float]:
    start = time.perf_counter()
    server = Server(store, TOKEN)
    return server, time.perf_counter() - start


def test_ingest_over_http_keeps_reads_fast_and_restarts_quickly(tmp_path: Path) -> None:
    store = tmp_path / "store"
    server = Server(store, TOKEN)
    try:
        assert all(post(server, n) == 201 for n in range(20))
        before, before_write = read_latency(server), after_a_write(server, 100_000)
        with ThreadPoolExecutor(4) as pool:
            codes = list(pool.map(lambda n: post(server, n), range(20, DOCUMENTS)))
        assert codes.count(201) == DOCUMENTS - 20, {c: codes.count(c) for c in set(codes)}
        after, after_write = read_latency(server), after_a_write(server, 200_000)
        assert after <= 2 * before + 0.005, (before, after)  # 5 ms of slack for a noisy shared machine
        assert after_write <= 2 * before_write + 0.005, (before_write, after_write)
        stats = requests.get(server.url + "/api/stats", timeout=60).json()
        assert stats["counts"]["documents"] == DOCUMENTS + 10
    finally:
        server.stop()  # SIGTERM: the server flushes and closes its store
    log = sorted(store.glob("*.log"), key=lambda p: p.stat().st_mtime)
    assert not log or log[-1].stat().st_size < 8 * 1024 * 1024  # nothing much left to replay
    server, took = start_time(store)
    try:
        assert took < 5, f"the restart took {took:.1f} s"
        assert requests.get(server.url + "/api/stats", timeout=60).json()["counts"]["documents"] == DOCUMENTS + 10
    finally:
        server.stop()


def test_ingest_over_http_sigterm_flushes_the_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    server = Server(store, TOKEN)
    try:
        assert post(server, 1) == 201
    finally:
        server.stop()
    assert server.proc.returncode == 0  # SIGTERM ends the server as Ctrl-C does, through its clean-up
    out = subprocess.run(
        [sys.executable, "-m", "service", "stats", "--json", "--store", str(store)],
        capture_output=True,
        text=True,
        timeout=120,
        env=child_env(),
    )
    assert out.returncode == 0 and '"documents": 1' in out.stdout, out.stdout + out.stderr
