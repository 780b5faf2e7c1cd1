"""Query results as bytes in a format named as users type it (``--format turtle``).

The names are those of :mod:`service.sparql.conneg`, the one table of the formats served.
"""

from __future__ import annotations

from pyoxigraph import QueryBoolean, QuerySolutions, RdfFormat

from service.errors import UserError
from service.sparql.conneg import DATASET_FORMAT_NAMES, GRAPH_FORMAT_NAMES, RESULT_FORMAT_NAMES
from service.store import QueryResult


def dataset_format(name: str) -> RdfFormat:
    """The dataset format (named graphs kept) called ``name``: what a whole store is exported as."""
    try:
        return DATASET_FORMAT_NAMES[name]
    except KeyError:
        raise UserError(f"unknown dataset format {name!r}: use one of {', '.join(DATASET_FORMAT_NAMES)}") from None


def serialize_result(result: QueryResult, name: str | None) -> bytes:
    """Serialise a query result; SELECT/ASK default to JSON, CONSTRUCT/DESCRIBE to Turtle."""
    if isinstance(result, QuerySolutions | QueryBoolean):
        fmt = RESULT_FORMAT_NAMES.get(name or "json")
        if fmt is None:
            names = ", ".join(RESULT_FORMAT_NAMES)
            raise UserError(f"--format {name} does not fit a SELECT/ASK result: use one of {names}")
        data = result.serialize(format=fmt)
    else:
        graph_fmt = GRAPH_FORMAT_NAMES.get(name or "turtle")
        if graph_fmt is None:
            names = ", ".join(GRAPH_FORMAT_NAMES)
            raise UserError(f"--format {name} does not fit a graph result: use one of {names}")
        data = result.serialize(format=graph_fmt)
    assert data is not None  # no output given: serialize returns the bytes
    return data
