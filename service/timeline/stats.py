"""The dataset's figures for the landing page and ``/api/stats``, all counted by SPARQL on the store."""

from __future__ import annotations

import threading
import time
from typing import Any

from service.model import EVENT_TYPES
from service.rdf.iris import Iris
from service.sparql.stats import dataset_stats
from service.store import Store
from service.timeline import fields
from service.timeline.assemble import TYPE_OF_CLASS
from service.timeline.events import Finder

CERTAIN = ("day",)  # precisions drawn as a point; every other one is drawn as an uncertain range


def timeline_stats(store: Store, iris: Iris) -> dict[str, Any]:
    """Counts (documents, events, actors, aid items, quads, graphs), events by type and by precision, date extent."""
    by_type = {TYPE_OF_CLASS[r["cls"].value]: int(r["n"].value) for r in store.query(fields.TYPE_COUNTS)}  # type: ignore[union-attr]  # a SELECT: QuerySolutions
    by_precision = {r["precision"].value: int(r["n"].value) for r in store.query(fields.PRECISION_COUNTS)}  # type: ignore[union-attr]  # a SELECT: QuerySolutions
    extent = Finder(store, iris).extent()
    return {
        "counts": dataset_stats(store),
        "types": {t: by_type.get(t, 0) for t in EVENT_TYPES},
        "precision": by_precision,
        "certain": sum(n for p, n in by_precision.items() if p in CERTAIN),
        "extent": {"first": extent[0].isoformat(), "last": extent[1].isoformat()} if extent else None,
    }


class CachedStats:
    """:func:`timeline_stats` computed once per store generation (every write through the server bumps
    it) and at most ``ttl`` seconds old (a remote store may be written by others): counting scans the
    whole store, which takes seconds at 100,000 events, too long for every visit of the landing page."""

    def __init__(self, ttl: float = 30.0) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._key: tuple[int, float] | None = None
        self._value: dict[str, Any] = {}

    def get(self, store: Store, iris: Iris, generation: int) -> dict[str, Any]:
        with self._lock:
            if self._key is None or self._key[0] != generation or time.monotonic() - self._key[1] > self.ttl:
                self._value, self._key = timeline_stats(store, iris), (generation, time.monotonic())
            return self._value
