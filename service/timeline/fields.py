"""The SPARQL that reads what is known about given events, actors and documents.

Every query here starts from IRIs it is given (``VALUES``) or from a constant, so its cost is a
few index lookups per node it returns; :mod:`service.timeline.queries` finds which events.
"""

from __future__ import annotations

from urllib.parse import quote_plus

from pyoxigraph import NamedNode

from service.rdf.mapping import EVENT_CLASSES
from service.rdf.namespaces import CATEGORY, PREFIXES, sparql_prologue
from service.timeline.queries import CURATED, PROLOGUE, ROLES, search_term, terms


def event_scalars(events: list[NamedNode]) -> str:
    """One row per event: type, date, evidence and document fields."""
    return f"""{PROLOGUE}SELECT ?e ?cls ?id ?early ?late ?precision ?expression ?basis
  ?sentence ?trigger ?tStart ?tEnd ?sStart ?sEnd ?confidence ?planned ?doc ?docId ?title ?published WHERE {{
  VALUES ?e {{ {terms(events)} }}
  ?e a ?cls FILTER(?cls IN ({", ".join(str(c) for c in EVENT_CLASSES.values())}))
  OPTIONAL {{ ?e eg:eventId ?id }}
  OPTIONAL {{ ?e eg:earliest ?early }}
  OPTIONAL {{ ?e eg:latest ?late }}
  OPTIONAL {{ ?e sem:hasTime ?t .
    OPTIONAL {{ ?t eg:precision ?precision }} OPTIONAL {{ ?t eg:rawExpression ?expression }}
    OPTIONAL {{ ?t eg:dateBasis ?basis }} }}
  OPTIONAL {{ ?e eg:evidence ?ev .
    OPTIONAL {{ ?ev eg:sentence ?sentence }} OPTIONAL {{ ?ev eg:trigger ?trigger }}
    OPTIONAL {{ ?ev eg:triggerStart ?tStart }} OPTIONAL {{ ?ev eg:triggerEnd ?tEnd }}
    OPTIONAL {{ ?ev eg:confidence ?confidence }} OPTIONAL {{ ?ev eg:planned ?planned }}
    OPTIONAL {{ ?ev oa:hasSelector ?sel . ?sel a oa:TextPositionSelector ; oa:start ?sStart ; oa:end ?sEnd }} }}
  OPTIONAL {{ ?e prov:wasDerivedFrom ?doc .
    OPTIONAL {{ ?doc eg:documentId ?docId }} OPTIONAL {{ ?doc schema:headline ?title }}
    OPTIONAL {{ ?doc schema:datePublished ?published }} }}
}}"""


def compact_scalars(events: list[NamedNode]) -> str:
    """One row per event with what the timeline draws: type, dates, precision, trigger, document.

    Each field is a lookup on disk, so only these: the detail panel fetches the rest.
    """
    return f"""{PROLOGUE}SELECT ?e ?cls ?early ?late ?precision ?trigger ?doc WHERE {{
  VALUES ?e {{ {terms(events)} }}
  ?e a ?cls FILTER(?cls IN ({", ".join(str(c) for c in EVENT_CLASSES.values())}))
  OPTIONAL {{ ?e eg:earliest ?early }}
  OPTIONAL {{ ?e eg:latest ?late }}
  OPTIONAL {{ ?e sem:hasTime/eg:precision ?precision }}
  OPTIONAL {{ ?e eg:evidence/eg:trigger ?trigger }}
  OPTIONAL {{ ?e prov:wasDerivedFrom ?doc }}
}}"""


def compact_actors(events: list[NamedNode]) -> str:
    """The actors and places of the events, with a group's count (names come from :func:`labels`)."""
    return f"""{PROLOGUE}SELECT ?e ?role ?a ?count ?approximate WHERE {{
  VALUES ?e {{ {terms(events)} }}
  ?e ?role ?a FILTER(?role IN ({", ".join(ROLES)}))
  OPTIONAL {{ ?a eg:memberCount ?count }}
  OPTIONAL {{ ?a eg:approximate ?approximate }}
}}"""


