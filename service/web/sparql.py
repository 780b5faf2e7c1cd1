"""SPARQL 1.1 Protocol endpoint (query only, first version)."""

from __future__ import annotations

from flask import Blueprint, Response, request
from pyoxigraph import QueryResultsFormat, RdfFormat

from service.errors import QueryError
from service.web.runtime import runtime

bp = Blueprint("sparql", __name__)


@bp.route("/sparql", methods=["GET", "POST"])
def query() -> Response:
    text = request.values.get("query")
    if request.mimetype == "application/sparql-query":
        text = request.get_data(as_text=True)
    if not text:
        raise QueryError("no query: send ?query=… or POST application/sparql-query")
    result = runtime().store.query(text)
    if hasattr(result, "variables") or isinstance(result, bool) or type(result).__name__ == "QueryBoolean":
        fmt = QueryResultsFormat.JSON
    else:
        fmt = RdfFormat.N_TRIPLES
    return Response(result.serialize(format=fmt), mimetype=fmt.media_type)
