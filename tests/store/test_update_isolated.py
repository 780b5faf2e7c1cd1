"""A client's update runs in a process of its own, under the time limit: stopped past it with
nothing changed, and the store still written and read normally afterwards."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from service.errors import QueryError, QueryTimeout, StoreUnavailable
from service.store.oxigraph import OxigraphStore

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def count(store: OxigraphStore) -> int:
    return int(next(iter(store.query(COUNT)))["n"].value)  # type: ignore[call-overload]


@pytest.fixture
def store(tmp_path: Path) -> OxigraphStore:
    store = OxigraphStore(str(tmp_path / "store"))
    g = NamedNode("http://ex/g")
    store.replace_graph(
        "http://ex/g", [Quad(NamedNode(f"http://ex/{i}"), NamedNode("http://ex/p"), Literal(i), g) for i in range(300)]
    )
    return store


def test_update_isolated_applies_the_update(store: OxigraphStore) -> None:
    store.update_isolated("INSERT DATA { GRAPH <http://ex/h> { <http://ex/a> <http://ex/b> 1 } }", timeout=30)
    assert count(store) == 301 and store.has_graph("http://ex/h")
    with pytest.raises(QueryError, match="syntax"):
        store.update_isolated("INSERT DATA { oops", timeout=30)
    store.close()


def test_update_isolated_stops_a_heavy_update_and_changes_nothing(store: OxigraphStore) -> None:
    heavy = (
        "INSERT { GRAPH <http://ex/x> { ?a ?b ?c } } WHERE "
        "{ GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f } GRAPH ?g3 { ?h ?i ?j } GRAPH ?g4 { ?k ?l ?m } }"
    )
    with pytest.raises(QueryTimeout, match="nothing was changed"):
        store.update_isolated(heavy, timeout=2)
    assert count(store) == 300 and not store.has_graph("http://ex/x")
    store.replace_graph(
        "http://ex/y", [Quad(NamedNode("http://ex/y1"), NamedNode("http://ex/p"), Literal(1), NamedNode("http://ex/y"))]
    )
    assert count(store) == 301  # the store is written and read as before
    store.close()


def calling(port: int) -> str:
    """An update as it would run had a SERVICE to a listener on ``port`` got past the checks."""
    where = f"{{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    return "INSERT { GRAPH <http://ex/h> { ?s ?p ?o } } WHERE " + where


def test_update_isolated_has_no_network_unless_asked(store: OxigraphStore) -> None:
    # The update is given as it would run had a SERVICE got past the checks: the process that
    # applies it cannot connect, and nothing is written; with network=True (a SERVICE the checks
    # allowed) the same process may call out.
    from tests.security.test_isolation import Listener

    listener = Listener()
    try:
        update = calling(listener.port)
        with pytest.raises(StoreUnavailable, match="Permission denied") as failed:
            store.update_isolated(update, timeout=30)
        time.sleep(0.3)
        assert listener.connections == 0, failed.value
        assert count(store) == 300
        with pytest.raises(StoreUnavailable):  # the listener closes at once: the call fails, but it was made
            store.update_isolated(update, timeout=30, network=True)
        time.sleep(0.3)
        assert listener.connections >= 1
        assert count(store) == 300
    finally:
        listener.close()


def test_update_isolated_with_network_reaches_the_given_ports_only(store: OxigraphStore) -> None:
    # An update the checks let call out (SERVICE on the allowlist) is applied with the allowlist's
    # ports only: the plan comes from a worker that read the client's text, and a worker taken over
    # could otherwise turn it into a call to any host and port (Landlock, as for eg-service).
    from tests.security.test_isolation import Listener

    listener = Listener()
    try:
        update = calling(listener.port)
        with pytest.raises(StoreUnavailable, match="Permission denied"):
            store.update_isolated(update, timeout=30, network=True, ports=(443, 53))
        time.sleep(0.3)
        assert listener.connections == 0
        with pytest.raises(StoreUnavailable):  # its own port given: the call is made (the listener closes at once)
            store.update_isolated(update, timeout=30, network=True, ports=(listener.port,))
        time.sleep(0.3)
        assert listener.connections >= 1
        assert count(store) == 300
    finally:
        listener.close()
