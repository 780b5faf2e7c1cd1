"""The SPARQL examples of docs/curation.md run, and tell the extraction, the corrections and the
curated view apart on a store with a retyped, a rejected and an added event."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from service import curation
from service.rdf.iris import Iris
from service.store import Store, open_store
from tests.conftest import BACKENDS, start_oxigraph
from tests.web.live import load, sample_extraction

DOC = Path(__file__).resolve().parents[2] / "docs" / "curation.md"
BASE = "http://localhost:8000/"


def examples() -> dict[str, str]:
    """The doc's ```sparql blocks, by the comment on their first line."""
    blocks = re.findall(r"```sparql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return {block.splitlines()[0].lstrip("# ").strip(): block for block in blocks}


@pytest.fixture(scope="module", params=BACKENDS)
def curated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    remote = request.param == "remote"
    store = open_store(start_oxigraph(tmp_path_factory.mktemp("docs")) if remote else ":memory:")
    iris = load(store, BASE, sample_extraction())
    donated, signed = (
        iris.event("sample", e.sentence_start, e.trigger_start, e.type) for e in sample_extraction().events
    )
    curation.correct(
        store, iris, donated.rsplit("/", 1)[1], "retype", {"type": "aid_pledge"}, curator="Ana", note="pledged"
    )
    curation.correct(store, iris, signed.rsplit("/", 1)[1], "reject", {}, curator="Ben")
    event = sample_extraction().events[0]
    curation.add_event(
        store, iris, "sample", [event.sentence_start, event.sentence_end], {"type": "communication", "trigger": "Tokyo"}
    )
    yield store
    store.close()


def _rows(store: Store, query: str) -> list[dict[str, str]]:
    result = store.query(query)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]  # a SELECT: QuerySolutions
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]  # type: ignore[union-attr]


def test_docs_has_the_three_views() -> None:
    assert {"extraction alone", "corrections alone", "curated view", "revisions"} <= set(examples())


def test_docs_extraction_alone(curated: Store) -> None:
    rows = _rows(curated, examples()["extraction alone"])
    assert sorted(r["type"].rsplit("#", 1)[1] for r in rows) == ["AidDelivery", "CooperationAgreement"]


def test_docs_corrections_alone(curated: Store) -> None:
    rows = _rows(curated, examples()["corrections alone"])
    assert [(r["operation"], r["status"], r["curator"]) for r in rows] == [
        ("retype", "applied", "Ana"), ("reject", "applied", "Ben"), ("add_event", "applied", "analyst"),
    ]  # fmt: skip
    assert rows[0]["note"] == "pledged" and rows[0]["values"] == '{"type": "aid_pledge"}'
    assert "event" not in rows[2]  # an added event corrects no extracted one


def test_docs_curated_view(curated: Store) -> None:
    rows = _rows(curated, examples()["curated view"])
    assert sorted(r["type"].rsplit("#", 1)[1] for r in rows) == ["AidPledge", "Communication"]
    extracted = {r["event"] for r in _rows(curated, examples()["extraction alone"])}
    assert not extracted & {r["event"] for r in rows}


def test_docs_revisions(curated: Store) -> None:
    rows = _rows(curated, examples()["revisions"])
    assert [(r["extractedType"].rsplit("#", 1)[1], r["curatedType"].rsplit("#", 1)[1]) for r in rows] == [
        ("AidDelivery", "AidPledge")
    ]


def test_docs_graphs_separate_the_views(curated: Store) -> None:
    iris = Iris(BASE)
    only = f"FROM <{iris.curation_graph('sample')}>"
    query = examples()["corrections alone"].replace("SELECT", "SELECT", 1)
    assert len(_rows(curated, query.replace("WHERE {", f"{only} WHERE {{", 1).replace("GRAPH ?g {", "{", 1))) == 3
