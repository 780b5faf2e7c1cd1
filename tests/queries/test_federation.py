"""The federated named query against a real SPARQL server on 127.0.0.1 standing in for Wikidata."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import requests

from service.config import Settings
from service.errors import Forbidden
from service.sparql import library
from service.sparql.evaluator import ServiceCallFailed
from service.store import Store
from service.web import create_app

WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
pytestmark = pytest.mark.server


def federated_to(endpoint: str) -> library.NamedQuery:
    """The federated query with its SERVICE IRI pointed at ``endpoint`` (as a test double of Wikidata)."""
    query = library.get_query("wikidata_country_facts")
    assert WIKIDATA_SPARQL in query.text
    return library.parse_query(query.name, query.text.replace(WIKIDATA_SPARQL, endpoint))


def test_federation_enriches_countries_from_an_allowed_endpoint(
    sample_store: Store, wikidata_endpoint: str, rows: Any
) -> None:
    query = federated_to(wikidata_endpoint)
    got = rows(library.run(sample_store, query, {}, allow=(wikidata_endpoint,)))
    facts = {r["name"]: (int(r["population"]), set(r["continents"].split(", "))) for r in got}
    assert facts == {"Russia": (146_000_000, {"Europe", "Asia"}), "Kazakhstan": (19_600_000, {"Asia"})}


def test_federation_refuses_an_endpoint_the_allowlist_does_not_name(
    sample_store: Store, wikidata_endpoint: str
) -> None:
    query = federated_to(wikidata_endpoint)
    with pytest.raises(Forbidden, match=f"SERVICE <{wikidata_endpoint}> is not allowed"):
        library.run(sample_store, query, {}, allow=(WIKIDATA_SPARQL,))


def test_federation_says_clearly_when_the_endpoint_is_down(sample_store: Store, dead_endpoint: str) -> None:
    query = federated_to(dead_endpoint)
    with pytest.raises(ServiceCallFailed, match="could not be reached.*offline"):
        library.run_serialized(sample_store, query, {}, allow=(dead_endpoint,))


def test_federation_api_refuses_when_the_allowlist_is_empty(sample_store: Store) -> None:
    app = create_app(Settings(store=":memory:", service_allow=()), store=sample_store)
    resp = app.test_client().get("/api/queries/wikidata_country_facts")
    assert resp.status_code == 403
    assert resp.json["ok"] is False and "is not allowed" in resp.json["error"]


def test_federation_a_served_query_calls_out_from_a_worker_kept_for_service_calls(
    tmp_path: Path, wikidata_endpoint: str
) -> None:
    # The query workers have no network (tests/security/test_network.py); a query whose SERVICE
    # clauses the checks allowed is handed to a worker that has, started at the first such query.
    from tests.reliability.conftest import Server
    from tests.security.test_isolation import children, process_name, seccomp_mode

    env = {"EVENTGRAPH_SERVICE_ALLOW": wikidata_endpoint, "EVENTGRAPH_QUERY_WORKERS": "2"}
    server = Server(tmp_path / "store", "federation-token-0123456789", env=env)
    try:
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        direct = requests.get(wikidata_endpoint, params={"query": count}, headers={"Connection": "close"}, timeout=30)
        expected = direct.json()["results"]["bindings"][0]["n"]["value"]
        assert int(expected) > 0
        federated = f"SELECT (COUNT(*) AS ?n) WHERE {{ SERVICE <{wikidata_endpoint}> {{ ?s ?p ?o }} }}"
        answers = [requests.get(server.url + "/sparql", params={"query": q}, timeout=60) for q in (federated, count)]
        assert [a.status_code for a in answers] == [200, 200], answers[0].text
        assert answers[0].json()["results"]["bindings"][0]["n"]["value"] == expected
        assert answers[1].json()["results"]["bindings"][0]["n"]["value"] == "0"  # the server's own store is empty
        # An update whose SERVICE the checks allowed is applied by a process that may call out.
        service = f"SERVICE <{wikidata_endpoint}> {{ ?s ?p ?o }}"
        update = f"INSERT {{ GRAPH <urn:copied> {{ ?s ?p ?o }} }} WHERE {{ {service} }}"
        auth = {"Authorization": "Bearer federation-token-0123456789"}
        written = requests.post(server.url + "/sparql", data={"update": update}, headers=auth, timeout=60)
        assert written.status_code == 204, written.text
        copied = requests.get(server.url + "/sparql", params={"query": count}, timeout=60)
        assert copied.json()["results"]["bindings"][0]["n"]["value"] == expected
        # One worker that may call out, and the two query workers that may not (a worker seals
        # itself before its first request: one still starting is not sealed yet).
        deadline = time.monotonic() + 60
        expected_modes = [("eg-query", 2), ("eg-query", 2), ("eg-service", 0)]
        while (
            modes := sorted((process_name(p), seccomp_mode(p)) for p in children(server.proc.pid))
        ) != expected_modes:
            assert time.monotonic() < deadline, modes
            time.sleep(0.2)
    finally:
        server.stop()
