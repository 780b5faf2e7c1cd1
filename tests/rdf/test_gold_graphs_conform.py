"""Every gold document, extracted and mapped, gives a graph that conforms to the SHACL shapes.

The gold set is the most varied text the project has (nine publishers, several date styles), so
it is where a mapping that breaks a shape on unusual input shows first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from service import __version__
from service.documents import read_file
from service.extract import extract
from service.extract.gazetteer import load_gazetteer
from service.rdf.iris import Iris
from service.rdf.mapping import document_quads
from service.rdf.validate import validate

GOLD = Path(__file__).resolve().parents[1] / "gold"
DOCUMENTS = sorted(GOLD.glob("*/*.txt"))


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.stem for p in DOCUMENTS])
def test_gold_document_graph_conforms_to_the_shapes(path: Path) -> None:
    extraction = extract(read_file(path, max_bytes=10_000_000), gazetteer=load_gazetteer())
    assert extraction.events, f"{path.name}: no events, so the shapes would check little"
    quads, shared = document_quads(extraction, Iris("http://localhost:8000/"), __version__)
    report = validate([*quads, *shared])
    assert report.conforms, f"{path.name}: {report.text}"
