"""Triples → bytes in any RDF format (graph formats as they are, dataset formats in the default graph)."""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import DefaultGraph, Quad, RdfFormat, Triple, serialize


def triples_bytes(triples: Iterable[Triple], fmt: RdfFormat, prefixes: dict[str, str] | None = None) -> bytes:
    """Serialise triples; ``prefixes`` are used by the formats that have them (Turtle, TriG, RDF/XML)."""
    if fmt.supports_datasets:
        quads = (Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples)
        data = serialize(quads, format=fmt, prefixes=prefixes)
    else:
        data = serialize(triples, format=fmt, prefixes=prefixes)
    assert data is not None  # no output given: serialize returns the bytes
    return data
