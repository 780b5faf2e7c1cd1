"""Fixtures for the RDF tests: an IRI minter and the hand-written golden extraction."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from service.model import Document, Extraction, events_from_json
from service.rdf.iris import Iris

BASE = "http://example.org/eg/"
GOLDEN = Path(__file__).resolve().parents[1] / "ontology" / "golden_document.json"


@pytest.fixture
def iris() -> Iris:
    return Iris(BASE)


@pytest.fixture
def extraction() -> Extraction:
    """Four events of one document: aid with money, a group actor, uncertain dates, a planned deployment."""
    data = json.loads(GOLDEN.read_text(encoding="utf-8"))
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
    return Extraction(document=document, events=tuple(events_from_json(data)))
