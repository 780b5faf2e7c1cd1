"""SHACL validation: the golden graph conforms; broken graphs do not, and the report says why."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pyoxigraph import Dataset, Literal, NamedNode, Quad

from service.model import Extraction
from service.rdf.iris import Iris
from service.rdf.mapping import document_quads
from service.rdf.namespaces import EG, OA, RDF, SCHEMA, SEM, SKOS, XSD
from service.rdf.validate import Report, validate, validate_store
from service.store import open_store

Edit = Callable[[list[Quad], Iris], list[Quad]]


def _set(quads: list[Quad], predicate: NamedNode, value: Literal | NamedNode, which: int = 0) -> list[Quad]:
    """Replace the object of the ``which``-th quad with ``predicate``."""
    hits = [i for i, q in enumerate(quads) if q.predicate == predicate]
    i = hits[which]
    q = quads[i]
    return quads[:i] + [Quad(q.subject, q.predicate, value, q.graph_name)] + quads[i + 1 :]


def _drop(quads: list[Quad], predicate: NamedNode, which: int = 0) -> list[Quad]:
    hits = [i for i, q in enumerate(quads) if q.predicate == predicate]
    return quads[: hits[which]] + quads[hits[which] + 1 :]


def _date(text: str) -> Literal:
    return Literal(text, datatype=XSD.date)


def _decimal(text: str) -> Literal:
    return Literal(text, datatype=XSD.decimal)


def _no_evidence(quads: list[Quad], iris: Iris) -> list[Quad]:
    return _drop(quads, EG.evidence)


def _earliest_after_latest(quads: list[Quad], iris: Iris) -> list[Quad]:
    quads = _set(quads, SEM.hasEarliestBeginTimeStamp, _date("2021-01-01"))
    return _set(quads, EG.earliest, _date("2021-01-01"))


def _currency_yuan(quads: list[Quad], iris: Iris) -> list[Quad]:
    return _set(quads, SCHEMA.currency, Literal("yuan"))


BROKEN: dict[str, tuple[Edit, tuple[str, ...]]] = {
    "event without evidence": (_no_evidence, ("eg:evidence", "at least one eg:evidence")),
    "earliest after latest": (_earliest_after_latest, ("earliest > latest", "not after eg:latest")),
    "currency yuan": (_currency_yuan, ("schema:currency", "ISO 4217", "'yuan'")),
    "confidence above 1": (lambda q, i: _set(q, EG.confidence, _decimal("1.5")), ("eg:confidence",)),
    "negative quantity": (lambda q, i: _set(q, SCHEMA.value, _decimal("-3")), ("schema:value",)),
    "bad wikidata link": (
        lambda q, i: _set(q, SKOS.exactMatch, NamedNode("https://www.wikidata.org/wiki/Q956")),
        ("skos:exactMatch", "Wikidata"),
    ),
    "two event types": (
        lambda q, i: q + [Quad(_event_of(q), RDF.type, EG.Visit, q[0].graph_name)],
        ("exactly one event type",),
    ),
    "document without checksum": (lambda q, i: _drop(q, EG.checksum), ("eg:checksum",)),
    "unknown precision": (lambda q, i: _set(q, EG.precision, Literal("week")), ("eg:precision",)),
    "selector beyond the text": (lambda q, i: _set(q, OA.end, Literal(10_000)), ("beyond the end of the document",)),
    "actor without label": (lambda q, i: [x for x in q if x.object != Literal("Russia")], ("rdfs:label",)),
}


def _event_of(quads: list[Quad]) -> NamedNode:
    return next(q.subject for q in quads if q.predicate == EG.eventId)


@pytest.fixture
def golden_quads(extraction: Extraction, iris: Iris) -> list[Quad]:
    local, shared = document_quads(extraction, iris, "0.1.0")
    return local + shared


def test_validate_golden_graph_conforms(golden_quads: list[Quad]) -> None:
    report = validate(golden_quads)
    assert isinstance(report, Report)
    assert (report.conforms, report.problems, report.text) == (True, (), "conforms")


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_validate_broken_graph_does_not_conform_and_says_why(golden_quads: list[Quad], iris: Iris, case: str) -> None:
    edit, expected = BROKEN[case]
    report = validate(edit(list(golden_quads), iris))
    assert not report.conforms
    for words in expected:
        assert words in report.text, report.text


def test_validate_reports_every_problem_of_a_graph_broken_three_ways(golden_quads: list[Quad], iris: Iris) -> None:
    quads = _currency_yuan(_earliest_after_latest(_no_evidence(golden_quads, iris), iris), iris)
    report = validate(quads)
    assert not report.conforms
    assert report.text.startswith("does not conform")
    for words in ("at least one eg:evidence", "earliest > latest", "ISO 4217"):
        assert words in report.text, report.text
    assert all(p.focus.startswith("<http://example.org/eg/id/") for p in report.problems)


def test_validate_with_rdfs_inference_finds_the_same(golden_quads: list[Quad], iris: Iris) -> None:
    assert validate(golden_quads, inference="rdfs").conforms
    broken = _currency_yuan(_no_evidence(golden_quads, iris), iris)
    assert validate(broken, inference="rdfs").text == validate(broken).text


def test_validate_accepts_a_pyoxigraph_dataset(golden_quads: list[Quad]) -> None:
    assert validate(Dataset(golden_quads)).conforms


def test_validate_store_checks_every_graph_of_a_store(golden_quads: list[Quad], iris: Iris) -> None:
    store = open_store(":memory:")
    try:
        local = [q for q in golden_quads if q.graph_name.value != iris.actors_graph]
        shared = [q for q in golden_quads if q.graph_name.value == iris.actors_graph]
        store.replace_graph(iris.document_graph("golden-001"), local, shared)
        assert validate_store(store).conforms
        store.drop_graph(iris.actors_graph)
        report = validate_store(store)
        assert not report.conforms and "an actor needs an rdfs:label" in report.text
    finally:
        store.close()


def test_validate_empty_data_conforms() -> None:
    assert validate([]).conforms
