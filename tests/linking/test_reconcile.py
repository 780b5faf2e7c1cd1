"""Reconciliation of actors without a QID: the decision, the links and their provenance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from service.linking.reconcile import Decision, Unlinked, decide, normalise
from service.linking.run import link_store
from service.linking.wikidata import Candidate, WikidataClient
from service.rdf.iris import Iris
from service.sparql import library
from service.store import Store

ACTOR = Unlinked("http://localhost:8000/id/actor/georgia", "Georgia", "country")


def _solutions(result: Any) -> list[dict[str, str | None]]:
    names = [v.value for v in result.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in result]


def test_reconcile_normalise_ignores_case_accents_punctuation_and_the() -> None:
    assert normalise("The Lao People's Democratic Republic") == "lao people s democratic republic"
    assert normalise("Côte d’Ivoire") == normalise("cote d'ivoire")
    assert normalise("The") == "the"
    assert normalise("北京") == "北京"


def test_reconcile_decide_takes_the_one_exact_match() -> None:
    hits = [
        Candidate("Q1", "Georgians", "people", "label", "Georgians", 0),
        Candidate("Q230", "Georgia", "country", "label", "Georgia", 1),
    ]
    decision = decide(ACTOR, hits)
    assert (decision.status, decision.candidate, decision.score) == ("linked", hits[1], 0.99)


def test_reconcile_decide_scores_an_alias_lower_than_a_label() -> None:
    alias = Candidate("Q230", "Georgia", "country", "alias", "GEORGIA", 0)
    assert decide(ACTOR, [alias]).score == 0.95
    assert decide(ACTOR, [alias], min_score=0.96).status == "no match"


def test_reconcile_decide_leaves_ambiguous_names_alone() -> None:
    hits = [
        Candidate("Q230", "Georgia", "country", "label", "Georgia", 0),
        Candidate("Q1428", "Georgia", "U.S. state", "label", "Georgia", 1),
    ]
    decision = decide(ACTOR, hits)
    assert decision.status == "ambiguous" and decision.candidate is None
    assert "Q230 (country), Q1428 (U.S. state)" in decision.describe()


def test_reconcile_decide_needs_an_exact_match() -> None:
    prefix_only = [Candidate("Q99", "Georgia Institute of Technology", "university", "label", "Georgia Inst", 0)]
    assert decide(ACTOR, prefix_only) == Decision(ACTOR, "no match")
    assert decide(ACTOR, []) == Decision(ACTOR, "no match")


def test_reconcile_links_unknown_actors_with_provenance(
    unlinked_store: Store, iris: Iris, replay: Any, tmp_path: Path
) -> None:
    client = WikidataClient(replay.url, cache_dir=tmp_path)
    report = link_store(unlinked_store, iris, client=client)
    statuses = {d.actor.name: (d.status, d.candidate.qid if d.candidate else None) for d in report.decisions}
    assert statuses == {
        "Viet Nam": ("linked", "Q881"),
        "Kyrgyz Republic": ("linked", "Q813"),
        "Guinea": ("linked", "Q1006"),
        "World Health Organisation": ("linked", "Q7817"),
        "Georgia": ("ambiguous", None),
        "Leading Group for Improving Beijing's Role as an International Exchange Center": ("no match", None),
    }
    assert "Russia" not in replay.searches  # linked by the gazetteer already
    links = {
        r["name"]: r
        for r in _solutions(library.run(unlinked_store, library.get_query("actors_wikidata"), {}, allow=()))
    }
    assert (links["Viet Nam"]["qid"], links["Viet Nam"]["linkedBy"], links["Viet Nam"]["score"]) == (
        "Q881",
        "online",
        "0.95",
    )
    assert float(links["Guinea"]["score"]) == 1.0 and links["Russia"]["linkedBy"] == "gazetteer"
    unlinked = _solutions(library.run(unlinked_store, library.get_query("unlinked_actors"), {}, allow=()))
    assert {r["name"] for r in unlinked} == {
        "Georgia",
        "Leading Group for Improving Beijing's Role as an International Exchange Center",
    }


def test_reconcile_provenance_names_the_activity_the_api_and_the_justification(
    unlinked_store: Store, iris: Iris, replay: Any
) -> None:
    link_store(unlinked_store, iris, client=WikidataClient(replay.url))
    query = """PREFIX owl: <http://www.w3.org/2002/07/owl#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX sssom: <https://w3id.org/sssom/>
    SELECT ?graph ?justification ?matched ?used ?software ?started WHERE {
      GRAPH ?graph { ?axiom owl:annotatedSource <http://localhost:8000/id/actor/viet-nam> ;
        sssom:mapping_justification ?justification ; sssom:match_string ?matched ; prov:wasGeneratedBy ?run .
        ?run prov:used ?used ; prov:wasAssociatedWith ?software ; prov:startedAtTime ?started }
    }"""
    (row,) = _solutions(unlinked_store.query(query))
    assert row["graph"] == iris.actors_graph and row["used"] == replay.url
    assert row["justification"] == "https://w3id.org/semapv/vocab/LexicalMatching" and row["matched"] == "Viet Nam"
    assert row["software"].startswith("http://localhost:8000/id/software/eventgraph/") and row["started"]


def test_reconcile_second_run_asks_only_what_is_still_unlinked(
    unlinked_store: Store, iris: Iris, replay: Any, tmp_path: Path
) -> None:
    link_store(unlinked_store, iris, client=WikidataClient(replay.url, cache_dir=tmp_path))
    again = link_store(unlinked_store, iris, client=WikidataClient(replay.url, cache_dir=tmp_path))
    assert {d.actor.name for d in again.decisions} == {
        "Georgia",
        "Leading Group for Improving Beijing's Role as an International Exchange Center",
    }
    assert again.requests == 0 and len(replay.searches) == 6  # the second run came from the cache


def test_reconcile_dry_run_writes_nothing(unlinked_store: Store, iris: Iris, replay: Any) -> None:
    report = link_store(unlinked_store, iris, client=WikidataClient(replay.url), dry_run=True)
    assert report.count("linked") == 4 and not report.written
    assert "dry run" in report.summary()
    assert len(_solutions(library.run(unlinked_store, library.get_query("unlinked_actors"), {}, allow=()))) == 6
