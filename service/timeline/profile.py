"""Profiles: what the human pages of an actor, an event and an aid category show.

An actor's profile is its name, kind and Wikidata link, its events as a dated list (the role it
plays in each, the other actors, the aid in short, the evidence sentence, the document) and how
many events of each type it takes part in; an event's is the event JSON with its evidence split
around the trigger; an aid category's is its label, its Wikidata links and the events whose aid
falls in it. Each query starts from the one IRI it is given, serialised by pyoxigraph (an IRI
from a request is validated by ``NamedNode`` before it reaches the text), and the lists are
bounded (:data:`MAX_EVENTS`), so the cost follows the page and not the store.

Plain dicts and strings out, for a template to render with escaping on; nothing here builds HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import unquote, urlencode

from pyoxigraph import NamedNode

from service.rdf.iris import Iris
from service.rdf.mapping import EVENT_CLASSES
from service.rdf.namespaces import CATEGORY
from service.store import Store
from service.timeline.assemble import ROLE_FIELDS, TYPE_OF_CLASS, value
from service.timeline.events import Finder
from service.timeline.queries import CURATED, PROLOGUE, ROLES

MAX_EVENTS = 200  # events listed on one page; the counts cover them all, the timeline shows the rest
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
WIKIDATA_PAGE = "https://www.wikidata.org/wiki/"
_SSSOM = "https://w3id.org/sssom/"
_CLASSES = ", ".join(str(c) for c in EVENT_CLASSES.values())
ROLE_NAMES = {"agents": "agent", "recipients": "recipient", "participants": "participant", "places": "place"}
_MATCHES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


# ---- the queries ------------------------------------------------------------------------------


def actor_query(actor: NamedNode) -> str:
    """The actor's own fields; its Wikidata label when a reconciliation recorded one."""
    return f"""{PROLOGUE}SELECT ?name ?kind ?memberKind ?wikidata ?wdLabel ?group ?count ?approximate WHERE {{
  {actor} a sem:Actor .
  OPTIONAL {{ {actor} rdfs:label ?name }}
  OPTIONAL {{ {actor} eg:kind ?kind }}
  OPTIONAL {{ {actor} eg:memberKind ?memberKind }}
  OPTIONAL {{ {actor} a eg:ActorGroup BIND(true AS ?group) }}
  OPTIONAL {{ {actor} eg:memberCount ?count }}
  OPTIONAL {{ {actor} eg:approximate ?approximate }}
  OPTIONAL {{ {actor} skos:exactMatch ?wikidata FILTER(STRSTARTS(STR(?wikidata), "{WIKIDATA_ENTITY}"))
    OPTIONAL {{ ?axiom owl:annotatedSource {actor} ; owl:annotatedTarget ?wikidata ;
      <{_SSSOM}object_label> ?wdLabel }} }}
}}
LIMIT 1"""


def _of_actor(actor: NamedNode) -> str:
    return f"{{ ?e {'|'.join(ROLES)} {actor} }}"


def actor_events_query(actor: NamedNode, limit: int) -> str:
    """The actor's events in date order (undated last), ``limit`` at most."""
    return f"""{PROLOGUE}SELECT DISTINCT ?e ?early WHERE {{
  {_of_actor(actor)} {CURATED}
  OPTIONAL {{ ?e eg:earliest ?early }}
}}
ORDER BY (IF(BOUND(?early), 0, 1)) ?early STR(?e)
LIMIT {int(limit)}"""


def actor_type_counts(actor: NamedNode) -> str:
    """How many of the actor's events are of each type."""
    return f"""{PROLOGUE}SELECT ?cls (COUNT(DISTINCT ?e) AS ?n) WHERE {{
  {_of_actor(actor)} {CURATED}
  ?e a ?cls FILTER(?cls IN ({_CLASSES}))
}}
GROUP BY ?cls"""


def actor_role_counts(actor: NamedNode) -> str:
    """In how many events the actor is agent, recipient, participant, place."""
    return f"""{PROLOGUE}SELECT ?role (COUNT(DISTINCT ?e) AS ?n) WHERE {{
  ?e ?role {actor} FILTER(?role IN ({", ".join(ROLES)})) {CURATED}
}}
GROUP BY ?role"""


