"""SPARQL 1.1 Graph Store HTTP Protocol: /graph-store?graph=IRI or ?default (indirect), and the
graph IRIs minted here, /graph/… (direct identification). Reads are open; writes need the token.
"""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, Response, render_template, request
from pyoxigraph import RdfFormat

from service.errors import QueryError
from service.rdf.iris import encode
from service.rdf.namespaces import PREFIXES
from service.sparql import conneg
from service.sparql import graph_store as gsp
from service.sparql.evaluator import ParseRequest
from service.web.runtime import runtime
from service.web.security import check_token

bp = Blueprint("graph_store", __name__)
METHODS = ["GET", "PUT", "POST", "DELETE"]


@bp.route("/graph-store", methods=METHODS)
def indirect() -> Response:
    return handle(gsp.identify(request.args.to_dict(flat=False)))


@bp.route("/graph/<path:rest>", methods=METHODS)
def direct(rest: str) -> Response:
    # The path arrives decoded; minted IRIs percent-encode each segment the same way again.
    iri = runtime().iris.base + "graph/" + "/".join(encode(part) for part in rest.split("/"))
    return handle(gsp.identify({}, direct=iri))


def handle(graph: gsp.Graph | Literal[False]) -> Response:
    if request.method in ("GET", "HEAD"):
        if graph is False:
            raise QueryError("name a graph: /graph-store?graph=IRI or /graph-store?default")
        return read(graph)
    check_token()
    if request.method == "DELETE":
        _delete(_named(graph))
        return Response(status=204)
    runtime().writing("a Graph Store write")  # the text index does not follow it: searches scan until rebuilt
    if graph is False and request.method == "POST":
        return create()
    triples = _body_triples(_named(graph))
    write = gsp.put if request.method == "PUT" else gsp.post
    created = write(runtime().store, _named(graph), triples)
    return Response(status=201 if created else 204)


def _delete(graph: gsp.Graph) -> None:
    """DELETE a graph; a document's graph (or its curated events') takes its rows out of the text index."""
    rt = runtime()
    indexed = isinstance(graph, str) and rt.iris.kind_of(graph) in ("document-graph", "curation-graph")
    if not indexed:
        rt.writing("a Graph Store DELETE")
    gsp.delete(rt.store, graph)
    if indexed and rt.search is not None and graph is not None:
        rt.search.drop(graph)


def read(graph: gsp.Graph) -> Response:
    accept = request.headers.get("Accept")
    store = runtime().store
    if conneg.html_preferred(accept, conneg.GRAPH_FORMATS):
        text = gsp.graph_bytes(store, graph, RdfFormat.TURTLE, PREFIXES).decode("utf-8")
        return Response(render_template("graph.html", graph=graph, turtle=text), mimetype="text/html")
    fmt = conneg.choose(accept, conneg.GRAPH_FORMATS, RdfFormat.TURTLE)
    resp = Response(gsp.graph_bytes(store, graph, fmt, PREFIXES), content_type=conneg.content_type(fmt))
    resp.headers["Vary"] = "Accept"
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


def create() -> Response:
    """POST to the store itself: a new graph with a fresh IRI (given in Location)."""
    iri = gsp.new_graph_iri(runtime().iris.base)
    gsp.post(runtime().store, iri, _body_triples(iri))
    resp = Response(status=201)
    resp.headers["Location"] = iri
    return resp


def _named(graph: gsp.Graph | Literal[False]) -> gsp.Graph:
    if graph is False:
        raise QueryError("name a graph: /graph-store?graph=IRI or /graph-store?default")
    return graph


def _body_triples(graph: gsp.Graph) -> bytes:
    """The request body's triples as N-Triples, parsed in a query worker (a small RDF/XML body can
    expand a thousandfold): under the time and memory limits, and at most EXPANSION times the
    request size."""
    rt = runtime()
    base = graph or request.base_url
    limit = gsp.EXPANSION * rt.settings.max_request_bytes
    if request.mimetype == "multipart/form-data":
        bodies = [(upload.read(), upload.content_type) for _, upload in request.files.items(multi=True)]
    else:
        bodies = [(request.get_data(), request.content_type)]
    parts = []
    for body, media_type in bodies:
        gsp.input_format(media_type)  # a 415 before the body travels
        parts.append(rt.evaluator.parse(ParseRequest(body, media_type, base, limit), rt.settings.query_timeout))
        limit -= len(parts[-1])
    return b"".join(parts)
