"""How fast the timeline's window query answers with many events in the store.

Generates N synthetic events as ``service.model`` records, maps them to quads with the real
mapping (so the graph has the shape ingest gives), bulk-loads them into a temporary on-disk
store, then times the query the timeline page sends for its visible window — in-process
(``Finder.page``) and over HTTP (``/api/events`` on waitress) — for several window widths.

    python -m bench.timeline_window --events 100000 --runs 40

Prints p50/p99 per case and writes them to ``bench/out/timeline_window.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import requests
from waitress import wasyncore
from waitress.server import create_server

from service import __version__
from service.config import Settings
from service.model import EVENT_TYPES, Actor, Aid, Document, Event, Extraction, Money, TimeSpan
from service.rdf.iris import Iris
from service.rdf.mapping import document_quads
from service.store import Store, open_store
from service.timeline.events import Finder
from service.timeline.filters import EventFilter
from service.timeline.view import window_view
from service.web import create_app

BASE = "http://localhost:8000/"
FIRST_DAY, DAYS = date(2015, 1, 1), 3652  # ten years
PER_DOCUMENT = 100
PAGE_LIMIT = 250  # what the timeline page asks for
WINDOWS = (3, 7, 30, 90, 365, 3650)  # visible window widths in days; the page asks for twice that (a margin each side)
WORDS = ("masks", "gloves", "ventilators", "test kits", "medicines", "donation", "letter", "border", "training")


def _span(rnd: random.Random) -> TimeSpan:
    """A date with the precision mix of press releases: mostly days and months, some years and ranges."""
    day = FIRST_DAY + timedelta(days=rnd.randrange(DAYS))
    r = rnd.random()
    if r < 0.55:
        return TimeSpan(day, day, "day", day.isoformat())
    if r < 0.80:
        first = day.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return TimeSpan(first, last, "month", first.strftime("%B %Y"))
    if r < 0.90:
        return TimeSpan(date(day.year, 1, 1), date(day.year, 12, 31), "year", str(day.year))
    if r < 0.97:
        return TimeSpan(day, day + timedelta(days=rnd.randrange(10, 90)), "range", "in those weeks")
    if r < 0.99:
        return TimeSpan(day, day + timedelta(days=rnd.randrange(800, 1800)), "range", "over the years")
    return TimeSpan(None, day, "unknown", "to date", "publication")


def _event(rnd: random.Random, n: int, actors: list[Actor]) -> Event:
    kind = rnd.choice(EVENT_TYPES)
    words = " ".join(rnd.choice(WORDS) for _ in range(6))
    sentence = f"Event {n} donated {words}."
    at = (n % PER_DOCUMENT) * 200  # where the sentence starts in its document
    aid = (Aid(rnd.choice(WORDS), None, rnd.randrange(1, 10**6), "pieces", Money(rnd.randrange(10**6), "CNY")),)
    return Event(
        id=f"e{n}", type=kind, trigger="donated", sentence=sentence, date=_span(rnd),
        agents=(rnd.choice(actors),), recipients=(rnd.choice(actors),), aid=aid if kind.startswith("aid") else (),
        sentence_start=at, sentence_end=at + len(sentence), trigger_start=at + len(f"Event {n} "),
        trigger_end=at + len(f"Event {n} donated"),
    )  # fmt: skip


def extractions(count: int, seed: int = 1) -> Iterator[Extraction]:
    """``count`` synthetic events, ``PER_DOCUMENT`` to a document."""
    rnd = random.Random(seed)
    actors = [Actor(f"Actor {i}", "country", f"Q{100000 + i}") for i in range(500)]
    for d in range(0, count, PER_DOCUMENT):
        events = tuple(_event(rnd, n, actors) for n in range(d, min(d + PER_DOCUMENT, count)))
        text = " " * (events[-1].sentence_end + 1)
        yield Extraction(Document(id=f"bench-{d // PER_DOCUMENT}", text=text, title=f"Synthetic {d}"), events)


def load(store: Store, count: int) -> tuple[int, float]:
    """Map and bulk-load ``count`` events; (quads, seconds)."""
    iris, started, total = Iris(BASE), time.perf_counter(), 0
    batch: list = []
    for extraction in extractions(count):
        quads, shared = document_quads(extraction, iris, __version__)
        batch += quads + shared
        if len(batch) > 500_000:
            store.bulk_add(batch)
            total, batch = total + len(batch), []
    store.bulk_add(batch)
    return total + len(batch), time.perf_counter() - started


def windows(width: int, runs: int, seed: int = 2) -> list[tuple[date, date]]:
    """Random fetch windows: the visible ``width`` days plus half of it on each side, as the page asks."""
    rnd = random.Random(seed + width)
    out = []
    for _ in range(runs):
        start = FIRST_DAY + timedelta(days=rnd.randrange(max(1, DAYS - 2 * width)))
        out.append((start, start + timedelta(days=2 * width)))
    return out


def measure(name: str, calls: list[Callable[[], Any]], *, warm: bool = True) -> dict[str, float]:
    """p50/p99 over a list of different calls (one timing each, after one warm-up call unless ``warm`` is off:
    the scan's calls take seconds each)."""
    if warm:
        calls[0]()
    times = []
    for call in calls:
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    result = {
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2),
    }
    print(
        f"  {name:<48} p50 {result['p50_ms']:8.2f} ms   p99 {result['p99_ms']:8.2f} ms   ({len(times)} runs)",
        flush=True,
    )
    return result


