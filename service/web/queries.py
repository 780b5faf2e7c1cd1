"""The named-query API: ``GET /api/queries`` lists the library, ``GET /api/queries/NAME?…`` runs one.

A run is bound by the library and then answered exactly as ``/sparql`` answers a query: the
same evaluator (time limit, row cap), the same SERVICE allowlist, the same content negotiation
(``Accept`` or ``format=``: JSON by default, CSV, TSV, XML; Turtle and the other RDF formats
for CONSTRUCT).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from service.errors import UserError
from service.sparql import library
from service.sparql.protocol import Operation
from service.web import sparql
from service.web.runtime import runtime

bp = Blueprint("queries", __name__)


@bp.get("/api/queries")
def index() -> Response:
    queries = [{**q.to_json(), "url": url_for(".run", name=q.name, _external=True)} for q in library.list_queries()]
    return jsonify({"queries": queries})


@bp.get("/api/queries/<name>")
def run(name: str) -> Response:
    query = library.get_query(name)
    args = request.args.to_dict(flat=False)
    fmt = args.pop("format", [None])[0] or None
    repeated = sorted(k for k, v in args.items() if len(v) > 1)
    if repeated:
        raise UserError(f"give each parameter once: {', '.join(repeated)} came more than once")
    values = {k: v[0] for k, v in args.items()}
    text = library.prepare(query, library.bind(query, values, runtime().store))
    return sparql.query(Operation("query", text, format=fmt.lower() if fmt else None))
