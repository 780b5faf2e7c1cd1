"""The named-query API: the list, every query run over HTTP, content negotiation and errors."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from pyoxigraph import RdfFormat, parse

from service.config import Settings
from service.sparql import library
from service.store import open_store
from service.web import create_app


@pytest.fixture(scope="module")
def client(sample_dir: str) -> Iterator[FlaskClient]:
    store = open_store(sample_dir, read_only=True)
    app = create_app(Settings(store=sample_dir, service_allow=()), store=store)
    yield app.test_client()
    from service.web.runtime import app_runtime

    app_runtime(app).close()
    store.close()


def test_api_lists_every_query_with_its_parameters(client: FlaskClient) -> None:
    resp = client.get("/api/queries")
    assert resp.status_code == 200
    listed = {q["name"]: q for q in resp.json["queries"]}
    assert set(listed) == {q.name for q in library.list_queries()}
    window = listed["events_in_window"]
    assert window["title"] == "Events in a date window" and window["url"].endswith("/api/queries/events_in_window")
    assert [(p["name"], p["type"], p["required"], p["default"]) for p in window["params"]] == [
        ("start", "xsd:date", True, "2020-01-01"),
        ("end", "xsd:date", True, "2020-12-31"),
    ]
    assert listed["wikidata_country_facts"]["federated"] is True


@pytest.mark.parametrize("name", sorted(q.name for q in library.list_queries() if not q.services))
def test_api_runs_every_query(client: FlaskClient, name: str, sample_params: dict[str, dict[str, str]]) -> None:
    resp = client.get(f"/api/queries/{name}", query_string=sample_params.get(name, {}))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    if library.get_query(name).form == "CONSTRUCT":
        assert resp.mimetype == "text/turtle"
        assert list(parse(resp.data, format=RdfFormat.TURTLE))
    else:
        assert resp.mimetype == "application/sparql-results+json"
        assert resp.json["results"]["bindings"], f"{name} answered nothing"


def test_api_answers_csv_tsv_and_xml_by_accept_or_format(client: FlaskClient) -> None:
    url = "/api/queries/aid_between?donor=Q1490&recipient=Q956"
    table = client.get(url, headers={"Accept": "text/csv"})
    assert table.mimetype == "text/csv"
    got = {(r["category"], r["totalQuantity"]) for r in csv.DictReader(io.StringIO(table.get_data(as_text=True)))}
    assert got == {("masks", "120000"), ("gloves", "10000")}
    assert client.get(url + "&format=tsv").mimetype == "text/tab-separated-values"
    assert client.get(url, headers={"Accept": "application/sparql-results+xml"}).mimetype.endswith("+xml")


def test_api_answers_other_rdf_formats_for_construct(client: FlaskClient, sample_event: str) -> None:
    resp = client.get("/api/queries/event_description", query_string={"event": sample_event, "format": "ntriples"})
    assert resp.mimetype == "application/n-triples" and sample_event.encode() in resp.data


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/api/queries/actor_events?actor=Q42", 400, "no actor is linked to Wikidata Q42"),
        ("/api/queries/actor_events?who=Q159", 400, "actor_events has no parameter who"),
        ("/api/queries/event_description", 400, "needs the parameter event"),
        ("/api/queries/actor_events?actor=Q159&actor=Q232", 400, "give each parameter once"),
        ("/api/queries/events_in_window?start=2020-02-30&end=2020-03-01", 400, "not a valid xsd:date"),
        ("/api/queries/nope", 404, "no named query 'nope'"),
        ("/api/queries/Actor_Events", 400, "not a query name"),
        ("/api/queries/..%2F..%2Fetc%2Fpasswd", 404, None),
        ("/api/queries/aid_network?format=turtle", 406, "format=turtle does not fit"),
    ],
)
def test_api_errors_are_json_and_say_what_to_do(
    client: FlaskClient, url: str, status: int, message: str | None
) -> None:
    resp = client.get(url)
    assert resp.status_code == status
    if message:
        assert resp.json["ok"] is False and message in resp.json["error"]


def test_api_every_query_is_an_example_of_the_query_editor(client: FlaskClient) -> None:
    examples = {e["name"]: e for e in client.get("/sparql/editor.json").json["examples"]}
    assert set(examples) == {q.name for q in library.list_queries()}
    assert '"2020-12"' in examples["events_in_window"]["query"]  # runnable: the default window is bound
