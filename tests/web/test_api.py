"""The JSON API over a real app and a real store: filters, paging, the timeline window, exports, OpenAPI."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.config import Settings
from service.model import events_from_json
from service.store import Store, open_store
from service.web import create_app

from ..timeline.graphs import BASE, extraction_a, extraction_b, load

ROLES = ("agents", "recipients", "participants", "places")


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    store = open_store(":memory:")
    load(store, extraction_a(), extraction_b())
    yield create_app(Settings(store=":memory:", base_iri=BASE), store=store)
    store.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def triggers(body: dict) -> list[str]:
    return [e["trigger"] for e in body["events"]]


def test_api_events_lists_everything_in_date_order(client: FlaskClient) -> None:
    body = client.get("/api/events").get_json()
    assert triggers(body) == ["trained", "met", "donated", "sent letters", "provided", "helped"]
    assert body["next"] is None and body["window"] == {"start": "2019-01-01", "end": "2021-12-31"}


def test_api_events_next_link_walks_every_page(client: FlaskClient) -> None:
    seen, url = [], "/api/events?limit=2&type=aid_delivery&type=meeting&type=communication"
    while url:
        body = client.get(url).get_json()
        seen += triggers(body)
        url = body["links"]["next"]
    assert seen == ["met", "donated", "sent letters", "provided"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=communication", ["sent letters"]),
        (f"actor={BASE}id/actor/Q1490&start=2021", ["provided", "trained"]),  # same key: IRI order
        ("doc=doc-a&q=letters", ["sent letters"]),
        ("start=2020-03-02&end=2020-03-04", ["trained", "met", "donated"]),
        ("undated=1", ["helped"]),
    ],
)
def test_api_events_filters(client: FlaskClient, query: str, expected: list[str]) -> None:
    assert triggers(client.get("/api/events?" + query).get_json()) == expected


def test_api_events_actor_is_an_iri_or_a_qid(client: FlaskClient) -> None:
    """``actor=Q1490`` is the actor linked to wd:Q1490, as the CLI and the named queries read it."""
    by_iri = client.get(f"/api/events?actor={BASE}id/actor/Q1490").get_json()
    by_qid = client.get("/api/events?actor=Q1490")
    assert by_qid.status_code == 200 and by_qid.get_json()["events"] == by_iri["events"]
    assert triggers(by_iri) and len(triggers(by_iri)) < len(triggers(client.get("/api/events").get_json()))
    for path in ("/api/timeline", "/api/events/histogram", "/api/export/events.json"):
        assert client.get(path + "?actor=Q1490").data == client.get(f"{path}?actor={BASE}id/actor/Q1490").data
    found = client.get("/api/actors?actor=Q1490").get_json()["actors"]
    assert [a["iri"] for a in found] == [f"{BASE}id/actor/Q1490"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Q999999", "actor=Q999999: no actor is linked to Wikidata Q999999"),
        ("Tokyo", "actor='Tokyo' is neither an IRI nor a Wikidata QID"),
    ],
)
def test_api_events_actor_refusals_name_the_value(client: FlaskClient, value: str, message: str) -> None:
    resp = client.get("/api/events", query_string={"actor": value})
    assert resp.status_code == 400 and message in resp.get_json()["error"]


@pytest.mark.parametrize(
    ("query", "word"),
    [("type=parade", "parade"), ("limit=0", "limit"), ("cursor=xyz", "cursor"), ("start=soon", "start")],
)
def test_api_bad_argument_is_a_json_400(client: FlaskClient, query: str, word: str) -> None:
    resp = client.get("/api/events?" + query)
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["ok"] is False and body["status"] == 400 and word in body["error"]


def test_api_event_by_key_and_not_found(client: FlaskClient) -> None:
    event = client.get("/api/events?q=masks").get_json()["events"][0]
    again = client.get(event["links"]["self"]).get_json()
    assert again == event
    missing = client.get("/api/events/doc-a-000000000000")
    assert missing.status_code == 404 and missing.get_json()["ok"] is False


def test_api_timeline_returns_every_event_of_a_quiet_window(client: FlaskClient) -> None:
    body = client.get("/api/timeline?start=2020-01-01&end=2020-06-30").get_json()
    assert body["complete"] is True and body["drawn"] == "all" and body["histogram"] is None
    assert sorted(e["trigger"] for e in body["events"]) == ["donated", "met", "sent letters", "trained"]
    donated = next(e for e in body["events"] if e["trigger"] == "donated")
    assert donated["agents"] == [{"name": "Beijing", "iri": BASE + "id/actor/Q956"}]
    assert donated["recipients"] == [{"name": "Tokyo", "iri": BASE + "id/actor/Q1490"}]
    assert donated["document"] == {"id": "doc-a", "title": "Aid news"}
    assert donated["date"] == {"earliest": "2020-03-03", "latest": "2020-03-03", "precision": "day"}


def test_api_timeline_draws_what_it_can_when_crowded(client: FlaskClient) -> None:
    month = client.get("/api/timeline?start=2020-01-01&end=2020-06-30&limit=3").get_json()
    assert (month["complete"], month["drawn"]) == (False, "month")
    assert sorted(e["trigger"] for e in month["events"]) == ["donated", "sent letters"]
    day = client.get("/api/timeline?start=2020-01-01&end=2020-06-30&limit=1").get_json()
    assert day["drawn"] == "day" and [e["trigger"] for e in day["events"]] == ["donated"]


def test_api_timeline_zoomed_far_out_draws_few_events_and_counts_many(client: FlaskClient) -> None:
    few = client.get("/api/timeline?start=2015-01-01&end=2021-12-31").get_json()
    assert few["drawn"] == "all" and len(few["events"]) == 5
    body = client.get("/api/timeline?start=2015-01-01&end=2021-12-31&limit=4").get_json()
    assert body["drawn"] == "none" and body["events"] == []
    assert body["histogram"] == {"level": "year", "buckets": [{"key": "2019", "count": 1}, {"key": "2020", "count": 4},
                                                               {"key": "2021", "count": 2}]}  # fmt: skip


def test_api_timeline_needs_a_window(client: FlaskClient) -> None:
    assert client.get("/api/timeline").status_code == 400


def test_api_histogram(client: FlaskClient) -> None:
    body = client.get("/api/events/histogram?start=2020-03&end=2020-04&type=communication").get_json()
    assert body == {"level": "month", "buckets": [{"key": "2020-04", "count": 1}]}


def test_api_actors_autocomplete_and_lookup(client: FlaskClient) -> None:
    names = [a["name"] for a in client.get("/api/actors?q=bei").get_json()["actors"]]
    assert names == ["Beijing"]
    found = client.get(f"/api/actors?actor={BASE}id/actor/Q1490").get_json()["actors"]
    assert [a["name"] for a in found] == ["Tokyo"]


def test_api_documents_list_and_one(client: FlaskClient) -> None:
    ids = [d["id"] for d in client.get("/api/documents").get_json()["documents"]]
    assert sorted(ids) == ["doc b/<x>", "doc-a"]
    doc = client.get("/api/documents/doc-a").get_json()
    assert doc["title"] == "Aid news" and len(doc["events"]) == 3
    text = "".join(p["text"] for seg in doc["segments"] for p in seg.get("parts", [seg]))
    assert text == doc["text"]
    assert client.get("/api/documents/nope").status_code == 404


def test_api_stats(client: FlaskClient) -> None:
    body = client.get("/api/stats").get_json()
    assert body["counts"]["events"] == 6 and body["types"]["meeting"] == 1


def test_api_export_json_reads_back(client: FlaskClient) -> None:
    resp = client.get("/api/export/events.json?doc=doc-a")
    assert resp.mimetype == "application/json" and "attachment" in resp.headers["Content-Disposition"]
    assert sorted(e.trigger for e in events_from_json(json.loads(resp.data))) == ["donated", "met", "sent letters"]


def test_api_export_csv(client: FlaskClient) -> None:
    resp = client.get("/api/export/events.csv?type=aid_delivery")
    assert resp.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert [r["trigger"] for r in rows] == ["donated", "provided"]


def test_api_export_timelinejs(client: FlaskClient) -> None:
    body = client.get("/api/export/timelinejs.json").get_json()
    assert body["title"]["text"]["headline"] == "Eventgraph timeline" and len(body["events"]) == 5
    assert all("start_date" in e and "year" in e["start_date"] for e in body["events"])


def test_api_openapi_describes_every_route(app: Flask, client: FlaskClient) -> None:
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule).replace("{doc_id}", "{id}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(("api.", "queries.", "curation."))
    }
    assert routes == set(doc["paths"])


def test_api_seed_events_point_into_their_documents(seeded: tuple[Settings, Store]) -> None:
    settings, store = seeded
    client = create_app(settings, store=store).test_client()
    docs = client.get("/api/documents").get_json()["documents"]
    assert len(docs) == 2 and sum(d["events"] for d in docs) > 0
    for summary in docs:
        doc = client.get(f"/api/documents/{summary['id']}").get_json()
        for event in doc["events"]:
            (s_start, s_end), (t_start, t_end) = event["offsets"]["sentence"], event["offsets"]["trigger"]
            assert doc["text"][s_start:s_end] == event["sentence"]
            assert doc["text"][t_start:t_end] == event["trigger"]
    listed = client.get("/api/events?limit=1000").get_json()
    assert len(listed["events"]) == sum(d["events"] for d in docs) and listed["next"] is None


def test_api_seed_search_types_and_timeline(seeded: tuple[Settings, Store]) -> None:
    settings, store = seeded
    client = create_app(settings, store=store).test_client()
    everything = client.get("/api/events?limit=1000").get_json()["events"]
    word = "immigration"
    expected = {
        e["key"]
        for e in everything
        if word in e["sentence"].lower() or any(word in a["name"].lower() for r in ROLES for a in e[r])
    }
    found = {e["key"] for e in client.get(f"/api/events?q={word.upper()}&limit=1000").get_json()["events"]}
    assert found == expected and found
    kind = everything[0]["type"]
    typed = client.get(f"/api/events?type={kind}&limit=1000").get_json()["events"]
    assert {e["key"] for e in typed} == {e["key"] for e in everything if e["type"] == kind}
    view = client.get("/api/timeline?start=2019-12-01&end=2020-12-31").get_json()
    dated = {e["key"] for e in everything if e["date"]["earliest"] and e["date"]["latest"]}
    assert view["complete"] and {e["key"] for e in view["events"]} == dated
