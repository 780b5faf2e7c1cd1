"""Where one point lookup's time goes, part by part, one request at a time: the figure behind issue
19's "HTTP overhead" and the place to measure any change to the serving path.

Parts, each the p50 over ``DESCRIBE <event>`` rotating over up to 2,000 event IRIs of the store:

* **engine** — pyoxigraph alone in this process: the DESCRIBE, written as Turtle (what /sparql
  answers a client that names no format);
* **worker's code** — what a query worker does for it, here in this process: plan and check the
  request, evaluate, write the answer, pickle its head;
* **worker pool** — the same request through a :class:`~service.sparql.evaluator.WorkerPool` of one
  worker: pickled, piped, the worker woken, the answer's frame back and spooled. Minus the worker's
  code, that is the hop's own cost;
* **pipe floor** — a 1 KiB ping-pong over a ``multiprocessing`` pipe between two idle processes:
  the least any hop to another process costs on this machine;
* **app** — the Flask app's share under waitress (``wsgi_app``: routing, the 304 check and ETag,
  the view, security headers), with the hop inside it, while wrk sends the lookups on one connection;
* **HTTP** — wrk's p50 on that connection: the app plus waitress and the loopback round trip.

    python -m bench.hop --store PATH [--runs 3000] [--seconds 8]

The store is opened as ``eventgraph serve`` opens it (read-write, its lock taken): stop any server
on it first. Needs wrk for the last two parts. Prints a Markdown table; writes ``bench/out/hop.json``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import pickle
import select
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pyoxigraph import QueryTriples, RdfFormat
from pyoxigraph import Store as OxStore

from bench import report, servers
from service.config import from_env
from service.sparql.evaluator import QueryRequest, WorkerPool, plan
from service.sparql.protocol import parse_operation
from service.sparql.results import evaluate, write_result

HERE = Path(__file__).resolve().parent
EVENT = "http://semanticweb.cs.vu.nl/2009/11/sem/Event"
ENDPOINT = "http://127.0.0.1/sparql"


def _p50_ms(times: list[float]) -> float:
    return round(statistics.median(times) * 1000, 3)


def _timed(run: Callable[[int], object], runs: int) -> float:
    for n in range(min(200, runs)):  # warm: the page cache, the interpreter's caches
        run(n)
    times = []
    for n in range(runs):
        started = time.perf_counter()
        run(n)
        times.append(time.perf_counter() - started)
    return _p50_ms(times)


def _events(location: str, most: int) -> list[str]:
    store = OxStore.read_only(location)
    query = f"SELECT ?e WHERE {{ ?e a <{EVENT}> }} LIMIT {most}"
    events = [row[0].value for row in store.query(query, use_default_graph_as_union=True)]
    del store
    return events


def _request(query: str, settings: Any) -> QueryRequest:
    return QueryRequest(parse_operation("GET", {"query": [query]}, {}, {}, b""), None, settings, ENDPOINT)


def engine_and_worker_code(location: str, queries: list[str], settings: Any, runs: int) -> tuple[float, float]:
    store = OxStore.read_only(location)  # closed when this function returns
    requests = [_request(q, settings) for q in queries]

    def engine(n: int) -> None:
        triples = store.query(queries[n % len(queries)], use_default_graph_as_union=True)
        assert isinstance(triples, QueryTriples)
        triples.serialize(format=RdfFormat.TURTLE)

    def worker_code(n: int) -> None:
        job = plan(requests[n % len(requests)])
        heads: list[object] = []
        parts: list[bytes] = []
        write_result(evaluate(store, job), job, heads.append, parts.append)
        pickle.dumps(heads[0])  # the worker sends its head pickled, beside the bytes
        b"".join(parts)

    return _timed(engine, runs), _timed(worker_code, runs)


def worker_pool(location: str, queries: list[str], settings: Any, runs: int) -> float:
    pool = WorkerPool(location, 1)
    pool.start()
    requests = [_request(q, settings) for q in queries]

    def through_pool(n: int) -> None:
        stream = pool.query(requests[n % len(requests)], 60)
        b"".join(stream.chunks)

    try:
        return _timed(through_pool, runs)
    finally:
        pool.close()


def _echo(conn: Connection) -> None:
    while True:
        try:
            conn.send_bytes(conn.recv_bytes())
        except (EOFError, OSError):
            return


def pipe_floor(runs: int) -> float:
    context = multiprocessing.get_context("spawn")
    here, there = context.Pipe()
    process = context.Process(target=_echo, args=(there,), daemon=True)
    process.start()
    poller = select.poll()
    poller.register(here.fileno(), select.POLLIN)
    payload = b"x" * 1024

    def ping(_: int) -> None:
        here.send_bytes(payload)
        poller.poll()
        here.recv_bytes()

    try:
        return _timed(ping, runs)
    finally:
        here.close()
        process.join(5)


def app_and_http(location: str, events: list[str], seconds: int) -> dict[str, float]:
    """The app under waitress in this process, wrk on one connection: wrk's p50, the app's and the hop's."""
    from waitress.server import create_server

    from service.store import open_store
    from service.web import create_app
    from service.web.runtime import app_runtime

    settings = from_env({"EVENTGRAPH_BASE_IRI": "http://localhost:8000/", "EVENTGRAPH_QUERY_TIMEOUT": "60"})
    store = open_store(location)
    app = create_app(settings, store=store)
    runtime = app_runtime(app)
    runtime.evaluator.start()
    app_times: list[float] = []
    hop_times: list[float] = []
    inner, query = app.wsgi_app, runtime.evaluator.query

    def timed_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        started = time.perf_counter()
        body = list(inner(environ, start_response))  # the whole answer, as waitress would take it
        app_times.append(time.perf_counter() - started)
        return body

    def timed_query(request: QueryRequest, timeout: float) -> Any:
        started = time.perf_counter()
        stream = query(request, timeout)
        hop_times.append(time.perf_counter() - started)
        return stream

    app.wsgi_app = timed_app  # type: ignore[method-assign]
    runtime.evaluator.query = timed_query  # type: ignore[method-assign]
    port = servers.free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=8, ident="eventgraph")
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as targets:
            targets.write("".join(f"/sparql?query={quote(f'DESCRIBE <{e}>', safe='')}\n" for e in events))
        base = f"http://127.0.0.1:{port}"
        env = {"WRK_PATHS": targets.name}
        servers.wrk(base, 1, 2, script=HERE / "rotate.lua", env=env)  # warm-up, not counted
        app_times.clear()
        hop_times.clear()
        measured = servers.wrk(base, 1, seconds, script=HERE / "rotate.lua", env=env)
        Path(targets.name).unlink()
    finally:
        server.close()
        runtime.close()
        store.close()
    return {"http_p50_ms": measured["p50_ms"], "app_p50_ms": _p50_ms(app_times), "hop_p50_ms": _p50_ms(hop_times),
            "requests": len(app_times)}  # fmt: skip


