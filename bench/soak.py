"""A bounded soak: ``eventgraph serve`` as a real process on 127.0.0.1, 32 connections sending a mix
of reads for several minutes while documents are ingested over HTTP, and the server's memory sampled.

    python -m bench.soak                      # 5 minutes, 32 connections
    python -m bench.soak --minutes 1 --connections 8

It reports, per kind of request, how many were sent, how many failed and the p50/p99 latency; the
deliberate limits apart (a query stopped at the time limit is answered 503 on purpose); and the
server's resident memory (its process and its query workers) after the warm-up, at the end and at
its peak. The figures go to ``bench/out/soak.json`` and, as a table, to standard output. The load
generator shares the machine's two cores with the server: this measures errors and memory under
load, not throughput (``python -m bench`` does that).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
OUT = REPO / "bench" / "out"
TOKEN = "soak-token-0123456789abcdef"
WARM_UP = 30.0  # seconds before the memory baseline is taken
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@dataclass
class Tally:
    """What one kind of request gave: latencies of the answers, and the failures by status or error."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    limited: int = 0  # deliberate refusals (the time limit)

    def summary(self) -> dict[str, object]:
        ordered = sorted(self.latencies)
        p = (lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)) if ordered else None
        return {
            "requests": len(self.latencies) + sum(self.errors.values()) + self.limited,
            "errors": dict(self.errors),
            "deliberate_limits": self.limited,
            "p50_ms": p(0.5) if p else None,
            "p99_ms": p(0.99) if p else None,
        }


