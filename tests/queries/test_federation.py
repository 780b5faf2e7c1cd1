"""The federated named query against a real SPARQL server on 127.0.0.1 standing in for Wikidata."""

from __future__ import annotations

from typing import Any

import pytest

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
