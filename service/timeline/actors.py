"""Actors for the filter's autocomplete: those whose name holds the typed words, busiest first."""

from __future__ import annotations

from typing import Any

from pyoxigraph import NamedNode

from service.errors import UserError
from service.store import Store
from service.timeline import fields
from service.timeline.assemble import value
from service.timeline.filters import MAX_QUERY_CHARS

MAX_ACTORS = 100


def find_actors(store: Store, q: str | None, limit: int = 20, only: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Actors with at least one event whose name contains ``q`` (case-insensitive), most events first.

    ``only`` (actor IRIs, already validated) restricts the answer to those actors.
    """
    if q and len(q) > MAX_QUERY_CHARS:
        raise UserError(f"q is {len(q)} characters long: search for at most {MAX_QUERY_CHARS}")
    if not 1 <= limit <= MAX_ACTORS:
        raise UserError(f"limit={limit} is not valid: use a whole number from 1 to {MAX_ACTORS}")
    needle = q.strip().lower() if q and q.strip() else None
    found = {}
    for row in store.query(fields.actor_matches(needle, [NamedNode(a) for a in only])):  # type: ignore[union-attr]  # a SELECT: QuerySolutions
        wikidata, group = value(row["wikidata"]), row["group"] is not None
        found[row["a"].value] = {
            "iri": row["a"].value,
            "name": value(row["name"]),
            "kind": value(row["memberKind"] if group else row["kind"]) or "other",
            "wikidata": wikidata.rsplit("/", 1)[1] if wikidata else None,
            "group": group,
            "events": 0,
        }
    if found:
        for row in store.query(fields.actor_event_counts([NamedNode(a) for a in found])):  # type: ignore[union-attr]  # a SELECT: QuerySolutions
            found[row["a"].value]["events"] = int(row["events"].value)
    ranked = sorted((a for a in found.values() if a["events"]), key=lambda a: (-a["events"], a["name"].lower()))
    return ranked[:limit]
