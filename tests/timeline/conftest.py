"""Fixtures of the timeline tests: the hand-made graph of ``graphs.py`` in a store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from service.rdf.iris import Iris
from service.store import Store, open_store
from tests.conftest import BACKENDS, start_oxigraph

from .graphs import BASE, extraction_a, extraction_b, load


@pytest.fixture(scope="module", params=BACKENDS)
def small(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Both hand-made documents in a store: in memory, and on a real Oxigraph server (the
    timeline's queries must give the same answers on the remote backend)."""
    remote = request.param == "remote"
    store = open_store(start_oxigraph(tmp_path_factory.mktemp("timeline")) if remote else ":memory:")
    load(store, extraction_a(), extraction_b())
    yield store
    store.close()


@pytest.fixture
def iris() -> Iris:
    return Iris(BASE)