def make_documents(folder: Path, count: int, offset: int = 0) -> list[Path]:
    """Distinct documents in the seeds' genre: the seeds with their figures changed."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for n in range(offset, offset + count):
        text = (
            texts[n % len(texts)].replace("50 countries", f"{n + 2} countries").replace("48 sister", f"{n + 3} sister")
        )
        path = folder / f"soak{n:05d}.txt"
        path.write_text(text, encoding="utf-8")
        out.append(path)
    return out


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (the query workers), in KiB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


class Soak:
    def __init__(self, url: str, minutes: float, connections: int, docs: Path, feed_every: float = 2.0) -> None:
        self.url, self.connections, self.docs, self.feed_every = url, connections, docs, feed_every
        self.deadline = time.monotonic() + minutes * 60
        self.tallies: dict[str, Tally] = defaultdict(Tally)
        self.lock = threading.Lock()
        self.events: list[str] = []
        self.documents: list[str] = []
        self.ingested = 0

    def prepare(self) -> None:
        page = requests.get(self.url + "/api/events", params={"limit": 500}, timeout=60).json()
        self.events = [e["iri"] for e in page["events"]]
        self.documents = [d["id"] for d in requests.get(self.url + "/api/documents", timeout=60).json()["documents"]]

    def requests_mix(self, rng: random.Random) -> tuple[str, str, dict[str, object]]:
        """(kind, method+path, request keywords) — reads weighted as a browsing analyst and a script would."""
        roll = rng.random()
        if roll < 0.30:
            iri = rng.choice(self.events)
            query = f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"
            return "sparql point lookup", "/sparql", {"params": {"query": query}}
        if roll < 0.50:
            year = rng.choice(("2020", "2021"))
            return "timeline window", "/api/timeline", {"params": {"start": f"{year}-01", "end": f"{year}-12"}}
        if roll < 0.62:
            params = {"type": rng.choice(("aid_delivery", "communication", "meeting")), "limit": 50}
            return "events by type", "/api/events", {"params": params}
        if roll < 0.72:
            return "actor autocomplete", "/api/actors", {"params": {"q": rng.choice(("bei", "chi", "nia", "tok"))}}
        if roll < 0.80:
            return "named query", "/api/queries/events_per_month", {}
        if roll < 0.88:
            query = "SELECT ?t (COUNT(?e) AS ?n) WHERE { ?e a ?t } GROUP BY ?t ORDER BY DESC(?n)"
            return "sparql aggregate", "/sparql", {"params": {"query": query}}
        if roll < 0.997:
            return "document page", f"/documents/{rng.choice(self.documents)}", {"headers": {"Accept": "text/html"}}
        # now and then a query that runs into the time limit (each holds a core for the whole limit)
        return "heavy query (time limit)", "/sparql", {"params": {"query": HEAVY}}

    def reader(self, seed: int) -> None:
        rng = random.Random(seed)
        session = requests.Session()
        while time.monotonic() < self.deadline:
            kind, path, kwargs = self.requests_mix(rng)
            started = time.perf_counter()
            try:
                resp = session.get(self.url + path, timeout=60, **kwargs)  # type: ignore[arg-type]
                elapsed = time.perf_counter() - started
                outcome = resp.status_code
            except requests.RequestException as exc:
                elapsed, outcome = time.perf_counter() - started, type(exc).__name__
            with self.lock:
                tally = self.tallies[kind]
                if outcome == 200:
                    tally.latencies.append(elapsed)
                elif outcome == 503 and kind.startswith("heavy"):
                    tally.limited += 1
                else:
                    tally.errors[str(outcome)] += 1

    def ingester(self) -> None:
        """One new document every ``feed_every`` seconds, over HTTP with the token, as a feed would send them."""
        session = requests.Session()
        n = 0
        while self.feed_every > 0 and time.monotonic() < self.deadline:
            (path,) = make_documents(self.docs, 1, offset=100_000 + n)
            started = time.perf_counter()
            try:
                resp = session.post(
                    self.url + f"/documents?name={path.name}",
                    data=path.read_bytes(),
                    headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"},
                    timeout=120,
                )
                outcome = resp.status_code
            except requests.RequestException as exc:
                outcome = type(exc).__name__
            with self.lock:
                tally = self.tallies["ingest (POST /documents)"]
                if outcome == 201:
                    tally.latencies.append(time.perf_counter() - started)
                    self.ingested += 1
                else:
                    tally.errors[str(outcome)] += 1
            n += 1
            time.sleep(self.feed_every)


def start_server(store: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTGRAPH_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "service", "serve", "--store", str(store), "--port", str(port), "--token", TOKEN],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(1200):
        try:
            requests.get(f"http://127.0.0.1:{port}/api/stats", timeout=2)
            return proc
        except requests.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the server did not start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--documents", type=int, default=200, help="documents ingested before the soak starts")
    parser.add_argument("--feed-every", type=float, default=2.0, help="seconds between documents posted (0: none)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="eventgraph-soak-"))
    try:
        make_documents(work / "corpus", args.documents)
        store = str(work / "store")
        subprocess.run(
            [sys.executable, "-m", "service", "ingest", str(work / "corpus"), str(SEEDS), "--store", store, "--quiet"],
            check=True,
        )
        port = _free_port()
        server = start_server(Path(store), port)
        try:
            soak = Soak(f"http://127.0.0.1:{port}", args.minutes, args.connections, work / "feed", args.feed_every)
            soak.prepare()
            threads = [threading.Thread(target=soak.reader, args=(n,)) for n in range(args.connections)]
            threads.append(threading.Thread(target=soak.ingester))
            started = time.monotonic()
            for t in threads:
                t.start()
            samples: list[tuple[float, int]] = []
            while any(t.is_alive() for t in threads):
                samples.append((time.monotonic() - started, rss_kib(server.pid)))
                time.sleep(5)
            for t in threads:
                t.join()
        finally:
            server.terminate()
            server.wait(timeout=60)
        report = _report(soak, samples, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "soak.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(_table(report))
    return 1 if report["errors"] else 0


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _report(soak: Soak, samples: list[tuple[float, int]], args: argparse.Namespace) -> dict[str, object]:
    kinds = {kind: tally.summary() for kind, tally in sorted(soak.tallies.items())}
    after_warm_up = [kib for t, kib in samples if t >= WARM_UP] or [kib for _, kib in samples]
    last_minute = [kib for t, kib in samples if t >= samples[-1][0] - 60] if samples else []
    return {
        "minutes": args.minutes,
        "connections": args.connections,
        "documents_before": args.documents + 2,
        "documents_ingested_during": soak.ingested,
        "requests": sum(k["requests"] for k in kinds.values()),  # type: ignore[misc]
        "errors": sum(sum(k["errors"].values()) for k in kinds.values()),  # type: ignore[union-attr]
        "deliberate_limits": sum(k["deliberate_limits"] for k in kinds.values()),  # type: ignore[misc]
        "by_kind": kinds,
        "rss_mib": {
            "after_warm_up": round(after_warm_up[0] / 1024, 1) if after_warm_up else None,
            "median_last_minute": round(statistics.median(last_minute) / 1024, 1) if last_minute else None,
            "end": round(samples[-1][1] / 1024, 1) if samples else None,
            "peak": round(max(kib for _, kib in samples) / 1024, 1) if samples else None,
        },
    }


def _table(report: dict[str, object]) -> str:
    lines = [
        f"soak: {report['minutes']} min, {report['connections']} connections, {report['requests']} requests, "
        f"{report['errors']} errors, {report['deliberate_limits']} deliberate limits, "
        f"{report['documents_ingested_during']} documents ingested during the run",
        "",
        "| kind | requests | errors | deliberate limits | p50 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, k in report["by_kind"].items():  # type: ignore[union-attr]
        errors = ", ".join(f"{n}× {s}" for s, n in k["errors"].items()) or "0"
        lines.append(
            f"| {kind} | {k['requests']} | {errors} | {k['deliberate_limits']} | {k['p50_ms']} | {k['p99_ms']} |"
        )
    rss = report["rss_mib"]
    lines += [
        "",
        f"server memory (process and query workers): {rss['after_warm_up']} MiB after the warm-up, "  # type: ignore[index]
        f"{rss['median_last_minute']} MiB (median) in the last minute, {rss['end']} MiB at the end, "  # type: ignore[index]
        f"{rss['peak']} MiB at the peak",  # type: ignore[index]
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
