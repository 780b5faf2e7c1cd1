"""Results are capped in a line format by pyoxigraph itself, then written in the requested format."""

from __future__ import annotations

import json

import pytest
from pyoxigraph import Literal, NamedNode, Quad, QueryResultsFormat, RdfFormat, Store, parse, parse_query_results

from service.sparql.results import SMALL_GRAPH, Head, Job, evaluate, write_result


@pytest.fixture(scope="module")
def store() -> Store:
    s = Store()
    g = NamedNode("http://ex/g")
    s.extend(
        Quad(NamedNode(f"http://ex/s{i}"), NamedNode("http://ex/p"), Literal(f"tab\there\nline {i}", language="en"), g)
        for i in range(50)
    )
    s.add(Quad(NamedNode("http://ex/x"), NamedNode("http://ex/p"), Literal("in the default graph")))
    return s


def job(text: str, *, rows: int = 1000, select: str = "json", graph: str = "turtle", **kw: object) -> Job:
    base = {"default_graphs": None, "named_graphs": None, "use_query_dataset": False, "base_iri": None}
    return Job(text=text, select_format=select, graph_format=graph, max_rows=rows, **{**base, **kw})  # type: ignore[arg-type]


def run(store: Store, j: Job) -> tuple[Head, bytes]:
    heads: list[Head] = []
    chunks: list[bytes] = []
    write_result(evaluate(store, j), j, heads.append, chunks.append)
    assert len(heads) == 1
    return heads[0], b"".join(chunks)


def test_results_select_round_trips_every_term(store: Store) -> None:
    head, data = run(store, job("SELECT ?s ?o ?unbound WHERE { ?s ?p ?o } ORDER BY ?s"))
    assert head == Head("application/sparql-results+json", "solutions", False)
    parsed = json.loads(data)
    assert parsed["head"]["vars"] == ["s", "o", "unbound"]
    first = parsed["results"]["bindings"][0]
    assert first["o"] == {"type": "literal", "value": "tab\there\nline 0", "xml:lang": "en"}
    assert "unbound" not in first
    assert len(parsed["results"]["bindings"]) == 51  # union of all graphs


def test_results_select_is_capped(store: Store) -> None:
    head, data = run(store, job("SELECT * WHERE { ?s ?p ?o }", rows=7, select="xml"))
    assert head.truncated and head.media_type == "application/sparql-results+xml"
    assert len(list(parse_query_results(data, QueryResultsFormat.XML))) == 7  # type: ignore[arg-type]
    head, data = run(store, job("SELECT * WHERE { ?s ?p ?o } LIMIT 7", rows=7, select="tsv"))
    assert not head.truncated and data.count(b"\n") == 8


def test_results_ask_and_empty_select(store: Store) -> None:
    head, data = run(store, job("ASK { ?s ?p ?o }", select="xml"))
    assert head.kind == "boolean" and bool(parse_query_results(data, QueryResultsFormat.XML))
    head, data = run(store, job("SELECT * WHERE { ?s <http://ex/none> ?o }"))
    assert json.loads(data)["results"]["bindings"] == []


@pytest.mark.parametrize("name", ["turtle", "ntriples", "rdfxml", "jsonld", "nquads", "trig"])
def test_results_construct_in_every_graph_format(store: Store, name: str) -> None:
    fmt = {"turtle": RdfFormat.TURTLE, "ntriples": RdfFormat.N_TRIPLES, "rdfxml": RdfFormat.RDF_XML,
           "jsonld": RdfFormat.JSON_LD, "nquads": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG}[name]  # fmt: skip
    head, data = run(store, job("CONSTRUCT WHERE { ?s ?p ?o }", graph=name))
    assert head == Head(fmt.media_type, "triples", False)
    assert len(list(parse(data, fmt))) == 51


def test_results_construct_is_capped(store: Store) -> None:
    head, data = run(store, job("CONSTRUCT WHERE { ?s ?p ?o }", rows=10, graph="ntriples"))
    assert head.truncated and data.count(b"\n") == 10


def test_results_dataset_choices(store: Store) -> None:
    g = "http://ex/g"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def n(j: Job) -> int:
        return int(json.loads(run(store, j)[1])["results"]["bindings"][0]["n"]["value"])

    assert n(job(count)) == 51
    assert n(job(count, default_graphs=(g,), named_graphs=())) == 50
    assert n(job(count, default_graphs=(), named_graphs=(g,))) == 0
    assert n(job(count.replace("WHERE", f"FROM <{g}> WHERE"), use_query_dataset=True)) == 50


@pytest.mark.parametrize("name", ["turtle", "ntriples", "jsonld", "nquads"])
def test_results_small_and_large_graphs_give_the_same_triples(name: str) -> None:
    """A graph of up to SMALL_GRAPH triples is written in one pass, a larger one through the line
    counter: either way every triple arrives, and the cap cuts only the larger one."""
    fmt = {"turtle": RdfFormat.TURTLE, "ntriples": RdfFormat.N_TRIPLES, "jsonld": RdfFormat.JSON_LD,
           "nquads": RdfFormat.N_QUADS}[name]  # fmt: skip
    big = Store()
    big.extend(
        Quad(NamedNode(f"http://ex/s{i // 3}"), NamedNode(f"http://ex/p{i % 3}"), Literal(f'value "{i}"\n'))
        for i in range(SMALL_GRAPH * 3)
    )
    everything = {str(q.triple) for q in big}
    cases = [(SMALL_GRAPH, 10_000, False), (SMALL_GRAPH + 1, 10_000, False), (SMALL_GRAPH * 3, 10_000, False),
             (SMALL_GRAPH * 3, SMALL_GRAPH * 2, True)]  # fmt: skip
    for limit, rows, truncated in cases:
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }} LIMIT {limit}"
        head, data = run(big, job(query, rows=rows, graph=name))
        got = {str(t.triple) if isinstance(t, Quad) else str(t) for t in parse(data, fmt)}
        assert head.truncated is truncated and len(got) == min(limit, rows) and got <= everything


@pytest.mark.parametrize("name", ["json", "xml", "csv", "tsv"])
def test_results_a_bounded_select_is_the_counted_one(store: Store, name: str) -> None:
    """A SELECT bounded by its own LIMIT is written in one pass: the same answer as the counted way."""
    text = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 20"
    counted = run(store, job(text, select=name))
    once = run(store, job(text, select=name, bounded=True))
    assert once == counted and not once[0].truncated
    assert run(store, job(text + " OFFSET 1000", select=name, bounded=True))[0].kind == "solutions"
