"""Result rows → the project's event JSON (``service.model.Event.to_json``) plus IRIs and links.

The fields and their order follow the event JSON format, so an export reads back with
``service.model.events_from_json``. What the format does not carry is added beside it:
``iri`` on the event and on each actor, ``key`` (the event's address in this API),
``label`` (:mod:`service.timeline.labels`), ``document`` and ``links``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import quote, unquote, urlencode

from pyoxigraph import Literal, NamedNode, QuerySolution

from service.errors import NotFound
from service.rdf.iris import Iris, encode
from service.rdf.mapping import EVENT_CLASSES
from service.rdf.namespaces import XSD
from service.timeline import fields
from service.timeline.labels import event_label

TYPE_OF_CLASS = {cls.value: name for name, cls in EVENT_CLASSES.items()}
ROLE_FIELDS = {
    "https://w3id.org/eventgraph#agent": "agents",
    "https://w3id.org/eventgraph#recipient": "recipients",
    "https://w3id.org/eventgraph#participant": "participants",
    "http://semanticweb.cs.vu.nl/2009/11/sem/hasPlace": "places",
}
_NUMBERS = {XSD.integer.value: int, XSD.decimal.value: float, XSD.double.value: float, XSD.int.value: int}
_BOOLEAN = XSD.boolean.value


def value(term: Any) -> Any:
    """A literal as the Python value the JSON wants; an IRI as its string; unbound as None."""
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, Literal):
        kind = term.datatype.value
        if kind in _NUMBERS:
            number = _NUMBERS[kind](term.value)
            return int(number) if isinstance(number, float) and number.is_integer() else number
        if kind == _BOOLEAN:
            return term.value in ("true", "1")
        return term.value
    return str(term)


def event_key(iris: Iris, iri: str) -> str:
    """The event's address in this API: its IRI after ``{base}id/event/``."""
    prefix = f"{iris.base}id/event/"
    return iri[len(prefix) :] if iri.startswith(prefix) else iri


def event_iri(iris: Iris, key: str) -> NamedNode:
    """The IRI of the event at ``key`` (percent-encoding restored, as routers decode paths).

    :raises NotFound: when ``key`` cannot be an event key.
    """
    doc, sep, digest = key.rpartition("-")
    if not sep or not doc or len(digest) != 12 or any(c not in "0123456789abcdef" for c in digest):
        raise NotFound(f"no event {key!r}: event keys look like <document id>-<12 hex digits>")
    return NamedNode(f"{iris.base}id/event/{encode(unquote(doc))}-{digest}")


def local_path(iris: Iris, iri: str) -> str:
    """The path under which this server describes an IRI it minted (its linked-data page)."""
    return "/" + iri[len(iris.base) :] if iri.startswith(iris.base) else iri


def _date_json(row: QuerySolution) -> dict[str, Any]:
    out: dict[str, Any] = {
        "earliest": value(row["early"]),
        "latest": value(row["late"]),
        "precision": value(row["precision"]) or "unknown",
    }
    if row["expression"] is not None:
        out["expression"] = value(row["expression"])
    out["basis"] = value(row["basis"]) or "explicit"
    return out


def _actor_json(row: QuerySolution) -> dict[str, Any]:
    wikidata = value(row["wikidata"])
    out: dict[str, Any] = {
        "name": value(row["name"]) or "",
        "kind": value(row["memberKind"] if row["group"] is not None else row["kind"]) or "other",
        "wikidata": wikidata.rsplit("/", 1)[1] if wikidata else None,
    }
    if row["group"] is not None:
        out["group"] = True
        out["count"] = value(row["count"])
        out["approximate"] = bool(value(row["approximate"]))
    out["iri"] = value(row["a"])
    return out


def _aid_json(row: QuerySolution) -> dict[str, Any]:
    amount = value(row["amount"])
    out: dict[str, Any] = {
        "item": value(row["label"]) or "",
        "quantity": value(row["quantity"]),
        "unit": value(row["unit"]),
        "value": {"amount": amount, "currency": value(row["currency"])} if amount is not None else None,
        "approximate": bool(value(row["approximate"])),
    }
    if row["category"] is not None:
        out["category"] = unquote(value(row["category"]))
    return out


def _aid_index(iri: str) -> int:
    tail = iri.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _links(iris: Iris, iri: str, key: str, doc_id: str | None, sentence_start: int) -> dict[str, str]:
    links = {
        "self": f"/api/events/{quote(key)}",
        "timeline": "/timeline?" + urlencode({"event": key}),
        "rdf": local_path(iris, iri),
        "sparql": fields.about_event_link(NamedNode(iri)),
        "editor": fields.about_event_link(NamedNode(iri), editor=True),
    }
    if doc_id is not None:
        links["document"] = f"/documents/{quote(doc_id, safe='')}#s-{sentence_start}"
    return links


def event_json(
    iris: Iris, row: QuerySolution, actors: dict[str, list[dict[str, Any]]], aid: list[dict[str, Any]]
) -> dict[str, Any]:
    """One event in the event JSON format, from its scalar row and its actors and aid."""
    iri, key = row["e"].value, event_key(iris, row["e"].value)
    s_start, s_end = value(row["sStart"]) or 0, value(row["sEnd"]) or 0
    doc_id = value(row["docId"])
    kind = TYPE_OF_CLASS.get(row["cls"].value, "other")
    return {
        "id": value(row["id"]) or key,
        "type": kind,
        "trigger": value(row["trigger"]) or "",
        "sentence": value(row["sentence"]) or "",
        "date": _date_json(row),
        **{field: actors.get(field, []) for field in ROLE_FIELDS.values()},
        "aid": aid,
        "offsets": {"sentence": [s_start, s_end], "trigger": [value(row["tStart"]) or 0, value(row["tEnd"]) or 0]},
        "confidence": value(row["confidence"]) if row["confidence"] is not None else 1.0,
        "planned": bool(value(row["planned"])),
        "iri": iri,
        "key": key,
        "label": event_label({"type": kind, **actors, "aid": aid}),
        "document": {
            "id": doc_id,
            "iri": value(row["doc"]),
            "title": value(row["title"]),
            "published": value(row["published"]),
        },
        "links": _links(iris, iri, key, doc_id, s_start),
    }


def group_actors(rows: Any) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """event IRI → role field → actors (sorted by name, each actor once per role)."""
    out: dict[str, dict[str, dict[str, dict[str, Any]]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        out[row["e"].value][ROLE_FIELDS[row["role"].value]].setdefault(row["a"].value, _actor_json(row))
    return {
        e: {
            field: sorted(actors.values(), key=lambda a: (a["name"].lower(), a["iri"]))
            for field, actors in roles.items()
        }
        for e, roles in out.items()
    }


def group_aid(rows: Any) -> dict[str, list[dict[str, Any]]]:
    """event IRI → its aid items in the order of the event JSON (the index in the item IRI)."""
    items: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in rows:
        items[row["e"].value].setdefault(row["item"].value, _aid_json(row))
    return {e: [found[i] for i in sorted(found, key=_aid_index)] for e, found in items.items()}
