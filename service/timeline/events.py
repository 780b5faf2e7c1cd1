"""Finding events: a page of a date window, one event, a histogram of a window.

A window is read month by month through the month keys, in chunks that grow until the page
is full, so the work follows the page size and not the size of the store. Events too long
for month keys come from their year keys and are merged in; events with an open interval
have neither and are listed after the dated ones when no date window is asked for.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import islice
from typing import Any

from pyoxigraph import NamedNode

from service.errors import NotFound, UserError
from service.rdf.iris import Iris
from service.search import Match, TextIndex
from service.store import Store
from service.timeline import assemble, fields, queries
from service.timeline.filters import Cursor, EventFilter, month_key, months_between, next_month

MAX_HISTOGRAM_MONTHS = 36
SEARCH_BATCH = 200  # events the index found, checked against the other filters in one query at first
MAX_SEARCH_BATCH = 5000
MAX_MATCHES = 50_000  # events found by the text index that one count or drawing of a window may list
PROBED_YEARS = [f"{y:04d}" for y in range(1800, 2200)]  # where the extent looks for dated events


@dataclass(frozen=True)
class Page:
    """A page of events and the cursor of the next one (None on the last page)."""

    events: list[dict[str, Any]]
    next: str | None
    start: date | None
    end: date | None


@dataclass(frozen=True)
class Hit:
    key: date | None
    iri: str


class Finder:
    """Runs the timeline's queries for one store and one base IRI.

    With a text index (``search``) that is usable, the words of ``q`` are looked up in it and only
    the events it finds are read from the store; without one, or when it is missing or stale, the
    queries scan the store's texts as before, and ``search_note`` says why.
    """

    def __init__(self, store: Store, iris: Iris, search: TextIndex | None = None) -> None:
        self.store = store
        self.iris = iris
        self.search = search
        self.search_note: str | None = None  # how the last search was answered: None for the index

    def indexed(self, f: EventFilter) -> TextIndex | None:
        """The index to answer ``f.q`` with, or None (no words, no index, or one not usable: scan)."""
        if not f.q:
            return None
        if self.search is None:
            self.search_note = "no text index for this store: the store's texts were scanned"
            return None
        state = self.search.state()
        if not state.usable:
            self.search_note = state.reason + "; the store's texts were scanned meanwhile"
            return None
        self.search_note = None
        return self.search

    def resolve(self, f: EventFilter) -> EventFilter:
        """``f`` with the events the index finds for ``q`` in the filter's window (``matches``), for
        the queries that count and draw a window; unchanged when the index cannot answer.

        :raises UserError: when the words match more than MAX_MATCHES events there.
        """
        index = self.indexed(f)
        if index is None or f.matches is not None:
            return f
        if f.start and f.end:
            # What the window's key reads can find: month keys touching its months (when it is
            # read by months), year keys touching its years (the events too long for months).
            months = list(months_between(f.start, f.end))
            by_month = (months[0], next_month(months[-1]) - timedelta(days=1)) if months else None
            if len(months) > MAX_HISTOGRAM_MONTHS:
                by_month = None
            years = (date(f.start.year, 1, 1), date(f.end.year, 12, 31))
            iris: Iterator[str] = index.keyed_matches(f.q or "", by_month, years)
        else:
            iris = (m.iri for m in index.search(f.q or "", undated=f.undated))
        found: list[str] = []
        for iri in iris:
            found.append(iri)
            if len(found) > MAX_MATCHES:
                raise UserError(
                    f"q={f.q!r} matches more than {MAX_MATCHES:,} events here: use more words, a shorter window "
                    "or another filter"
                )
        return replace(f, matches=tuple(found))

    def _select(self, query: str) -> Any:
        return self.store.query(query)

    def document(self, f: EventFilter) -> NamedNode | None:
        """The IRI of the filter's document, if it names one."""
        return NamedNode(self.iris.document(f.document)) if f.document else None

    def extent(self) -> tuple[date, date] | None:
        """The first and last day of the dated events, to the month (to the year for intervals over 24 months).

        Found by probing which year and month keys exist (a few index reads), not by scanning events.
        """
        years = sorted(int(r["k"].value) for r in self.store.query(queries.present_keys("year", PROBED_YEARS)))  # type: ignore[union-attr]  # a SELECT: QuerySolutions
        if not years:
            return None
        first, last = years[0], years[-1]
        keys = [f"{y:04d}-{m:02d}" for y in sorted({first, last}) for m in range(1, 13)]
        months = sorted(r["k"].value for r in self.store.query(queries.present_keys("month", keys)))  # type: ignore[union-attr]  # a SELECT: QuerySolutions
        in_first = [m for m in months if m.startswith(f"{first:04d}")]
        in_last = [m for m in months if m.startswith(f"{last:04d}")]
        start = _first_day(in_first[0]) if in_first and not self._has_long(first) else date(first, 1, 1)
        end = _last_day(in_last[-1]) if in_last and not self._has_long(last) else date(last, 12, 31)
        return start, end

    def _has_long(self, year: int) -> bool:
        """True when an event of ``year`` is too long for month keys."""
        return any(True for _ in self.store.query(queries.long_members_query([year], EventFilter(), None, limit=1)))  # type: ignore[union-attr]  # a SELECT: QuerySolutions

    def window(self, f: EventFilter) -> tuple[date | None, date | None]:
        """The filter's date window, its open ends closed by the extent of the dated events."""
        extent = None if (f.start and f.end) else self.extent()
        return f.start or (extent[0] if extent else None), f.end or (extent[1] if extent else None)

    def page(self, f: EventFilter, limit: int, cursor: Cursor | None = None) -> Page:
        """Events matching ``f`` in date order (undated last when no window is given), ``limit`` at most."""
        windowed = f.start is not None or f.end is not None
        index = self.indexed(f)
        if index is not None:
            return self._found(index, f, limit, cursor)
        start, end = self.window(f)
        hits: list[Hit] = []
        if not f.undated and start and end and start <= end and (cursor is None or cursor.key is not None):
            hits = self.dated(queries.Scope(f, self.document(f), start, end, cursor), limit + 1)
        if not windowed and len(hits) <= limit:
            after = cursor.iri if cursor is not None and cursor.key is None else None
            hits += self._undated(f, after, limit + 1 - len(hits))
        more = len(hits) > limit
        hits = hits[:limit]
        token = Cursor(hits[-1].key, hits[-1].iri).encode() if more and hits else None
        return Page(self.details([NamedNode(h.iri) for h in hits]), token, start, end)

    def _found(self, index: TextIndex, f: EventFilter, limit: int, cursor: Cursor | None) -> Page:
        """A page of the events the index finds for ``f.q``: in a date window in date order, else
        by relevance (then ``next`` resumes after the page's last event in that order). The store
        checks each candidate against the other filters, in growing batches until the page is full."""
        windowed = f.start is not None or f.end is not None
        start, end = self.window(f) if windowed else (None, None)
        if windowed and (start is None or end is None or start > end):
            return Page([], None, start, end)
        after = None
        if cursor is not None and (cursor.key is not None or not windowed):
            after = Match(cursor.iri, cursor.key)
        found = index.search(f.q or "", start=start, end=end, undated=f.undated, after=after)
        document = self.document(f)
        hits: list[Match] = []
        size = SEARCH_BATCH
        while len(hits) <= limit:
            batch = list(islice(found, size))
            if not batch:
                break
            size = min(size * 4, MAX_SEARCH_BATCH)
            rows = self._select(queries.matched_query([NamedNode(m.iri) for m in batch], f, document))
            passed = {r["e"].value for r in rows}
            hits += [m for m in batch if m.iri in passed]
        more = len(hits) > limit
        hits = hits[:limit]
        token = Cursor(hits[-1].key, hits[-1].iri).encode() if more and hits else None
        return Page(self.details([NamedNode(h.iri) for h in hits]), token, start, end)

    def dated(self, scope: queries.Scope, want: int) -> list[Hit]:
        """Up to ``want`` events of the scope's window in key order: month by month, then the long ones."""
        begin = max(scope.start, scope.cursor.key) if scope.cursor is not None and scope.cursor.key else scope.start
        months = [month_key(m) for m in months_between(begin, scope.end)]
        hits: list[Hit] = []
        i, size = 0, 1
        while i < len(months) and len(hits) < want:
            chunk, i, size = months[i : i + size], i + size, size * 2
            hits += self._hits(queries.window_query(chunk, "month", scope))[: want - len(hits)]
        # Events longer than the month keys reach: only those whose sort key can still make the page.
        last = hits[want - 1].key if len(hits) >= want else scope.end
        years = [str(y) for y in range(begin.year, (last or scope.end).year + 1)]
        hits += self._hits(queries.window_query(years, "year", scope))
        return sorted(hits, key=lambda h: (h.key, h.iri))[:want]

    def _hits(self, query: str) -> list[Hit]:
        """The query's events in key order (sorted here: cheaper than in the engine)."""
        hits = [Hit(date.fromisoformat(r["key"].value), r["e"].value) for r in self._select(query)]
        return sorted(hits, key=lambda h: (h.key, h.iri))

    def _undated(self, f: EventFilter, after: str | None, want: int) -> list[Hit]:
        rows = self._select(queries.undated_query(f, self.document(f), after, want))
        return [Hit(None, r["e"].value) for r in rows]

    def details(self, events: list[NamedNode]) -> list[dict[str, Any]]:
        """The event JSON of ``events``, in the order given (unknown IRIs are left out)."""
        if not events:
            return []
        scalars = {r["e"].value: r for r in self.store.query(fields.event_scalars(events))}  # type: ignore[union-attr]  # a SELECT: QuerySolutions
        actors = assemble.group_actors(self.store.query(fields.event_actors(events)))
        aid = assemble.group_aid(self.store.query(fields.event_aid(events)))
        return [
            assemble.event_json(self.iris, scalars[e.value], actors.get(e.value, {}), aid.get(e.value, []))
            for e in events
            if e.value in scalars
        ]

    def event(self, key: str) -> dict[str, Any]:
        """One event by its key. :raises NotFound: when the store has no such event."""
        found = self.details([assemble.event_iri(self.iris, key)])
        if not found:
            raise NotFound(f"no event {key!r}: it may have been removed when its document was re-ingested")
        return found[0]

    def histogram(self, f: EventFilter) -> dict[str, Any]:
        """How many events touch each month (each year for windows over three years) of the filter's window."""
        start, end = self.window(f)
        if start is None or end is None or start > end:
            return {"level": "month", "buckets": []}
        f = self.resolve(replace(f, start=start, end=end)) if self.indexed(f) else f
        months = list(months_between(start, end))
        level = "month" if len(months) <= MAX_HISTOGRAM_MONTHS else "year"
        keys = [month_key(m) for m in months] if level == "month" else [str(y) for y in range(start.year, end.year + 1)]
        rows = self._select(queries.histogram_query(keys, level, f, self.document(f)))
        counts = {r["k"].value: int(r["n"].value) for r in rows}
        return {"level": level, "buckets": [{"key": k, "count": counts[k]} for k in keys if counts.get(k)]}


def _first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def _last_day(month: str) -> date:
    return next_month(_first_day(month)) - timedelta(days=1)
