"""Fixtures shared by the whole suite: real stores, settings in temporary folders, the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.config import Settings
from service.store import Store, open_store

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a fresh on-disk store under the test's temporary folder."""
    return Settings(store=str(tmp_path / "store"), base_iri="http://localhost:8000/")


@pytest.fixture
def store(settings: Settings) -> Store:
    s = open_store(settings.store)
    yield s
    s.close()


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Store]:
    """The seeds ingested once into an on-disk store; tests must only read it."""
    from service.pipeline import ingest_paths

    path = tmp_path_factory.mktemp("seeded") / "store"
    cfg = Settings(store=str(path), base_iri="http://localhost:8000/")
    s = open_store(cfg.store)
    report = ingest_paths([SEEDS], s, cfg)
    assert report.documents == 2 and not report.refused
    yield cfg, s
    s.close()
