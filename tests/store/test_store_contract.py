"""The contract every Store backend must honour, run against each backend."""

from __future__ import annotations

import io

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat

from service.errors import QueryError, StoreUnavailable
from service.store import Store, open_store

G1 = "http://example.org/graph/1"
G2 = "http://example.org/graph/2"
EX = "http://example.org/"


def quads(graph: str, n: int, label: str = "v") -> list[Quad]:
    return [
        Quad(NamedNode(f"{EX}s{i}"), NamedNode(f"{EX}p"), Literal(f"{label}{i}"), NamedNode(graph)) for i in range(n)
    ]


def count(store: Store, graph: str | None = None) -> int:
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
    return int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")))["n"].value)


@pytest.fixture(params=["oxigraph-disk", "oxigraph-memory", "remote"])
def backend(request: pytest.FixtureRequest, tmp_path) -> Store:
    if request.param == "remote":
        location = request.getfixturevalue("oxigraph_server_factory")(tmp_path / "remote")
    else:
        location = str(tmp_path / "store") if request.param == "oxigraph-disk" else ":memory:"
    s = open_store(location)
    yield s
    s.close()


def test_store_replace_graph_replaces_exactly(backend: Store) -> None:
    backend.replace_graph(G1, quads(G1, 5, "old"))
    backend.replace_graph(G1, quads(G1, 3, "new"))
    assert count(backend, G1) == 3
    labels = {r["o"].value for r in backend.query(f"SELECT ?o WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}")}
    assert labels == {"new0", "new1", "new2"}


def test_store_replace_graph_adds_shared_quads(backend: Store) -> None:
    backend.replace_graph(G1, quads(G1, 2), shared=quads(G2, 4))
    backend.replace_graph(G1, quads(G1, 2), shared=quads(G2, 4))
    assert count(backend, G2) == 4 and count(backend, G1) == 2


def test_store_replace_graph_refuses_foreign_quads(backend: Store) -> None:
    with pytest.raises(ValueError):
        backend.replace_graph(G1, quads(G2, 1))
    assert not backend.has_graph(G1) and not backend.has_graph(G2)


def test_store_default_graph_is_the_union(backend: Store) -> None:
    backend.replace_graph(G1, quads(G1, 2))
    backend.replace_graph(G2, quads(G2, 3, "w"))
    assert int(next(iter(backend.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value) == 5
    only = backend.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=[G2])
    assert int(next(iter(only))["n"].value) == 3


def test_store_substitutions_bind_terms(backend: Store) -> None:
    backend.replace_graph(G1, quads(G1, 3))
    rows = list(backend.query("SELECT ?s ?o WHERE { ?s ?p ?o }", substitutions={"s": NamedNode(f"{EX}s1")}))
    assert [r["o"].value for r in rows] == ["v1"]


def test_store_drop_graph_and_graphs(backend: Store) -> None:
    backend.replace_graph(G1, quads(G1, 1))
    backend.replace_graph(G2, quads(G2, 1))
    assert backend.graphs() == [G1, G2]
    assert backend.drop_graph(G1) is True
    assert backend.drop_graph(G1) is False
    assert backend.graphs() == [G2]


def test_store_update_and_syntax_errors(backend: Store) -> None:
    backend.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}a> <{EX}b> 'c' }} }}")
    assert count(backend, G1) == 1
    with pytest.raises(QueryError):
        backend.update("INSERT DATA { nonsense")
    with pytest.raises(QueryError):
        backend.query("SELECT WHERE {")
    assert count(backend, G1) == 1


def test_store_dump_round_trips(backend: Store) -> None:
    backend.replace_graph(G1, quads(G1, 3))
    buf = io.BytesIO()
    backend.dump(buf, RdfFormat.N_QUADS)
    assert buf.getvalue().count(b"\n") == 3
    one = io.BytesIO()
    backend.dump(one, RdfFormat.TURTLE, graph=G1)
    assert b"v2" in one.getvalue()


def test_store_second_writer_is_refused_clearly(tmp_path) -> None:
    first = open_store(str(tmp_path / "s"))
    try:
        with pytest.raises(StoreUnavailable, match="in use"):
            open_store(str(tmp_path / "s"))
    finally:
        first.close()


def test_store_read_only_missing_store_is_clear(tmp_path) -> None:
    with pytest.raises(StoreUnavailable, match="no store"):
        open_store(str(tmp_path / "absent"), read_only=True)


def test_store_failure_mid_write_leaves_the_old_graph(backend: Store) -> None:
    backend.replace_graph(G1, quads(G1, 4, "old"))

    def broken():
        yield from quads(G1, 2, "new")
        raise RuntimeError("the extractor died half-way")

    with pytest.raises(RuntimeError):
        backend.replace_graph(G1, broken())
    labels = {r["o"].value for r in backend.query(f"SELECT ?o WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}")}
    assert labels == {"old0", "old1", "old2", "old3"}