def labels(nodes: list[NamedNode], prop: str) -> str:
    """``?x ?name`` for each node's ``prop`` (a prefixed name of this module's choosing)."""
    return f"""{PROLOGUE}SELECT ?x ?name WHERE {{
  VALUES ?x {{ {terms(nodes)} }}
  ?x {prop} ?name .
}}"""


def event_actors(events: list[NamedNode]) -> str:
    """One row per (event, role, actor) with what the event JSON says of the actor."""
    return f"""{PROLOGUE}SELECT ?e ?role ?a ?name ?kind ?memberKind ?wikidata ?group ?count ?approximate WHERE {{
  VALUES ?e {{ {terms(events)} }}
  ?e ?role ?a FILTER(?role IN ({", ".join(ROLES)}))
  OPTIONAL {{ ?a rdfs:label ?name }}
  OPTIONAL {{ ?a eg:kind ?kind }}
  OPTIONAL {{ ?a eg:memberKind ?memberKind }}
  OPTIONAL {{ ?a skos:exactMatch ?wikidata FILTER(STRSTARTS(STR(?wikidata), "http://www.wikidata.org/entity/")) }}
  OPTIONAL {{ ?a a eg:ActorGroup BIND(true AS ?group) }}
  OPTIONAL {{ ?a eg:memberCount ?count }}
  OPTIONAL {{ ?a eg:approximate ?approximate }}
}}"""


def event_aid(events: list[NamedNode]) -> str:
    """One row per aid item of the events."""
    return f"""{PROLOGUE}SELECT ?e ?item ?label ?category ?quantity ?unit ?approximate ?amount ?currency WHERE {{
  VALUES ?e {{ {terms(events)} }}
  ?e eg:hasAid ?item .
  OPTIONAL {{ ?item eg:itemLabel ?label }}
  OPTIONAL {{ ?item eg:itemCategory ?cat BIND(STRAFTER(STR(?cat), "{CATEGORY.iri}") AS ?category) }}
  OPTIONAL {{ ?item eg:quantity ?quantity }}
  OPTIONAL {{ ?item eg:unit ?unit }}
  OPTIONAL {{ ?item eg:approximate ?approximate }}
  OPTIONAL {{ ?item eg:value ?money . ?money schema:value ?amount ; schema:currency ?currency }}
}}"""


def actor_matches(words: str | None, only: list[NamedNode]) -> str:
    """Actors whose name contains ``words`` (all when None), or the actors ``only`` names."""
    match = f"FILTER(CONTAINS(LCASE(STR(?name)), {search_term(words)}))" if words else ""
    values = f"VALUES ?a {{ {terms(only)} }}" if only else ""
    return f"""{PROLOGUE}SELECT ?a ?name ?kind ?memberKind ?wikidata ?group WHERE {{
  {values}
  ?a rdfs:label ?name .
  {match}
  ?a a sem:Actor .
  OPTIONAL {{ ?a eg:kind ?kind }}
  OPTIONAL {{ ?a eg:memberKind ?memberKind }}
  OPTIONAL {{ ?a skos:exactMatch ?wikidata FILTER(STRSTARTS(STR(?wikidata), "http://www.wikidata.org/entity/")) }}
  OPTIONAL {{ ?a a eg:ActorGroup BIND(true AS ?group) }}
}}"""


def actor_event_counts(actors: list[NamedNode]) -> str:
    """How many events each actor takes part in (reads of the object index, no lookups)."""
    return f"""{PROLOGUE}SELECT ?a (COUNT(DISTINCT ?e) AS ?events) WHERE {{
  VALUES ?a {{ {terms(actors)} }}
  ?e sem:hasActor|sem:hasPlace ?a .
  {CURATED}
}}
GROUP BY ?a"""


