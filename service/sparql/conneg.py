"""Content negotiation over pyoxigraph's own format objects: one negotiator for results and graphs.

A format is a :class:`pyoxigraph.QueryResultsFormat` or :class:`pyoxigraph.RdfFormat`; the
library knows their media types and common aliases (``application/json``, ``text/xml`` …).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from pyoxigraph import QueryResultsFormat, RdfFormat

from service.errors import NotAcceptable

F = TypeVar("F", QueryResultsFormat, RdfFormat)

RESULT_FORMATS: tuple[QueryResultsFormat, ...] = (
    QueryResultsFormat.JSON,
    QueryResultsFormat.XML,
    QueryResultsFormat.CSV,
    QueryResultsFormat.TSV,
)
GRAPH_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat.TURTLE,
    RdfFormat.N_TRIPLES,
    RdfFormat.RDF_XML,
    RdfFormat.JSON_LD,
    RdfFormat.N_QUADS,
    RdfFormat.TRIG,
)
# The `format` parameter, for clients that cannot set Accept.
FORMAT_NAMES: dict[str, QueryResultsFormat | RdfFormat] = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "rdfxml": RdfFormat.RDF_XML,
    "jsonld": RdfFormat.JSON_LD,
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
}


def base_type(media_type: str) -> str:
    """``text/csv`` from ``text/csv; charset=utf-8``."""
    return media_type.split(";")[0].strip().lower()


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """(media range, q) pairs of an Accept header, best first; ties keep the header's order.

    >>> parse_accept("text/html;q=0.5, application/json")
    [('application/json', 1.0), ('text/html', 0.5)]
    """
    ranges = []
    for position, item in enumerate((header or "").split(",")):
        kind, *params = item.split(";")
        kind = kind.strip().lower()
        if not kind:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((position, kind, q))
    ranges.sort(key=lambda r: (-r[2], r[0]))
    return [(kind, q) for _, kind, q in ranges]


def _matches(media_range: str, fmt: QueryResultsFormat | RdfFormat) -> bool:
    own = base_type(fmt.media_type)
    if media_range in ("*/*", "*"):
        return True
    if media_range.endswith("/*"):
        return own.startswith(media_range[:-1])
    if media_range == own:
        return True
    return type(fmt).from_media_type(media_range) == fmt  # the library's aliases


def choose(accept: str | None, supported: Sequence[F], default: F) -> F:
    """The best of ``supported`` for an Accept header; ``default`` when any will do.

    :raises NotAcceptable: when the header excludes every supported format (the message lists them).
    """
    ranges = parse_accept(accept)
    if not ranges:
        return default
    for media_range, q in ranges:
        if q <= 0:
            continue
        if media_range.endswith("*") and _matches(media_range, default):
            return default
        for fmt in supported:
            if _matches(media_range, fmt):
                return fmt
    raise NotAcceptable(f"none of the requested media types is available here; acceptable: {acceptable(supported)}")


def acceptable(supported: Sequence[QueryResultsFormat | RdfFormat]) -> str:
    """The media types of ``supported``, comma-separated (for 406 messages)."""
    return ", ".join(base_type(f.media_type) for f in supported)


def by_name(name: str, supported: Sequence[F]) -> F:
    """A format given as a `format` parameter: a short name (``turtle``) or a media type.

    :raises NotAcceptable: when it names no format of ``supported``.
    """
    fmt = FORMAT_NAMES.get(name)
    if fmt is None:
        fmt = next((f for f in supported if _matches(name, f) and "*" not in name), None)
    if fmt not in supported:
        names = [n for n, f in FORMAT_NAMES.items() if f in supported]
        raise NotAcceptable(f"format={name} does not fit this result: use one of {', '.join(names)}")
    return fmt  # type: ignore[return-value]  # one of supported, checked above


def html_preferred(accept: str | None, alternatives: Sequence[QueryResultsFormat | RdfFormat]) -> bool:
    """True when the client names text/html explicitly and likes it at least as much as any alternative.

    Browsers list text/html first; RDF clients either omit it or rank it lower.
    """
    ranges = parse_accept(accept)
    html = max((q for r, q in ranges if r in ("text/html", "application/xhtml+xml")), default=0.0)
    if html <= 0:
        return False
    best_other = max(
        (q for r, q in ranges if r not in ("*/*", "*") and any(_matches(r, f) for f in alternatives)), default=0.0
    )
    return html >= best_other


def content_type(fmt: QueryResultsFormat | RdfFormat) -> str:
    """The Content-Type to answer with: the format's media type, with the charset for text types."""
    media = fmt.media_type
    if media.startswith("text/") and "charset" not in media:
        media += "; charset=utf-8"
    return media
