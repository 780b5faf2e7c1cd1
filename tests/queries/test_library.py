"""The named-query library: headers, parameters, typed binding as terms, and name checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode

from service.errors import NotFound, UserError
from service.sparql import library
from service.sparql.params import month_keys
from service.store import Store

XSD = "http://www.w3.org/2001/XMLSchema#"
HEADER = """#+ summary: Things by label
#+ description: >-
#+   A test query
#+   on two lines.
#+ tags:
#+   - test
#+ defaults:
#+   - since: 2020-01-01
#+ enumerate:
#+   - colour:
#+     - red
#+     - green
#+ params:
#+   - label: the label to look for
"""
BODY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?thing ?_label_literal ?__since_xsd_date ?__colour ?__count_integer ?__name_en ?__what_iri
WHERE { ?thing rdfs:label ?_label_literal }
"""


def test_library_loads_at_least_twelve_queries_with_titles_and_descriptions() -> None:
    queries = library.list_queries()
    assert len(queries) >= 12
    for q in queries:
        assert q.title and q.description, q.name
        assert q.form in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")


def test_library_index_lists_every_query() -> None:
    index = (library.QUERIES_DIR / "README.md").read_text(encoding="utf-8")
    missing = [q.name for q in library.list_queries() if f"`{q.name}`" not in index]
    assert not missing, f"queries/README.md does not list {missing}"


def test_library_reads_grlc_decorators_and_parameter_names() -> None:
    q = library.parse_query("things", HEADER + BODY)
    assert (q.title, q.description, q.tags) == ("Things by label", "A test query on two lines.", ("test",))
    params = {p.name: p for p in q.params}
    assert list(params) == ["label", "since", "colour", "count", "name", "what"]
    assert params["label"].required and params["label"].description == "the label to look for"
    assert not params["since"].required and params["since"].default == "2020-01-01"
    assert params["since"].label == "xsd:date" and params["count"].label == "integer"
    assert params["colour"].enum == ("red", "green") and params["name"].language == "en"
    assert params["what"].type == "iri"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("#+ summary: x\n#+ pagination: 100\n", "unknown decorator pagination"),
        ("#+ summary: [unclosed\n", "not valid YAML"),
        ("#+ summary: x\n#+ defaults:\n#+   - nope: 1\n", "no parameter of the query"),
        ("#+ summary: x\n#+ defaults:\n#+   - since: yesterday\n", "the default of since"),
        ("#+ summary: x\n#+ enumerate:\n#+   - colour\n", "inline values only"),
        ("#+ description: no summary\n", "needs a '#\\+ summary:'"),
    ],
)
def test_library_refuses_a_malformed_header(header: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        library.parse_query("bad", header + BODY)


def test_library_refuses_a_parameter_named_twice_differently() -> None:
    with pytest.raises(ValueError, match="both"):
        library.parse_query("bad", "#+ summary: x\nSELECT ?_a_iri WHERE { ?_a_iri ?p ?__a_iri }")


@pytest.mark.parametrize(
    "name", ["../etc/passwd", "actor_events.rq", "Actor_Events", "a/b", "", "actor events", "actor_events\n"]
)
def test_library_get_query_refuses_names_that_are_not_names(name: str) -> None:
    with pytest.raises(UserError, match="not a query name"):
        library.get_query(name)


def test_library_get_query_unknown_name_is_not_found() -> None:
    with pytest.raises(NotFound, match="no named query 'nope'"):
        library.get_query("nope")


def test_library_reads_another_directory(tmp_path: Path) -> None:
    (tmp_path / "mine.rq").write_text(HEADER + BODY, encoding="utf-8")
    (tmp_path / "Not A Name.rq").write_text("not even SPARQL", encoding="utf-8")
    assert [q.name for q in library.list_queries(tmp_path)] == ["mine"]
    assert library.get_query("mine", tmp_path).title == "Things by label"


def test_library_bind_converts_each_type_to_a_term() -> None:
    q = library.parse_query("things", HEADER + BODY)
    bound = library.bind(q, {"label": 'say "hi"', "count": "12", "name": "Beijing", "what": "wd:Q956", "colour": "red"})
    assert bound == {
        "_label_literal": Literal('say "hi"'),
        "__since_xsd_date": Literal("2020-01-01", datatype=NamedNode(XSD + "date")),
        "__colour": Literal("red"),
        "__count_integer": Literal("12", datatype=NamedNode(XSD + "integer")),
        "__name_en": Literal("Beijing", language="en"),
        "__what_iri": NamedNode("http://www.wikidata.org/entity/Q956"),
    }


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"label": "x", "since": "2020-13-01"}, "since='2020-13-01' is not a valid xsd:date"),
        ({"label": "x", "since": "last spring"}, "for example 2020-03-31"),
        ({"label": "x", "count": "1.5"}, "count='1.5' is not a valid integer"),
        ({"label": "x", "what": "not an iri"}, "what='not an iri' is not a valid IRI"),
        ({"label": "x", "what": "javascript:alert(1)"}, "is not a valid IRI"),
        ({"label": "x", "colour": "blue"}, "colour='blue' is not one of red, green"),
        ({"label": "x", "size": "3"}, "things has no parameter size: it takes label, since"),
        ({"since": "2020-01-01"}, "things needs the parameter label"),
        ({"label": "x" * 3000}, "longer than"),
    ],
)
def test_library_bind_refuses_bad_values_clearly(values: dict[str, str], message: str) -> None:
    q = library.parse_query("things", HEADER + BODY)
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        library.bind(q, values)


