"""ontology/context.jsonld turns the event JSON into RDF that uses the ontology's terms."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import RdfFormat, parse, serialize

from service.rdf.namespaces import EG_TERMS, PREFIXES

CONTEXT_PATH = Path(__file__).resolve().parents[2] / "ontology" / "context.jsonld"
EG = rdflib.Namespace(PREFIXES["eg"])
SEM = rdflib.Namespace(PREFIXES["sem"])
SCHEMA = rdflib.Namespace(PREFIXES["schema"])
SKOS = rdflib.Namespace(PREFIXES["skos"])
PROV = rdflib.Namespace(PREFIXES["prov"])


@pytest.fixture(scope="module")
def context() -> dict:
    return json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))


def _as_jsonld(context: dict, golden) -> bytes:
    extraction, _ = golden
    return json.dumps({**context, **extraction.to_json()}).encode("utf-8")


@pytest.fixture
def graph(context: dict, golden) -> rdflib.Graph:
    """The event JSON read as JSON-LD by pyoxigraph, the store's own parser."""
    quads = parse(_as_jsonld(context, golden), format=RdfFormat.JSON_LD)
    return rdflib.Graph().parse(data=serialize((q.triple for q in quads), format=RdfFormat.N_TRIPLES), format="nt")


def test_context_maps_events_to_ontology_terms(graph: rdflib.Graph) -> None:
    events = set(graph.subjects(EG.eventId, None))
    assert len(events) == 4
    types = {o for e in events for o in graph.objects(e, rdflib.RDF.type)}
    assert types == {EG.AidDelivery, EG.Communication, EG.Deployment}
    doc = next(graph.subjects(EG.documentId, rdflib.Literal("golden-001")))
    assert all((e, PROV.wasDerivedFrom, doc) in graph for e in events)
    assert graph.value(doc, SCHEMA.datePublished) == rdflib.Literal("2020-10-20", datatype=rdflib.XSD.date)


def test_context_maps_actors_money_categories_and_dates(graph: rdflib.Graph) -> None:
    wikidata = set(graph.objects(None, SKOS.exactMatch))
    assert rdflib.URIRef("http://www.wikidata.org/entity/Q956") in wikidata
    assert rdflib.URIRef("https://w3id.org/eventgraph/category/masks") in set(graph.objects(None, EG.itemCategory))
    assert set(graph.objects(None, SCHEMA.currency)) == {rdflib.Literal("CNY")}
    assert rdflib.Literal(48) in set(graph.objects(None, EG.memberCount))
    earliest = {o for o in graph.objects(None, SEM.hasEarliestBeginTimeStamp)}
    assert rdflib.Literal("2020-03-01", datatype=rdflib.XSD.date) in earliest


def test_context_reads_the_same_in_rdflib(context: dict, golden, graph: rdflib.Graph) -> None:
    # A second JSON-LD 1.1 processor must agree: the context relies on property-scoped contexts.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"rdflib\.")
        other = rdflib.Graph().parse(data=_as_jsonld(context, golden), format="json-ld")
    assert len(other) == len(graph)
    assert {p for _, p, _ in other} == {p for _, p, _ in graph}


def test_context_uses_only_declared_eg_terms(context: dict) -> None:
    text = json.dumps(context)
    used = {word.split(":", 1)[1] for word in text.replace('"', " ").split() if word.startswith("eg:")}
    assert used <= set(EG_TERMS), used - set(EG_TERMS)