def markdown(result: dict[str, Any]) -> str:
    engine, code, pool, floor = result["engine"], result["worker_code"], result["worker_pool"], result["pipe_floor"]
    rows = [
        ("engine: pyoxigraph's DESCRIBE, written as Turtle", engine),
        ("worker's code: plan, check, evaluate, write (in this process)", code),
        ("worker pool, one worker: the same across the hop", pool),
        ("  of which the hop itself (pool − worker's code)", round(pool - code, 3)),
        ("pipe floor: 1 KiB ping-pong between two processes", floor),
    ]
    if "http_p50_ms" in result:
        rows += [
            ("app under waitress (wsgi_app), wrk on one connection", result["app_p50_ms"]),
            ("  of which the query's round trip to its worker", result["hop_p50_ms"]),
            (
                "  of which Flask and the app's own code (app − round trip)",
                round(result["app_p50_ms"] - result["hop_p50_ms"], 3),
            ),  # fmt: skip
            ("HTTP: wrk's p50 on one connection", result["http_p50_ms"]),
            (
                "  of which waitress and the loopback (HTTP − app)",
                round(result["http_p50_ms"] - result["app_p50_ms"], 3),
            ),
            ("overhead as bench.serving counts it (HTTP − engine)", round(result["http_p50_ms"] - engine, 3)),
        ]
    lines = ["| part | p50 ms |", "| --- | ---: |"] + [f"| {name} | {value:.3f} |" for name, value in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Where one point lookup's time goes, part by part.")
    parser.add_argument("--store", type=Path, required=True, help="an Eventgraph store (no server running on it)")
    parser.add_argument("--runs", type=int, default=3000)
    parser.add_argument("--seconds", type=int, default=8, help="wrk's run for the app and HTTP parts")
    parser.add_argument("--lookups", type=int, default=2000, help="event IRIs the lookups rotate over")
    args = parser.parse_args(argv)
    location = str(args.store)
    events = _events(location, args.lookups)
    if not events:
        raise SystemExit(f"{location} holds no events to look up")
    queries = [f"DESCRIBE <{e}>" for e in events]
    settings = from_env({"EVENTGRAPH_BASE_IRI": "http://localhost:8000/"})
    engine, code = engine_and_worker_code(location, queries, settings, args.runs)
    result: dict[str, Any] = {"store": location, "lookups": len(events), "runs": args.runs, "engine": engine,
                              "worker_code": code, "worker_pool": worker_pool(location, queries, settings, args.runs),
                              "pipe_floor": pipe_floor(args.runs)}  # fmt: skip
    if servers.wrk_available():
        result.update(app_and_http(location, events, args.seconds))
    report.save("hop", result)
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
