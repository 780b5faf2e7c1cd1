"""Which events: the SPARQL that finds the events of a window and counts them.

Oxigraph has no range index on literals, so a date window is never a ``FILTER`` over all
events: it is the month (or year) keys the mapping writes on each event, bound with
``VALUES`` and matched as a triple pattern, and only the candidates they give are filtered
by their exact dates. Values reach the text only as serialised pyoxigraph terms that this
module built from validated input (dates, IRIs, keys) or from the reader's search words, which
pyoxigraph escapes (:func:`search_term`); no string from a request is pasted in as it came.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from pyoxigraph import Literal, NamedNode

from service.rdf.mapping import EVENT_CLASSES
from service.rdf.namespaces import XSD, sparql_prologue
from service.timeline.filters import Cursor, EventFilter, month_key

PROLOGUE = sparql_prologue()
ROLES = ("eg:agent", "eg:recipient", "eg:participant", "sem:hasPlace")
# The curated view: an extracted event that a correction replaced or rejected is left out
# (docs/curation.md). A hash anti-join against the few superseded events, not a lookup per event.
CURATED = "MINUS { ?e eg:supersededBy ?supersededBy }"


def date_term(day: date) -> str:
    """An ``xsd:date`` literal for the query text."""
    return str(Literal(day.isoformat(), datatype=XSD.date))


def search_term(words: str) -> str:
    """The search words, lower-cased, as a string literal serialised by pyoxigraph.

    Not a substitution: inside a union branch a ``FILTER`` sees only its own group, so a
    variable bound outside it (by ``VALUES``, or by the remote store's emulation of
    substitutions) would be unbound there. pyoxigraph escapes quotes, backslashes and line
    breaks, so the words stay one literal whatever they hold (tests try to break out).
    """
    return str(Literal(words.lower()))


def terms(values: Iterable[NamedNode | Literal]) -> str:
    """Terms for a ``VALUES`` block, serialised by pyoxigraph (escaped, never raw input)."""
    return " ".join(str(v) for v in values)


def filter_block(f: EventFilter, document: NamedNode | None, *, led: bool = False) -> str:
    """Graph patterns for the type, actor, document and text filters on ``?e``.

    ``led`` leaves out the filter that :func:`lead` already put first. Measured on Oxigraph 0.5:
    a second ``VALUES`` block, a ``FILTER`` over a ``UNION`` or inside ``EXISTS`` on a
    substituted variable, and a path like ``(a|b)/c`` make the engine evaluate the inner pattern
    over the whole store (100-1000x slower); ``FILTER(?x IN (...))``, a filter inside each union
    branch and plain sequence paths stay lookups on the candidate events.
    """
    parts = [CURATED]
    if f.types:
        # A subquery is evaluated on its own and hash-joined: one read of the type's events
        # instead of a lookup per candidate (10-40x faster, measured); constants, not FILTER IN,
        # or it reads every rdf:type triple of the store.
        classes = " UNION ".join(f"{{ ?e a {EVENT_CLASSES[t]} }}" for t in f.types)
        parts.append(f"{{ SELECT ?e WHERE {{ {classes} }} }}")
    if f.actors and not (led and document is None and f.matches is None):
        actors = ", ".join(str(NamedNode(a)) for a in f.actors)
        parts.append(f"FILTER EXISTS {{ ?e {'|'.join(ROLES)} ?actor FILTER(?actor IN ({actors})) }}")
    if document is not None and not led:
        parts.append(f"?e prov:wasDerivedFrom {document} .")
    if f.q and f.matches is not None:  # the text index's events: they lead, or each candidate is checked
        if not (led and document is None):
            parts.append(f"FILTER(?e IN ({', '.join(str(NamedNode(m)) for m in f.matches)}))")
    elif f.q:  # no usable index: the scan
        match = f"FILTER(CONTAINS(LCASE(STR(?text)), {search_term(f.q)}))"
        branches = (
            "eg:evidence/eg:sentence",
            "sem:hasActor/rdfs:label",
            "sem:hasPlace/rdfs:label",
            "eg:hasAid/eg:itemLabel",
        )
        parts.append(" UNION ".join(f"{{ ?e {path} ?text {match} }}" for path in branches))
    return "\n  ".join(parts)


def matched_query(events: list[NamedNode], f: EventFilter, document: NamedNode | None) -> str:
    """Which of ``events`` (found by the text index) exist and pass the filter's other parts.

    The events lead (``VALUES``); a type is a test on each (``FILTER IN``), not the subquery the
    windows use, which would read every event of the type.
    """
    parts = [f"VALUES ?e {{ {terms(events)} }}", "?e a sem:Event ."]
    if f.types:
        classes = ", ".join(str(EVENT_CLASSES[t]) for t in f.types)
        parts.append(f"?e a ?cls FILTER(?cls IN ({classes}))")
    if f.actors:
        actors = ", ".join(str(NamedNode(a)) for a in f.actors)
        parts.append(f"FILTER EXISTS {{ ?e {'|'.join(ROLES)} ?actor FILTER(?actor IN ({actors})) }}")
    if document is not None:
        parts.append(f"?e prov:wasDerivedFrom {document} .")
    parts.append(CURATED)
    body = "\n  ".join(parts)
    return f"""{PROLOGUE}SELECT DISTINCT ?e WHERE {{
  {body}
}}"""


def lead(f: EventFilter, document: NamedNode | None) -> str | None:
    """The pattern to start from when the filter names a document, found text or actors: their few events."""
    if document is not None:
        return f"?e prov:wasDerivedFrom {document} ."
    if f.q and f.matches is not None:
        return f"VALUES ?e {{ {terms(NamedNode(m) for m in f.matches)} }}"
    if f.actors:
        return " UNION ".join(
            f"{{ ?e {p} {NamedNode(a)} }}" for a in f.actors for p in ("sem:hasActor", "sem:hasPlace")
        )
    return None


def keyed(keys: list[str], level: str, f: EventFilter, document: NamedNode | None) -> str:
    """Events with one of the month (year) ``keys`` that pass the filters, in the order to evaluate them.

    Without a document or actor filter the keys lead (``VALUES``: a read of the key index);
    with one, its few events lead and the keys become a ``FILTER IN`` checked on each.
    """
    first = lead(f, document)
    if first is None:
        return f"VALUES ?k {{ {terms(Literal(k) for k in keys)} }}\n  ?e eg:{level} ?k .\n  {filter_block(f, document)}"
    listed = ", ".join(str(Literal(k)) for k in keys)
    return f"{first}\n  ?e eg:{level} ?k FILTER(?k IN ({listed}))\n  {filter_block(f, document, led=True)}"


@dataclass(frozen=True)
class Scope:
    """What a window query is about: the filter, its document IRI, the date window, where to resume."""

    f: EventFilter
    document: NamedNode | None
    start: date
    end: date
    cursor: Cursor | None = None


def _after(cursor: Cursor | None) -> str:
    if cursor is None or cursor.key is None:
        return ""
    key, iri = date_term(cursor.key), str(NamedNode(cursor.iri))
    return f"FILTER(?key > {key} || (?key = {key} && STR(?e) > STR({iri})))"


def _sources(keys: list[str], level: str, f: EventFilter, document: NamedNode | None) -> str:
    """Where the candidates of a window query come from, filters included (see :func:`keyed`).

    Year keys serve only the events too long for month keys: without a document or actor
    filter they are the year's keys MINUS its months' keys (hash anti-joins, no lookups).
    """
    if level == "month" or lead(f, document) is not None:
        only_long = "\n  FILTER NOT EXISTS { ?e eg:month ?anyMonth }" if level == "year" else ""
        return keyed(keys, level, f, document) + only_long
    branches = " UNION ".join(_without_months(int(k), bind=True) for k in keys)
    return f"{branches}\n  {filter_block(f, document)}"


def window_query(keys: list[str], level: str, scope: Scope) -> str:
    """Events overlapping the scope's window whose sort key falls in one of ``keys``, with the key.

    ``level`` is ``month`` (keys ``YYYY-MM``) or ``year`` (``YYYY``; only events too long to
    have month keys). An event's sort key is the later of its earliest day and the window's
    start; it is counted under the one key its sort key falls in, so an event spanning several
    months comes once. Events with an open or over-long interval have no keys and are not found here.
    The caller sorts: an ``ORDER BY`` here costs more than the rest of the query (measured).
    """
    width = 7 if level == "month" else 4
    s, e = date_term(scope.start), date_term(scope.end)
    return f"""{PROLOGUE}SELECT DISTINCT ?e ?key WHERE {{
  {_sources(keys, level, scope.f, scope.document)}
  ?e eg:earliest ?early ; eg:latest ?late .
  FILTER(?early <= {e} && ?late >= {s})
  BIND(IF(?early < {s}, {s}, ?early) AS ?key)
  FILTER(SUBSTR(STR(?key), 1, {width}) = STR(?k))
  {_after(scope.cursor)}
}}"""


def undated_query(f: EventFilter, document: NamedNode | None, after: str | None, limit: int) -> str:
    """Events without a bounded interval of at most ten years (no year keys), in IRI order."""
    cursor = f"FILTER(STR(?e) > STR({NamedNode(after)}))" if after else ""
    return f"""{PROLOGUE}SELECT DISTINCT ?e WHERE {{
  ?e a sem:Event .
  FILTER NOT EXISTS {{ ?e eg:year ?anyYear }}
  {cursor}
  {filter_block(f, document)}
}}
ORDER BY STR(?e)
LIMIT {int(limit)}"""


def histogram_query(keys: list[str], level: str, f: EventFilter, document: NamedNode | None) -> str:
    """How many events touch each month (or year) key."""
    return f"""{PROLOGUE}SELECT ?k (COUNT(DISTINCT ?e) AS ?n) WHERE {{
  {keyed(keys, level, f, document)}
}}
GROUP BY ?k"""


def present_keys(level: str, keys: list[str]) -> str:
    """Which of ``keys`` some event has (one index probe per key, no scan)."""
    return f"""{PROLOGUE}SELECT ?k WHERE {{
  VALUES ?k {{ {terms(Literal(k) for k in keys)} }}
  FILTER EXISTS {{ ?e eg:{level} ?k }}
}}"""


def _months_of(year: int) -> list[str]:
    return [f"{year:04d}-{m:02d}" for m in range(1, 13)]


def _without_months(year: int, *, bind: bool = False) -> str:
    """``?e`` has the year key of ``year`` but no month key in it: its interval is over 24 months.

    With ``bind``, ``?k`` is the year key.
    """
    minus = " ".join(f'MINUS {{ ?e eg:month "{k}" }}' for k in _months_of(year))
    key = f' BIND("{year:04d}" AS ?k)' if bind else ""
    return f'{{ ?e eg:year "{year:04d}" {minus}{key} }}'


def members_query(keys: list[str], level: str, f: EventFilter, document: NamedNode | None) -> str:
    """The events that have any of the month (or year) ``keys`` (index reads only, then the filters)."""
    return f"""{PROLOGUE}SELECT DISTINCT ?e WHERE {{
  {keyed(keys, level, f, document)}
}}"""


def long_members_query(years: list[int], f: EventFilter, document: NamedNode | None, limit: int | None = None) -> str:
    """The events of ``years`` too long for month keys.

    Without a document or actor filter: year keys MINUS month keys (hash anti-joins, no
    lookups); with one, its few events are checked one by one.
    """
    if lead(f, document) is None:
        body = f"{' UNION '.join(_without_months(y) for y in years)}\n  {filter_block(f, document)}"
    else:
        body = keyed([f"{y:04d}" for y in years], "year", f, document) + "\n  FILTER NOT EXISTS { ?e eg:month ?m }"
    return f"""{PROLOGUE}SELECT DISTINCT ?e WHERE {{
  {body}
}}{f" LIMIT {int(limit)}" if limit else ""}"""


def _within(month: date) -> str:
    prev, nxt = month - timedelta(days=1), month + timedelta(days=32)
    key = month.strftime("%Y-%m")
    return (
        f'{{ ?e eg:month "{key}" MINUS {{ ?e eg:month "{prev.strftime("%Y-%m")}" }} '
        f'MINUS {{ ?e eg:month "{nxt.strftime("%Y-%m")}" }} }}'
    )


def within_month_query(months: list[date], start: date, end: date, f: EventFilter, document: NamedNode | None) -> str:
    """Events inside one of ``months`` that overlap [start, end], with their dates.

    When a document, found text or actors lead (:func:`lead`), their few events are read first and
    an event is inside one month when its first and last month keys are the same one of
    ``months``; otherwise each month's keys lead, minus the events that touch the month before or
    after (checking a long list of found events on every event of the months instead, as a
    ``FILTER IN``, cost seconds at a million events: measured).
    """
    s, e = date_term(start), date_term(end)
    first = lead(f, document)
    if first is not None:
        keys = ", ".join(str(Literal(month_key(m))) for m in months)
        return f"""{PROLOGUE}SELECT ?e ?early ?late WHERE {{
  {first}
  ?e eg:earliest ?early ; eg:latest ?late . FILTER(?early <= {e} && ?late >= {s})
  {filter_block(f, document, led=True)}
  ?e eg:month ?k .
}}
GROUP BY ?e ?early ?late
HAVING (MIN(?k) = MAX(?k) && MIN(?k) IN ({keys}))"""
    return f"""{PROLOGUE}SELECT DISTINCT ?e ?early ?late WHERE {{
  {" UNION ".join(_within(m) for m in months)}
  ?e eg:earliest ?early ; eg:latest ?late . FILTER(?early <= {e} && ?late >= {s})
  {filter_block(f, document)}
}}"""
