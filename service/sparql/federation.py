"""Which remote endpoints a request may make the server call: the SERVICE allowlist.

pyoxigraph evaluates ``SERVICE <url>`` itself, with its own HTTP client, and an update's
``LOAD <url>`` fetches too. Left alone, anyone who can send a query could make the server call
addresses inside the operator's network. So before evaluation every SERVICE IRI is found by a
full SPARQL parse (rdflib's grammar, on the same text) and must be exactly one of the allowed
URLs; variable SERVICE IRIs and LOAD are refused. pyoxigraph does not follow HTTP redirects
from a SERVICE endpoint (it fails with "too many redirects"), so an allowed endpoint cannot
bounce the call elsewhere.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from service.errors import Forbidden
from service.sparql.tokens import unescape


class FederationRefused(Forbidden):
    """A SERVICE call or LOAD outside what the server allows."""


def _mentions(text: str, word: str) -> bool:
    # A necessary condition, cheap enough for every request: pyoxigraph only calls out for a
    # query that contains the keyword, and keywords cannot be written with \u escapes.
    return word in text.lower() or word in unescape(text).lower()


def check_query(text: str, allow: Sequence[str], base_iri: str | None = None) -> None:
    """Refuse a query whose SERVICE clauses name anything but an allowed endpoint.

    :raises FederationRefused: a SERVICE IRI that is a variable, relative, or not allowed.
    """
    if not _mentions(text, "service"):
        return
    from rdflib.plugins.sparql.algebra import translatePrologue
    from rdflib.plugins.sparql.parser import parseQuery

    tree = _parse(parseQuery, text)
    prologue = translatePrologue(tree[0], base_iri)
    _check_services(_services(tree[1]), prologue, allow)


def check_update(text: str, allow: Sequence[str], base_iri: str | None = None) -> None:
    """Refuse an update that uses LOAD, or a SERVICE outside the allowlist.

    :raises FederationRefused: as :func:`check_query`, and for any LOAD.
    """
    if not (_mentions(text, "service") or _mentions(text, "load")):
        return
    from rdflib.plugins.sparql.algebra import translatePrologue
    from rdflib.plugins.sparql.parser import parseUpdate

    tree = _parse(parseUpdate, text)
    prologue = None
    for decls, request in zip(tree.get("prologue", []), tree.get("request", []), strict=False):
        prologue = translatePrologue(decls, base_iri, prologue=prologue)
        if _name(request) == "Load":
            raise FederationRefused(
                "LOAD is disabled on this server: upload data with the Graph Store protocol (PUT or POST /graph-store)"
            )
        _check_services(_services(request), prologue, allow)


def _parse(parser: Any, text: str) -> Any:
    from pyparsing import ParseBaseException

    try:
        return parser(text)
    except (ParseBaseException, ValueError, RecursionError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise FederationRefused(
            "this request mentions SERVICE or LOAD but could not be checked against the SERVICE allowlist "
            f"(SPARQL 1.1 parse failed: {first})"
        ) from None


def _name(node: Any) -> str | None:
    return getattr(node, "name", None)


def _services(node: Any) -> Iterator[Any]:
    """The raw IRI terms (IRI, prefixed name or variable) of every SERVICE pattern, at any depth."""
    if _name(node) == "ServiceGraphPattern":
        yield node.get("term")
    from pyparsing import ParseResults

    if isinstance(node, dict):
        children: Any = list(node.values())
    elif isinstance(node, ParseResults):
        children = [*node, *node.values()]  # list items and named results
    elif isinstance(node, list | tuple):
        children = node
    else:
        return
    for child in children:
        yield from _services(child)


def _check_services(terms: Iterator[Any], prologue: Any, allow: Sequence[str]) -> None:
    allowed = set(allow)
    for raw in terms:
        iri = _resolve(raw, prologue)
        if iri not in allowed:
            listed = ", ".join(sorted(allowed)) or "none"
            raise FederationRefused(
                f"SERVICE <{iri}> is not allowed: this server only calls {listed} "
                "(--service-allow / EVENTGRAPH_SERVICE_ALLOW)"
            )


def _resolve(raw: Any, prologue: Any) -> str:
    from rdflib.term import URIRef, Variable

    if isinstance(raw, Variable):
        raise FederationRefused(f"SERVICE ?{raw} is not allowed: name the endpoint with a constant IRI")
    if _name(raw) == "pname":
        namespace = prologue.namespace_manager.store.namespace(raw.get("prefix") or "")
        if namespace is None:
            raise FederationRefused(f"SERVICE uses the undeclared prefix {raw.get('prefix') or ''}:")
        iri = str(namespace) + (raw.get("localname") or "")
        if _absolute(iri):
            return iri
    if isinstance(raw, URIRef) and _absolute(str(raw)):
        return str(raw)
    raise FederationRefused(f"SERVICE <{raw}> is not allowed: give the endpoint as an absolute IRI")


@functools.lru_cache(maxsize=256)
def _absolute(iri: str) -> bool:
    parts = urlsplit(iri)
    return bool(parts.scheme and parts.netloc)
