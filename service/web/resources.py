"""Linked data: every IRI minted under ``{base}id/`` resolves here, as an HTML page for browsers
and as Turtle, JSON-LD, N-Triples (or the other RDF formats) by content negotiation or ``?format=``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from flask import Blueprint, Response, render_template, request
from pyoxigraph import Literal, NamedNode, RdfFormat

from service.errors import NotFound
from service.rdf.iris import encode
from service.rdf.namespaces import EG, PREFIXES, compact
from service.sparql import conneg
from service.sparql.describe import PART_DEPTH, Description, describe
from service.sparql.rdf_output import triples_bytes
from service.web.runtime import runtime

bp = Blueprint("resources", __name__)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@bp.get("/id/<path:rest>")
def resource(rest: str) -> Response:
    # The path arrives decoded; minted IRIs percent-encode each segment the same way again.
    iri = runtime().iris.base + "id/" + "/".join(encode(part) for part in rest.split("/"))
    description = describe(runtime().store, iri)
    if not description.found:
        raise NotFound(f"nothing is known about <{iri}>")
    fmt_name = request.args.get("format")
    accept = request.headers.get("Accept")
    if not fmt_name and conneg.html_preferred(accept, conneg.GRAPH_FORMATS):
        return page(description)
    if fmt_name:
        fmt = conneg.by_name(fmt_name.lower(), conneg.GRAPH_FORMATS)
    else:
        fmt = conneg.choose(accept, conneg.GRAPH_FORMATS, RdfFormat.TURTLE)
    resp = Response(triples_bytes(description.triples, fmt, PREFIXES), content_type=conneg.content_type(fmt))
    resp.headers["Vary"] = "Accept"
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


def page(d: Description) -> Response:
    base = runtime().iris.base
    own = d.own()
    types = [t.object for t in own if t.predicate.value == RDF_TYPE]
    source = d.evidence.document if d.evidence else None
    html = render_template(
        "resource.html",
        iri=d.iri,
        title=title(d, types),
        types=[value_view(t, d, base) for t in types],
        rows=rows_of(d, d.iri, base, skip_types=True),
        incoming=[(value_view(s, d, base), compact(p.value)) for s, p in d.incoming],
        evidence=d.evidence,
        evidence_doc=value_view(NamedNode(source), d, base) if source else None,
    )
    resp = Response(html, mimetype="text/html")
    resp.headers["Vary"] = "Accept"
    return resp


def title(d: Description, types: Sequence[object]) -> str:
    """The label; for an event without one, its type and trigger ("Aid delivery: donated")."""
    label = d.label(d.iri)
    if label:
        return label
    kinds = [t.value[len(EG.iri) :] for t in types if isinstance(t, NamedNode) and t.value.startswith(EG.iri)]
    if d.evidence and d.evidence.trigger and kinds:
        kind = re.sub(r"(?<!^)([A-Z])", r" \1", kinds[0]).capitalize()  # AidDelivery → Aid delivery
        return f"{kind}: {d.evidence.trigger}"
    return compact(d.iri)


def rows_of(
    d: Description, subject: str, base: str, *, skip_types: bool = False, depth: int = 0
) -> list[tuple[str, dict[str, Any]]]:
    """(property, value) rows of one subject, sorted; a part (an IRI under the page's IRI) nests its own rows."""
    out: list[tuple[str, dict[str, Any]]] = []
    for t in d.triples:
        if not (isinstance(t.subject, NamedNode) and t.subject.value == subject):
            continue
        if skip_types and t.predicate.value == RDF_TYPE:
            continue
        view = value_view(t.object, d, base)
        if isinstance(t.object, NamedNode) and t.object.value.startswith(d.iri + "/") and depth < PART_DEPTH:
            view["rows"] = rows_of(d, t.object.value, base, depth=depth + 1)
        out.append((compact(t.predicate.value), view))
    return sorted(out, key=lambda row: row[0])


def value_view(term: object, d: Description, base: str) -> dict[str, Any]:
    """How a term is shown: text, an optional link (local IRIs link to this server) and a note."""
    if isinstance(term, NamedNode):
        href: str | None = term.value
        local = term.value.startswith(base)
        if local:
            href = "/" + term.value[len(base) :]
        elif not term.value.startswith(("http://", "https://")):
            href = None  # never a link to javascript:, data: or other schemes
        text = d.label(term.value) or (href if local else compact(term.value))
        return {"text": text, "href": href, "note": None if local else compact(term.value)}
    if isinstance(term, Literal):
        note = f"@{term.language}" if term.language else compact(term.datatype.value)
        return {"text": term.value, "href": None, "note": None if note == "xsd:string" else note}
    return {"text": str(term), "href": None, "note": None}
