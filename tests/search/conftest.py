"""Fixtures of the text index tests: the seeds ingested through the pipeline on each backend, with
the index the ingest keeps (beside the embedded store; a path from the settings for the remote one)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from service.config import Settings
from service.pipeline import ingest_paths
from service.rdf.iris import Iris
from service.search import TextIndex, index_for
from service.store import Store, open_store
from service.timeline.events import Finder
from service.timeline.filters import EventFilter
from tests.conftest import BACKENDS, SEEDS, start_oxigraph


@dataclass
class Indexed:
    settings: Settings
    store: Store
    index: TextIndex
    folder: Path  # the documents ingested (a copy of the seeds the test may change)

    @property
    def iris(self) -> Iris:
        return Iris(self.settings.base_iri)

    def ingest(self) -> None:
        report = ingest_paths([self.folder], self.store, self.settings)
        assert not report.refused

    def found(self, f: EventFilter, *, index: bool = True) -> list[str]:
        """The IRIs of every event matching ``f``, through the index or through the scan."""
        finder = Finder(self.store, self.iris, self.index if index else None)
        events = finder.page(f, 1000).events
        if index:
            assert finder.search_note is None, finder.search_note  # answered by the index, not the scan
        return [e["iri"] for e in events]


def make(backend: str, tmp: Path) -> Indexed:
    folder = tmp / "docs"
    shutil.copytree(SEEDS, folder)
    if backend == "remote":
        settings = Settings(
            store=start_oxigraph(tmp / "remote"), base_iri="http://localhost:8000/", search_index=str(tmp / "ix.sqlite")
        )
    else:
        settings = Settings(store=str(tmp / "store"), base_iri="http://localhost:8000/")
    store = open_store(settings.store)
    index = index_for(settings, store.location)
    assert index is not None
    indexed = Indexed(settings, store, index, folder)
    indexed.ingest()
    return indexed


@pytest.fixture(params=BACKENDS)
def seeded_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Indexed]:
    """A fresh store with the seeds, ingested with the index kept in step (a test may write)."""
    indexed = make(request.param, tmp_path)
    yield indexed
    indexed.store.close()


@pytest.fixture(scope="module", params=BACKENDS)
def seeds_read(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Indexed]:
    """The seeds with their index, shared by a module's tests: read only."""
    indexed = make(request.param, tmp_path_factory.mktemp("search"))
    yield indexed
    indexed.store.close()
