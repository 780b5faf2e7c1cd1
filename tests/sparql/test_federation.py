"""SERVICE calls are refused unless their endpoint is exactly on the allowlist; LOAD is refused."""

from __future__ import annotations

import pytest

from service.sparql.federation import FederationRefused, check_query, check_update

WIKIDATA = "https://query.wikidata.org/sparql"
ALLOW = (WIKIDATA,)


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * WHERE {{ SERVICE <{WIKIDATA}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{WIKIDATA}> {{ ?s ?p ?o }} }}",
        "PREFIX wdqs: <https://query.wikidata.org/> SELECT * WHERE { SERVICE wdqs:sparql { ?s ?p ?o } }",
        'SELECT * WHERE { ?s <http://ex/service> "SERVICE <http://10.0.0.1/>" }',  # only text, no call
        "SELECT * WHERE { ?service ?p ?o }",
        "SELECT * WHERE { ?s ?p ?o }",
    ],
)
def test_federation_allows_the_allowlist_and_plain_queries(query: str) -> None:
    check_query(query, ALLOW)


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9999/sparql> { ?s ?p ?o } }", "not allowed"),
        ("SELECT * WHERE { SERVICE <http://10.0.0.1/sparql> { ?s ?p ?o } }", "not allowed"),
        ("SELECT * WHERE { SERVICE <http://169.254.169.254/latest/meta-data/> { ?s ?p ?o } }", "not allowed"),
        ("SELECT * WHERE { SERVICE <https://query.wikidata.org:8443/sparql> { ?s ?p ?o } }", "not allowed"),
        ("SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql/> { ?s ?p ?o } }", "not allowed"),
        ("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } } VALUES ?endpoint { <http://10.0.0.1/> }", "constant IRI"),
        ("SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }", "absolute IRI"),
        ("SELECT * WHERE { SERVICE <http://\\u0031\\u0030.0.0.1/> { ?s ?p ?o } }", "10.0.0.1"),
        (f"SELECT * WHERE {{ SERVICE <{WIKIDATA}> {{ SERVICE <http://10.0.0.1/> {{ }} }} }}", "10.0.0.1|checked"),
        ("SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://10.0.0.1/> { ?s ?p ?o } } }", "10.0.0.1"),
        ("SELECT * WHERE { { SELECT ?s WHERE { OPTIONAL { SERVICE <http://10.0.0.1/> { ?s ?p ?o } } } } }", "10.0.0.1"),
        ("SELECT * WHERE { ?s ?p ?o MINUS { SERVICE SILENT <http://10.0.0.1/> { ?s ?p ?o } } }", "10.0.0.1"),
        ("PREFIX x: <http://10.0.0.1/> SELECT * WHERE { SERVICE x:sparql { } }", "10.0.0.1"),
        ("SELECT * WHERE { SERVICE undeclared:sparql { } }", "undeclared"),
        ("SELECT * WHERE { SERVICE <http://10.0.0.1/> { ?s ?p ?o } ", "not allowed"),
        ("SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } ", "could not be checked"),
    ],
)
def test_federation_refuses_everything_else(query: str, reason: str) -> None:
    with pytest.raises(FederationRefused, match=reason) as info:
        check_query(query, ALLOW)
    assert info.value.status == 403


def test_federation_empty_allowlist_refuses_every_service() -> None:
    with pytest.raises(FederationRefused, match="only calls none"):
        check_query(f"SELECT * WHERE {{ SERVICE <{WIKIDATA}> {{ }} }}", ())


def test_federation_checks_updates_and_refuses_load() -> None:
    check_update("INSERT DATA { <http://ex/s> <http://ex/service> 'load' }", ALLOW)
    check_update(f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{WIKIDATA}> {{ ?s ?p ?o }} }}", ALLOW)
    with pytest.raises(FederationRefused, match="10.0.0.1"):
        check_update("CLEAR ALL ; INSERT { ?s ?p ?o } WHERE { SERVICE <http://10.0.0.1/> { ?s ?p ?o } }", ALLOW)
    with pytest.raises(FederationRefused, match="LOAD is disabled"):
        check_update("CLEAR ALL ; LOAD SILENT <http://127.0.0.1:8080/data.ttl> INTO GRAPH <http://g>", ALLOW)


def test_federation_relative_iris_are_refused_whatever_the_base() -> None:
    for query in (
        "SELECT * WHERE { SERVICE <sparql> { } }",
        "BASE <https://query.wikidata.org/> SELECT * { SERVICE <sparql> { } }",
    ):
        with pytest.raises(FederationRefused, match="absolute IRI"):
            check_query(query, ALLOW, base_iri="https://query.wikidata.org/")
