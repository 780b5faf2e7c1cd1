"""Extraction → quads: the golden extraction conforms, is deterministic and queryable."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, parse, serialize

from service.model import EVENT_TYPES, Actor, Extraction
from service.rdf.iris import Iris
from service.rdf.mapping import EVENT_CLASSES, checksum_query, decimal, document_quads, month_keys, year_keys
from service.rdf.namespaces import CATEGORY, EG, PREFIXES, RDF, SCHEMA, SEM, sparql_prologue
from service.rdf.validate import validate
from service.store import open_store

VOCABULARIES = tuple(PREFIXES.values())


def _select(quads: list[Quad], variables: str, where: str) -> list[tuple[str, ...]]:
    """Rows of ``SELECT variables WHERE { where }`` over the union of the quads' graphs, sorted."""
    store = Store()
    store.extend(quads)
    rows = store.query(sparql_prologue() + f"SELECT {variables} WHERE {{ {where} }}", use_default_graph_as_union=True)
    return sorted(tuple(term.value for term in row) for row in rows)


def test_mapping_golden_conforms_to_the_shapes(extraction: Extraction, iris: Iris) -> None:
    local, shared = document_quads(extraction, iris, "0.1.0")
    report = validate(local + shared)
    assert report.conforms, report.text


def test_mapping_is_deterministic(extraction: Extraction, iris: Iris) -> None:
    assert document_quads(extraction, iris, "0.1.0") == document_quads(extraction, Iris(iris.base), "0.1.0")


def test_mapping_mints_every_iri_under_the_base(extraction: Extraction, iris: Iris) -> None:
    local, shared = document_quads(extraction, iris, "0.1.0")
    nodes = {t.value for q in local + shared for t in (q.subject, q.object, q.graph_name) if isinstance(t, NamedNode)}
    foreign = {n for n in nodes if not n.startswith(iris.base) and not n.startswith(VOCABULARIES)}
    assert foreign == {"https://example.org/news/golden-001"}  # the document's own URL
    assert {iris.kind_of(n) for n in nodes if n.startswith(iris.base)} >= {"event", "actor", "group", "money"}


def test_mapping_splits_document_graph_and_shared_actors_graph(extraction: Extraction, iris: Iris) -> None:
    local, shared = document_quads(extraction, iris, "0.1.0")
    assert {q.graph_name.value for q in local} == {iris.document_graph("golden-001")}
    assert {q.graph_name.value for q in shared} == {iris.actors_graph}
    assert {iris.kind_of(q.subject.value) for q in shared} == {"actor", "category"}


def test_mapping_roundtrips_through_trig(extraction: Extraction, iris: Iris) -> None:
    local, shared = document_quads(extraction, iris, "0.1.0")
    trig = serialize(local + shared, format=RdfFormat.TRIG, prefixes=PREFIXES)
    assert set(parse(trig, format=RdfFormat.TRIG)) == set(local + shared)


def test_mapping_golden_facts_are_queryable(extraction: Extraction, iris: Iris) -> None:
    local, shared = document_quads(extraction, iris, "0.1.0")
    quads = local + shared
    donors = _select(quads, "?wd", "?e a eg:AidDelivery ; eg:agent/skos:exactMatch ?wd")
    assert donors == [("http://www.wikidata.org/entity/Q956",)]
    money = _select(quads, "?v ?c", "?e eg:hasAid/eg:value [ schema:value ?v ; schema:currency ?c ]")
    assert money == [("3000000", "CNY")]
    groups = _select(quads, "?n ?k", "?e eg:recipient [ a eg:ActorGroup ; eg:memberCount ?n ; eg:memberKind ?k ]")
    assert groups == [("48", "city")]
    march = _select(quads, "?id", '?e eg:month "2020-03" ; eg:eventId ?id')
    assert march == [("e1",), ("e2",), ("e3",)]
    planned = _select(quads, "?type", "?e eg:evidence [ eg:planned true ] ; a ?type . FILTER(?type != sem:Event)")
    assert planned == [(EG.Deployment.value,)]
    places = _select(quads, "?l", "?e sem:hasPlace ?p . ?p a sem:Place ; rdfs:label ?l")
    assert places == [("Guinea",), ("countries",)]


def test_mapping_evidence_offsets_resolve_in_the_stored_text(extraction: Extraction, iris: Iris) -> None:
    local, shared = document_quads(extraction, iris, "0.1.0")
    rows = _select(
        local,
        "?ev",
        "?ev eg:sentence ?s ; oa:hasSource/schema:text ?text ; oa:hasSelector [ oa:start ?a ; oa:end ?b ] . "
        "FILTER(SUBSTR(?text, ?a + 1, ?b - ?a) = ?s)",
    )
    assert len(rows) == len(extraction.events)


def test_mapping_covers_every_event_type(extraction: Extraction, iris: Iris) -> None:
    assert set(EVENT_CLASSES) == set(EVENT_TYPES)
    base_event = extraction.events[2]
    events = tuple(dataclasses.replace(base_event, id=t, type=t) for t in EVENT_TYPES)
    local, shared = document_quads(dataclasses.replace(extraction, events=events), iris, "0.1.0")
    typed = {q.object for q in local if q.predicate == RDF.type and q.object in EVENT_CLASSES.values()}
    assert typed == set(EVENT_CLASSES.values())
    assert validate(local + shared).conforms


