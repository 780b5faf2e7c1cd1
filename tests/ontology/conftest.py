"""Fixtures for the ontology tests: the ontology files and a hand-written extraction."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from service.model import Document, Extraction, events_from_json

ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology"
GOLDEN = Path(__file__).with_name("golden_document.json")


def load_golden(path: Path = GOLDEN) -> tuple[Extraction, dict]:
    """The extraction written by hand in ``golden_document.json``, and the file's event JSON."""
    data = json.loads(path.read_text(encoding="utf-8"))
    meta = data["document"]
    document = Document(
        id=meta["id"],
        text=meta["text"],
        title=meta["title"],
        published=date.fromisoformat(meta["published"]),
        source=meta["source"],
        url=meta["url"],
        author=meta["author"],
    )
    return Extraction(document=document, events=tuple(events_from_json(data))), data


@pytest.fixture
def golden() -> tuple[Extraction, dict]:
    return load_golden()


@pytest.fixture
def ontology_dir() -> Path:
    return ONTOLOGY
