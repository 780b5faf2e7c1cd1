"""Triples → bytes in any RDF format (graph formats as they are, dataset formats in the default graph)."""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import DefaultGraph, Quad, RdfFormat, Triple, serialize


def triples_bytes(triples: Iterable[Triple], fmt: RdfFormat, prefixes: dict[str, str] | None = None) -> bytes:
    """Serialise triples; ``prefixes`` are used by the formats that have them (Turtle, TriG, RDF/XML)."""
    items: Iterable[Triple | Quad] = triples
    if fmt.supports_datasets:
        items = (Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples)
    return serialize(items, format=fmt, prefixes=prefixes)  # type: ignore[return-value]
