"""Aid categories and event types linked to Wikidata concepts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from service.linking.concepts import CONCEPTS_TSV, ConceptLink, concept_quads, load_concepts
from service.linking.run import link_store
from service.rdf.iris import Iris
from service.sparql import library
from service.store import Store

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "tests" / "data" / "wikidata-reference.tsv"
AID_ITEMS = REPO / "service" / "extract" / "lexicon" / "aid_items.tsv"


def test_concepts_table_is_valid_and_links_both_schemes() -> None:
    links = load_concepts()
    assert {link.scheme for link in links} == {"aid_category", "event_type"}
    assert all(link.wikidata_label for link in links)


def test_concepts_rows_checked_against_the_reference_agree_with_it() -> None:
    with REFERENCE.open(encoding="utf-8", newline="") as fh:
        reference = {row["qid"]: row for row in csv.DictReader(fh, delimiter="\t")}
    checked = [link for link in load_concepts() if link.checked == "reference"]
    assert checked
    for link in checked:
        assert link.qid in reference, f"{link.qid} is not in the reference"
        assert link.wikidata_label == reference[link.qid]["label_en"], link


def test_concepts_category_keys_are_categories_of_the_extractor() -> None:
    lines = [line for line in AID_ITEMS.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    categories = {row["category"] for row in csv.DictReader(lines, delimiter="\t")}
    keys = {link.key for link in load_concepts() if link.scheme == "aid_category"}
    assert keys <= categories, f"unknown categories: {keys - categories}"


def test_concepts_a_malformed_row_is_refused_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "concepts.tsv"
    header = CONCEPTS_TSV.read_text(encoding="utf-8").splitlines()[0]
    bad.write_text(header + "\nevent_type\tparade\tcloseMatch\tQ1\tparade\t\t\n", encoding="utf-8")
    with pytest.raises(ValueError, match="concepts.tsv line 2: 'parade' is not an event type"):
        load_concepts(bad)


def test_concepts_quads_name_the_category_and_the_class(iris: Iris) -> None:
    rows = [
        ConceptLink("aid_category", "masks", "relatedMatch", "Q90416196", "face masks during the COVID-19 pandemic"),
        ConceptLink("event_type", "meeting", "closeMatch", "Q2761147", "meeting"),
    ]
    quads = {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in concept_quads(iris, rows)}
    graph = f"<{iris.actors_graph}>"
    assert quads == {
        (
            "<https://w3id.org/eventgraph/category/masks>",
            "<http://www.w3.org/2004/02/skos/core#relatedMatch>",
            "<http://www.wikidata.org/entity/Q90416196>",
            graph,
        ),
        (
            "<https://w3id.org/eventgraph#Meeting>",
            "<http://www.w3.org/2004/02/skos/core#closeMatch>",
            "<http://www.wikidata.org/entity/Q2761147>",
            graph,
        ),
    }


def test_concepts_written_by_link_appear_in_aid_by_category(unlinked_store: Store, iris: Iris) -> None:
    report = link_store(unlinked_store, iris)  # offline: concepts only, no client
    assert report.concepts == len(load_concepts()) and not report.decisions
    link_store(unlinked_store, iris)  # writing twice changes nothing
    rows = list(library.run(unlinked_store, library.get_query("aid_by_category"), {}, allow=()))
    (masks,) = [r for r in rows if r["category"].value == "masks"]  # type: ignore[union-attr]
    assert masks["wikidata"].value == "http://www.wikidata.org/entity/Q90416196"  # type: ignore[union-attr]
    assert masks["match"].value.endswith("#relatedMatch")  # type: ignore[union-attr]
    count = unlinked_store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2004/02/skos/core#closeMatch> ?o }"
    )
    assert next(iter(count))["n"].value == str(sum(1 for c in load_concepts() if c.relation == "closeMatch"))  # type: ignore[index, union-attr]
