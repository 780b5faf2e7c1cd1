"""A bounded soak: ``eventgraph serve`` as a real process on 127.0.0.1, 32 connections sending a mix
of reads for several minutes while documents are ingested over HTTP, an abusive mix is sent beside
them, and the server's memory sampled.

    python -m bench.soak                      # 5 minutes, 32 connections, the abusive mix
    python -m bench.soak --minutes 1 --connections 8
    python -m bench.soak --abusers 0          # without the abusive mix

It reports, per kind of request, how many were sent, how many failed and the p50/p99 latency; the
deliberate limits apart (a query stopped at the time limit is answered 503 on purpose); and the
server's resident memory (its process and its query workers) after the warm-up, at the end and at
its peak. The abusive mix (``--abusers`` threads, each sending one attack at a time, in turn: a
DESCRIBE of 2,800 IRIs, SERVICE clauses spelled with ``\\u`` escapes aimed at a TCP listener the
soak opens on 127.0.0.1, a memory bomb, lookups with ``OFFSET 1000000000000`` and /api/events with
3,000 ``actor=`` values) adds: whether the server process stayed alive (polled every second),
the connections the listener received (must be 0), each attack's answers, the bound the memory
stayed under (the server's own memory plus each query worker's address-space limit), and the
light reads answered in every 10 s window with a sequential probe's p50/p95 latency. The figures
go to ``bench/out/soak.json`` and, as a table, to standard output. The load generator shares the
machine's two cores with the server: this measures errors and memory under load, not throughput
(``python -m bench`` does that).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import socket
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
WINDOW = 10.0  # seconds per window in which light reads are counted
ABUSE_PAUSE = 1.0  # seconds an abuser waits between two attacks
# SERVICE clauses aimed at the listener ({port}), spelled to slip past a check that reads the text
# differently from the engine (tests/security/test_isolation.py)
SERVICE_BYPASSES = (
    'SELECT * { BIND("\\u0022 #" AS ?y) SERVICE <http://127.0.0.1:{port}/x> { ?a ?b ?c } BIND(""\n AS ?x) }',
    "SELECT * { SERVICE <http://127.0.0.1:\\u0031{port}/x> { ?a ?b ?c } }",
    "SELECT * { \\u0053ERVICE <http://127.0.0.1:{port}/x> { ?a ?b ?c } }",
    "PREFIX x: <http://127.0.0.1:{port}/\\u0078> SELECT * { SERVICE x:y { ?a ?b ?c } }",
    'SELECT * { BIND("\\u005Cu0022" AS ?y) SERVICE <http://127.0.0.1:{port}/x> { ?a ?b ?c } }',
    "SELECT * { # \\u000A SERVICE <http://127.0.0.1:{port}/x> { ?a ?b ?c } }",
    "SELECT * { SERVICE SILENT <http://127.0.0.1:{port}/x> { ?a ?b ?c } }",
    "SELECT * { SERVICE <http://localhost:{port}/x> { ?a ?b ?c } }",
)
_BINDS = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(27))
MEMORY_BOMB = f'SELECT (STRLEN(?x27) AS ?n) WHERE {{ BIND("0123456789abcdef" AS ?x0) {_BINDS} }}'
HUGE_DESCRIBE = "DESCRIBE " + " ".join(f"<urn:a{i}>" for i in range(2800))
ACTORS = [("actor", f"urn:a{i}") for i in range(3000)]


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it receives: the internal service
    the SERVICE bypasses aim at, which must never be reached."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(2)
        self.sock.close()


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


def _children(pid: int) -> list[int]:
    """Child processes of ``pid`` started by any of its threads (query workers, the resource tracker)."""
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _status(pid: int, *fields: str) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name = line.split(":", 1)[0]
            if name in fields:
                out[name] = int(line.split()[1])
    except OSError:
        pass
    return out


def _address_limit_kib(pid: int) -> int | None:
    """The soft RLIMIT_AS of a process in KiB, or None when unlimited."""
    try:
        for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
            if line.startswith("Max address space"):
                soft = line.split()[3]
                return None if soft == "unlimited" else int(soft) // 1024
    except OSError:
        pass
    return None


@dataclass
class Sample:
    """The server's memory at one moment, in KiB: its own RSS, its children's, and the bound they
    stay under (its own RSS plus each child's address-space limit, or its RSS when it has none)."""

    at: float
    own: int
    children: int
    bound: int
    workers: int
    worker_limit: int | None
    others: int  # RSS of the children that are not query workers (the resource tracker)

    @property
    def total(self) -> int:
        return self.own + self.children


def sample(pid: int, at: float) -> Sample:
    own = _status(pid, "VmRSS").get("VmRSS", 0)
    children = bound = workers = others = 0
    worker_limit = None
    for kid in _children(pid):
        rss = _status(kid, "VmRSS").get("VmRSS", 0)
        limit = _address_limit_kib(kid)
        children += rss
        bound += rss if limit is None else limit
        if limit is not None:  # a query worker (the resource tracker has no limit)
            workers += 1
            worker_limit = max(worker_limit or 0, limit)
        else:
            others += rss
    return Sample(at, own, children, own + bound, workers, worker_limit, others)


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (the query workers), in KiB."""
    return sample(pid, 0.0).total


@dataclass
class Attack:
    """One kind of attack in the abusive mix: its answers by status, and those not as designed."""

    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    latencies: list[float] = field(default_factory=list)
    named: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # settings named in the answers
    unexpected: int = 0
    example: str = ""  # the first answer not as designed

    def summary(self) -> dict[str, object]:
        ordered = sorted(self.latencies)
        return {
            "requests": sum(self.statuses.values()),
            "statuses": dict(self.statuses),
            "settings_named": dict(self.named),
            "unexpected": self.unexpected,
            "example_unexpected": self.example,
            "p50_ms": round(ordered[len(ordered) // 2] * 1000, 1) if ordered else None,
            "max_ms": round(ordered[-1] * 1000, 1) if ordered else None,
        }


class Soak:
    def __init__(
        self,
        url: str,
        minutes: float,
        connections: int,
        docs: Path,
        feed_every: float = 2.0,
        listener: Listener | None = None,
        abusers: int = 0,
    ) -> None:
        self.url, self.connections, self.docs, self.feed_every = url, connections, docs, feed_every
        self.minutes, self.listener, self.abusers = minutes, listener, abusers
        self.started = time.monotonic()
        self.deadline = self.started + minutes * 60
        self.tallies: dict[str, Tally] = defaultdict(Tally)
        self.attacks: dict[str, Attack] = defaultdict(Attack)
        self.lock = threading.Lock()
        self.events: list[str] = []
        self.documents: list[str] = []
        self.ingested = 0
        self.light_answers: list[float] = []  # when (seconds into the run) each light read was answered
        self.probe_answers: list[tuple[float, float]] = []  # (when, latency) of the sequential probe
        self.probe_failures: dict[str, int] = defaultdict(int)

    def begin(self) -> None:
        """Start the clock: the run lasts ``minutes`` from now."""
        self.started = time.monotonic()
        self.deadline = self.started + self.minutes * 60

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
                    if not kind.startswith("heavy"):
                        self.light_answers.append(time.monotonic() - self.started)
                elif outcome == 503 and kind.startswith("heavy"):
                    tally.limited += 1
                else:
                    tally.errors[str(outcome)] += 1

    def probe(self) -> None:
        """One light query after another on one connection: a point lookup of an event."""
        rng = random.Random(-1)
        session = requests.Session()
        while time.monotonic() < self.deadline:
            query = f"SELECT ?p ?o WHERE {{ <{rng.choice(self.events)}> ?p ?o }}"
            started = time.perf_counter()
            try:
                outcome: object = session.get(self.url + "/sparql", params={"query": query}, timeout=60).status_code
            except requests.RequestException as exc:
                outcome = type(exc).__name__
            elapsed = time.perf_counter() - started
            with self.lock:
                if outcome == 200:
                    self.probe_answers.append((time.monotonic() - self.started, elapsed))
                    self.light_answers.append(time.monotonic() - self.started)
                else:
                    self.probe_failures[str(outcome)] += 1

    def attacks_in_turn(self, n: int) -> tuple[str, str, str, dict[str, object], tuple[int, ...], str | None]:
        """The ``n``-th attack: (kind, method, path, request keywords, statuses as designed, text the
        answer must contain)."""
        port = self.listener.port if self.listener else 9
        turn, variant = n % 5, n // 5
        if turn == 0:
            params = {"query": HUGE_DESCRIBE}
            return "huge DESCRIBE (2,800 IRIs)", "GET", "/sparql", {"params": params}, (400,), "MAX_DESCRIBE_TERMS"
        if turn == 1:
            query = SERVICE_BYPASSES[variant % len(SERVICE_BYPASSES)].replace("{port}", str(port))
            # refused, or read by every reader as text in a string: never a call (the listener counts)
            return "SERVICE escape bypass", "POST", "/sparql", {"data": {"query": query}}, (200, 400, 403), None
        if turn == 2:
            # stopped at the memory limit (or, on a slow moment, the time limit): 503 naming it
            return (
                "memory bomb (27 doublings)",
                "POST",
                "/sparql",
                {"data": {"query": MEMORY_BOMB}},
                (503,),
                "EVENTGRAPH_QUERY_",
            )
        if turn == 3:
            subject = "<urn:e>" if variant % 2 == 0 else f"<{self.events[variant % len(self.events)]}>"
            lookup = " . ".join(f"{subject} ?p{i} ?o{i}" for i in range(5))
            query = f"SELECT * WHERE {{ {lookup} }} OFFSET 1000000000000"
            return "lookup, OFFSET 1000000000000", "POST", "/sparql", {"data": {"query": query}}, (200, 400, 503), None
        params = {"params": ACTORS + [("limit", "50")]}
        return "/api/events, 3,000 actor= values", "GET", "/api/events", params, (400,), "MAX_FILTER_VALUES"

    def abuser(self, seed: int) -> None:
        """The abusive mix: one attack at a time, each kind in turn, a pause between two."""
        session = requests.Session()
        n = seed
        while time.monotonic() < self.deadline:
            kind, method, path, kwargs, designed, naming = self.attacks_in_turn(n)
            n += 1
            started = time.perf_counter()
            try:
                resp = session.request(method, self.url + path, timeout=120, **kwargs)  # type: ignore[arg-type]
                outcome, text = str(resp.status_code), resp.text
            except requests.RequestException as exc:
                outcome, text = type(exc).__name__, str(exc)
            elapsed = time.perf_counter() - started
            ok = outcome in {str(s) for s in designed} and (naming is None or naming in text)
            with self.lock:
                attack = self.attacks[kind]
                attack.statuses[outcome] += 1
                attack.latencies.append(elapsed)
                for setting in set(re.findall(r"EVENTGRAPH_[A-Z_]+", text)):
                    attack.named[setting] += 1
                if not ok:
                    attack.unexpected += 1
                    attack.example = attack.example or f"{outcome}: {text[:200]}"
            time.sleep(ABUSE_PAUSE)

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
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            requests.get(f"http://127.0.0.1:{port}/api/stats", timeout=30)
            return proc
        except requests.RequestException:  # not listening yet, or slow to answer on a loaded machine
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the server did not start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--documents", type=int, default=200, help="documents ingested before the soak starts")
    parser.add_argument("--feed-every", type=float, default=2.0, help="seconds between documents posted (0: none)")
    parser.add_argument("--abusers", type=int, default=2, help="threads sending the abusive mix (0: none)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="eventgraph-soak-"))
    listener = Listener()
    deaths: list[dict[str, object]] = []
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
            soak = Soak(
                f"http://127.0.0.1:{port}",
                args.minutes,
                args.connections,
                work / "feed",
                args.feed_every,
                listener=listener,
                abusers=args.abusers,
            )
            soak.prepare()
            threads = [threading.Thread(target=soak.reader, args=(n,)) for n in range(args.connections)]
            threads.append(threading.Thread(target=soak.ingester))
            threads.append(threading.Thread(target=soak.probe))
            threads += [threading.Thread(target=soak.abuser, args=(n * 2,)) for n in range(args.abusers)]
            soak.begin()
            for t in threads:
                t.start()
            samples: list[Sample] = []
            while any(t.is_alive() for t in threads):
                now = time.monotonic() - soak.started
                if server.poll() is not None:  # the server died: record it and end the run
                    deaths.append({"at_s": round(now, 1), "returncode": server.returncode})
                    soak.deadline = 0.0
                    break
                samples.append(sample(server.pid, now))
                time.sleep(1)
            for t in threads:
                t.join()
            time.sleep(1)  # a late outbound connection would still be counted
        finally:
            if server.poll() is None:
                server.terminate()
                server.wait(timeout=60)
        report = _report(soak, samples, args, deaths, listener.connections)
    finally:
        listener.close()
        shutil.rmtree(work, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "soak.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(_table(report))
    failed = (
        report["errors"]
        or report["server_deaths"]
        or report["listener_connections"]
        or report["abuse_unexpected"]
        or report["light"]["empty_windows"]  # type: ignore[index]
        or report["light"]["probe_failures"]  # type: ignore[index]
    )
    return 1 if failed else 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values: list[float], q: float) -> float | None:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1) if ordered else None


def _windows(times: list[float], seconds: float) -> list[int]:
    """Answers per whole WINDOW of the run (a last, partial window is left out)."""
    counts = [0] * max(1, int(seconds // WINDOW))
    for t in times:
        if int(t // WINDOW) < len(counts):
            counts[int(t // WINDOW)] += 1
    return counts


def _report(
    soak: Soak,
    samples: list[Sample],
    args: argparse.Namespace,
    deaths: list[dict[str, object]],
    listener_connections: int,
) -> dict[str, object]:
    kinds = {kind: tally.summary() for kind, tally in sorted(soak.tallies.items())}
    attacks = {kind: attack.summary() for kind, attack in sorted(soak.attacks.items())}
    mib = lambda kib: round(kib / 1024, 1)  # noqa: E731
    totals = [(s.at, s.total) for s in samples]
    after_warm_up = [kib for t, kib in totals if t >= WARM_UP] or [kib for _, kib in totals]
    last_minute = [kib for t, kib in totals if t >= totals[-1][0] - 60] if totals else []
    run_seconds = min(args.minutes * 60, (deaths[0]["at_s"] if deaths else args.minutes * 60))  # type: ignore[type-var]
    light = _windows(soak.light_answers, run_seconds)
    light_latencies = [x for kind, t in soak.tallies.items() if "(" not in kind for x in t.latencies]
    light_latencies += [d for _, d in soak.probe_answers]  # type: ignore[arg-type]
    probe = _windows([t for t, _ in soak.probe_answers], run_seconds)  # type: ignore[arg-type]
    limits = [s.worker_limit for s in samples if s.worker_limit]
    cap = 2 * max(2, min(8, os.cpu_count() or 2))  # the server's default pool cap (the soak clears EVENTGRAPH_*)
    own_peak = max((s.own for s in samples), default=0)
    others_peak = max((s.others for s in samples), default=0)
    return {
        "minutes": args.minutes,
        "connections": args.connections,
        "abusers": args.abusers,
        "documents_before": args.documents + 2,
        "documents_ingested_during": soak.ingested,
        "requests": sum(k["requests"] for k in kinds.values()),  # type: ignore[misc]
        "errors": sum(sum(k["errors"].values()) for k in kinds.values()),  # type: ignore[union-attr]
        "deliberate_limits": sum(k["deliberate_limits"] for k in kinds.values()),  # type: ignore[misc]
        "by_kind": kinds,
        "server_deaths": len(deaths),
        "deaths": deaths,
        "listener_connections": listener_connections,
        "abuse_requests": sum(a["requests"] for a in attacks.values()),  # type: ignore[misc]
        "abuse_unexpected": sum(a["unexpected"] for a in attacks.values()),  # type: ignore[misc]
        "abuse": attacks,
        "light": {
            "window_s": WINDOW,
            "windows": len(light),
            "answers_per_window": light,
            "min_per_window": min(light),
            "empty_windows": sum(1 for n in light if n == 0),
            "p50_ms": _percentile(light_latencies, 0.5),
            "p95_ms": _percentile(light_latencies, 0.95),
            "probe_answers_per_window": probe,
            "probe_min_per_window": min(probe),
            "probe_requests": len(soak.probe_answers) + sum(soak.probe_failures.values()),
            "probe_failures": dict(soak.probe_failures),
            "probe_p50_ms": _percentile([d for _, d in soak.probe_answers], 0.5),
            "probe_p95_ms": _percentile([d for _, d in soak.probe_answers], 0.95),
        },
        "rss_mib": {
            "after_warm_up": mib(after_warm_up[0]) if after_warm_up else None,
            "median_last_minute": mib(statistics.median(last_minute)) if last_minute else None,
            "end": mib(totals[-1][1]) if totals else None,
            "peak": mib(max(kib for _, kib in totals)) if totals else None,
            "peak_server_process": mib(own_peak),
            "peak_children": mib(max((s.children for s in samples), default=0)),
            "most_workers_at_once": max((s.workers for s in samples), default=0),
            "worker_address_limit": mib(max(limits)) if limits else None,
            "bound_peak": mib(max((s.bound for s in samples), default=0)),
            "pool_cap": cap,
            "ceiling": mib(own_peak + others_peak + cap * max(limits)) if limits else None,
            "samples": len(samples),
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
    if report["abuse"]:
        lines += [
            "",
            f"abusive mix ({report['abusers']} threads, one attack at a time each):",
            "",
            "| attack | requests | answers | settings named | not as designed | p50 ms | max ms |",
            "| --- | ---: | --- | --- | ---: | ---: | ---: |",
        ]
        for kind, a in report["abuse"].items():  # type: ignore[union-attr]
            answers = ", ".join(f"{n}× {s}" for s, n in sorted(a["statuses"].items()))
            named = ", ".join(f"{n}× {s}" for s, n in sorted(a["settings_named"].items())) or "–"
            lines.append(
                f"| {kind} | {a['requests']} | {answers} | {named} | {a['unexpected']} | {a['p50_ms']} | "
                f"{a['max_ms']} |"
            )
            if a["example_unexpected"]:
                lines.append(f"|   first not as designed: {a['example_unexpected']!r} | | | | | | |")
    rss, light = report["rss_mib"], report["light"]
    lines += [
        "",
        f"server deaths: {report['server_deaths']} {report['deaths'] or ''}; "
        f"connections to the 127.0.0.1 listener: {report['listener_connections']}",
        f"light reads answered per {light['window_s']:g} s window ({light['windows']} windows): "  # type: ignore[index]
        f"min {light['min_per_window']}, empty windows {light['empty_windows']}, "  # type: ignore[index]
        f"p50 {light['p50_ms']} ms, p95 {light['p95_ms']} ms; per window {light['answers_per_window']}; "  # type: ignore[index]
        f"sequential probe: {light['probe_requests']} requests, min {light['probe_min_per_window']} per window, "  # type: ignore[index]
        f"p50 {light['probe_p50_ms']} ms, p95 {light['probe_p95_ms']} ms, failures {light['probe_failures']}",  # type: ignore[index]
        f"server memory (process and query workers): {rss['after_warm_up']} MiB after the warm-up, "  # type: ignore[index]
        f"{rss['median_last_minute']} MiB (median) in the last minute, {rss['end']} MiB at the end, "  # type: ignore[index]
        f"{rss['peak']} MiB at the peak (server process {rss['peak_server_process']} MiB, "  # type: ignore[index]
        f"children {rss['peak_children']} MiB)",  # type: ignore[index]
        f"bound: at most {rss['most_workers_at_once']} query workers at once (cap {rss['pool_cap']}), each "  # type: ignore[index]
        f"limited to {rss['worker_address_limit']} MiB of address space; the server's RSS plus its children's "  # type: ignore[index]
        f"limits peaked at {rss['bound_peak']} MiB; ceiling at the cap {rss['ceiling']} MiB",  # type: ignore[index]
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
