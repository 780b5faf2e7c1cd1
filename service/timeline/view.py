"""What the timeline page draws for its visible window: the events, or counts where they crowd.

The page sends its visible window plus a margin, and draws whatever comes back, so the view
works at the granularity of months: an event belongs to the window when it touches one of
the window's months. Every step below reads month and year keys (index reads and hash joins,
measured at about a microsecond a row) and looks at single events (about ten microseconds a
lookup on disk) only for what it returns:

1. how many events touch each month (counts in the engine): far too many, go to 5;
2. few enough distinct events: all of them, and the events too long for month keys;
3. too many: those whose interval lies inside one calendar month (a MINUS of the
   neighbouring months' keys);
4. still too many: of those, the ones known to the day;
5. still too many: the counts of step 1, drawn as bars.

Events come light (what the page draws, not the full event JSON: a click fetches that).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from pyoxigraph import NamedNode

from service.errors import UserError
from service.timeline import fields, queries
from service.timeline.assemble import ROLE_FIELDS, TYPE_OF_CLASS, event_key, group_aid, value
from service.timeline.events import MAX_HISTOGRAM_MONTHS, Finder
from service.timeline.filters import EventFilter, month_key, months_between
from service.timeline.labels import event_label

MAX_WINDOW_YEARS = 200
CASCADE = 12  # past this many month keys per event the page may draw, go straight to the counts


def _rows(finder: Finder, query: str) -> Any:
    return finder.store.query(query)


def _names(finder: Finder, query: str) -> dict[str, str]:
    return {r["x"].value: value(r["name"]) or "" for r in finder.store.query(query)}  # type: ignore[union-attr]  # a SELECT: QuerySolutions


def compact(finder: Finder, events: list[NamedNode]) -> list[dict[str, Any]]:
    """The fields the timeline draws, for ``events`` in the order given.

    Names of actors and documents are read once per actor and document, not once per event.
    """
    if not events:
        return []
    rows = {r["e"].value: r for r in finder.store.query(fields.compact_scalars(events))}  # type: ignore[union-attr]  # a SELECT: QuerySolutions
    roles: dict[str, dict[str, dict[str, dict[str, Any]]]] = defaultdict(lambda: defaultdict(dict))
    for r in finder.store.query(fields.compact_actors(events)):  # type: ignore[union-attr]  # a SELECT: QuerySolutions
        actor: dict[str, Any] = {"iri": r["a"].value}
        if r["count"] is not None:
            actor |= {"group": True, "count": value(r["count"]), "approximate": bool(value(r["approximate"]))}
        roles[r["e"].value][ROLE_FIELDS[r["role"].value]].setdefault(r["a"].value, actor)
    actors = {a for people in roles.values() for group in people.values() for a in group}
    names = _names(finder, fields.labels([NamedNode(a) for a in actors], "rdfs:label")) if actors else {}
    docs = {r["doc"].value for r in rows.values() if r["doc"] is not None}
    titles = _names(finder, fields.labels([NamedNode(d) for d in docs], "schema:headline")) if docs else {}
    aid = group_aid(finder.store.query(fields.event_aid(events)))
    return [
        _light(finder, rows[e.value], roles[e.value], names, titles, aid.get(e.value, []))
        for e in events
        if e.value in rows
    ]


def _light(
    finder: Finder,
    row: Any,
    roles: dict[str, dict[str, dict[str, Any]]],
    names: dict[str, str],
    titles: dict[str, str],
    aid: list[dict[str, Any]],
) -> dict[str, Any]:
    when = {"earliest": value(row["early"]), "latest": value(row["late"]), "precision": value(row["precision"])}
    doc = value(row["doc"])
    people = {
        field: sorted(
            ({"name": names.get(a, ""), **actor} for a, actor in roles.get(field, {}).items()),
            key=lambda a: (a["name"].lower(), a["iri"]),
        )
        for field in ROLE_FIELDS.values()
    }
    kind = TYPE_OF_CLASS.get(row["cls"].value, "other")
    return {
        "key": event_key(finder.iris, row["e"].value),
        "iri": row["e"].value,
        "type": kind,
        "label": event_label({"type": kind, **people, "aid": aid}),
        "date": when,
        "trigger": value(row["trigger"]) or "",
        "agents": people["agents"],
        "recipients": people["recipients"],
        "document": {"id": finder.iris.doc_id_of(doc) if doc else None, "title": titles.get(doc) if doc else None},
    }


def _events(finder: Finder, query: str) -> list[NamedNode]:
    return [r["e"] for r in _rows(finder, query)]


def _counts(finder: Finder, keys: list[str], level: str, f: EventFilter) -> dict[str, int]:
    rows = _rows(finder, queries.histogram_query(keys, level, f, finder.document(f)))
    return {r["k"].value: int(r["n"].value) for r in rows}


def _histogram(level: str, keys: list[str], counts: dict[str, int]) -> dict[str, Any]:
    return {"level": level, "buckets": [{"key": k, "count": counts[k]} for k in keys if counts.get(k)]}


def _check(f: EventFilter) -> tuple[date, date]:
    if f.start is None or f.end is None:
        raise UserError("the timeline view needs a window: pass start and end")
    if f.end.year - f.start.year > MAX_WINDOW_YEARS:
        raise UserError(f"the window spans more than {MAX_WINDOW_YEARS} years: zoom in")
    return f.start, f.end


def window_view(finder: Finder, f: EventFilter, limit: int) -> dict[str, Any]:
    """The timeline's answer for the months of the window [f.start, f.end] (both required).

    ``drawn`` says which events came: ``all``, ``month`` (those dated within one calendar
    month), ``day`` (those known to the day) or ``none`` (then ``histogram`` counts them).
    """
    start, end = _check(f)
    f = finder.resolve(f)  # the words of q: the events the text index finds, when it can
    months = list(months_between(start, end))
    out: dict[str, Any] = {"window": {"start": start.isoformat(), "end": end.isoformat()}, "limit": limit}
    level = "month" if len(months) <= MAX_HISTOGRAM_MONTHS else "year"
    keys = [month_key(m) for m in months] if level == "month" else [f"{y:04d}" for y in range(start.year, end.year + 1)]
    counts = _counts(finder, keys, level, f)
    if sum(counts.values()) > CASCADE * limit:  # far too many to try: an event touches a few months at most
        return out | _crowded("none", [], _histogram(level, keys, counts))
    doc = finder.document(f)
    found = _events(finder, queries.members_query(keys, level, f, doc))
    if level == "month" and len(found) <= limit:
        found += _events(finder, queries.long_members_query(sorted({m.year for m in months}), f, doc))
    if len(found) <= limit:
        return out | {"complete": True, "drawn": "all", "events": compact(finder, found), "histogram": None}
    if level == "month":
        rows = list(_rows(finder, queries.within_month_query(months, start, end, f, doc)))
        if len(rows) <= limit:
            return out | _crowded("month", compact(finder, [r["e"] for r in rows]), None)
        days = [r["e"] for r in rows if r["early"] == r["late"]]
        if len(days) <= limit:
            return out | _crowded("day", compact(finder, days), None)
    return out | _crowded("none", [], _histogram(level, keys, counts))


def _crowded(drawn: str, events: list[dict[str, Any]], histogram: dict[str, Any] | None) -> dict[str, Any]:
    return {"complete": False, "drawn": drawn, "events": events, "histogram": histogram}
