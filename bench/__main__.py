"""The benchmark: Eventgraph against its peers, measured side by side in one run.

    python -m bench                          # sizes 10k and 100k events (make bench)
    python -m bench --sizes 1k,10k,100k,1M   # every size (1M needs ~4 GiB of disk and ~30 min)
    python -m bench --quick                  # 1k only, short wrk runs: a smoke test of the harness

For each size it generates the corpus (``bench/corpus.py``), then measures:

* ingest — quads per second written the way ingest writes them (one ``replace_graph`` per
  document: one SPARQL update, one transaction) against pyoxigraph's own ``bulk_load`` of the
  same quads; and the same on the remote backend (an Oxigraph server) against ``oxigraph load``;
* the SPARQL endpoint under 8 and 32 connections (wrk) for a point lookup and a timeline-window
  query: Eventgraph (embedded store, and remote store) against the ``oxigraph`` package's Rust
  server on the same quads, and rdflib-endpoint on the same triples (10k events and less);
* the HTTP layer's overhead: the point lookup over HTTP against the same query in-process;
* the timeline API's window and events-per-month answers; the server's peak memory; the store's
  size on disk per event.

And once, the extraction: 3,000-word documents per second, against spaCy's tokenizer and
sentencizer alone on the same text (the floor any extraction built on it pays).

Medians throughout; ratios are to the peer measured in the same run, on the same machine. Raw
figures go to ``bench/out/results.json``; the tables to standard output and ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pyoxigraph import RdfFormat, serialize
from pyoxigraph import Store as OxStore

from bench import corpus, report, servers
from service.rdf.iris import Iris
from service.store import open_store

SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1M": 1_000_000}
RDFLIB_MAX = 10_000  # rdflib holds ~1.7 KiB per quad: larger corpora take minutes and gigabytes to load
EG = "PREFIX eg: <https://w3id.org/eventgraph#> "
OUT = Path(__file__).resolve().parent / "out"


def window_query(months: tuple[str, ...]) -> str:
    """The timeline's window as plain SPARQL: events touching two months, through the month keys."""
    values = " ".join(f'"{m}"' for m in months)
    return (
        EG + "SELECT DISTINCT ?e ?earliest ?latest WHERE { VALUES ?month { " + values + " } "
        "?e eg:month ?month ; eg:earliest ?earliest ; eg:latest ?latest } LIMIT 250"
    )


def point_query(iri: str) -> str:
    return f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"


def ingest_embedded(events: int, location: Path) -> dict[str, float]:
    """Seconds spent in replace_graph, one call per document, as ingest writes (extraction excluded)."""
    store = open_store(str(location))
    iris, spent, quads = Iris(corpus.BASE_IRI), 0.0, 0
    try:
        for extraction in corpus.extractions(events):
            local, shared = corpus.quads(extraction, iris)
            started = time.perf_counter()
            store.replace_graph(iris.document_graph(extraction.document.id), local, shared)
            spent += time.perf_counter() - started
            quads += len(local) + len(shared)
    finally:
        store.close()
    return {"seconds": spent, "quads": quads}


def ingest_remote(events: int, url: str) -> dict[str, float]:
    store = open_store(url, timeout=600)
    iris, spent, quads = Iris(corpus.BASE_IRI), 0.0, 0
    try:
        for extraction in corpus.extractions(events):
            local, shared = corpus.quads(extraction, iris)
            started = time.perf_counter()
            store.replace_graph(iris.document_graph(extraction.document.id), local, shared)
            spent += time.perf_counter() - started
            quads += len(local) + len(shared)
        requests = store.requests  # type: ignore[attr-defined]
    finally:
        store.close()
    return {"seconds": spent, "quads": quads, "requests": requests}


def bulk_load(location: Path, nquads: Path) -> float:
    started = time.perf_counter()
    store = OxStore(str(location))
    store.bulk_load(path=str(nquads), format=RdfFormat.N_QUADS)
    store.flush()
    del store
    return time.perf_counter() - started


def write_ntriples(nquads: Path, target: Path) -> None:
    """The same statements without their graphs, for rdflib-endpoint's default graph."""
    from pyoxigraph import parse

    with target.open("wb") as out:
        serialize((q.triple for q in parse(path=str(nquads), format=RdfFormat.N_QUADS)), out, RdfFormat.N_TRIPLES)


