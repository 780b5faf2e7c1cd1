"""Writes over HTTP: ``eventgraph serve`` on an empty store, N small distinct documents posted to
``POST /documents`` by four concurrent posters, and the read latency measured as the store grows;
then SIGTERM, the newest RocksDB log's size, and the time a restart takes.

    python -m bench.http_ingest --documents 10000
    python -m bench.http_ingest --documents 2000 --every 500

At the start (after 20 documents), at every ``--every`` documents and at the end it measures the
median of many reads of two small SPARQL queries on one keep-alive connection, and the median of
a read sent right after a write (the query workers reopen the store after each write). The
figures go to ``bench/out/http_ingest.json`` and, as a table, to standard output. The posters
and the server share the machine's cores: the posting rate is a loaded machine's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench.servers import free_port

OUT = Path(__file__).resolve().parents[1] / "bench" / "out"
TOKEN = "http-ingest-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"}
POSTERS = 4
START_DOCUMENTS = 20  # posted before the first measurement, so the reads have something to find
COUNTRIES = ("Japan", "Australia", "Germany", "Canada", "Norway", "Chile", "Kenya", "Peru")
READS = (
    "SELECT ?e ?t WHERE { ?e a <http://semanticweb.cs.vu.nl/2009/11/sem/Event> ; a ?t } LIMIT 20",
    "ASK { ?s ?p ?o }",
)


def document(n: int) -> bytes:
    """A small distinct document: two events (an aid delivery and a meeting) between two countries."""
    giver, taker = COUNTRIES[n % len(COUNTRIES)], COUNTRIES[(n + 3) % len(COUNTRIES)]
    day = 1 + n % 28
    return (
        f"Relief shipment {n}\n\n"
        f"On {day} March 2021, {giver} donated {1000 + n} masks and {n + 5} tents to {taker}. "
        f"The foreign ministers of {giver} and {taker} met in Geneva on {day} April 2021."
    ).encode()


class Target:
    """``eventgraph serve`` as a process on 127.0.0.1, the token in EVENTGRAPH_TOKEN."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Start the server; the seconds until /api/stats answers."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTGRAPH_")}
        env["EVENTGRAPH_TOKEN"] = TOKEN
        env["EVENTGRAPH_BASE_IRI"] = "http://localhost:8000/"
        command = [sys.executable, "-m", "service", "serve", "--store", str(self.store), "--port", str(self.port)]
        started = time.perf_counter()
        self.proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = started + 600
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited with {self.proc.returncode}")
            try:
                if requests.get(self.url + "/api/stats", timeout=5).status_code == 200:
                    return time.perf_counter() - started
            except requests.RequestException:
                pass
            time.sleep(0.02)
        self.kill()
        raise SystemExit("the server did not answer /api/stats within 600 s")

    def terminate(self) -> tuple[float, int]:
        """SIGTERM; the seconds until the process ended, and its exit code."""
        assert self.proc is not None
        started = time.perf_counter()
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.kill()
            raise SystemExit("the server did not end within 120 s of SIGTERM") from None
        return time.perf_counter() - started, code

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)

    def post(self, session: requests.Session, n: int) -> tuple[int, float]:
        started = time.perf_counter()
        answer = session.post(f"{self.url}/documents?name=doc{n:06d}.txt", data=document(n), headers=AUTH, timeout=300)
        return answer.status_code, time.perf_counter() - started

    def documents(self) -> int:
        return int(requests.get(self.url + "/api/stats", timeout=120).json()["counts"]["documents"])


def read_latency(target: Target, rounds: int) -> dict[str, float]:
    """Median and p95 (ms) of ``rounds`` reads of each small query on one keep-alive connection."""
    times = []
    with requests.Session() as session:
        for query in READS:  # warm-up: one of each
            session.get(target.url + "/sparql", params={"query": query}, timeout=120).raise_for_status()
        for _ in range(rounds):
            for query in READS:
                started = time.perf_counter()
                session.get(target.url + "/sparql", params={"query": query}, timeout=120).raise_for_status()
                times.append(time.perf_counter() - started)
    times.sort()
    return {
        "median_ms": round(statistics.median(times) * 1000, 2),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))] * 1000, 2),
    }


def read_after_write(target: Target, first: int, writes: int) -> float:
    """Median time (ms) of a read sent right after each of ``writes`` posts."""
    times = []
    with requests.Session() as session:
        for n in range(first, first + writes):
            status, _ = target.post(session, n)
            if status != 201:
                raise SystemExit(f"a post was answered {status}")
            started = time.perf_counter()
            session.get(target.url + "/sparql", params={"query": READS[0]}, timeout=120).raise_for_status()
            times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 2)


