"""Serving throughput of small reads: ``eventgraph serve`` in one process and in several
(``--processes N``), with the Oxigraph server as the peer in the same run (and, on request, the
same Flask app under granian). Every server gets uncounted requests first (``--warmup``), so that
none is measured on a cold page cache.

Every request differs: wrk rotates over many request targets (``bench/rotate.lua``), so no ETag
or cached answer carries a figure. Cases:

* point lookup — ``DESCRIBE <event>`` on /sparql, rotating over up to 2,000 event IRIs (the
  Oxigraph server gets the same DESCRIBE on its /query);
* ``/api/events/<key>`` — the JSON of one event, rotating the same way (no peer: it is ours);
* SPARQL window — the timeline's window as plain SPARQL (``bench/__main__.py``'s ``window_query``:
  events touching two consecutive months, through the month keys), rotating over every pair of
  months in the store, the same query on /sparql and on the Oxigraph server's /query;
* timeline view — ``/api/timeline?start=…&end=…`` over the same pairs of months: the whole answer
  the timeline page draws (several queries, JSON); no peer has it;
* the HTTP layer's overhead — p50 of one connection's point lookups (wrk, and a Python client)
  against the same DESCRIBE in process (pyoxigraph, N-Triples).

    python -m bench.serving --store /path/to/store [--peer-store /path/to/bulk-loaded/copy]
    python -m bench.serving --events 100000        # generate the corpus (bench/corpus.py) first

Writes ``bench/out/serving.json`` and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import calendar
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pyoxigraph import RdfFormat
from pyoxigraph import Store as OxStore

from bench import report, servers
from bench.__main__ import EG, bulk_load, ingest_embedded, window_query

HERE = Path(__file__).resolve().parent
EVENT = "http://semanticweb.cs.vu.nl/2009/11/sem/Event"


def _targets(location: Path, most: int) -> tuple[list[str], list[tuple[str, str]]]:
    store = OxStore.read_only(str(location))
    events = [
        r[0].value
        for r in store.query(f"SELECT ?e WHERE {{ ?e a <{EVENT}> }} LIMIT {most}", use_default_graph_as_union=True)
    ]
    months = sorted(
        {
            r[0].value
            for r in store.query(EG + "SELECT DISTINCT ?m WHERE { ?e eg:month ?m }", use_default_graph_as_union=True)
        }
    )
    del store
    pairs = [(a, b) for a, b in zip(months, months[1:], strict=False)] or [(months[0], months[0])]
    return events, pairs


def _month_end(month: str) -> str:
    year, m = map(int, month.split("-"))
    return f"{month}-{calendar.monthrange(year, m)[1]:02d}"


def _write(lines: list[str], path: Path) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def wrk_rotating(base: str, targets: Path, connections: int, seconds: int) -> dict[str, float]:
    """wrk over the request targets listed in ``targets``, one after another (``bench/rotate.lua``)."""
    return servers.wrk(base, connections, seconds, script=HERE / "rotate.lua", env={"WRK_PATHS": str(targets)})


def warm_up(base: str, targets: tuple[Path, ...], seconds: int) -> None:
    """Requests not counted, so that no server is measured on a cold page cache (the first one to
    run would otherwise pay for reading the store from disk)."""
    for listed in targets:
        if seconds > 0:
            wrk_rotating(base, listed, 8, seconds)


def in_process_describe_ms(location: Path, events: list[str], runs: int) -> float:
    store = OxStore.read_only(str(location))
    times = []
    for n in range(runs):
        query = f"DESCRIBE <{events[n % len(events)]}>"
        started = time.perf_counter()
        store.query(query, use_default_graph_as_union=True).serialize(format=RdfFormat.N_TRIPLES)
        times.append((time.perf_counter() - started) * 1000)
    del store
    return statistics.median(times)


def sequential_rotating_ms(base: str, targets: list[str], runs: int) -> float:
    import requests

    with requests.Session() as http:
        for target in targets[:10]:
            http.get(base + target, timeout=60).raise_for_status()
        times = []
        for n in range(runs):
            started = time.perf_counter()
            http.get(base + targets[n % len(targets)], timeout=60).raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(store: Path, peer_store: Path, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    events, pairs = _targets(peer_store, args.lookups)
    describe = _write([f"/sparql?query={quote(f'DESCRIBE <{e}>', safe='')}" for e in events], work / "describe.txt")
    peer_describe = _write([f"/query?query={quote(f'DESCRIBE <{e}>', safe='')}" for e in events], work / "pd.txt")
    api = _write([f"/api/events/{quote(e.rsplit('/', 1)[1], safe='')}" for e in events], work / "api.txt")
    view = _write([f"/api/timeline?start={a}-01&end={_month_end(b)}" for a, b in pairs], work / "view.txt")
    window = _write([f"/sparql?query={quote(window_query((a, b)), safe='')}" for a, b in pairs], work / "window.txt")
    peer_window = _write([f"/query?query={quote(window_query((a, b)), safe='')}" for a, b in pairs], work / "pw.txt")
    result: dict[str, Any] = {"lookups": len(events), "windows": len(pairs), "cases": {}}
    configs: list[tuple[str, str, int | None, int, Path | None]] = []
    if "waitress" in args.servers:
        configs.append(("1 process", "waitress", args.threads, 1, None))
    if "processes" in args.servers:
        configs.append((f"{args.processes} processes", "waitress", args.process_threads, args.processes, None))
    if "granian" in args.servers:
        configs.append(("granian", "granian", args.granian_threads, 1, None))
    if args.before:  # an earlier version of the code, measured in the same run
        configs.insert(0, ("before, 1 process", "waitress", args.threads, 1, args.before))
    if args.granian_processes > 1:
        configs.append((f"granian ×{args.granian_processes}, read-only", "granian", args.granian_threads,
                        args.granian_processes, None))  # fmt: skip
    peer = servers.oxigraph_server(peer_store)
    try:
        for name, server, threads, processes, code in configs:
            ours = servers.eventgraph(
                f"eventgraph ({name})", str(store), server=server, threads=threads, processes=processes, code=code
            )
            try:
                base = ours.base
                warm_up(base, (describe, window), args.warmup)
                row: dict[str, Any] = {}
                for case, targets in (("point lookup", describe), ("/api/events/<key>", api),
                                      ("SPARQL window", window), ("timeline view", view)):  # fmt: skip
                    for connections in args.connections:
                        row[f"{case}, {connections} connections"] = wrk_rotating(
                            base, targets, connections, args.seconds
                        )
                        print(name, case, connections, row[f"{case}, {connections} connections"], flush=True)
                row["sequential point lookup p50 ms"] = sequential_rotating_ms(
                    base, describe.read_text().splitlines(), args.runs
                )
                row["peak rss MiB"] = ours.rss_peak_mib()
                result["cases"][name] = row
            finally:
                ours.stop()
        row = {}
        warm_up(peer.base, (peer_describe, peer_window), args.warmup)
        for case, targets in (("point lookup", peer_describe), ("SPARQL window", peer_window)):
            for connections in args.connections:
                row[f"{case}, {connections} connections"] = wrk_rotating(peer.base, targets, connections, args.seconds)
                print("oxigraph", case, connections, row[f"{case}, {connections} connections"], flush=True)
        row["sequential point lookup p50 ms"] = sequential_rotating_ms(
            peer.base, peer_describe.read_text().splitlines(), args.runs
        )
        result["cases"]["oxigraph server"] = row
    finally:
        peer.stop()
    result["in_process_describe_p50_ms"] = in_process_describe_ms(peer_store, events, args.runs)
    return result


def _ms(value: float | None, minus: float = 0.0) -> str:
    return "—" if value is None else f"{value - minus:.3f}"


def markdown(result: dict[str, Any], label: str) -> str:
    cases = result["cases"]
    peer = cases["oxigraph server"]
    lines = [
        f"### {label}: wrk rotating over {result['lookups']:,} event IRIs and {result['windows']:,} month pairs",
        "",
        "| request, connections | server | requests/s | p50 ms | p99 ms | failed | ratio to the Oxigraph server |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    first = next(iter(cases))
    for key in [k for k in cases[first] if "connections" in k]:
        for name in cases:
            if key not in cases[name]:
                continue
            figures = cases[name][key]
            ratio = f"{figures['rps'] / peer[key]['rps']:.2f}×" if key in peer else ""
            lines.append(f"| {key} | {name} | {figures['rps']:,.0f} | {figures['p50_ms']:.2f} | "
                         f"{figures['p99_ms']:.2f} | {figures['failed']} | {ratio} |")  # fmt: skip
    names = list(cases)
    lines += ["", "| figure | " + " | ".join(names) + " |", "| --- |" + " ---: |" * len(names)]
    local = result["in_process_describe_p50_ms"]
    seq = [cases[n]["sequential point lookup p50 ms"] for n in names]
    lines.append("| point lookup over HTTP, one connection (Python client), p50 ms | "
                 + " | ".join(f"{v:.3f}" for v in seq) + " |")  # fmt: skip
    lines.append(
        "| the same DESCRIBE in-process (pyoxigraph), p50 ms | " + " | ".join(f"{local:.3f}" for _ in names) + " |"
    )
    lines.append(
        "| HTTP layer's overhead (Python client), p50 ms | " + " | ".join(f"{v - local:.3f}" for v in seq) + " |"
    )
    one = [cases[n].get("point lookup, 1 connections", {}).get("p50_ms") for n in names]
    # A column without the figure (one connection not measured) says so, rather than shifting the rest left.
    lines.append("| point lookup, one connection (wrk), p50 ms | " + " | ".join(_ms(v) for v in one) + " |")
    lines.append("| HTTP layer's overhead (wrk), p50 ms | " + " | ".join(_ms(v, local) for v in one) + " |")
    rss = [str(cases[n].get("peak rss MiB", "")) for n in names]
    lines.append("| peak memory (the server and its query workers), MiB | " + " | ".join(rss) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="waitress against granian, with the Oxigraph server as the peer.")
    parser.add_argument("--store", type=Path, help="an Eventgraph store (default: generate --events)")
    parser.add_argument("--peer-store", type=Path, help="the same quads for the Oxigraph server (default: --store)")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--connections", default="1,8,32")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--lookups", type=int, default=2000, help="event IRIs the lookups rotate over")
    parser.add_argument("--threads", type=int, default=None, help="EVENTGRAPH_THREADS for waitress")
    parser.add_argument("--granian-threads", type=int, default=None, help="EVENTGRAPH_THREADS for granian")
    parser.add_argument(
        "--granian-processes",
        type=int,
        default=1,
        help="also measure granian with this many processes, each over a read-only open (an experiment)",
    )
    parser.add_argument(
        "--servers",
        default="waitress,processes",
        help="which of waitress (serve, 1 process), processes (serve --processes N), granian to measure",
    )
    parser.add_argument("--processes", type=int, default=2, help="N for the 'processes' server (serve --processes N)")
    parser.add_argument("--process-threads", type=int, default=3, help="EVENTGRAPH_THREADS with --processes")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of uncounted requests per server and case")
    parser.add_argument(
        "--before",
        type=Path,
        default=None,
        help="the source tree of an earlier version (git worktree add DIR REF), served by waitress in the same run",
    )
    parser.add_argument("--label", default=None)
    args = parser.parse_args(argv)
    args.connections = [int(c) for c in args.connections.split(",")]
    args.servers = args.servers.split(",")
    if servers.wrk_available() is None:
        raise SystemExit("wrk is missing: `apt-get install wrk`")
    work = Path(tempfile.mkdtemp(prefix="eventgraph-serving-"))
    try:
        store, peer_store = args.store, args.peer_store or args.store
        if store is None:
            from bench import corpus

            corpus.write_nquads(args.events, work / "corpus.nq")
            ingest_embedded(args.events, work / "eventgraph")
            bulk_load(work / "bulk", work / "corpus.nq")
            store, peer_store = work / "eventgraph", work / "bulk"
        result = measure(store, peer_store, args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report.save("serving", result)
    print(markdown(result, args.label or str(store)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
