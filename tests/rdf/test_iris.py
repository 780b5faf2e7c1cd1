"""The IRI scheme: deterministic, under the base, and invertible."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.rdf.iris import Iris, encode, slug

BASE = "http://example.org/eg/"


def test_iris_scheme_is_exactly_as_documented(iris: Iris) -> None:
    h = hashlib.sha1(b"doc 1\x1f10\x1f14\x1fvisit").hexdigest()[:12]
    event = f"{BASE}id/event/doc%201-{h}"
    assert iris.document("doc 1") == f"{BASE}id/document/doc%201"
    assert iris.document_graph("doc 1") == f"{BASE}graph/document/doc%201"
    assert iris.event("doc 1", 10, 14, "visit") == event
    assert iris.actor("Russia", "Q159") == f"{BASE}id/actor/Q159"
    assert iris.actor("Côte d'Ivoire") == f"{BASE}id/actor/cote-d-ivoire"
    assert iris.time(event) == f"{event}/time"
    assert iris.evidence(event) == f"{event}/evidence"
    assert iris.aid(event, 2) == f"{event}/aid/2"
    assert iris.money(event, 2) == f"{event}/aid/2/value"
    assert iris.actors_graph == f"{BASE}graph/actors"
    assert iris.activity("doc 1", "ab" * 32) == f"{BASE}id/activity/doc%201-{'ab' * 6}"
    group = hashlib.sha1(b"doc 1\x1fsister cities\x1fcity\x1f48\x1fFalse").hexdigest()[:12]
    assert iris.group("doc 1", "sister cities", "city", 48, False) == f"{BASE}id/group/doc%201-{group}"
    assert iris.category("test_kits") == "https://w3id.org/eventgraph/category/test_kits"


def test_iris_are_deterministic_and_under_the_base() -> None:
    a, b = Iris(BASE), Iris(BASE)
    assert a.event("d", 1, 2, "meeting") == b.event("d", 1, 2, "meeting")
    assert a.event("d", 1, 2, "meeting") != a.event("d", 1, 2, "visit")
    other = Iris("https://data.example.net/kg")
    assert other.base == "https://data.example.net/kg/"
    assert other.document("d").startswith("https://data.example.net/kg/id/")


@pytest.mark.parametrize("base", ["example.org/", "ftp://example.org/", "http://example.org/?q=1", "http://x/#f", ""])
def test_iris_reject_a_base_that_is_not_an_http_iri(base: str) -> None:
    with pytest.raises(ValueError, match="base IRI"):
        Iris(base)


def test_iris_actor_accepts_qid_or_entity_iri_and_rejects_others(iris: Iris) -> None:
    assert iris.actor("China", "http://www.wikidata.org/entity/Q148") == iris.actor("x", "Q148")
    for bad in ("148", "Q", "q148", "P17", "Q12a"):
        with pytest.raises(ValueError, match="Wikidata"):
            iris.actor("China", bad)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Viet Nam", "viet-nam"), ("  U.S.A.  ", "u-s-a"), ("Köln", "koln"), ("C40 Cities", "c40-cities")],
)
def test_iris_slug_folds_to_lowercase_ascii(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_iris_slug_of_a_non_latin_name_is_a_distinct_hash() -> None:
    assert slug("北京").startswith("x-")
    assert slug("北京") != slug("上海")


def test_iris_encode_keeps_only_safe_characters() -> None:
    assert encode("a-b_c.d") == "a-b_c.d"
    assert encode("a/b c~é") == "a%2Fb%20c%7E%C3%A9"


@given(st.text(min_size=1, max_size=40))
def test_iris_doc_id_roundtrips_through_every_document_iri(doc_id: str) -> None:
    iris = Iris(BASE)
    assert iris.doc_id_from_graph(iris.document_graph(doc_id)) == doc_id
    event = iris.event(doc_id, 0, 3, "other")
    for iri in (iris.document_graph(doc_id), iris.document(doc_id), event, iris.evidence(event), iris.money(event, 0)):
        assert iris.doc_id_of(iri) == doc_id


def test_iris_kind_of_names_every_minted_iri(iris: Iris) -> None:
    event = iris.event("d", 0, 0, "visit")
    expected = {
        iris.document("d"): "document",
        iris.document_graph("d"): "document-graph",
        iris.actors_graph: "actors-graph",
        event: "event",
        iris.time(event): "time",
        iris.evidence(event): "evidence",
        iris.selector(event, "sentence"): "selector",
        iris.selector(event, "trigger"): "selector",
        iris.aid(event, 0): "aid",
        iris.money(event, 0): "money",
        iris.actor("Russia", "Q159"): "actor",
        iris.actor("Some Office"): "actor",
        iris.group("d", "sister cities", "city", 3, True): "group",
        iris.activity("d", "0" * 64): "activity",
        iris.software("0.1.0"): "software",
        iris.category("masks"): "category",
    }
    assert {iri: iris.kind_of(iri) for iri in expected} == expected


def test_iris_kind_of_and_doc_id_ignore_foreign_iris(iris: Iris) -> None:
    for iri in ("http://www.wikidata.org/entity/Q148", f"{BASE}id/unknown/x", f"{BASE}graph/document/a/b"):
        assert iris.kind_of(iri) is None
        assert iris.doc_id_from_graph(iri) is None
        assert iris.doc_id_of(iri) is None
