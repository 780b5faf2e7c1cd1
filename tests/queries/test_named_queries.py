"""Every named query on a small hand-made graph whose answers are known exactly, on both backends."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from pyoxigraph import QueryTriples

from service.rdf.iris import Iris
from service.sparql import library
from service.store import Store

BASE = "http://localhost:8000/"
IRIS = Iris(BASE)
NIA = IRIS.actor("National Immigration Administration")
E1, E2, E3, E4 = (
    IRIS.event("sample-1", n * 20, n * 20 + 2, t)
    for n, t in ((1, "aid_delivery"), (2, "communication"), (3, "aid_delivery"), (4, "aid_delivery"))
)
Run = Callable[..., list[dict[str, Any]]]


@pytest.fixture
def run(sample_backend: Store, rows: Any) -> Run:
    def go(name: str, **params: str) -> list[dict[str, Any]]:
        return rows(library.run(sample_backend, library.get_query(name), params, allow=()))

    return go


def test_sample_every_query_has_a_test_here() -> None:
    tested = {name[len("test_sample_") :] for name in globals() if name.startswith("test_sample_")}
    missing = {q.name for q in library.list_queries()} - tested - {"wikidata_country_facts"}  # test_federation.py
    assert not missing


def test_sample_actor_events(run: Run) -> None:
    got = run("actor_events", actor="Q159")
    assert [(r["event"], r["role"].rsplit("#")[1], r["type"]) for r in got] == [
        (E1, "recipient", "AidDelivery"),
        (E2, "recipient", "Communication"),
    ]
    assert got[1]["precision"] == "month" and got[1]["earliest"] == "2020-03-01"
    assert {r["event"] for r in run("actor_events", actor=NIA)} == {E1, E2}


def test_sample_aid_between(run: Run) -> None:
    got = run("aid_between", donor="Q1490", recipient="Q956")
    totals = {(r["category"], r["unit"]): (Decimal(r["totalQuantity"]), r["events"], r["approximate"]) for r in got}
    assert totals == {("masks", "pieces"): (120_000, "2", "true"), ("gloves", "pairs"): (10_000, "1", "false")}
    nia = run("aid_between", donor=NIA)
    assert {(r["recipientName"], r["currency"], Decimal(r["totalValue"])) for r in nia} == {
        ("Kazakhstan", "CNY", 3_000_000),
        ("Russia", "CNY", 3_000_000),
    }


def test_sample_aid_network(run: Run) -> None:
    edges = {
        (r["donorName"], r["recipientName"]): (r["events"], r["items"], r["categories"]) for r in run("aid_network")
    }
    assert edges[("Tokyo", "Beijing")][:2] == ("2", "3")
    assert set(edges[("Tokyo", "Beijing")][2].split()) == {"masks", "gloves"}
    assert edges[("National Immigration Administration", "Russia")] == ("1", "1", "test_kits")
    assert len(edges) == 3


def test_sample_aid_by_category(run: Run) -> None:
    got = {r["category"]: r for r in run("aid_by_category")}
    assert Decimal(got["masks"]["totalQuantity"]) == 120_000 and got["masks"]["events"] == "2"
    assert (got["test_kits"]["totalQuantity"], got["test_kits"]["quantified"]) == ("0", "0")
    assert got["gloves"]["unit"] == "pairs"


def test_sample_top_recipients(run: Run) -> None:
    got = run("top_recipients")
    assert [(r["name"], r["events"], r["items"], r["donors"]) for r in got][0] == ("Beijing", "2", "3", "1")
    assert {r["name"] for r in got} == {"Beijing", "Kazakhstan", "Russia"}


def test_sample_events_per_month(run: Run) -> None:
    counts = {(r["month"], r["type"]): int(r["events"]) for r in run("events_per_month")}
    assert counts[("2020-02", "AidDelivery")] == 2  # e1 spans January to October, e4 is in February
    assert counts[("2020-03", "Communication")] == 1
    assert counts[("2020-07", "AidDelivery")] == 2
    assert ("2020-11", "AidDelivery") not in counts


def test_sample_events_in_window(run: Run) -> None:
    july = run("events_in_window", start="2020-07-01", end="2020-07-31")
    assert {(r["event"], r["certain"]) for r in july} == {(E1, "false"), (E3, "true")}
    assert run("events_in_window", start="2020-11-01", end="2020-12-31") == []
    one_day = run("events_in_window", start="2020-03-31", end="2020-03-31")
    assert {r["event"] for r in one_day} == {E1, E2}


def test_sample_uncertain_dates(run: Run) -> None:
    got = run("uncertain_dates")
    assert [(r["event"], r["precision"], r["width"]) for r in got] == [
        (E1, "range", "P293D"),
        (E2, "month", "P30D"),
        (E4, "month", "P28D"),
    ]
    assert got[0]["expression"] == "To date"


def test_sample_cooperation_partners(run: Run) -> None:
    got = run("cooperation_partners", actor="Q159")
    assert [(r["partnerName"], r["events"]) for r in got] == [
        ("National Immigration Administration", "2"),
        ("Kazakhstan", "1"),
    ]
    assert got[1]["wikidata"] == "http://www.wikidata.org/entity/Q232"


def test_sample_actor_documents(run: Run) -> None:
    got = run("actor_documents", actor="Q956")
    assert [(r["documentId"], r["title"], r["events"], r["published"]) for r in got] == [
        ("sample-1", "Sample", "2", "2020-10-20")
    ]


def test_sample_actors_wikidata(run: Run) -> None:
    got = run("actors_wikidata")
    assert [(r["name"], r["qid"], r["linkedBy"]) for r in got] == [
        ("Beijing", "Q956", "gazetteer"),
        ("Kazakhstan", "Q232", "gazetteer"),
        ("Russia", "Q159", "gazetteer"),
        ("Tokyo", "Q1490", "gazetteer"),
    ]


def test_sample_unlinked_actors(run: Run) -> None:
    assert [(r["name"], r["kind"], r["events"]) for r in run("unlinked_actors")] == [
        ("National Immigration Administration", "organisation", "2")
    ]


def test_sample_event_description(sample_backend: Store) -> None:
    result = library.run(sample_backend, library.get_query("event_description"), {"event": E1}, allow=())
    assert isinstance(result, QueryTriples)
    triples = {
        (t.subject.value, t.predicate.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1], t.object.value) for t in result
    }
    assert (E1, "type", "https://w3id.org/eventgraph#AidDelivery") in triples
    assert (E1 + "/time", "precision", "range") in triples
    assert (E1 + "/aid/0/value", "value", "3000000") in triples
    assert (E1 + "/evidence/trigger", "exact", "provided") in triples
    assert (BASE + "id/actor/Q232", "exactMatch", "http://www.wikidata.org/entity/Q232") in triples
    assert (BASE + "id/document/sample-1", "headline", "Sample") in triples
    assert not any(s == E2 for s, _, _ in triples)  # nothing of another event