def test_library_bind_resolves_a_qid_to_the_actor_linked_to_it(sample_store: Store) -> None:
    q = library.get_query("actor_events")
    assert library.bind(q, {"actor": "Q159"}, sample_store) == {
        "_actor_iri": NamedNode("http://localhost:8000/id/actor/Q159")
    }
    with pytest.raises(UserError, match="no actor is linked to Wikidata Q42"):
        library.bind(q, {"actor": "Q42"}, sample_store)
    with pytest.raises(UserError, match="resolved against a store"):
        library.bind(q, {"actor": "Q159"})


def test_library_values_are_terms_never_query_text(sample_store: Store, rows: Any) -> None:
    q = library.parse_query("things", HEADER + BODY)
    attack = 'x" } ?thing ?p ?o . FILTER(true) #'
    text = library.prepare(q, library.bind(q, {"label": attack}))
    assert str(Literal(attack)) in text
    assert rows(sample_store.query(text)) == []  # no label is the attack string; nothing else matched


def test_library_prepare_opens_the_where_clause_with_values() -> None:
    q = library.get_query("events_in_window")
    text = library.prepare(q, library.bind(q, {"start": "2020-11-15", "end": "2021-01-02"}))
    where = text.index("WHERE {") + len("WHERE {")
    assert text[where:].lstrip().startswith('VALUES ?_start_xsd_date { "2020-11-15"^^<')
    assert 'VALUES ?month { "2020-11" "2020-12" "2021-01" }' in text


def test_library_month_keys_refuse_inverted_or_huge_windows() -> None:
    from datetime import date

    with pytest.raises(UserError, match="before it starts"):
        month_keys(date(2020, 2, 1), date(2020, 1, 1))
    with pytest.raises(UserError, match="narrow it"):
        month_keys(date(1900, 1, 1), date(2020, 1, 1))


def test_library_example_binds_every_default() -> None:
    window = library.get_query("events_in_window").query
    assert '"2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date>' in window and '"2020-12"' in window
    actor = library.get_query("actor_events").query  # a QID default: the actor linked to it, looked up by the text
    assert "VALUES ?actorWikidata { <http://www.wikidata.org/entity/Q148> }" in actor
    assert "?_actor_iri <http://www.w3.org/2004/02/skos/core#exactMatch>|" in actor
    assert library.get_query("aid_between").query == library.get_query("aid_between").text  # no defaults


def test_library_finds_the_service_endpoints() -> None:
    federated = [q for q in library.list_queries() if q.services]
    assert [q.services for q in federated] == [("https://query.wikidata.org/sparql",)]
    assert library.get_query("wikidata_country_facts").to_json()["federated"] is True


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("#+ summary: x\n#+ tags: aid\n", "'#\\+ tags' lists tags as '- tag' items"),
        ("#+ summary: x\n#+ defaults:\n#+   - since: [2020-01-01]\n", "'#\\+ defaults' lists '- name: value' items"),
        (
            "#+ summary: x\n#+ enumerate:\n#+   - colour: red\n",
            "'#\\+ enumerate' gives each parameter a list of values",
        ),
        ("#+ summary: x\n#+ params:\n#+   - label: a\n#+     since: b\n", "'#\\+ params' lists '- name: description'"),
        ("#+ summary: x\n#+ month_keys:\n#+   variable: m\n#+   from: since\n", "'#\\+ month_keys' needs 'variable'"),
        ("#+ summary: [a, b]\n", "'#\\+ summary' is one line of text"),
        ("#+ - summary\n", "the '#\\+' header must be 'key: value' lines"),
        ("#+ summary: x\n#+ defaults:\n#+   - since: 2020-02-30\n", "holds a date that does not exist"),
    ],
)
def test_library_header_schema_refusals_are_one_line_naming_the_file(header: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        library.parse_query("bad", header + BODY)
    assert str(caught.value).startswith("bad.rq") and "\n" not in str(caught.value)


def test_library_header_yaml_dates_stay_as_written() -> None:
    query = library.parse_query("dated", HEADER + BODY)
    assert query.param("since").default == "2020-01-01"


def test_library_header_schema_is_valid_and_lists_the_decorators() -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(library.HEADER_SCHEMA)
    assert library.DECORATORS == ("summary", "description", "tags", "defaults", "enumerate", "params", "month_keys")
