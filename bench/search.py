"""How fast the timeline's search answers: the text index (SQLite FTS5) against the scan it replaced.

Generates the corpus of ``bench.corpus`` (events in the seeds' genre, mapped by the real mapping),
bulk-loads it into a temporary on-disk store, builds the text index as ingest does (one
transaction per document, from the same quads), then times ``/api/events?q=`` as the core answers
it (``Finder.page``, no window: ranked by relevance) — finding the first 100 events alone, and
the pages of 100 and of 10 with their event JSON — and the timeline's search (``window_view`` for
a 30-day window), with the index and with the scan of the store's texts
(``FILTER(CONTAINS(LCASE(…)))``, what every search did before), in the same run, for a common
word, a rare word and a word that occurs nowhere.

    python -m bench.search --events 100000 --runs 40 --scan-runs 5

Prints p50/p99 per case and writes them to ``bench/out/search.json``. The scan takes seconds a
call at 100k events, so it runs fewer times (``--scan-runs``; 0 leaves it out).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import tempfile
import time
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from bench import corpus
from bench.timeline_window import measure
from service.rdf.iris import Iris
from service.search import TextIndex
from service.store import Store, open_store
from service.timeline.events import Finder
from service.timeline.filters import EventFilter
from service.timeline.view import window_view

NOWHERE = "zyzzyvas"
PAGE = 100  # /api/events' default page
WINDOW_DAYS = 30


def load(store: Store, index: TextIndex, events: int) -> dict[str, float]:
    """Bulk-load the corpus and index each document from the same quads; the seconds each took."""
    iris, store_s, index_s, batch, total = Iris(corpus.BASE_IRI), 0.0, 0.0, [], 0
    for extraction in corpus.extractions(events):
        local, shared = corpus.quads(extraction, iris)
        started = time.perf_counter()
        index.put(iris.document(extraction.document.id), extraction.document.checksum, local, shared)
        index_s += time.perf_counter() - started
        batch += local + shared
        if len(batch) > 500_000:
            started = time.perf_counter()
            store.bulk_add(batch)
            store_s += time.perf_counter() - started
            total, batch = total + len(batch), []
    started = time.perf_counter()
    store.bulk_add(batch)
    store_s += time.perf_counter() - started
    index.mark_complete()
    return {"quads": total + len(batch), "store_load_s": round(store_s, 1), "index_build_s": round(index_s, 1)}


def pick_words(index: TextIndex, events: int) -> dict[str, tuple[str, int]]:
    """A common word (in 5-50 % of the events), a rare one (in at most 0.5 %, or 20) and one found
    nowhere, with their counts."""
    names = [a.name.lower() for a in (*corpus.cast().countries, *corpus.cast().cities)]
    common = ["masks", "support", "border", "reagents", "protective", "conference", "epidemic"]
    found: dict[str, tuple[str, int]] = {}
    for word in common:
        n = sum(1 for _ in index.search(word))
        if 0.05 * events <= n <= 0.5 * events:
            found["common"] = (word, n)
            break
    cap = max(20, events // 200)  # at most 0.5 %: the corpus names each actor in ~0.3 % of its events
    with sqlite3.connect(index.path) as conn:  # the names of the actors in fewest events, as candidates
        rows = conn.execute(
            "SELECT names.text FROM names JOIN links ON links.node = names.rowid "
            "GROUP BY names.rowid HAVING COUNT(*) <= ? ORDER BY COUNT(*) DESC LIMIT 200",
            (cap,),
        ).fetchall()
    candidates = [t.split("\x1f")[0] for (t,) in rows] + sorted(set(names), key=lambda w: (len(w), w))
    for word in candidates:
        if len(word) < 6:
            continue
        n = sum(1 for _ in index.search(word))
        if 1 <= n <= cap:
            found["rare"] = (word, n)
            break
    found["nowhere"] = (NOWHERE, sum(1 for _ in index.search(NOWHERE)))
    return found


def windows(store: Store, runs: int) -> list[tuple[date, date]]:
    """Random 30-day windows within the dated events."""
    extent = Finder(store, Iris(corpus.BASE_IRI)).extent()
    assert extent is not None
    rnd, (first, last) = random.Random(7), extent
    span = max(1, (last - first).days - WINDOW_DAYS)
    return [
        (s, s + timedelta(days=WINDOW_DAYS)) for s in (first + timedelta(days=rnd.randrange(span)) for _ in range(runs))
    ]


class Lookup(Finder):
    """A Finder that finds a page's events but builds no event JSON for them: what the search
    itself costs (the JSON of 100 events costs the same however they were found)."""

    def details(self, events: list[Any]) -> list[dict[str, Any]]:
        return [{"iri": e.value} for e in events]


def run(
    store: Store, index: TextIndex, words: dict[str, tuple[str, int]], runs: int, scan_runs: int, check: bool
) -> dict[str, Any]:
    iris = Iris(corpus.BASE_IRI)
    indexed, plain = Finder(store, iris, index), Finder(store, iris)
    found, scanned = Lookup(store, iris, index), Lookup(store, iris)
    spans = windows(store, max(runs, scan_runs))
    out: dict[str, Any] = {}
    for kind, (word, count) in words.items():
        f = EventFilter(q=word)
        row: dict[str, Any] = {"word": word, "events": count}
        print(f"{kind}: {word!r}, in {count} events", flush=True)
        row["index lookup"] = measure("index: the first 100 events, no JSON", [partial(found.page, f, PAGE)] * runs)
        assert found.search_note is None, found.search_note
        if scan_runs:
            calls = [partial(scanned.page, f, PAGE)] * scan_runs
            row["scan lookup"] = measure("scan:  the first 100 events, no JSON", calls, warm=False)
        row["index page"] = measure("index: /api/events page of 100", [partial(indexed.page, f, PAGE)] * runs)
        row["index page 10"] = measure("index: /api/events page of 10", [partial(indexed.page, f, 10)] * runs)
        if check:  # the same events both ways, all of them (the index ranks them, the scan gives date order)
            every = count + 1
            assert sorted(e["iri"] for e in found.page(f, every).events) == sorted(
                e["iri"] for e in scanned.page(f, every).events
            ), word
        views = [EventFilter(q=word, start=a, end=b) for a, b in spans]
        calls = [partial(window_view, indexed, v, 500) for v in views[:runs]]
        row["index window"] = measure("index: /api/timeline, 30-day window", calls)
        if scan_runs:
            calls = [partial(window_view, plain, v, 500) for v in views[:scan_runs]]
            row["scan window"] = measure("scan:  /api/timeline, 30-day window", calls, warm=False)
        out[kind] = row
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--scan-runs", type=int, default=5)
    parser.add_argument("--kinds", default="common,rare,nowhere", help="Which words to measure.")
    parser.add_argument("--no-check", action="store_true", help="Skip checking that both find the same events.")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "search.json")
    parser.add_argument(
        "--dir", type=Path, help="Keep the store and index in this folder, and reuse them when a run left them there."
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="eventgraph-bench-") as scratch:
        tmp = args.dir or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        loaded = tmp / "loaded.json"
        store = open_store(str(Path(tmp) / "store"))
        index = TextIndex(Path(tmp) / "store.search.sqlite", timeout=600)
        kept = json.loads(loaded.read_text()) if loaded.is_file() else {}
        if kept.get("events") == args.events:
            built = kept["built"]
        else:
            built = load(store, index, args.events)
            loaded.write_text(json.dumps({"events": args.events, "built": built}))
        size = index.path.stat().st_size + sum(
            p.stat().st_size for p in Path(tmp).glob("store.search.sqlite-*") if p.is_file()
        )
        print(
            f"{args.events} events, {built['quads']} quads: store bulk load {built['store_load_s']} s, "
            f"index {built['index_build_s']} s ({size / 2**20:.0f} MiB, {size / args.events:.0f} B an event)",
            flush=True,
        )
        words = {k: v for k, v in pick_words(index, args.events).items() if k in args.kinds.split(",")}
        results: dict[str, Any] = {
            "events": args.events,
            **built,
            "index_bytes": size,
            "runs": args.runs,
            "scan_runs": args.scan_runs,
            "cpus": os.cpu_count(),
            "cases": run(store, index, words, args.runs, args.scan_runs, not args.no_check),
        }
        store.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