def category_query(category: NamedNode) -> str:
    """The concept's label and notation, and its links to Wikidata (one row per link)."""
    matches = ", ".join(f"skos:{m}" for m in _MATCHES)
    return f"""{PROLOGUE}SELECT ?label ?notation ?rel ?target WHERE {{
  {category} a skos:Concept .
  OPTIONAL {{ {category} skos:prefLabel ?label }}
  OPTIONAL {{ {category} skos:notation ?notation }}
  OPTIONAL {{ {category} ?rel ?target FILTER(?rel IN ({matches})) }}
}}"""


def category_events_query(category: NamedNode, limit: int) -> str:
    """The events with aid in the category, in date order (undated last), ``limit`` at most."""
    return f"""{PROLOGUE}SELECT DISTINCT ?e ?early WHERE {{
  ?item eg:itemCategory {category} . ?e eg:hasAid ?item . {CURATED}
  OPTIONAL {{ ?e eg:earliest ?early }}
}}
ORDER BY (IF(BOUND(?early), 0, 1)) ?early STR(?e)
LIMIT {int(limit)}"""


def category_counts(category: NamedNode) -> str:
    """How many aid items fall in the category, and in how many events."""
    return f"""{PROLOGUE}SELECT (COUNT(DISTINCT ?item) AS ?items) (COUNT(DISTINCT ?e) AS ?events) WHERE {{
  ?item eg:itemCategory {category} . ?e eg:hasAid ?item . {CURATED}
}}"""


# ---- what the pages show ----------------------------------------------------------------------


def date_label(d: dict[str, Any]) -> str:
    """A date as a reader says it, to its precision: ``3 February 2020``, ``March 2020``, ``2020``,
    ``2020-01-01 – 2020-07-21``, ``from 2020-05-01``, ``undated``."""
    early, late, precision = d.get("earliest"), d.get("latest"), d.get("precision")
    try:
        first = date.fromisoformat(early) if early else None
    except ValueError:
        first = None
    if first is not None and precision == "day" and late in (None, early):
        return f"{first.day} {_MONTHS[first.month - 1]} {first.year}"
    if first is not None and precision == "month":
        return f"{_MONTHS[first.month - 1]} {first.year}"
    if first is not None and precision == "year":
        return str(first.year)
    if early and late:
        return early if early == late else f"{early} – {late}"
    if early:
        return f"from {early}"
    if late:
        return f"until {late}"
    return "undated"


def _number(n: Any) -> str:
    if isinstance(n, float) and not n.is_integer():
        return f"{n:,.2f}".rstrip("0").rstrip(".")
    return f"{int(n):,}" if isinstance(n, int | float) else str(n)


def aid_label(item: dict[str, Any]) -> str:
    """An aid item in short: ``more than 100,000 masks``, ``10,000 pairs of gloves``, ``USD 5,000``."""
    words = []
    if item.get("quantity") is not None:
        words.append(("more than " if item.get("approximate") else "") + _number(item["quantity"]))
        if item.get("unit") and item["unit"] != "pieces":
            words.append(f"{item['unit']} of")
    if item.get("item"):
        words.append(item["item"])
    money = item.get("value")
    if money and money.get("amount") is not None:
        worth = f"{money.get('currency') or ''} {_number(money['amount'])}".strip()
        words.append(f"({worth})" if item.get("quantity") is not None or item.get("item") else worth)
    return " ".join(w for w in words if w)


def split_evidence(event: dict[str, Any]) -> tuple[str, str, str]:
    """The sentence split around its trigger (before, trigger, after), by the offsets when they fit."""
    sentence, trigger = event.get("sentence") or "", event.get("trigger") or ""
    s_start = event["offsets"]["sentence"][0]
    start = event["offsets"]["trigger"][0] - s_start
    if not (start >= 0 and trigger and sentence[start : start + len(trigger)] == trigger):
        start = sentence.find(trigger) if trigger else -1
    if start < 0:
        return sentence, "", ""
    return sentence[:start], trigger, sentence[start + len(trigger) :]


def _decorate(event: dict[str, Any], iris: Iris) -> dict[str, Any]:
    """What the pages add to the event JSON: the date in words, the evidence split, the aid in short."""
    event["date_label"] = date_label(event["date"])
    event["evidence"] = split_evidence(event)
    for item in event["aid"]:
        item["label"] = aid_label(item)
        item["category_iri"] = iris.category(item["category"]) if item.get("category") else None
    return event


def _events(store: Store, iris: Iris, rows: Any) -> list[dict[str, Any]]:
    nodes = [row["e"] for row in rows]
    return [_decorate(e, iris) for e in Finder(store, iris).details(nodes)]


def _list(store: Store, query: str) -> list[Any]:
    return list(store.query(query))  # type: ignore[arg-type]  # a SELECT: QuerySolutions


