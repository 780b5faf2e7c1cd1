"""What curation costs: the curated view's filter on the timeline's reads, and one correction's write.

Loads the bench corpus (``bench.corpus``, the mapping's real quads) into a temporary on-disk store,
corrects a share of its events through ``service.curation`` (a retype each, so each gets a curated
copy and a superseded original; every tenth a rejection), then times, in the same run and in
alternation, the timeline's reads with the curated view's ``MINUS { ?e eg:supersededBy ?x }``
and without it (the extraction alone): a page of ``/api/events`` (``Finder.page``) over a month
and over a year, and the events-per-month histogram of the whole corpus. It also times a
correction's write (read the document's records and events, rebuild, replace the curation graph).

    python -m bench.curation --events 20000 --corrected 200 --runs 15

Prints medians (ms) and the ratios; the machine is shared, so compare within one run only.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date

from bench.corpus import BASE_IRI, extractions
from bench.corpus import quads as corpus_quads
from service import curation
from service.rdf.iris import Iris
from service.store import open_store
from service.timeline import queries
from service.timeline.events import Finder
from service.timeline.filters import EventFilter


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--corrected", type=int, default=200, help="How many events to correct.")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    iris = Iris(BASE_IRI)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"{tmp}/store")
        docs = []
        for extraction in extractions(args.events):
            local, shared = corpus_quads(extraction, iris)
            store.bulk_add([*local, *shared])
            docs.append(extraction)
        finder = Finder(store, iris)
        # Spread the corrections over the documents: one event each, round robin.
        targets = []
        for n in range(args.corrected):
            extraction = docs[n % len(docs)]
            event = extraction.events[(n // len(docs)) % len(extraction.events)]
            targets.append(iris.event(extraction.document.id, event.sentence_start, event.trigger_start, event.type))
        writes = []
        for n, iri in enumerate(targets):
            key = iri.rsplit("/", 1)[1]
            started = time.perf_counter()
            if n % 10 == 9:
                curation.correct(store, iris, key, "reject", {})
            else:
                kind = "visit" if "visit" not in iri else "meeting"
                curation.correct(store, iris, key, "retype", {"type": kind})
            writes.append((time.perf_counter() - started) * 1000)
        month = EventFilter(start=date(2020, 3, 1), end=date(2020, 3, 31))
        year = EventFilter(start=date(2020, 1, 1), end=date(2020, 12, 31))
        cases: dict[str, Callable[[], object]] = {
            "page, one month (100 events)": lambda: finder.page(month, 100),
            "page, one year (100 events)": lambda: finder.page(year, 100),
            "histogram, ten years": lambda: finder.histogram(
                EventFilter(start=date(2015, 1, 1), end=date(2024, 12, 31))
            ),
        }
        curated_filter = queries.CURATED
        print(f"{args.events:,} events, {args.corrected} corrected; medians of {args.runs} runs, in ms")
        print(f"one correction's write: {statistics.median(writes):.1f} ms (median of {len(writes)})")
        for name, fn in cases.items():
            fn()  # warm the caches once for both
            with_filter, without = [], []
            for _ in range(3):  # alternate, so that a noisy neighbour hits both
                queries.CURATED = curated_filter
                with_filter.append(_median_ms(fn, args.runs))
                queries.CURATED = ""
                without.append(_median_ms(fn, args.runs))
            queries.CURATED = curated_filter
            w, wo = statistics.median(with_filter), statistics.median(without)
            print(f"{name:<32} curated view {w:8.2f}   extraction alone {wo:8.2f}   ratio {w / wo:5.2f}")
        store.close()


if __name__ == "__main__":
    main()