def test_mapping_actor_without_qid_or_kind_class(extraction: Extraction, iris: Iris) -> None:
    event = dataclasses.replace(extraction.events[2], agents=(Actor(name="Some Committee", kind="other"),))
    local, shared = document_quads(dataclasses.replace(extraction, events=(event,)), iris, "0.1.0")
    actor = NamedNode(iris.actor("Some Committee"))
    assert {q.object for q in shared if q.subject == actor and q.predicate == RDF.type} == {SEM.Actor}
    assert Quad(actor, EG.kind, Literal("other"), NamedNode(iris.actors_graph)) in shared
    assert validate(local + shared).conforms


def test_mapping_rejects_events_that_would_share_an_iri(extraction: Extraction, iris: Iris) -> None:
    twin = dataclasses.replace(extraction.events[0], id="twin")
    with pytest.raises(ValueError, match="share sentence, trigger and type"):
        document_quads(dataclasses.replace(extraction, events=(extraction.events[0], twin)), iris, "0.1.0")


def test_mapping_rejects_unknown_type_and_kind(extraction: Extraction, iris: Iris) -> None:
    bad_type = dataclasses.replace(extraction.events[0], type="riot")
    with pytest.raises(ValueError, match="unknown type"):
        document_quads(dataclasses.replace(extraction, events=(bad_type,)), iris, "0.1.0")
    bad_kind = dataclasses.replace(extraction.events[0], agents=(Actor(name="X", kind="planet"),))
    with pytest.raises(ValueError, match="unknown kind"):
        document_quads(dataclasses.replace(extraction, events=(bad_kind,)), iris, "0.1.0")


def test_mapping_document_without_optional_metadata(extraction: Extraction, iris: Iris) -> None:
    bare = dataclasses.replace(
        extraction.document, title=None, published=None, source=None, url="not a url", author=None
    )
    local, shared = document_quads(dataclasses.replace(extraction, document=bare), iris, "0.1.0")
    doc = NamedNode(iris.document(bare.id))
    predicates = {q.predicate for q in local if q.subject == doc}
    assert SCHEMA.headline not in predicates and SCHEMA.datePublished not in predicates
    url = next(q.object for q in local if q.subject == doc and q.predicate == SCHEMA.url)
    assert isinstance(url, Literal) and url.value == "not a url"
    assert validate(local + shared).conforms


@pytest.mark.parametrize(
    ("earliest", "latest", "months", "years"),
    [
        (date(2020, 1, 15), date(2020, 3, 2), ["2020-01", "2020-02", "2020-03"], ["2020"]),
        (date(2019, 12, 31), date(2020, 1, 1), ["2019-12", "2020-01"], ["2019", "2020"]),
        (
            date(2020, 1, 1),
            date(2021, 12, 31),
            [f"{y}-{m:02d}" for y in (2020, 2021) for m in range(1, 13)],
            ["2020", "2021"],
        ),
        (date(2020, 1, 1), date(2022, 1, 1), [], ["2020", "2021", "2022"]),
        (date(2000, 1, 1), date(2010, 1, 1), [], []),
        (None, date(2020, 1, 1), [], []),
        (date(2020, 2, 1), date(2020, 1, 1), [], []),
    ],
)
def test_mapping_access_path_keys(earliest, latest, months, years) -> None:
    assert month_keys(earliest, latest) == months
    assert year_keys(earliest, latest) == years


@pytest.mark.parametrize(
    ("number", "lexical"),
    [(3000000.0, "3000000"), (0.1, "0.1"), (1e21, "1000000000000000000000"), (2.50, "2.5"), (0, "0"), (7, "7")],
)
def test_mapping_decimal_is_plain_xsd_decimal(number: float, lexical: str) -> None:
    literal = decimal(number)
    assert (literal.value, literal.datatype.value) == (lexical, "http://www.w3.org/2001/XMLSchema#decimal")


def test_mapping_decimal_rejects_non_finite_numbers() -> None:
    with pytest.raises(ValueError, match="finite"):
        decimal(float("nan"))


def test_mapping_checksum_query_against_a_store(extraction: Extraction, iris: Iris) -> None:
    local, shared = document_quads(extraction, iris, "0.1.0")
    store = open_store(":memory:")
    try:
        store.replace_graph(iris.document_graph("golden-001"), local, shared)
        query, subs = checksum_query(iris, "golden-001", extraction.document.checksum)
        assert bool(store.query(query, substitutions=subs)) is True
        query, subs = checksum_query(iris, "golden-001", "0" * 64)
        assert bool(store.query(query, substitutions=subs)) is False
        query, subs = checksum_query(iris, "other' } ; DROP ALL ; #", extraction.document.checksum)
        assert bool(store.query(query, substitutions=subs)) is False
    finally:
        store.close()


def test_mapping_category_concepts_live_in_the_category_scheme(extraction: Extraction, iris: Iris) -> None:
    _, shared = document_quads(extraction, iris, "0.1.0")
    concepts = {q.subject.value for q in shared if q.subject in CATEGORY}
    assert concepts == {CATEGORY.iri + "masks", CATEGORY.iri + "test_kits"}
