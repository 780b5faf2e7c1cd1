"""Fixtures of the extraction tests: the shipped gazetteer, a one-call extractor for hand-written text, the seeds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from service.extract import extract
from service.extract.gazetteer import Gazetteer, load_gazetteer
from service.model import Document, Extraction

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="session")
def run(gazetteer: Gazetteer) -> Callable[..., Extraction]:
    """``run(text, published=date(...), **metadata)`` → the Extraction of a hand-built Document."""

    def _run(text: str, published: date | None = date(2021, 5, 18), **metadata: str) -> Extraction:
        return extract(
            Document(id=metadata.pop("id", "t"), text=text, published=published, **metadata), gazetteer=gazetteer
        )

    return _run


@pytest.fixture(scope="session")
def seed_000(gazetteer: Gazetteer) -> Extraction:
    """The INP-WealthPk article on the National Immigration Administration (a wire story: no "we")."""
    text = (SEEDS / "000_9bb7eb15379a1141.txt").read_text(encoding="utf-8")
    doc = Document(
        id="000_9bb7eb15379a1141",
        text=text,
        title="Solidarity is the Most Powerful Weapon in the Fight against COVID-19",
        published=date(2020, 10, 20),
        source="INP-WealthPk",
        author="ZHANG Runze and XIA Fei",
    )
    return extract(doc, gazetteer=gazetteer)


@pytest.fixture(scope="session")
def seed_004(gazetteer: Gazetteer) -> Extraction:
    """The Frontline article by the director of Beijing's Foreign Affairs Office ("we" = that office)."""
    text = (SEEDS / "004_0b827a61c6374308.txt").read_text(encoding="utf-8")
    doc = Document(
        id="004_0b827a61c6374308",
        text=text,
        title='"Frontline": Undertake foreign-related tasks in COVID-19 prevention and control with a strong '
        "sense of responsibility",
        published=date(2020, 7, 21),
        source="Foreign Affairs Office of Beijing Municipal Government",
        author="Xiong Jiuling, Director General of the Office of the Foreign Affairs Committee of the CPC Beijing "
        "Municipal Committee, Secretary of the Leading Party Members' Group and Director General of the Foreign "
        "Affairs Office of the People's Government of Beijing Municipality",
    )
    return extract(doc, gazetteer=gazetteer)
