"""Real SPARQL clients against a real server on 127.0.0.1: SPARQLWrapper, rdflib's SPARQLStore and
SPARQLUpdateStore, rdflib's own SERVICE evaluation, and curl."""

from __future__ import annotations

import shutil
import subprocess
import warnings

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import JSON, JSONLD, RDFXML, TURTLE, XML, SPARQLWrapper

from tests.web.live import TOKEN, LiveServer

pytestmark = pytest.mark.server
EVENT = "<http://semanticweb.cs.vu.nl/2009/11/sem/Event>"


def test_sparql_clients_sparqlwrapper_select_ask_construct(live: LiveServer) -> None:
    client = SPARQLWrapper(live.url + "/sparql")
    client.setQuery(f"SELECT ?e WHERE {{ ?e a {EVENT} }} ORDER BY ?e")
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]  # type: ignore[index]
    assert [r["e"]["value"].split("/id/event/")[1][:7] for r in rows] == ["sample-", "sample-"]
    client.setReturnFormat(XML)
    xml = client.query().convert()
    assert len(xml.getElementsByTagName("result")) == 2  # type: ignore[union-attr]
    client.setQuery("ASK { ?s ?p ?o }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True  # type: ignore[index]
    client.setQuery(f"CONSTRUCT WHERE {{ ?e a {EVENT} }}")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")  # type: ignore[arg-type]
    assert len(graph) == 2


@pytest.mark.parametrize("return_format", [RDFXML, JSONLD, XML])
def test_sparql_clients_sparqlwrapper_construct_as_rdfxml_and_jsonld(live: LiveServer, return_format: str) -> None:
    """SPARQLWrapper names its format in ``format=`` too (``rdf+xml``, ``json-ld``, and ``xml``,
    which for a graph means RDF/XML, as Fuseki and Virtuoso read it); it parses the answer with rdflib."""
    client = SPARQLWrapper(live.url + "/sparql")
    trigger = "<https://w3id.org/eventgraph#evidence>/<https://w3id.org/eventgraph#trigger>"
    client.setQuery(f"CONSTRUCT {{ ?e a {EVENT} ; <http://ex/trigger> ?t }} WHERE {{ ?e a {EVENT} ; {trigger} ?t }}")
    client.setReturnFormat(return_format)
    response = client.query()
    media_type = response.response.headers["Content-Type"].split(";")[0]
    with warnings.catch_warnings():  # SPARQLWrapper parses into rdflib's ConjunctiveGraph, deprecated in rdflib 7
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        graph = response.convert()
    assert isinstance(graph, Graph)
    assert media_type == ("application/rdf+xml" if return_format in (RDFXML, XML) else "application/ld+json")
    assert sorted(str(t) for t in graph.objects(None, URIRef("http://ex/trigger"))) == ["donated", "signed"]
    assert len(graph) == 4


def test_sparql_clients_rdflib_sparqlstore_reads(live: LiveServer) -> None:
    graph = Graph(store=SPARQLStore(live.url + "/sparql"))
    rows = list(graph.query(f"SELECT ?e WHERE {{ ?e a {EVENT} }}"))
    assert len(rows) == 2
    assert len(graph) > 50


def test_sparql_clients_rdflib_update_store_writes_with_the_token(live: LiveServer) -> None:
    store = SPARQLUpdateStore(
        live.url + "/sparql", live.url + "/sparql", headers={"Authorization": f"Bearer {TOKEN}"}, autocommit=True
    )
    graph = Graph(store=store, identifier=URIRef("http://ex/clients"))
    graph.add((URIRef("http://ex/a"), URIRef("http://ex/p"), Literal("written by rdflib")))
    reader = Graph(store=SPARQLStore(live.url + "/sparql"))
    rows = list(reader.query("SELECT ?o WHERE { GRAPH <http://ex/clients> { ?s ?p ?o } }"))
    assert [str(r[0]) for r in rows] == ["written by rdflib"]
    graph.remove((None, None, None))
    assert not list(reader.query("SELECT ?o WHERE { GRAPH <http://ex/clients> { ?s ?p ?o } }"))


def test_sparql_clients_rdflib_service_clause_calls_this_endpoint(live: LiveServer) -> None:
    rows = list(Graph().query(f"SELECT ?e WHERE {{ SERVICE <{live.url}/sparql> {{ ?e a {EVENT} }} }}"))
    assert len(rows) == 2


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_sparql_clients_curl(live: LiveServer) -> None:
    out = subprocess.run(
        ["curl", "-sS", "-H", "Accept: text/csv", "--data-urlencode", f"query=SELECT ?e WHERE {{ ?e a {EVENT} }}",
         live.url + "/sparql"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert out.stdout.startswith("e\n") and out.stdout.count("/id/event/") == 2
    denied = subprocess.run(
        ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Type: application/sparql-update",
         "--data", "DROP ALL", live.url + "/sparql"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert denied.stdout == "401"
