"""The W3C SPARQL 1.1 Service Description tests (service-description/manifest.ttl).

The manifest names three tests without machine-readable checks; each is written here from the
Service Description recommendation and run against a real server.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from pyoxigraph import RdfFormat, parse
from rdflib import RDF, Graph, Namespace, URIRef

from tests.protocol.manifest import W3C
from tests.web.live import LiveServer

pytestmark = pytest.mark.server
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
LANGUAGES = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
FEATURES = {SD.DereferencesURIs, SD.UnionDefaultGraph, SD.RequiresDataset, SD.EmptyGraphs, SD.BasicFederatedQuery}


def description(server: LiveServer) -> tuple[Graph, requests.Response]:
    resp = requests.get(server.url + "/sparql", headers={"Accept": "text/turtle"}, timeout=60)
    return Graph().parse(data=resp.content, format="turtle"), resp


def returns_rdf(server: LiveServer) -> None:
    for fmt in (RdfFormat.TURTLE, RdfFormat.RDF_XML, RdfFormat.JSON_LD, RdfFormat.N_TRIPLES):
        resp = requests.get(server.url + "/sparql", headers={"Accept": fmt.media_type}, timeout=60)
        assert resp.status_code == 200 and resp.headers["Content-Type"].startswith(fmt.media_type)
        assert len(list(parse(resp.content, fmt))) > 5


def has_endpoint_triple(server: LiveServer) -> None:
    graph, _ = description(server)
    endpoint = URIRef(server.url + "/sparql")
    services = list(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1
    assert (services[0], SD.endpoint, endpoint) in graph


def conforms_to_schema(server: LiveServer) -> None:
    graph, _ = description(server)
    (service,) = graph.subjects(RDF.type, SD.Service)
    assert set(graph.objects(service, SD.supportedLanguage)) <= LANGUAGES
    assert SD.SPARQL11Query in set(graph.objects(service, SD.supportedLanguage))
    assert set(graph.objects(service, SD.feature)) <= FEATURES
    for fmt in graph.objects(service, SD.resultFormat):
        assert str(fmt).startswith(("http://www.w3.org/ns/formats/", "https://www.w3.org/ns/formats/"))
    dataset = graph.value(service, SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in graph
    default_graph = graph.value(dataset, SD.defaultGraph)
    assert (default_graph, RDF.type, SD.Graph) in graph


CHECKS: dict[str, Callable[[LiveServer], None]] = {
    "returns-rdf": returns_rdf,
    "has-endpoint-triple": has_endpoint_triple,
    "conforms-to-schema": conforms_to_schema,
}


def _names() -> list[str]:
    g = Graph().parse(W3C / "service-description" / "manifest.ttl", format="turtle")
    mf = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
    return sorted(str(t).rsplit("#", 1)[1] for t in g.subjects(RDF.type, mf.ServiceDescriptionTest))


@pytest.mark.parametrize("name", _names())
def test_w3c_service_description(server: LiveServer, name: str) -> None:
    assert name in CHECKS, f"no check is written for the W3C test {name}"
    CHECKS[name](server)
