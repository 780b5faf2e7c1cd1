"""The dataset's figures for the landing page and ``/api/stats``, all counted by SPARQL on the store."""

from __future__ import annotations

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
