"""The SPARQL 1.1 Protocol endpoint at /sparql, its Service Description, the VoID description
and the query editor (YASGUI) for browsers.

Queries are planned, checked and evaluated in the app's query workers (time and memory
limits); updates are planned and checked there too, then applied to the app's read-write store,
and need the token. The default graph of a query is the union of
all graphs unless the request (default-graph-uri / named-graph-uri) or the query (FROM) names graphs.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, g, jsonify, render_template, request
from pyoxigraph import RdfFormat

from service.errors import QueryError
from service.sparql import conneg
from service.sparql.evaluator import Evaluator, QueryRequest, UpdateRequest, endpoint_ports
from service.sparql.plan import check_length, update_error
from service.sparql.protocol import FORM, Operation, parse_operation
from service.sparql.rdf_output import triples_bytes
from service.sparql.service_description import SD_PREFIXES, service_description
from service.sparql.void import VOID_PREFIXES, void_description
from service.web.conditional import untagged
from service.web.runtime import runtime
from service.web.security import check_token

bp = Blueprint("sparql", __name__)

TRUNCATED_HEADER = "Eventgraph-Result-Truncated"


def evaluator_of(app: Flask) -> Evaluator:
    """The app's query evaluator (``serve`` starts it early; :meth:`Runtime.close` stops it)."""
    evaluator: Evaluator = app.extensions["eventgraph"].evaluator
    return evaluator


@bp.after_request
def _preflight(resp: Response) -> Response:
    # Cross-origin reads are welcome; the preflight never allows Authorization, so a page on
    # another origin cannot send the token, and writes stay closed to it.
    if request.method == "OPTIONS":
        resp.headers["Access-Control-Allow-Origin"] = "*"
        resp.headers["Access-Control-Allow-Methods"] = "GET, POST, HEAD"
        resp.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
        resp.headers["Access-Control-Max-Age"] = "86400"
    return resp


def endpoint_url() -> str:
    return url_root() + "sparql"


def dataset_iri() -> str:
    return url_root() + ".well-known/void#dataset"


def url_root() -> str:
    """``request.url_root``, remembered by the app for each scheme, host and script root: werkzeug
    builds it anew for every request (an IRI conversion, ~15 µs), and every query needs it as its
    base IRI."""
    return runtime().url_root(request.scheme, request.host, request.root_path)


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    form = request.form.to_dict(flat=False) if request.mimetype == FORM else {}
    body = b"" if request.mimetype == FORM else request.get_data()
    op = parse_operation(request.method, request.args.to_dict(flat=False), form, request.headers, body)
    if op.kind == "description":
        return describe(op)
    if op.kind == "update":
        return update(op)
    return query(op)


def query(op: Operation) -> Response:
    g.read_only = True
    rt = runtime()
    settings = rt.settings
    check_length(op.text, settings)  # before the text travels anywhere; everything else in the worker
    task = QueryRequest(op, request.headers.get("Accept"), rt.query_settings, endpoint_url())
    stream = evaluator_of(current_app).query(task, settings.query_timeout)
    resp = Response(stream.chunks, content_type=stream.head.media_type)
    if stream.length is not None:
        resp.content_length = stream.length
    resp.headers["Vary"] = "Accept"
    resp.headers["Access-Control-Allow-Origin"] = "*"
    if stream.head.volatile:  # SERVICE, NOW(), RAND()…: the same request may be answered differently
        untagged(resp)
    if stream.head.truncated:
        resp.headers[TRUNCATED_HEADER] = (
            f"only the first {settings.max_result_rows} results were sent (EVENTGRAPH_MAX_RESULT_ROWS)"
        )
    return resp


def update(op: Operation) -> Response:
    check_token()
    rt = runtime()
    store = rt.store
    check_length(op.text, rt.settings)
    task = UpdateRequest(op, rt.query_settings, endpoint_url())
    text, added, calls_out = rt.evaluator.plan_update(task, rt.settings.query_timeout)
    rt.writing("a SPARQL update")  # the text index does not follow it: searches scan until it is rebuilt
    try:  # by a process without network, unless the checks found SERVICE clauses (all allowed): then to
        # the allowlist's ports only, whatever the plan says (the worker that made it read the client's text)
        store.update(text, network=calls_out, ports=endpoint_ports(rt.settings.service_allow))
    except QueryError as exc:
        raise update_error(exc.message, op.text, added) from None
    return Response(status=204)


def describe(op: Operation) -> Response:
    g.read_only = True
    accept = request.headers.get("Accept")
    if not op.format and conneg.html_preferred(accept, conneg.GRAPH_FORMATS):
        return editor_page()
    fmt = conneg.by_name(op.format, conneg.GRAPH_FORMATS) if op.format else None
    fmt = fmt or conneg.choose(accept, conneg.GRAPH_FORMATS, RdfFormat.TURTLE)
    settings = runtime().settings
    triples = service_description(
        endpoint_url(), dataset_iri(), writable=bool(settings.token), federated=bool(settings.service_allow)
    )
    return _rdf(triples_bytes(triples, fmt, SD_PREFIXES), fmt)


def editor_page() -> Response:
    resp = Response(render_template("sparql.html", endpoint=endpoint_url()), mimetype="text/html")
    resp.headers["Vary"] = "Accept"
    return resp


@bp.get("/sparql/editor.json")
def editor_config() -> Response:
    """What the editor page needs: endpoint, prefixes and the named queries as examples."""
    from service.web.editor import editor_config as config

    return jsonify(config(endpoint_url()))


@bp.get("/.well-known/void")
def void() -> Response:
    rt = runtime()
    fmt = conneg.choose(request.headers.get("Accept"), conneg.GRAPH_FORMATS, RdfFormat.TURTLE)
    triples = void_description(dataset_iri(), endpoint_url(), rt.iris.base, rt.counts())
    return _rdf(triples_bytes(triples, fmt, VOID_PREFIXES), fmt)


def _rdf(data: bytes, fmt: RdfFormat) -> Response:
    resp = Response(data, content_type=conneg.content_type(fmt))
    resp.headers["Vary"] = "Accept"
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp
