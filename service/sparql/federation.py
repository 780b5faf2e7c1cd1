"""Which remote endpoints a request may make the server call: the SERVICE allowlist.

pyoxigraph evaluates ``SERVICE <url>`` itself, with its own HTTP client, and an update's
``LOAD <url>`` fetches too. Left alone, anyone who can send a query could make the server call
addresses inside the operator's network. So before evaluation every SERVICE IRI is found twice
on the canonical text that the engine then runs (:func:`service.sparql.tokens.canonical`): by
a full SPARQL parse (rdflib's grammar) and by the tokenizer (the keyword SERVICE, then the
endpoint). Both must find the same number of SERVICE clauses and every endpoint must be exactly
one of the allowed URLs; a text that either cannot read is refused, never passed through. The
canonical text has no comments left (the tokenizer's are blanked), so the two readers cannot be
told apart by where a comment ends (rdflib ends one at a line feed only, the engine at a carriage
return too), and a prefixed name is read with its escapes (``x:a\\#``), as the engine reads it.
Variable SERVICE IRIs and LOAD are refused. This runs in a query worker, under its limits.
pyoxigraph does not follow HTTP redirects from a SERVICE endpoint (it fails with "too many
redirects"), so an allowed endpoint cannot bounce the call elsewhere.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from service.errors import Forbidden
from service.sparql.tokens import Token, canonical, tokenize


class FederationRefused(Forbidden):
    """A SERVICE call or LOAD outside what the server allows."""


def _mentions(text: str, word: str) -> bool:
    # A necessary condition: the text is canonical (no \u escapes left), and a keyword is
    # written with its letters in any case.
    return word in text.lower()


_LOAD_REFUSED = "LOAD is disabled on this server: upload data with the Graph Store protocol (PUT or POST /graph-store)"


def check_query(text: str, allow: Sequence[str], base_iri: str | None = None, tokens: list[Token] | None = None) -> int:
    """Refuse a query whose SERVICE clauses name anything but an allowed endpoint, and say how many
    it has. ``text`` must be canonical: it is what the engine will run.

    :raises FederationRefused: a SERVICE IRI that is a variable, relative, or not allowed, or a
        query that the two readings see differently.
    """
    if tokens is None:
        text = canonical(text)  # the planner passes the canonical text and its tokens
    if not _mentions(text, "service"):
        return 0
    from rdflib.plugins.sparql.algebra import translatePrologue
    from rdflib.plugins.sparql.parser import parseQuery

    by_tokens = _token_services(tokens if tokens is not None else tokenize(text), allow)
    tree = _parse(parseQuery, text)
    prologue = translatePrologue(tree[0], base_iri)
    _agree(by_tokens, _check_services(_services(tree[1]), prologue, allow))
    return by_tokens


def check_update(
    text: str, allow: Sequence[str], base_iri: str | None = None, tokens: list[Token] | None = None
) -> int:
    """Refuse an update that uses LOAD, or a SERVICE outside the allowlist (``text`` canonical), and
    say how many SERVICE clauses it has.

    :raises FederationRefused: as :func:`check_query`, and for any LOAD.
    """
    if tokens is None:
        text = canonical(text)
    if not (_mentions(text, "service") or _mentions(text, "load")):
        return 0
    from rdflib.plugins.sparql.algebra import translatePrologue
    from rdflib.plugins.sparql.parser import parseUpdate

    tokens = tokens if tokens is not None else tokenize(text)
    if any(t.is_word("LOAD") for t in tokens):
        raise FederationRefused(_LOAD_REFUSED)
    by_tokens = _token_services(tokens, allow)
    tree = _parse(parseUpdate, text)
    prologue = None
    found = 0
    for decls, request in zip(tree.get("prologue", []), tree.get("request", []), strict=False):
        prologue = translatePrologue(decls, base_iri, prologue=prologue)
        if _name(request) == "Load":
            raise FederationRefused(_LOAD_REFUSED)
        found += _check_services(_services(request), prologue, allow)
    _agree(by_tokens, found)
    return by_tokens


def _token_services(tokens: list[Token], allow: Sequence[str]) -> int:
    """The SERVICE clauses as the tokenizer reads them, each endpoint checked; their number."""
    prefixes: dict[str, str] = {}
    count = 0
    for index, token in enumerate(tokens):
        if token.is_word("PREFIX") and index + 2 < len(tokens) and tokens[index + 2].kind == "iri":
            prefixes[tokens[index + 1].text] = tokens[index + 2].text[1:-1]
        if not token.is_word("SERVICE"):
            continue
        count += 1
        rest = tokens[index + 1 : index + 3]
        target = rest[1] if rest and rest[0].is_word("SILENT") and len(rest) > 1 else rest[0] if rest else None
        if target is None or target.kind not in ("iri", "pname"):
            raise FederationRefused("SERVICE must name its endpoint with a constant IRI")
        if target.kind == "iri":
            iri = target.text[1:-1]
            if not _absolute(iri):
                raise FederationRefused(f"SERVICE <{iri}> is not allowed: give the endpoint as an absolute IRI")
        else:
            prefix, _, local = target.text.partition(":")
            if prefix + ":" not in prefixes:
                raise FederationRefused(f"SERVICE uses the undeclared prefix {prefix}:")
            iri = prefixes[prefix + ":"] + local
        _allowed(iri, allow)
    return count


def _agree(by_tokens: int, by_grammar: int) -> None:
    if by_tokens != by_grammar:
        raise FederationRefused(
            f"this request could not be checked against the SERVICE allowlist: it reads as {by_tokens} SERVICE "
            f"clause(s) to one reader and {by_grammar} to another; write it plainly"
        )


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
        # list items and named results
        children = [*node, *node.values()]  # type: ignore[no-untyped-call]  # pyparsing: values() unannotated
    elif isinstance(node, list | tuple):
        children = node
    else:
        return
    for child in children:
        yield from _services(child)


def _check_services(terms: Iterator[Any], prologue: Any, allow: Sequence[str]) -> int:
    count = 0
    for raw in terms:
        _allowed(_resolve(raw, prologue), allow)
        count += 1
    return count


def _allowed(iri: str, allow: Sequence[str]) -> None:
    if iri not in set(allow):
        listed = ", ".join(sorted(allow)) or "none"
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
