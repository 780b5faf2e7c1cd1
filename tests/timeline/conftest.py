"""Fixtures of the timeline tests: the hand-made graph of ``graphs.py`` in a store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from service.rdf.iris import Iris
from service.store import Store, open_store

from .graphs import BASE, extraction_a, extraction_b, load


@pytest.fixture(scope="module")
def small() -> Iterator[Store]:
    """Both hand-made documents in an in-memory store."""
    store = open_store(":memory:")
    load(store, extraction_a(), extraction_b())
    yield store
    store.close()


@pytest.fixture
def iris() -> Iris:
    return Iris(BASE)