def disk_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def in_process_ms(location: Path, query: str, runs: int) -> list[float]:
    """The query on a read-only handle of the same store, results serialised to JSON as the endpoint does."""
    from pyoxigraph import QueryResultsFormat

    store = OxStore.read_only(str(location))
    out = []
    for n in range(runs + 10):
        started = time.perf_counter()
        store.query(query, use_default_graph_as_union=True).serialize(format=QueryResultsFormat.JSON)
        if n >= 10:
            out.append((time.perf_counter() - started) * 1000)
    del store
    return out


def measure_size(label: str, events: int, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    print(f"\n== {label}: {events:,} events", flush=True)
    result: dict[str, Any] = {"events": events}
    nquads = work / "corpus.nq"
    started = time.perf_counter()
    result["quads"] = corpus.write_nquads(events, nquads)
    result["corpus_seconds"] = round(time.perf_counter() - started, 1)
    print(f"corpus: {result['quads']:,} quads in {result['corpus_seconds']} s", flush=True)

    ours = ingest_embedded(events, work / "eventgraph")
    peer = bulk_load(work / "bulk", nquads)
    result["ingest_embedded"] = {
        "quads_per_s": round(ours["quads"] / ours["seconds"]),
        "peer_quads_per_s": round(result["quads"] / peer),
        "ratio": round((ours["quads"] / ours["seconds"]) / (result["quads"] / peer), 2),
    }
    print(f"ingest (embedded): {result['ingest_embedded']}", flush=True)

    remote_server = None
    if events <= args.remote_max:
        remote_server = servers.oxigraph_server(work / "remote", writable=True)
        theirs = ingest_remote(events, remote_server.sparql)
        peer_load = servers.oxigraph_load(work / "cli-load", nquads)
        result["ingest_remote"] = {
            "quads_per_s": round(theirs["quads"] / theirs["seconds"]),
            "requests_per_document": round(theirs["requests"] / max(1, -(-events // corpus.EVENTS_PER_DOCUMENT)), 2),
            "peer_quads_per_s": round(result["quads"] / peer_load),
            "ratio": round((theirs["quads"] / theirs["seconds"]) / (result["quads"] / peer_load), 2),
        }
        shutil.rmtree(work / "cli-load", ignore_errors=True)
        print(f"ingest (remote): {result['ingest_remote']}", flush=True)

    result["disk_bytes_per_event"] = {
        "eventgraph": round(disk_bytes(work / "eventgraph") / events),
        "bulk_load": round(disk_bytes(work / "bulk") / events),
    }

    started_servers: list[servers.Server] = []
    try:
        ours_server = servers.eventgraph("eventgraph (embedded)", str(work / "eventgraph"))
        started_servers.append(ours_server)
        peer_server = servers.oxigraph_server(work / "bulk")
        started_servers.append(peer_server)
        endpoints = [ours_server, peer_server]
        if remote_server is not None:
            started_servers.append(remote_server)
            remote_eg = servers.eventgraph("eventgraph (remote store)", remote_server.sparql)
            started_servers.append(remote_eg)
            endpoints.append(remote_eg)
        if events <= RDFLIB_MAX and not args.no_rdflib:
            write_ntriples(nquads, work / "corpus.nt")
            rdflib_server = servers.rdflib_endpoint(work / "corpus.nt")
            started_servers.append(rdflib_server)
            endpoints.append(rdflib_server)

        iri = _first_event(work / "bulk")
        months = _busy_months(work / "bulk")
        queries = {"point lookup": point_query(iri), "timeline window": window_query(months)}
        result["endpoint"] = {}
        for qname, query in queries.items():
            for connections in args.connections:
                row = {}
                for server in endpoints:
                    row[server.name] = servers.wrk(
                        servers.query_url(server.sparql, query), connections, args.wrk_seconds
                    )
                result["endpoint"][f"{qname}, {connections} connections"] = row
                print(f"{qname} @{connections}: " + ", ".join(f"{k} {v['rps']:.0f}/s" for k, v in row.items()),
                      flush=True)  # fmt: skip

        http = servers.sequential_ms(servers.query_url(ours_server.sparql, queries["point lookup"]), args.runs)
        local = in_process_ms(work / "bulk", queries["point lookup"], args.runs)
        result["http_overhead_ms"] = {
            "http_p50": servers.median(http),
            "in_process_p50": servers.median(local),
            "overhead_p50": round(servers.median(http) - servers.median(local), 3),
        }
        print(f"HTTP overhead: {result['http_overhead_ms']}", flush=True)

        first, last = months[0] + "-01", _month_end(months[-1])
        window = servers.sequential_ms(f"{ours_server.base}/api/timeline?start={first}&end={last}", args.runs)
        histogram = servers.sequential_ms(
            f"{ours_server.base}/api/events/histogram?start=2014-01-01&end=2025-12-31", max(5, args.runs // 10)
        )
        result["timeline_api_ms"] = {
            "window_p50": servers.median(window),
            "window_p99": round(sorted(window)[int(0.99 * (len(window) - 1))], 3),
            "events_per_month_p50": servers.median(histogram),
        }
        print(f"timeline API: {result['timeline_api_ms']}", flush=True)
        result["serve_peak_rss_mib"] = ours_server.rss_peak_mib()
    finally:
        for server in reversed(started_servers):
            server.stop()
    return result


def _first_event(location: Path) -> str:
    store = OxStore.read_only(str(location))
    (row,) = list(
        store.query(
            "SELECT ?e WHERE { ?e a <http://semanticweb.cs.vu.nl/2009/11/sem/Event> } LIMIT 1",
            use_default_graph_as_union=True,
        )
    )
    value = row[0].value
    del row, store
    return value


def _busy_months(location: Path) -> tuple[str, str]:
    """Two consecutive months in the middle of the corpus (a realistic window, neither empty nor everything)."""
    store = OxStore.read_only(str(location))
    rows = list(
        store.query(EG + "SELECT DISTINCT ?m WHERE { ?e eg:month ?m } ORDER BY ?m", use_default_graph_as_union=True)
    )
    months = [r[0].value for r in rows]
    del rows, store
    middle = months[len(months) // 2]
    year, month = map(int, middle.split("-"))
    following = f"{year + month // 12}-{month % 12 + 1:02d}"
    return middle, following


def _month_end(month: str) -> str:
    import calendar

    year, m = map(int, month.split("-"))
    return f"{month}-{calendar.monthrange(year, m)[1]:02d}"


def extraction_speed(repeats: int) -> dict[str, float]:
    """3,000-word documents through the whole extraction, against spaCy's tokenizer + sentencizer alone."""
    from bench import extract_speed
    from service.extract import extract
    from service.extract.gazetteer import load_gazetteer
    from service.extract.sentences import pipeline

    doc = extract_speed.document()
    gazetteer = load_gazetteer()
    extract(doc, gazetteer=gazetteer)  # warm-up: lexicons, matchers
    nlp = pipeline()
    ours, floor = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        extract(doc, gazetteer=gazetteer)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        nlp(doc.text)
        floor.append(time.perf_counter() - started)
    per_doc, per_floor = statistics.median(ours), statistics.median(floor)
    return {
        "words": len(doc.text.split()),
        "ms_per_document": round(per_doc * 1000, 1),
        "documents_per_s": round(1 / per_doc, 1),
        "spacy_floor_ms": round(per_floor * 1000, 1),
        "ratio_to_floor": round(per_doc / per_floor, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Eventgraph against its peers, side by side.")
    parser.add_argument("--sizes", default="10k,100k", help=f"comma-separated, of {', '.join(SIZES)}")
    parser.add_argument("--connections", default="8,32")
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=200, help="sequential requests per latency figure")
    parser.add_argument("--remote-max", type=int, default=100_000, help="largest size also run on the remote backend")
    parser.add_argument("--no-rdflib", action="store_true")
    parser.add_argument("--quick", action="store_true", help="1k events, 3 s wrk runs, 50 requests")
    parser.add_argument("--work", type=Path, help="scratch directory (default: a temporary one)")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.wrk_seconds, args.runs = "1k", 3, 50
    args.connections = [int(c) for c in args.connections.split(",")]
    if servers.wrk_available() is None:
        raise SystemExit("wrk is missing: `apt-get install wrk` (make bench installs it when run as root)")

    results: dict[str, Any] = {"machine": report.machine(), "sizes": {}}
    results["extraction"] = extraction_speed(5 if args.quick else 20)
    print(f"extraction: {results['extraction']}", flush=True)
    command = " ".join(["python -m bench", *(sys.argv[1:] if argv is None else argv)]).strip()
    text = ""
    for label in args.sizes.split(","):
        work = Path(tempfile.mkdtemp(prefix=f"eventgraph-bench-{label}-", dir=args.work))
        try:
            results["sizes"][label] = measure_size(label, SIZES[label], work, args)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        # written after every size: a long run that is stopped keeps what it measured
        OUT.mkdir(exist_ok=True)
        (OUT / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
        text = report.markdown(results, command)
        if not args.quick:
            (Path(__file__).resolve().parent / "RESULTS.md").write_text(text, encoding="utf-8")
    print("\n" + text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