def _filters(width: int, runs: int, **kw: Any) -> list[EventFilter]:
    return [EventFilter(start=a, end=b, **kw) for a, b in windows(width, runs)]


def in_process(store: Store, runs: int) -> dict[str, Any]:
    """Time the core calls directly."""
    finder, out = Finder(store, Iris(BASE)), {}
    for width in WINDOWS:
        fs = _filters(width, runs)
        calls = [partial(window_view, finder, f, PAGE_LIMIT) for f in fs]
        out[f"timeline {width}d"] = measure(f"timeline window, {width} days visible", calls)
    for name, kw in (("type", {"types": ("visit",)}), ("text", {"q": "ventilators"})):
        calls = [partial(window_view, finder, f, PAGE_LIMIT) for f in _filters(7, runs, **kw)]
        out[f"timeline 7d + {name}"] = measure(f"timeline window, 7 days + {name} filter", calls)
    actor = (BASE + "id/actor/Q100007",)
    calls = [partial(window_view, finder, f, PAGE_LIMIT) for f in _filters(365, runs, actors=actor)]
    out["timeline 365d + actor"] = measure("timeline window, 365 days + actor filter", calls)
    calls = [partial(finder.page, f, 100) for f in _filters(30, runs)]
    out["events page 30d"] = measure("/api/events page of 100 (full JSON), 30 days", calls)
    out["extent"] = measure("extent of the dated events", [finder.extent] * runs)
    out["event by IRI"] = measure(
        "one event's full JSON", [partial(finder.details, [e]) for e in _some_events(store, runs)]
    )
    return out


def _some_events(store: Store, n: int) -> list:
    rows = store.query(f"SELECT ?e WHERE {{ ?e <https://w3id.org/eventgraph#eventId> ?id }} LIMIT {int(n)}")
    return [r["e"] for r in rows]  # type: ignore[union-attr]


def _get(http: requests.Session, url: str, start: date, end: date, limit: int) -> None:
    http.get(url, params={"start": start.isoformat(), "end": end.isoformat(), "limit": limit}).raise_for_status()


def over_http(store: Store, runs: int) -> dict[str, Any]:
    """Time the page's request over HTTP on waitress."""
    server = create_server(
        create_app(Settings(store=":memory:", base_iri=BASE), store=store), host="127.0.0.1", port=0, threads=4
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url, out = f"http://127.0.0.1:{server.effective_port}", {}
    try:
        with requests.Session() as http:
            for width in WINDOWS:
                calls = [partial(_get, http, f"{url}/api/timeline", a, b, PAGE_LIMIT) for a, b in windows(width, runs)]
                out[f"api timeline {width}d"] = measure(f"GET /api/timeline, {width} days visible", calls)
    finally:
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        thread.join(10)
        server.task_dispatcher.shutdown()
    return out


def main() -> None:
    """Load, measure, print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "timeline_window.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="eventgraph-bench-") as tmp:
        store = open_store(str(Path(tmp) / "store"))
        quads, seconds = load(store, args.events)
        print(f"{args.events} events, {quads} quads loaded in {seconds:.1f} s")
        print("in-process (service.timeline):", flush=True)
        results: dict[str, Any] = {
            "events": args.events,
            "quads": quads,
            "load_s": round(seconds, 1),
            "runs": args.runs,
        }
        results["in_process"] = in_process(store, args.runs)
        print("over HTTP (waitress, one client):")
        results["http"] = over_http(store, args.runs)
        store.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
