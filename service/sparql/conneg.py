"""Content negotiation over pyoxigraph's own format objects: one negotiator for results and graphs,
and the one table of the formats served, by the short names users type.

A format is a :class:`pyoxigraph.QueryResultsFormat` or :class:`pyoxigraph.RdfFormat`; the
library knows their media types, file extensions and common aliases (``application/json``,
``text/xml`` …). Headers are split by werkzeug's parsers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from pyoxigraph import QueryResultsFormat, RdfFormat
from werkzeug.http import parse_list_header, parse_options_header

from service.errors import NotAcceptable

F = TypeVar("F", QueryResultsFormat, RdfFormat)

# The formats served, by the short name of ``format=`` (HTTP) and ``--format`` (CLI), in the order
# negotiation prefers them; every other list of formats is derived from these two.
RESULT_FORMAT_NAMES: dict[str, QueryResultsFormat] = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
}
GRAPH_FORMAT_NAMES: dict[str, RdfFormat] = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "rdfxml": RdfFormat.RDF_XML,
    "jsonld": RdfFormat.JSON_LD,
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
}
FORMAT_NAMES: dict[str, QueryResultsFormat | RdfFormat] = {**RESULT_FORMAT_NAMES, **GRAPH_FORMAT_NAMES}
# Other values of ``format=`` that clients send, read as Fuseki and Virtuoso read them: the format
# of that family that fits the result. SPARQLWrapper sends its return format's name (``xml`` for
# RDF/XML too, ``rdf+xml``, ``json-ld``, ``n3``); ``json`` for a graph is JSON-LD.
FORMAT_ALIASES: dict[str, tuple[QueryResultsFormat | RdfFormat, ...]] = {
    "xml": (QueryResultsFormat.XML, RdfFormat.RDF_XML),
    "json": (QueryResultsFormat.JSON, RdfFormat.JSON_LD),
    "rdf+xml": (RdfFormat.RDF_XML,),
    "rdf": (RdfFormat.RDF_XML,),
    "json-ld": (RdfFormat.JSON_LD,),
    "n3": (RdfFormat.TURTLE,),
    "ttl": (RdfFormat.TURTLE,),
    "nt": (RdfFormat.N_TRIPLES,),
    "n-triples": (RdfFormat.N_TRIPLES,),
    "nq": (RdfFormat.N_QUADS,),
    "n-quads": (RdfFormat.N_QUADS,),
}
RESULT_FORMATS: tuple[QueryResultsFormat, ...] = tuple(RESULT_FORMAT_NAMES.values())
GRAPH_FORMATS: tuple[RdfFormat, ...] = tuple(GRAPH_FORMAT_NAMES.values())
# The formats that hold named graphs: what a whole dataset is exported as.
DATASET_FORMAT_NAMES: dict[str, RdfFormat] = {n: f for n, f in GRAPH_FORMAT_NAMES.items() if f.supports_datasets}


def base_type(media_type: str) -> str:
    """``text/csv`` from ``text/csv; charset=utf-8``."""
    return parse_options_header(media_type)[0].lower()


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """(media range, q) pairs of an Accept header, best first; ties keep the header's order.

    werkzeug splits the header; the order is kept here because werkzeug's ``Accept`` ranks
    specific ranges before wildcards whatever their q. A malformed q counts as 0.

    >>> parse_accept("text/html;q=0.5, application/json")
    [('application/json', 1.0), ('text/html', 0.5)]
    """
    ranges = []
    for item in parse_list_header(header or ""):
        kind, params = parse_options_header(item)
        if kind:
            ranges.append((kind.lower(), _quality(params.get("q"))))
    return sorted(ranges, key=lambda r: -r[1])  # sorted() is stable: ties keep the header's order


def _quality(value: str | None) -> float:
    if value is None:
        return 1.0
    try:
        return max(0.0, min(1.0, float(value)))
    except ValueError:
        return 0.0


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


def known_name(name: str) -> bool:
    """True when ``name`` is a short name of :data:`FORMAT_NAMES` or :data:`FORMAT_ALIASES`."""
    return name in FORMAT_NAMES or name in FORMAT_ALIASES


def by_name(name: str, supported: Sequence[F]) -> F:
    """A format given as a `format` parameter: a short name (``turtle``), an alias that fits
    ``supported`` (``xml`` is RDF/XML for a graph), or a media type.

    :raises NotAcceptable: when it names no format of ``supported``.
    """
    candidates = [FORMAT_NAMES[name]] if name in FORMAT_NAMES else []
    candidates += FORMAT_ALIASES.get(name, ())
    if not candidates and "*" not in name:
        candidates = [f for f in supported if _matches(name, f)]
    fmt = next((f for f in candidates if f in supported), None)
    if fmt is None:
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