@dataclass(frozen=True)
class Listing:
    """A bounded list of events and how many there are in all."""

    events: list[dict[str, Any]]
    total: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.events)


def actor_profile(store: Store, iris: Iris, iri: str) -> dict[str, Any] | None:
    """The actor's page; None when ``iri`` names no actor."""
    node = NamedNode(iri)
    rows = _list(store, actor_query(node))
    if not rows:
        return None
    row = rows[0]
    group = row["group"] is not None
    wikidata = value(row["wikidata"])
    qid = wikidata[len(WIKIDATA_ENTITY) :] if wikidata else None
    counts = {TYPE_OF_CLASS[r["cls"].value]: int(r["n"].value) for r in _list(store, actor_type_counts(node))}
    events = _events(store, iris, _list(store, actor_events_query(node, MAX_EVENTS)))
    for event in events:
        event["roles"] = [ROLE_NAMES[f] for f in ROLE_FIELDS.values() if any(a["iri"] == iri for a in event[f])]
        event["counterparts"] = [
            dict(a, role=ROLE_NAMES[f]) for f in ROLE_FIELDS.values() for a in event[f] if a["iri"] != iri
        ]
    by_role = {
        ROLE_NAMES[ROLE_FIELDS[r["role"].value]]: int(r["n"].value) for r in _list(store, actor_role_counts(node))
    }
    return {
        "iri": iri,
        "name": value(row["name"]) or iri.rsplit("/", 1)[-1],
        "kind": value(row["memberKind"] if group else row["kind"]) or "other",
        "group": group,
        "count": value(row["count"]),
        "approximate": bool(value(row["approximate"])),
        "wikidata": {"qid": qid, "iri": wikidata, "url": WIKIDATA_PAGE + qid, "label": value(row["wdLabel"])}
        if qid
        else None,
        "types": sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])),
        "listing": Listing(events, sum(counts.values())),
        "roles": by_role,
        "timeline": "/timeline?" + urlencode({"actor": iri}),
    }


def event_profile(store: Store, iris: Iris, iri: str) -> dict[str, Any] | None:
    """The event's page: the event JSON with its date in words, evidence split and aid in short."""
    found = _events(store, iris, [{"e": NamedNode(iri)}])
    return found[0] if found else None


def category_key(iri: str) -> str | None:
    """``masks`` from the concept IRI of the aid category ``masks``; None for any other IRI."""
    rest = iri[len(CATEGORY.iri) :] if iri.startswith(CATEGORY.iri) else ""
    return unquote(rest) if rest and "/" not in rest else None


def category_profile(store: Store, iris: Iris, iri: str) -> dict[str, Any] | None:
    """The aid category's page; None when ``iri`` names no category concept."""
    key = category_key(iri)
    if key is None:
        return None
    node = NamedNode(iri)
    rows = _list(store, category_query(node))
    if not rows:
        return None
    links = []
    for r in rows:
        target = value(r["target"])
        if target and target.startswith(WIKIDATA_ENTITY):
            qid = target[len(WIKIDATA_ENTITY) :]
            links.append({"relation": r["rel"].value.rsplit("#", 1)[-1], "qid": qid, "url": WIKIDATA_PAGE + qid})
    counts = _list(store, category_counts(node))
    items = int(value(counts[0]["items"]) or 0) if counts else 0
    total = int(value(counts[0]["events"]) or 0) if counts else 0
    events = _events(store, iris, _list(store, category_events_query(node, MAX_EVENTS)))
    summary: dict[tuple[str, str | None], dict[str, Any]] = {}
    for event in events:
        event["category_items"] = [a for a in event["aid"] if a.get("category") == key]
        for item in event["category_items"]:
            entry = summary.setdefault(
                (item["item"], item.get("unit")),
                {"item": item["item"], "unit": item.get("unit"), "n": 0, "quantity": 0},
            )
            entry["n"] += 1
            entry["quantity"] += item.get("quantity") or 0
    return {
        "iri": iri,
        "key": key,
        "label": value(rows[0]["label"]) or key,
        "notation": value(rows[0]["notation"]),
        "wikidata": sorted(
            links,
            key=lambda link: (_MATCHES.index(link["relation"]) if link["relation"] in _MATCHES else 9, link["qid"]),
        ),
        "item_count": items,
        "summary": sorted(summary.values(), key=lambda e: (-e["n"], e["item"])),
        "listing": Listing(events, total),
    }
