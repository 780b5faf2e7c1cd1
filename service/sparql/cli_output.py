"""Format names as users type them (``--format turtle``) → pyoxigraph formats, and serialisation."""

from __future__ import annotations

from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat

from service.errors import UserError
from service.store import QueryResult

RESULT_FORMATS: dict[str, QueryResultsFormat] = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, RdfFormat] = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
}


def rdf_format(name: str) -> RdfFormat:
    try:
        return GRAPH_FORMATS[name]
    except KeyError:
        raise UserError(f"unknown RDF format {name!r}: use one of {', '.join(GRAPH_FORMATS)}") from None


def serialize_result(result: QueryResult, name: str | None) -> bytes:
    """Serialise a query result; SELECT/ASK default to JSON, CONSTRUCT/DESCRIBE to Turtle."""
    if isinstance(result, QuerySolutions | QueryBoolean):
        fmt = RESULT_FORMATS.get(name or "json")
        if fmt is None:
            raise UserError(f"--format {name} does not fit a SELECT/ASK result: use one of {', '.join(RESULT_FORMATS)}")
        data = result.serialize(format=fmt)
    else:
        graph_fmt = GRAPH_FORMATS.get(name or "turtle")
        if graph_fmt is None:
            raise UserError(f"--format {name} does not fit a graph result: use one of {', '.join(GRAPH_FORMATS)}")
        data = result.serialize(format=graph_fmt)
    assert data is not None  # no output given: serialize returns the bytes
    return data
