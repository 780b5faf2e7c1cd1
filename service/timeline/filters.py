"""What a reader asks for: filters, a date window, a page size and a cursor, parsed from query arguments.

Parsing is strict and happens before any SPARQL is built: dates must be ISO dates, event types
must be known, actors must be IRIs or Wikidata QIDs (the actor linked to the item, looked up in
the store as the CLI and the named queries do). A bad value is a :class:`UserError` that names
the argument, never a query that silently matches nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from pyoxigraph import NamedNode

from service.errors import UserError
from service.model import EVENT_TYPES
from service.sparql.params import QID, actor_for_qid
from service.store import Store

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
# The dates a filter may name. The timeline's queries walk a window month by month, and the
# extent of the stored events is probed over these years (service.timeline.events.PROBED_YEARS):
# the whole range answers in about a second, while years 1000-2999 took 53 s and 0001-9998
# crashed the query engine. 9999-12-31 itself has no next day to end a window with.
MIN_DATE = date(1800, 1, 1)
MAX_DATE = date(2199, 12, 31)
MAX_QUERY_CHARS = 200
GROUPINGS = ("none", "actor", "type", "document")


@dataclass(frozen=True)
class EventFilter:
    """The filters every event listing understands; empty fields do not filter."""

    q: str | None = None
    types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    document: str | None = None
    start: date | None = None
    end: date | None = None
    undated: bool = False  # only the events the timeline cannot draw (open or over-long intervals)
    # The events the text index found for ``q`` (set by the Finder; None: the queries scan for ``q``).
    matches: tuple[str, ...] | None = None

    def to_args(self) -> list[tuple[str, str]]:
        """The query arguments that reproduce this filter (for links and exports)."""
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        out += [("type", t) for t in self.types]
        out += [("actor", a) for a in self.actors]
        if self.document:
            out.append(("doc", self.document))
        if self.start:
            out.append(("start", self.start.isoformat()))
        if self.end:
            out.append(("end", self.end.isoformat()))
        if self.undated:
            out.append(("undated", "1"))
        return out


@dataclass(frozen=True)
class Cursor:
    """Where the previous page stopped: the sort key (a date) and the event IRI that ended it.

    ``key`` is None in the tail of a listing without a date window, where undated events come.
    """

    key: date | None
    iri: str

    def encode(self) -> str:
        """An opaque, URL-safe token."""
        raw = json.dumps({"k": self.key.isoformat() if self.key else None, "e": self.iri}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        """Read a token of :meth:`encode`. :raises UserError: on anything else."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            data = json.loads(raw)
            key = date.fromisoformat(data["k"]) if data["k"] else None
            if key is not None and not MIN_DATE <= key <= MAX_DATE:
                raise ValueError("key out of range")
            NamedNode(data["e"])
            return cls(key, data["e"])
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise UserError("cursor is not valid: pass back the 'next' value of the previous page unchanged") from None


def _values(args: Mapping[str, Sequence[str]], name: str) -> list[str]:
    """All values of a repeatable argument; comma-separated lists are accepted too."""
    out: list[str] = []
    for raw in args.get(name, ()):
        out += [part.strip() for part in raw.split(",") if part.strip()]
    return out