def post_many(target: Target, numbers: range) -> dict[str, object]:
    """Post the documents ``numbers`` with POSTERS concurrent posters; the statuses, rate and latencies."""
    sessions = [requests.Session() for _ in range(POSTERS)]

    def one(i_n: tuple[int, int]) -> tuple[str, float]:
        i, n = i_n
        try:
            status, took = target.post(sessions[i % POSTERS], n)
            return str(status), took
        except requests.RequestException as exc:
            return type(exc).__name__, 0.0

    started = time.perf_counter()
    with ThreadPoolExecutor(POSTERS) as pool:
        results = list(pool.map(one, enumerate(numbers)))
    took = time.perf_counter() - started
    for s in sessions:
        s.close()
    statuses: dict[str, int] = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = sorted(t for status, t in results if status == "201")
    return {
        "statuses": statuses,
        "seconds": round(took, 1),
        "documents_per_s": round(len(numbers) / took, 1) if took else None,
        "post_p50_ms": round(latencies[len(latencies) // 2] * 1000, 1) if latencies else None,
        "post_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1) if latencies else None,
    }


def logs(store: Path) -> dict[str, object]:
    found = sorted(store.glob("*.log"), key=lambda p: p.stat().st_mtime)
    return {
        "newest_log": found[-1].name if found else None,
        "newest_log_bytes": found[-1].stat().st_size if found else 0,
        "all_logs_bytes": sum(p.stat().st_size for p in found),
        "store_bytes": sum(p.stat().st_size for p in store.rglob("*") if p.is_file()),
        "store_files": sum(1 for p in store.rglob("*") if p.is_file()),
        "sst_files": sum(1 for _ in store.glob("*.sst")),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000, help="documents posted (besides the probes)")
    parser.add_argument("--every", type=int, default=2_000, help="documents between two measurements")
    parser.add_argument("--rounds", type=int, default=25, help="reads of each query per measurement")
    parser.add_argument("--writes", type=int, default=5, help="read-after-write probes per measurement")
    args = parser.parse_args(argv)
    if args.documents < START_DOCUMENTS or args.every < 1:
        parser.error(f"--documents must be at least {START_DOCUMENTS} and --every at least 1")

    work = Path(tempfile.mkdtemp(prefix="eventgraph-http-ingest-"))
    store = work / "store"
    target = Target(store)
    checkpoints: list[dict[str, object]] = []
    batches: list[dict[str, object]] = []
    probe = 1_000_000  # numbers of the read-after-write probes, apart from the posted documents
    failed = 0
    began = time.perf_counter()
    try:
        first_start = target.start()
        batch = post_many(target, range(START_DOCUMENTS))
        failed += sum(n for s, n in batch["statuses"].items() if s != "201")  # type: ignore[union-attr]
        posted = START_DOCUMENTS

        def measure() -> None:
            nonlocal probe
            reads = read_latency(target, args.rounds)
            after_write = read_after_write(target, probe, args.writes)
            probe += args.writes
            point = {
                "posted": posted,
                **reads,
                "read_after_write_median_ms": after_write,
                "sst_files": sum(1 for _ in store.glob("*.sst")),
            }
            checkpoints.append(point)
            print(json.dumps(point), flush=True)

        measure()
        while posted < args.documents:
            upto = min(args.documents, (posted // args.every + 1) * args.every)
            batch = post_many(target, range(posted, upto))
            failed += sum(n for s, n in batch["statuses"].items() if s != "201")  # type: ignore[union-attr]
            batches.append({"from": posted, "to": upto, **batch})
            print(json.dumps(batches[-1]), flush=True)
            posted = upto
            measure()
        expected = posted + probe - 1_000_000
        counted = target.documents()
        stop_seconds, exit_code = target.terminate()
        after_stop = logs(store)
        restart_seconds = target.start()
        counted_after_restart = target.documents()
        target.terminate()
    finally:
        target.kill()
    report = {
        "documents_posted": expected,
        "failed_posts": failed,
        "documents_counted": counted,
        "documents_counted_after_restart": counted_after_restart,
        "first_start_s": round(first_start, 2),
        "checkpoints": checkpoints,
        "batches": batches,
        "sigterm_to_exit_s": round(stop_seconds, 2),
        "exit_code": exit_code,
        **after_stop,
        "restart_to_stats_s": round(restart_seconds, 2),
        "total_minutes": round((time.perf_counter() - began) / 60, 1),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "http_ingest.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(_table(report))
    shutil.rmtree(work, ignore_errors=True)
    ok = failed == 0 and counted == expected == counted_after_restart and exit_code == 0
    return 0 if ok else 1


def _table(report: dict[str, object]) -> str:
    lines = [
        f"{report['documents_posted']} documents posted over HTTP ({POSTERS} posters), "
        f"{report['failed_posts']} failed; /api/stats counts {report['documents_counted']} "
        f"({report['documents_counted_after_restart']} after the restart)",
        "",
        "| documents in the store | reads: median ms | reads: p95 ms | read right after a write: median ms "
        "| .sst files |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for c in report["checkpoints"]:  # type: ignore[attr-defined]
        lines.append(
            f"| {c['posted']:,} | {c['median_ms']} | {c['p95_ms']} | {c['read_after_write_median_ms']} | "
            f"{c['sst_files']} |"
        )
    lines += [
        "",
        "| documents | posting s | documents/s | POST p50 ms | POST p95 ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for b in report["batches"]:  # type: ignore[attr-defined]
        lines.append(
            f"| {b['from']:,}–{b['to']:,} | {b['seconds']} | {b['documents_per_s']} | {b['post_p50_ms']} | "
            f"{b['post_p95_ms']} |"
        )
    lines += [
        "",
        f"SIGTERM to exit: {report['sigterm_to_exit_s']} s (exit code {report['exit_code']}); newest log "
        f"{report['newest_log']}: {report['newest_log_bytes']:,} bytes (all logs {report['all_logs_bytes']:,}; "
        f"store {report['store_bytes']:,} bytes in {report['store_files']} files, {report['sst_files']} .sst); "
        f"restart until /api/stats answers: {report['restart_to_stats_s']} s "
        f"(first start on the empty store: {report['first_start_s']} s)",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
