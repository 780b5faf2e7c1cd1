"""A served on-disk store flushes once enough is waiting and rewrites its MANIFEST when it has
grown: readers that reopen the store after writes replay little, and nothing is lost."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from service.store import oxigraph
from service.store.oxigraph import OxigraphStore


def document(n: int) -> list[Quad]:
    g = NamedNode(f"http://ex/g{n}")
    return [Quad(NamedNode(f"http://ex/s{n}-{i}"), NamedNode("http://ex/p"), Literal(i), g) for i in range(30)]


def manifest(location: Path) -> int:
    """The size of the store's current MANIFEST."""
    return max(p.stat().st_size for p in location.glob("MANIFEST-*"))


def test_served_store_flushes_when_due_and_resets_a_grown_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(oxigraph, "FLUSH_QUADS", 60)  # every second document
    monkeypatch.setattr(oxigraph, "MANIFEST_RESET_BYTES", 20_000)
    location = tmp_path / "store"
    store = OxigraphStore(str(location))
    names = set()
    for n in range(120):
        store.replace_graph(f"http://ex/g{n}", document(n))
        store.maybe_flush()
        names |= {p.name for p in location.glob("MANIFEST-*")}
        assert store._pending < 60  # flushed whenever 60 quads were waiting
        assert manifest(location) <= 20_000 + 5_000  # never far past the size that resets it
    assert len(names) > 1  # the MANIFEST was rewritten (a fresh, small one) at least once
    assert store.has_graph("http://ex/g0") and len(store.graphs()) == 120
    assert reader_count(location) == 120 * 30  # what a query worker sees
    store.close()


def reader_count(location: Path) -> int:
    """The quads a read-only open sees; retried like a worker's while a compaction moves files."""
    for attempt in range(10):
        try:
            return len(list(Store.read_only(str(location)).quads_for_pattern(None, None, None, None)))
        except (OSError, RuntimeError):
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("the store could not be read")