# Event counts come from a subquery: evaluated once and hash-joined, instead of a lookup per event.
DOCUMENTS = f"""{PROLOGUE}SELECT ?doc ?docId ?title ?published ?publisher ?author ?url ?events WHERE {{
  ?doc a eg:Document ; eg:documentId ?docId .
  OPTIONAL {{ ?doc schema:headline ?title }}
  OPTIONAL {{ ?doc schema:datePublished ?published }}
  OPTIONAL {{ ?doc schema:publisher ?publisher }}
  OPTIONAL {{ ?doc schema:author ?author }}
  OPTIONAL {{ ?doc schema:url ?url }}
  OPTIONAL {{ {{ SELECT ?doc (COUNT(?e) AS ?events) WHERE {{ ?e prov:wasDerivedFrom ?doc {CURATED} }}
    GROUP BY ?doc }} }}
}}
ORDER BY DESC(?published) ?docId"""


def document_query(document: NamedNode) -> str:
    """The document's metadata and text."""
    return f"""{PROLOGUE}SELECT ?docId ?title ?published ?publisher ?author ?url ?text WHERE {{
  {document} a eg:Document ; eg:documentId ?docId .
  OPTIONAL {{ {document} schema:headline ?title }}
  OPTIONAL {{ {document} schema:datePublished ?published }}
  OPTIONAL {{ {document} schema:publisher ?publisher }}
  OPTIONAL {{ {document} schema:author ?author }}
  OPTIONAL {{ {document} schema:url ?url }}
  OPTIONAL {{ {document} schema:text ?text }}
}}
LIMIT 1"""


def document_events(document: NamedNode) -> str:
    """The events read from a document, in text order."""
    return f"""{PROLOGUE}SELECT ?e WHERE {{
  ?e prov:wasDerivedFrom {document} ; a sem:Event ; eg:evidence/oa:hasSelector ?sel .
  ?sel a oa:TextPositionSelector ; oa:start ?start .
  {CURATED}
}}
ORDER BY ?start STR(?e)"""


TYPE_COUNTS = f"""{PROLOGUE}SELECT ?cls (COUNT(?e) AS ?n) WHERE {{
  VALUES ?cls {{ {terms(EVENT_CLASSES.values())} }}
  ?e a ?cls .
  {CURATED}
}}
GROUP BY ?cls"""

PRECISION_COUNTS = f"""{PROLOGUE}SELECT ?precision (COUNT(?t) AS ?n) WHERE {{
  ?e sem:hasTime ?t . ?t eg:precision ?precision .
  {CURATED}
}}
GROUP BY ?precision"""


_EVENT = "<urn:eventgraph:event>"  # where the event's IRI goes in the query below
_ABOUT = f"""{sparql_prologue({p: PREFIXES[p] for p in ("eg", "sem", "rdfs")})}
# Everything the graph says about one event, and about the nodes that belong to it
SELECT ?property ?value ?detail ?detailValue WHERE {{
  {{ {_EVENT} ?property ?value }}
  UNION
  {{ {_EVENT} ?property ?value . ?value ?detail ?detailValue .
    FILTER(STRSTARTS(STR(?value), CONCAT(STR({_EVENT}), "/"))) }}
}}
ORDER BY ?property ?value ?detail"""
_ABOUT_PARTS = quote_plus(_ABOUT).split(quote_plus(_EVENT))


def about_event(event: NamedNode) -> str:
    """A query a reader can run in the SPARQL editor to see everything said about an event."""
    return _ABOUT.replace(_EVENT, str(event))


def about_event_link(event: NamedNode, *, editor: bool = False) -> str:
    """``/sparql?query=…`` running :func:`about_event` (quoted once, the IRI filled in).

    With ``editor``, ``/sparql#query=…``: the query editor opens with the query in a tab (the
    fragment never reaches the server, so the page is the editor, which reads it from there).
    """
    return ("/sparql#query=" if editor else "/sparql?query=") + quote_plus(str(event)).join(_ABOUT_PARTS)
