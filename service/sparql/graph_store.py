"""SPARQL 1.1 Graph Store HTTP Protocol, without the web framework: read, replace, merge, drop one graph.

A graph is a named graph IRI, or :data:`DEFAULT` for the store's own default graph (the
triples in no named graph; not the union that queries see). Every write is one SPARQL update,
so one transaction: a request body that does not parse changes nothing.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Mapping, Sequence
from typing import Literal

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Triple, parse, serialize

from service.errors import NotFound, QueryError, UnsupportedMediaType, UserError
from service.sparql.conneg import base_type
from service.sparql.rdf_output import triples_bytes
from service.store import Store

DEFAULT = None  # the default graph
Graph = str | None

# What a graph may be sent as: the graph (not dataset) formats pyoxigraph reads, and JSON-LD.
INPUT_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat.TURTLE,
    RdfFormat.N_TRIPLES,
    RdfFormat.RDF_XML,
    RdfFormat.N3,
    RdfFormat.JSON_LD,
)


def identify(args: Mapping[str, Sequence[str]], direct: str | None = None) -> Graph | Literal[False]:
    """The graph a request names: ``direct`` (the request IRI), ``?graph=IRI`` or ``?default``.

    Returns False when the request names no graph (only a POST may do that: it creates one).

    :raises QueryError: both ``graph`` and ``default``, several graphs, or not an absolute IRI.
    """
    if direct is not None:
        return direct
    if "graph" in args and "default" in args:
        raise QueryError("name either ?graph=IRI or ?default, not both")
    if "default" in args:
        return DEFAULT
    values = args.get("graph") or []
    if not values:
        return False
    if len(values) > 1:
        raise QueryError("name one graph per request")
    try:
        return NamedNode(values[0]).value
    except ValueError:
        raise QueryError(f"graph={values[0]!r} is not an absolute IRI") from None


def input_format(content_type: str | None) -> RdfFormat:
    """The RDF format of a request body.

    :raises UnsupportedMediaType: for any other media type (the message lists the accepted ones).
    """
    kind = base_type(content_type or "")
    fmt = RdfFormat.from_media_type(kind) if kind else None
    if fmt not in INPUT_FORMATS:
        accepted = ", ".join(base_type(f.media_type) for f in INPUT_FORMATS)
        raise UnsupportedMediaType(f"cannot read a graph sent as {kind or '(no type)'}: send one of {accepted}")
    return fmt


EXPANSION = 10  # a body's triples may take this many times EVENTGRAPH_MAX_REQUEST_BYTES as N-Triples


def as_ntriples(body: bytes, media_type: str | None, base_iri: str | None, max_bytes: int) -> bytes:
    """A request body's triples as N-Triples: what a query worker answers for a Graph Store write
    (the body is parsed there, under the time and memory limits, never in the server's process).

    :raises UnsupportedMediaType: for a media type that is not an RDF graph format.
    :raises UserError: when the body is not valid, or its triples take more than ``max_bytes``
        (a small RDF/XML body can define entities that expand a thousandfold).
    """
    data = serialize(read_triples(body, input_format(media_type), base_iri), format=RdfFormat.N_TRIPLES)
    assert data is not None  # no output given: serialize returns the bytes
    if len(data) > max_bytes:
        raise TooLarge(
            f"the body's triples take {len(data):,} bytes as N-Triples, more than {max_bytes:,} "
            f"({EXPANSION} × EVENTGRAPH_MAX_REQUEST_BYTES): send them in several requests"
        )
    return data


class TooLarge(UserError):
    status = 413


def read_triples(body: bytes, fmt: RdfFormat, base_iri: str | None) -> list[Triple]:
    """Parse a whole request body before anything is written.

    :raises UserError: 400 with the parser's message (and position) when the body is not valid.
    """
    try:
        items = list(parse(body, fmt, base_iri=base_iri))
    except SyntaxError as exc:
        raise UserError(f"the {fmt.name} body is not valid: {exc}") from None
    triples = []
    for item in items:
        if isinstance(item, Quad):  # JSON-LD reads into a dataset
            if not isinstance(item.graph_name, DefaultGraph):
                raise UserError("the body holds named graphs: send one graph per request")
            item = item.triple
        triples.append(item)
    return triples


def exists(store: Store, graph: Graph) -> bool:
    return graph is DEFAULT or store.has_graph(graph)


def graph_bytes(store: Store, graph: Graph, fmt: RdfFormat, prefixes: dict[str, str]) -> bytes:
    """The triples of one graph serialised in ``fmt``.

    :raises NotFound: when the named graph does not exist.
    """
    if not exists(store, graph):
        raise NotFound(f"no graph <{graph}> in this store")
    buffer = io.BytesIO()
    store.dump(buffer, RdfFormat.N_TRIPLES, graph)
    return triples_bytes(parse(buffer.getvalue(), RdfFormat.N_TRIPLES), fmt, prefixes)


def _data(graph: Graph, ntriples: bytes) -> str:
    body = ntriples.decode("utf-8")
    if not body:
        return ""
    if graph is DEFAULT:
        return f"INSERT DATA {{\n{body}}}"
    return f"INSERT DATA {{ GRAPH {NamedNode(graph)} {{\n{body}}} }}"


def put(store: Store, graph: Graph, ntriples: bytes) -> bool:
    """Replace the graph's content with triples given as N-Triples; True when the graph was created."""
    created = not exists(store, graph)
    if graph is DEFAULT:
        parts = ["DROP SILENT DEFAULT"]
    else:
        parts = [f"DROP SILENT GRAPH {NamedNode(graph)}", f"CREATE SILENT GRAPH {NamedNode(graph)}"]
    store.update(" ;\n".join(p for p in (*parts, _data(graph, ntriples)) if p))
    return created


def post(store: Store, graph: Graph, ntriples: bytes) -> bool:
    """Add triples given as N-Triples to the graph (blank nodes are new); True when the graph was created."""
    created = not exists(store, graph)
    parts = [] if graph is DEFAULT else [f"CREATE SILENT GRAPH {NamedNode(graph)}"]
    store.update(" ;\n".join(p for p in (*parts, _data(graph, ntriples)) if p))
    return created


def delete(store: Store, graph: Graph) -> None:
    """Drop a named graph, or empty the default graph.

    :raises NotFound: when the named graph does not exist.
    """
    if graph is DEFAULT:
        store.update("DROP SILENT DEFAULT")
    elif not store.drop_graph(graph):
        raise NotFound(f"no graph <{graph}> in this store")


def new_graph_iri(base_iri: str) -> str:
    """A fresh graph IRI for POST graph creation, under the base IRI's ``graph/`` space."""
    return f"{base_iri}graph/upload/{uuid.uuid4().hex}"