def _one(args: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = [v for v in args.get(name, ()) if v.strip()]
    return values[-1].strip() if values else None


def parse_date(value: str | None, name: str, *, last: bool = False) -> date | None:
    """An ISO date (``2020-03-01``), or a year or month: its first day, or its last when ``last``.

    :raises UserError: naming the argument, for what is not a date or lies outside MIN_DATE–MAX_DATE.
    """
    if not value:
        return None
    text = value.strip()
    try:
        if len(text) == 4:
            day = date(int(text), 12, 31) if last else date(int(text), 1, 1)
        elif len(text) == 7:
            first = date(int(text[:4]), int(text[5:7]), 1)
            day = date(first.year, 12, 31) if last and first.month == 12 else first
            if last and first.month != 12:
                day = next_month(first) - timedelta(days=1)
        else:
            day = date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{name}={value!r} is not a date: use YYYY-MM-DD (or YYYY-MM, YYYY)") from None
    if not MIN_DATE <= day <= MAX_DATE:
        raise UserError(f"{name}={value!r} is outside the supported range: use a date from {MIN_DATE} to {MAX_DATE}")
    return day


def _types(args: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    types = _values(args, "type")
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown:
        raise UserError(f"unknown event type {unknown[0]!r}: use one of {', '.join(EVENT_TYPES)}")
    return tuple(dict.fromkeys(types))


def _actors(args: Mapping[str, Sequence[str]], store: Store | None) -> tuple[str, ...]:
    actors = [a.strip() for a in args.get("actor", ()) if a.strip()]
    out = []
    for actor in actors:
        if QID.match(actor):  # as the CLI and the named queries read it: the actor linked to wd:Q…
            try:
                out.append(actor_for_qid(actor, store).value)
            except UserError as exc:
                raise UserError(f"actor={actor}: {exc.message}") from None
            continue
        try:
            NamedNode(actor)
        except ValueError:
            raise UserError(
                f"actor={actor!r} is neither an IRI nor a Wikidata QID: pass an actor's IRI as /api/actors lists it, "
                "or the QID of its Wikidata link (Q148)"
            ) from None
        out.append(actor)
    return tuple(dict.fromkeys(out))


def parse_filter(args: Mapping[str, Sequence[str]], store: Store | None = None) -> EventFilter:
    """Read ``q``, ``type``, ``actor``, ``doc``, ``start`` and ``end`` from query arguments.

    An actor is an IRI or the QID of its Wikidata link (``Q148``), looked up in ``store``.

    :raises UserError: naming the argument; for a QID, also when ``store`` is None or no actor is linked to it.
    """
    q = _one(args, "q")
    if q and len(q) > MAX_QUERY_CHARS:
        raise UserError(f"q is {len(q)} characters long: search for at most {MAX_QUERY_CHARS}")
    start, end = parse_date(_one(args, "start"), "start"), parse_date(_one(args, "end"), "end", last=True)
    if start and end and start > end:
        raise UserError(f"start={start} is after end={end}: swap them")
    undated = (_one(args, "undated") or "").lower() in ("1", "true", "yes")
    if undated and (start or end):
        raise UserError("undated=1 lists events without a bounded date: it cannot be combined with start or end")
    return EventFilter(
        q=q,
        types=_types(args),
        actors=_actors(args, store),
        document=_one(args, "doc"),
        start=start,
        end=end,
        undated=undated,
    )


def parse_limit(args: Mapping[str, Sequence[str]], default: int = DEFAULT_LIMIT) -> int:
    """The page size from ``limit`` (1 to MAX_LIMIT)."""
    raw = _one(args, "limit")
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise UserError(f"limit={raw!r} is not valid: use a whole number from 1 to {MAX_LIMIT}")
    return int(raw)


def parse_cursor(args: Mapping[str, Sequence[str]]) -> Cursor | None:
    """The cursor from ``cursor``, if any."""
    raw = _one(args, "cursor")
    return Cursor.decode(raw) if raw else None


def parse_grouping(args: Mapping[str, Sequence[str]]) -> str:
    """The timeline grouping from ``group``."""
    value = _one(args, "group") or "none"
    if value not in GROUPINGS:
        raise UserError(f"group={value!r} is not valid: use one of {', '.join(GROUPINGS)}")
    return value


def month_key(day: date) -> str:
    """``YYYY-MM`` of the day, as the mapping writes month keys."""
    return f"{day.year:04d}-{day.month:02d}"


def next_month(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def months_between(start: date, end: date) -> Iterator[date]:
    """The first day of every month from ``start``'s month to ``end``'s month, inclusive."""
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = next_month(month)
