"""The seeds' graph: every actor the gazetteer knows carries its Wikidata link, and the links
agree with the verified Wikidata reference (on both store backends)."""

from __future__ import annotations

import csv
from pathlib import Path

from service.config import Settings
from service.extract.gazetteer import load_gazetteer
from service.linking.reconcile import normalise
from service.rdf.iris import Iris
from service.store import Store

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "wikidata-reference.tsv"
ACTORS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?actor ?name ?wikidata WHERE {{
  GRAPH {graph} {{ ?actor a <http://semanticweb.cs.vu.nl/2009/11/sem/Actor> ; rdfs:label ?name }}
  OPTIONAL {{ ?actor skos:exactMatch ?wikidata }}
}}"""


def _actors(seeded: tuple[Settings, Store]) -> list[tuple[str, str, str | None]]:
    settings, store = seeded
    graph = f"<{Iris(settings.base_iri).actors_graph}>"
    return [
        (r["actor"].value, r["name"].value, r["wikidata"].value if r["wikidata"] else None)  # type: ignore[index, union-attr]
        for r in store.query(ACTORS.format(graph=graph))  # type: ignore[union-attr]
    ]


def test_graph_links_every_gazetteer_actor_with_a_qid_is_linked(seeded: tuple[Settings, Store]) -> None:
    gazetteer = load_gazetteer()
    actors = _actors(seeded)
    assert len([a for a in actors if a[2]]) >= 10
    for iri, name, wikidata in actors:
        entry = gazetteer.by_name(name)
        if entry is not None and entry.qid:
            assert wikidata == f"http://www.wikidata.org/entity/{entry.qid}", f"{name} is not linked to {entry.qid}"
            assert iri.endswith("/" + entry.qid)


def test_graph_links_agree_with_the_reference(seeded: tuple[Settings, Store]) -> None:
    with REFERENCE.open(encoding="utf-8", newline="") as fh:
        reference = {row["qid"]: row for row in csv.DictReader(fh, delimiter="\t")}
    gazetteer = load_gazetteer()
    checked = 0
    for _, name, wikidata in _actors(seeded):
        qid = (wikidata or "").rsplit("/", 1)[-1]
        if qid not in reference:
            continue
        row = reference[qid]
        names = {normalise(n) for n in [row["label_en"], *row["aliases"].split("|")] if n}
        entry = gazetteer.by_qid(qid)
        forms = {normalise(f) for f in (entry.forms() if entry else (name,))} | {normalise(name)}
        assert names & forms, f"{name} is linked to {qid}, which the reference calls {row['label_en']}"
        checked += 1
    assert checked >= 10
