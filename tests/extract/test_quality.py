"""The extractor against the gold set: floors a little below what it reaches (dev is tuned on, heldout never).

The targets of the issue are events F1 ≥ 0.85, aid F1 ≥ 0.90, dates correct ≥ 0.90 and actors F1 ≥ 0.85; the
floors here guard what the extractor reaches on each split so that a change that loses ground shows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from service.extract import extract
from service.extract.gazetteer import load_gazetteer

GOLD = Path(__file__).resolve().parents[1] / "gold"
FLOORS = {
    "dev": {"events": 0.95, "aid": 0.97, "dates": 0.97, "actors": 0.92},
    "heldout": {"events": 0.87, "aid": 0.89, "dates": 0.91, "actors": 0.79},
}


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_quality_meets_the_floors(split: str) -> None:
    folder = GOLD / split
    if not folder.is_dir() or not any(folder.glob("*.gold.json")):
        pytest.skip(f"no gold documents under {folder}: the quality floors cannot be checked")
    from service import evaluation
    from service.documents import read_file

    gazetteer = load_gazetteer()
    scores = evaluation.evaluate(
        folder, lambda path: extract(read_file(path, max_bytes=10_000_000), gazetteer=gazetteer)
    )
    reached = {
        "events": scores.events.f1,
        "aid": scores.aid.f1,
        "dates": scores.dates.accuracy,
        "actors": scores.actors.f1,
    }
    low = {name: round(value, 3) for name, value in reached.items() if value < FLOORS[split][name]}
    assert not low, f"{split}: below the floors {FLOORS[split]}: {low}\n{evaluation.format_table(scores)}"


# Real documents (tests/gold/real): the only quality figures. The held-out part was first measured
# unseen on 2026-12-06 (events 0.619, agents 0.684, recipients 0.566, aid items 0.884, aid values
# 0.727, dates 0.538, overall 0.670); these floors sit a little below what each part reaches, so that
# a change that loses ground on real prose shows. They are guards, not targets (the README has both).
REAL_FLOORS = {
    "dev": {"events": 0.85, "agents": 0.88, "recipients": 0.81, "aid_items": 0.82, "aid_values": 0.89,
            "dates": 0.95, "overall": 0.87},
    "heldout": {"events": 0.59, "agents": 0.65, "recipients": 0.53, "aid_items": 0.85, "aid_values": 0.70,
                "dates": 0.50, "overall": 0.64},
}  # fmt: skip


@pytest.mark.parametrize("split", sorted(REAL_FLOORS))
def test_quality_on_real_documents_meets_the_floors(split: str) -> None:
    from service import evaluation
    from service.documents import read_file

    folder = GOLD / "real" / split
    gazetteer = load_gazetteer()
    scores = evaluation.evaluate(
        folder, lambda path: extract(read_file(path, max_bytes=10_000_000), gazetteer=gazetteer)
    )
    assert scores.documents == {"dev": 28, "heldout": 12}[split] and not scores.unread
    reached = {name: scores.overall if name == "overall" else scores.figure(name) for name in REAL_FLOORS[split]}
    low = {name: round(value, 3) for name, value in reached.items() if value < REAL_FLOORS[split][name]}
    assert not low, f"real {split}: below the floors {REAL_FLOORS[split]}: {low}\n{evaluation.format_table(scores)}"
