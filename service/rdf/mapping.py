"""Extraction → quads: one named graph per document, plus the shared actors graph.

The shapes of the graph are described in ``ontology/README.md``. Terms are built with
pyoxigraph and every IRI comes from :class:`~service.rdf.iris.Iris`, so the same extraction
under the same base IRI always gives the same quads (in the same order).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pyoxigraph import Literal, NamedNode, Quad

from service.model import Actor, Aid, Document, Event, Extraction, TimeSpan
from service.rdf.iris import Iris, qid
from service.rdf.namespaces import CATEGORY, EG, OA, PROV, RDF, RDFS, SCHEMA, SEM, SKOS, WD, XSD, sparql_prologue

EVENT_CLASSES: dict[str, NamedNode] = {
    "aid_delivery": EG.AidDelivery,
    "aid_pledge": EG.AidPledge,
    "communication": EG.Communication,
    "meeting": EG.Meeting,
    "visit": EG.Visit,
    "cooperation_agreement": EG.CooperationAgreement,
    "joint_operation": EG.JointOperation,
    "statement_of_support": EG.StatementOfSupport,
    "policy_measure": EG.PolicyMeasure,
    "deployment": EG.Deployment,
    "other": EG.OtherEvent,
}
KIND_CLASSES: dict[str, NamedNode | None] = {
    "country": SCHEMA.Country,
    "city": SCHEMA.City,
    "organisation": SCHEMA.Organization,
    "person": SCHEMA.Person,
    "company": SCHEMA.Corporation,
    "other": None,  # sem:Actor only
}
# Access-path keys are written only for intervals this short: a longer one would put the
# event in every month of the timeline, and a range query handles such rare events.
MAX_MONTH_KEYS = 24
MAX_YEAR_KEYS = 10
QUOTE_CONTEXT = 32  # characters of prefix/suffix kept by the trigger's TextQuoteSelector


class _Graph:
    """Collects quads of one named graph, dropping exact repeats and keeping the first order."""

    def __init__(self, name: str) -> None:
        self.name = NamedNode(name)
        self._quads: dict[Quad, None] = {}

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self._quads[Quad(s, p, o, self.name)] = None

    def add_optional(self, s: NamedNode, p: NamedNode, value: str | None) -> None:
        if value is not None and value != "":
            self.add(s, p, Literal(value))

    def quads(self) -> list[Quad]:
        return list(self._quads)


def document_quads(extraction: Extraction, iris: Iris, software_version: str) -> tuple[list[Quad], list[Quad]]:
    """(quads of the document's own graph, quads for the shared actors graph).

    :raises ValueError: on an unknown event type or actor kind, a malformed QID, a non-finite
        number, or two events that would get the same IRI (same sentence, trigger and type).
    """
    doc = extraction.document
    local, shared = _Graph(iris.document_graph(doc.id)), _Graph(iris.actors_graph)
    doc_node = _document(local, iris, doc)
    activity = _activity(local, iris, doc, doc_node, software_version)
    seen: dict[str, str] = {}
    for event in extraction.events:
        iri = iris.event(doc.id, event.sentence_start, event.trigger_start, event.type)
        if iri in seen:
            raise ValueError(f"events {seen[iri]!r} and {event.id!r} of {doc.id!r} share sentence, trigger and type")
        seen[iri] = event.id
        _event(local, shared, iris, doc, NamedNode(iri), event)
        local.add(NamedNode(iri), PROV.wasDerivedFrom, doc_node)
        local.add(NamedNode(iri), PROV.wasGeneratedBy, activity)
    return local.quads(), shared.quads()


def event_quads(iris: Iris, doc: Document, event: Event, iri: str, graph: str) -> tuple[list[Quad], list[Quad]]:
    """(quads of one event written as ``iri`` into ``graph``, quads for the shared actors graph).

    The same shapes as an extracted event (``prov:wasDerivedFrom`` its document included), for
    events built elsewhere: the curated copies of ``service.curation``. ``doc`` needs its id and text.
    """
    local, shared = _Graph(graph), _Graph(iris.actors_graph)
    node = NamedNode(iri)
    _event(local, shared, iris, doc, node, event)
    local.add(node, PROV.wasDerivedFrom, NamedNode(iris.document(doc.id)))
    return local.quads(), shared.quads()


def _document(g: _Graph, iris: Iris, doc: Document) -> NamedNode:
    node = NamedNode(iris.document(doc.id))
    g.add(node, RDF.type, EG.Document)
    g.add(node, RDF.type, SCHEMA.Article)
    g.add(node, EG.documentId, Literal(doc.id))
    g.add(node, EG.checksum, Literal(doc.checksum))
    g.add(node, SCHEMA.text, Literal(doc.text))
    g.add_optional(node, SCHEMA.headline, doc.title)
    g.add_optional(node, SCHEMA.name, doc.title)
    if doc.published:
        g.add(node, SCHEMA.datePublished, _date(doc.published))
    g.add_optional(node, SCHEMA.publisher, doc.source)
    g.add_optional(node, SCHEMA.author, doc.author)
    if doc.url:
        g.add(node, SCHEMA.url, _url(doc.url))
    g.add_optional(node, SCHEMA.inLanguage, doc.language)
    g.add_optional(node, SCHEMA.encodingFormat, doc.media_type)
    return node


def _activity(g: _Graph, iris: Iris, doc: Document, doc_node: NamedNode, version: str) -> NamedNode:
    # No timestamps: re-extracting an unchanged document must give identical quads.
    activity = NamedNode(iris.activity(doc.id, doc.checksum))
    software = NamedNode(iris.software(version))
    g.add(activity, RDF.type, PROV.Activity)
    g.add(activity, RDFS.label, Literal(f"event extraction from {doc.id}"))
    g.add(activity, PROV.used, doc_node)
    g.add(activity, PROV.wasAssociatedWith, software)
    g.add(software, RDF.type, PROV.SoftwareAgent)
    g.add(software, RDF.type, SCHEMA.SoftwareApplication)
    g.add(software, SCHEMA.name, Literal("eventgraph"))
    g.add(software, SCHEMA.softwareVersion, Literal(version))
    return activity


def _event(local: _Graph, shared: _Graph, iris: Iris, doc: Document, node: NamedNode, event: Event) -> None:
    if event.type not in EVENT_CLASSES:
        raise ValueError(f"event {event.id!r} has unknown type {event.type!r}")
    local.add(node, RDF.type, EVENT_CLASSES[event.type])
    local.add(node, RDF.type, SEM.Event)  # asserted too: the store does no RDFS inference
    local.add(node, EG.eventId, Literal(event.id))
    _time(local, node, event.date)
    roles = ((EG.agent, event.agents), (EG.recipient, event.recipients), (EG.participant, event.participants))
    for prop, actors in roles:
        for actor in actors:
            actor_node = _actor(local, shared, iris, doc.id, actor)
            local.add(node, prop, actor_node)
            local.add(node, SEM.hasActor, actor_node)
    for place in event.places:
        place_node = _actor(local, shared, iris, doc.id, place)
        local.add(node, SEM.hasPlace, place_node)
        local.add(place_node, RDF.type, SEM.Place)  # in the document graph: this document uses it as a place
    for n, aid in enumerate(event.aid):
        _aid(local, shared, iris, node, n, aid)
    _evidence(local, iris, doc, node, event)


def _time(g: _Graph, event: NamedNode, span: TimeSpan) -> None:
    # The event happened somewhere in [earliest, latest]: both its begin and its end lie there.
    time = NamedNode(Iris.time(event.value))
    g.add(event, SEM.hasTime, time)
    g.add(time, RDF.type, SEM.Time)
    if span.earliest:
        for prop in (SEM.hasEarliestBeginTimeStamp, SEM.hasEarliestEndTimeStamp):
            g.add(time, prop, _date(span.earliest))
        g.add(event, EG.earliest, _date(span.earliest))
    if span.latest:
        for prop in (SEM.hasLatestBeginTimeStamp, SEM.hasLatestEndTimeStamp):
            g.add(time, prop, _date(span.latest))
        g.add(event, EG.latest, _date(span.latest))
    g.add(time, EG.precision, Literal(span.precision))
    g.add(time, EG.dateBasis, Literal(span.basis))
    g.add_optional(time, EG.rawExpression, span.expression)
    for month in month_keys(span.earliest, span.latest):
        g.add(event, EG.month, Literal(month))
    for year in year_keys(span.earliest, span.latest):
        g.add(event, EG.year, Literal(year))


def _actor(local: _Graph, shared: _Graph, iris: Iris, doc_id: str, actor: Actor) -> NamedNode:
    if actor.kind not in KIND_CLASSES:
        raise ValueError(f"actor {actor.name!r} has unknown kind {actor.kind!r}")
    if actor.group:
        # Groups are document-local; a group's wikidata (if any) names no single entity and is not kept.
        node = NamedNode(iris.group(doc_id, actor.name, actor.kind, actor.count, actor.approximate))
        local.add(node, RDF.type, EG.ActorGroup)
        local.add(node, RDF.type, SEM.Actor)
        _names(local, node, actor.name)
        local.add(node, EG.memberKind, Literal(actor.kind))
        if actor.count is not None:
            local.add(node, EG.memberCount, Literal(int(actor.count)))
        local.add(node, EG.approximate, Literal(actor.approximate))
        return node
    node = NamedNode(iris.actor(actor.name, actor.wikidata))
    shared.add(node, RDF.type, SEM.Actor)
    kind_class = KIND_CLASSES[actor.kind]
    if kind_class is not None:
        shared.add(node, RDF.type, kind_class)
    _names(shared, node, actor.name)
    shared.add(node, EG.kind, Literal(actor.kind))
    if actor.wikidata:
        shared.add(node, SKOS.exactMatch, WD[qid(actor.wikidata)])
    return node


def _names(g: _Graph, node: NamedNode, name: str) -> None:
    g.add(node, RDFS.label, Literal(name))
    g.add(node, SCHEMA.name, Literal(name))


def _aid(local: _Graph, shared: _Graph, iris: Iris, event: NamedNode, n: int, aid: Aid) -> None:
    node = NamedNode(iris.aid(event.value, n))
    local.add(event, EG.hasAid, node)
    local.add(node, RDF.type, EG.AidItem)
    local.add(node, EG.itemLabel, Literal(aid.item))
    if aid.category:
        category = NamedNode(iris.category(aid.category))
        local.add(node, EG.itemCategory, category)
        shared.add(category, RDF.type, SKOS.Concept)
        shared.add(category, SKOS.inScheme, NamedNode(CATEGORY.iri))
        shared.add(category, SKOS.notation, Literal(aid.category))
        shared.add(category, SKOS.prefLabel, Literal(aid.category.replace("_", " ")))
    if aid.quantity is not None:
        local.add(node, EG.quantity, decimal(aid.quantity))
    local.add_optional(node, EG.unit, aid.unit)
    local.add(node, EG.approximate, Literal(aid.approximate))
    if aid.value is not None:
        money = NamedNode(iris.money(event.value, n))
        local.add(node, EG.value, money)
        local.add(money, RDF.type, SCHEMA.MonetaryAmount)
        local.add(money, SCHEMA.value, decimal(aid.value.amount))
        local.add(money, SCHEMA.currency, Literal(aid.value.currency))


def _evidence(g: _Graph, iris: Iris, doc: Document, event: NamedNode, e: Event) -> None:
    node = NamedNode(iris.evidence(event.value))
    g.add(event, EG.evidence, node)
    g.add(node, RDF.type, EG.Evidence)
    g.add(node, OA.hasSource, NamedNode(iris.document(doc.id)))
    g.add(node, EG.sentence, Literal(e.sentence))
    g.add(node, EG.trigger, Literal(e.trigger))
    g.add(node, EG.triggerStart, Literal(e.trigger_start))
    g.add(node, EG.triggerEnd, Literal(e.trigger_end))
    g.add(node, EG.confidence, decimal(round(e.confidence, 3)))
    g.add(node, EG.planned, Literal(e.planned))
    # The sentence by position; refined by the trigger, quoted with its context in the sentence.
    position = NamedNode(iris.selector(event.value, "sentence"))
    g.add(node, OA.hasSelector, position)
    g.add(position, RDF.type, OA.TextPositionSelector)
    g.add(position, OA.start, Literal(e.sentence_start))
    g.add(position, OA.end, Literal(e.sentence_end))
    quote = NamedNode(iris.selector(event.value, "trigger"))
    g.add(position, OA.refinedBy, quote)
    g.add(quote, RDF.type, OA.TextQuoteSelector)
    g.add(quote, OA.exact, Literal(e.trigger))
    g.add_optional(quote, OA.prefix, doc.text[max(e.sentence_start, e.trigger_start - QUOTE_CONTEXT) : e.trigger_start])
    g.add_optional(quote, OA.suffix, doc.text[e.trigger_end : min(e.sentence_end, e.trigger_end + QUOTE_CONTEXT)])


def month_keys(earliest: date | None, latest: date | None) -> list[str]:
    """``YYYY-MM`` of every month [earliest, latest] touches; [] when open, inverted or over 24 months."""
    if earliest is None or latest is None or latest < earliest:
        return []
    first, last = earliest.year * 12 + earliest.month - 1, latest.year * 12 + latest.month - 1
    if last - first + 1 > MAX_MONTH_KEYS:
        return []
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(first, last + 1)]


def year_keys(earliest: date | None, latest: date | None) -> list[str]:
    """``YYYY`` of every year [earliest, latest] touches; [] when open, inverted or over 10 years."""
    if earliest is None or latest is None or latest < earliest:
        return []
    if latest.year - earliest.year + 1 > MAX_YEAR_KEYS:
        return []
    return [f"{y:04d}" for y in range(earliest.year, latest.year + 1)]


def decimal(value: float | int) -> Literal:
    """An ``xsd:decimal`` literal in plain notation (no exponent, no trailing zeros)."""
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Literal("0" if text in ("", "-0") else text, datatype=XSD.decimal)


def _date(value: date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


def _url(value: str) -> NamedNode | Literal:
    # An IRI when it is one; a text that is not a valid IRI is kept as an xsd:anyURI literal.
    try:
        return NamedNode(value)
    except ValueError:
        return Literal(value, datatype=XSD.anyURI)


CHECKSUM_QUERY = sparql_prologue({"eg": EG.iri}) + "ASK { GRAPH ?graph { ?document eg:checksum ?checksum } }"


def checksum_query(iris: Iris, doc_id: str, checksum: str) -> tuple[str, dict[str, NamedNode | Literal]]:
    """(ASK query, substitutions): true when the stored document ``doc_id`` has ``checksum``.

    Values are bound through substitutions (``Store.query(query, substitutions=...)``), never
    pasted into the query text.
    """
    return CHECKSUM_QUERY, {
        "graph": NamedNode(iris.document_graph(doc_id)),
        "document": NamedNode(iris.document(doc_id)),
        "checksum": Literal(checksum),
    }
