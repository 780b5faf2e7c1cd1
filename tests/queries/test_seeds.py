"""Every named query on the seeds' graph (the two seed documents ingested through the pipeline)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from click.testing import CliRunner
from pyoxigraph import QuerySolutions

from service.cli import cli
from service.config import Settings
from service.rdf.iris import Iris
from service.sparql import library
from service.store import Store
from service.web import create_app
from service.web.runtime import app_runtime

IRIS = Iris("http://localhost:8000/")
NIA = IRIS.actor("National Immigration Administration")
BEIJING_DOC = IRIS.document("004_0b827a61c6374308")
NIA_DOC = IRIS.document("000_9bb7eb15379a1141")
Run = Callable[..., list[dict[str, Any]]]


@pytest.fixture
def run(seeds: Store, rows: Any) -> Run:
    def go(name: str, **params: str) -> list[dict[str, Any]]:
        return rows(library.run(seeds, library.get_query(name), params, allow=()))

    return go


def test_seeds_every_query_has_a_test_here() -> None:
    tested = {name[len("test_seeds_") :] for name in globals() if name.startswith("test_seeds_")}
    assert {q.name for q in library.list_queries()} <= tested


def test_seeds_actor_events(run: Run) -> None:
    nia = run("actor_events", actor=NIA)
    assert {r["type"] for r in nia} >= {"AidDelivery", "Communication"}
    assert all(r["document"] == NIA_DOC for r in nia)
    china = run("actor_events", actor="Q148")  # the default parameter
    assert china and all(r["_actor_iri"] == IRIS.actor("China", "Q148") for r in china)


def test_seeds_aid_between(run: Run) -> None:
    nia = run("aid_between", donor=NIA)
    worth = [(r["currency"], Decimal(r["totalValue"]), r["approximate"]) for r in nia if r["currency"]]
    assert ("CNY", Decimal(3_000_000), "true") in worth  # "worth more than 3 million yuan"
    # "Beijing has received … donations to us … more than 100,000 masks": the recipient is Beijing
    # or its foreign affairs office (the author), the donors its sister cities.
    masks = [
        r
        for r in run("aid_between")
        if r["category"] == "masks"
        and "sister cit" in (r["donorName"] or "")
        and "Beijing" in (r["recipientName"] or "")
    ]
    assert [(Decimal(r["totalQuantity"]), r["approximate"]) for r in masks] == [(100_000, "true")]
    assert all(r["recipient"] == IRIS.actor("Beijing", "Q956") for r in run("aid_between", recipient="Q956"))


def test_seeds_aid_network(run: Run) -> None:
    edges = {(r["donorName"], r["recipientName"]): r for r in run("aid_network")}
    from_sister_cities = [
        r for (donor, recipient), r in edges.items() if "sister cit" in donor and "Beijing" in recipient
    ]
    assert from_sister_cities and "masks" in from_sister_cities[0]["categories"].split()
    assert any("sister cit" in recipient for _, recipient in edges)  # "the city donated … to 48 sister cities"


def test_seeds_aid_by_category(run: Run) -> None:
    rows = run("aid_by_category")
    assert {"masks", "test_kits"} <= {r["category"] for r in rows}
    masks = [r for r in rows if r["category"] == "masks"]  # several mentions; one counted: "100,000 masks"
    items, quantified = (sum(int(r[k]) for r in masks) for k in ("items", "quantified"))
    assert items > quantified >= 1 and sum(Decimal(r["totalQuantity"]) for r in masks) >= 100_000


def test_seeds_top_recipients(run: Run) -> None:
    got = run("top_recipients")
    assert got and [int(r["events"]) for r in got] == sorted((int(r["events"]) for r in got), reverse=True)
    assert any("sister cit" in r["name"] for r in got)


def test_seeds_events_per_month(run: Run) -> None:
    got = run("events_per_month")
    assert got and all(r["month"].startswith(("2019", "2020")) for r in got)
    assert sum(int(r["events"]) for r in got) >= len({r["month"] for r in got})


def test_seeds_events_in_window(run: Run) -> None:
    year = run("events_in_window")  # the defaults: 2020
    assert year and all(r["earliest"] <= "2020-12-31" and r["latest"] >= "2020-01-01" for r in year)
    assert {r["document"] for r in year} == {NIA_DOC, BEIJING_DOC}
    assert run("events_in_window", start="1990-01-01", end="1990-12-31") == []


def test_seeds_uncertain_dates(run: Run) -> None:
    got = run("uncertain_dates")
    assert got and all(r["precision"] != "day" or r["basis"] != "explicit" for r in got)


def test_seeds_cooperation_partners(run: Run) -> None:
    partners = {r["partnerName"] for r in run("cooperation_partners")}  # default: Beijing
    assert partners and "Beijing" not in partners


def test_seeds_actor_documents(run: Run) -> None:
    assert [r["document"] for r in run("actor_documents")] == [BEIJING_DOC]  # default: Beijing
    assert [r["document"] for r in run("actor_documents", actor=NIA)] == [NIA_DOC]


def test_seeds_actors_wikidata(run: Run) -> None:
    links = {r["qid"]: r for r in run("actors_wikidata")}
    assert {"Q148", "Q956", "Q159", "Q232"} <= set(links)
    assert all(r["linkedBy"] == "gazetteer" for r in links.values())


def test_seeds_unlinked_actors(run: Run) -> None:
    assert "National Immigration Administration" in {r["name"] for r in run("unlinked_actors")}


def test_seeds_event_description(seeds: Store, run: Run) -> None:
    events = [r["event"] for r in run("actor_events", actor=NIA) if r["type"] == "AidDelivery"]
    values = set()
    for event in events:
        for t in library.run(seeds, library.get_query("event_description"), {"event": event}, allow=()):
            if t.predicate.value == "http://schema.org/value":  # type: ignore[union-attr]
                values.add(Decimal(t.object.value))  # type: ignore[union-attr]
    assert Decimal(3_000_000) in values


def test_seeds_wikidata_country_facts(seeds: Store, wikidata_endpoint: str, rows: Any) -> None:
    query = library.get_query("wikidata_country_facts")
    local = library.parse_query(query.name, query.text.replace("https://query.wikidata.org/sparql", wikidata_endpoint))
    facts = {r["wikidata"]: r for r in rows(library.run(seeds, local, {}, allow=(wikidata_endpoint,)))}
    china = facts["http://www.wikidata.org/entity/Q148"]
    assert int(china["population"]) == 1_410_000_000 and china["continents"] == "Asia"
    assert "http://www.wikidata.org/entity/Q956" not in facts  # Beijing is a city, not a country


@pytest.fixture(scope="module")
def seeds_params(seeds: Store) -> dict[str, dict[str, str]]:
    """What each query needs beyond its defaults on the seeds: an event to describe."""
    rows = library.run(seeds, library.get_query("actor_events"), {"actor": NIA}, allow=())
    return {"event_description": {"event": next(iter(rows))["event"].value}}  # type: ignore[index, union-attr]


@pytest.mark.parametrize("name", sorted(q.name for q in library.list_queries() if not q.services))
def test_seeds_from_the_cli(seeds_settings: Settings, seeds_params: dict[str, dict[str, str]], name: str) -> None:
    params = [arg for k, v in seeds_params.get(name, {}).items() for arg in ("--param", f"{k}={v}")]
    fmt = "ntriples" if library.get_query(name).form == "CONSTRUCT" else "tsv"
    result = CliRunner().invoke(cli, ["query", name, "--store", seeds_settings.store, "--format", fmt, *params])
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) > (0 if library.get_query(name).form == "CONSTRUCT" else 1)


@pytest.mark.parametrize("name", sorted(q.name for q in library.list_queries() if not q.services))
def test_seeds_from_the_api(
    seeds: Store, seeds_settings: Settings, seeds_params: dict[str, dict[str, str]], name: str
) -> None:
    app = create_app(seeds_settings, store=seeds)
    try:
        resp = app.test_client().get(f"/api/queries/{name}", query_string=seeds_params.get(name, {}))
    finally:
        app_runtime(app).close()
    assert resp.status_code == 200, resp.get_data(as_text=True)
    if library.get_query(name).form == "SELECT":
        assert resp.json["results"]["bindings"]
    else:
        assert resp.mimetype == "text/turtle" and resp.data


def _answer(result: Any, rows: Any) -> list[str]:
    """A result as sorted lines (the rows of a SELECT, the triples of a CONSTRUCT), to compare regardless of order."""
    return sorted(map(str, rows(result) if isinstance(result, QuerySolutions) else result))


@pytest.mark.parametrize("name", sorted(q.name for q in library.list_queries() if not q.services))
def test_seeds_editor_examples_answer_what_their_defaults_ask(seeds: Store, rows: Any, name: str) -> None:
    """The text the query editor opens (defaults bound, a QID default included) gives the answer the
    API and the CLI give when no parameter is passed: the defaults are not ignored."""
    query = library.get_query(name)
    example = _answer(seeds.query(query.query), rows)
    assert example
    if not any(p.required and p.default is None for p in query.params):  # event_description has no default
        assert example == _answer(library.run(seeds, query, {}, allow=()), rows)


def test_seeds_editor_examples_keep_to_the_default_actor_and_window(seeds: Store, rows: Any) -> None:
    beijing, china = IRIS.actor("Beijing", "Q956"), IRIS.actor("China", "Q148")
    for name, actor in (("actor_documents", beijing), ("cooperation_partners", beijing), ("actor_events", china)):
        got = rows(seeds.query(library.get_query(name).query))
        assert got and {r["_actor_iri"] for r in got} == {actor}, name
    assert [r["document"] for r in rows(seeds.query(library.get_query("actor_documents").query))] == [BEIJING_DOC]
    window = rows(seeds.query(library.get_query("events_in_window").query))
    assert window and all(r["earliest"] <= "2020-12-31" and r["latest"] >= "2020-01-01" for r in window)
