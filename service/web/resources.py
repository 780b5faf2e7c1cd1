"""Linked data: every IRI minted under ``{base}id/`` resolves here, as an HTML page for browsers
and as Turtle, JSON-LD, N-Triples (or the other RDF formats) by content negotiation or ``?format=``.
Aid category concepts (``https://w3id.org/eventgraph/category/{key}``) resolve the same way at
``/category/{key}``.

The HTML page of an actor, an event or an aid category is written for a reader (see
:mod:`service.timeline.profile`); every page keeps the raw triples, behind a disclosure on those.

Links to IRIs go through :func:`iri_href` (the ``iri_href`` template filter): an IRI under the
configured base IRI links to the same path on the host the page was asked from, so the links
work whatever address the server is reached at.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Blueprint, Response, render_template, request
from pyoxigraph import Literal, NamedNode, RdfFormat

from service.errors import NotFound
from service.rdf.iris import Iris, encode
from service.rdf.namespaces import EG, PREFIXES, compact
from service.sparql import conneg
from service.sparql.describe import PART_DEPTH, Description, describe
from service.sparql.rdf_output import triples_bytes
from service.timeline.profile import actor_profile, category_key, category_profile, event_profile
from service.web.runtime import runtime

bp = Blueprint("resources", __name__)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def href_for(iri: str, base: str, root: str = "") -> str | None:
    """Where a link to ``iri`` points, on a page served under ``root`` (the app's script root).

    * an IRI under ``base`` (the configured base IRI) → ``{root}/{the rest}``: the same path on the
      scheme, host and port the page was asked from, whatever the base IRI names;
    * an aid category concept → ``{root}/category/{key}``, its page here;
    * any other http(s) IRI → itself (Wikidata, the vocabularies);
    * anything else (``javascript:``, ``data:``, URNs) → None: never a link.
    """
    if iri.startswith(base):
        return f"{root}/{iri[len(base) :]}"
    key = category_key(iri)
    if key is not None:
        return f"{root}/category/{encode(key)}"
    return iri if iri.lower().startswith(("http://", "https://")) else None


def iri_href(iri: object) -> str | None:
    """The ``iri_href`` template filter: :func:`href_for` for the current request (None for no IRI)."""
    if not iri:
        return None
    return href_for(str(iri), runtime().iris.base, request.script_root)


@bp.get("/id/<path:rest>")
def resource(rest: str) -> Response:
    # Minted IRIs percent-encode each segment; the segments are read from the raw path when the
    # server gives it, since the routed path is decoded and a '/' inside a document id (%2F)
    # would split its segment in two.
    return answer(runtime().iris.base + "id/" + "/".join(encode(part) for part in _segments(rest)))


def _segments(rest: str) -> list[str]:
    """The decoded segments of the path after ``/id/``."""
    raw = urlsplit(request.environ.get("REQUEST_URI") or "").path
    prefix = request.script_root + "/id/"
    if raw.startswith(prefix):
        segments = [unquote(part) for part in raw[len(prefix) :].split("/")]
        if "/".join(segments) == rest:  # the same path, only split where the client put a '/'
            return segments
    return rest.split("/")


@bp.get("/category/<key>")
def category(key: str) -> Response:
    """An aid category concept: its IRI is not under the base, its page is here."""
    return answer(Iris.category(key))


def answer(iri: str) -> Response:
    """The page of ``iri`` for a browser, its triples in an RDF format for anyone else."""
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
    """The human page of an actor, an event or an aid category; the raw page of anything else."""
    rt = runtime()
    base = rt.iris.base
    own = d.own()
    types = [t.object for t in own if t.predicate.value == RDF_TYPE]
    source = d.evidence.document if d.evidence else None
    raw = {
        "iri": d.iri,
        "title": title(d, types),
        "types": [value_view(t, d, base) for t in types],
        "rows": rows_of(d, d.iri, base, skip_types=True),
        "incoming": [(value_view(s, d, base), compact(p.value)) for s, p in d.incoming],
        "evidence": d.evidence,
        "evidence_doc": value_view(NamedNode(source), d, base) if source else None,
    }
    kind = rt.iris.kind_of(d.iri)
    html: str | None = None
    if kind in ("actor", "group"):
        actor = actor_profile(rt.store, rt.iris, d.iri)
        if actor is not None:
            html = render_template("actor.html", actor=actor, **raw)
    elif kind == "event":
        event = event_profile(rt.store, rt.iris, d.iri)
        if event is not None:
            html = render_template("event.html", event=event, **raw)
    elif kind == "category":
        concept = category_profile(rt.store, rt.iris, d.iri)
        if concept is not None:
            html = render_template("category.html", category=concept, **raw)
    if html is None:
        doc_id = rt.iris.doc_id_of(d.iri) if kind == "document" else None
        html = render_template("resource.html", reading=doc_id, **raw)
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
    """How a term is shown: text, an optional link (IRIs served here link to this server) and a note."""
    if isinstance(term, NamedNode):
        href = href_for(term.value, base, request.script_root)
        local = href is not None and href != term.value
        text = d.label(term.value) or (href if local else compact(term.value))
        return {"text": text, "href": href, "note": None if local else compact(term.value)}
    if isinstance(term, Literal):
        note = f"@{term.language}" if term.language else compact(term.datatype.value)
        return {"text": term.value, "href": None, "note": None if note == "xsd:string" else note}
    return {"text": str(term), "href": None, "note": None}
