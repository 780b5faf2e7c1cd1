"""Event labels: who did what (donor → recipient · aid, or type · actors), never a bare verb,
the same in the full event JSON, the light events of the timeline view and on both backends."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from service.rdf.iris import Iris
from service.store import Store
from service.timeline.events import Finder
from service.timeline.filters import EventFilter
from service.timeline.labels import aid_item, event_label, money, number
from service.timeline.view import window_view

from .graphs import BASE


def actor(name: str, **kw: Any) -> dict[str, Any]:
    return {"name": name, **kw}


def test_labels_give_donor_recipient_and_the_aid_in_short() -> None:
    event = {
        "type": "aid_delivery",
        "agents": [actor("Japan")],
        "recipients": [actor("Viet Nam")],
        "aid": [{"item": "doses", "quantity": 1000000, "unit": None, "value": None, "approximate": False}],
    }
    assert event_label(event) == "Japan → Viet Nam · 1,000,000 doses"


def test_labels_give_the_type_and_the_actors_without_aid() -> None:
    event = {"type": "meeting", "agents": [actor("China"), actor("Kyrgyzstan")], "recipients": [], "aid": []}
    assert event_label(event) == "Meeting · China, Kyrgyzstan"


@pytest.mark.parametrize(
    ("event", "label"),
    [
        ({"type": "policy_measure"}, "Policy measure · no actor named"),
        ({"type": "communication", "recipients": [actor("Beijing")]}, "Communication · to Beijing"),
        ({"type": "deployment", "agents": [actor("Beijing")], "places": [actor("Guinea")]},
         "Deployment · Beijing (in Guinea)"),
        ({"type": "meeting", "agents": [actor("Beijing")],
          "participants": [actor("sister cities", group=True, count=48)]},
         "Meeting · Beijing, 48 sister cities"),
        ({"type": "communication", "agents": [actor(n) for n in "ABCDE"], "recipients": [actor("F")]},
         "Communication · A, B, C +2 → F"),
        ({"type": "aid_pledge",
          "aid": [{"item": "funds", "quantity": None, "value": {"amount": 2e6, "currency": "USD"}}]},
         "Aid pledge · US$2 million in funds"),
        ({"type": "aid_delivery", "agents": [actor("X")],
          "aid": [{"item": "kits"}, {"item": "gowns", "quantity": 5000},
                  {"item": "masks", "quantity": 1e5, "approximate": True}]},
         "X · 5,000 gowns, ~100,000 masks +1 more"),
    ],
)  # fmt: skip
def test_labels_read_well_whatever_is_known(event: dict[str, Any], label: str) -> None:
    assert event_label(event) == label


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (1500000, "EUR", "€1.5 million"),
        (250000, "GBP", "£250,000"),
        (3000000000, "JPY", "¥3 billion"),
        (999999999, "USD", "US$1 billion"),
        (1234.5, "CHF", "CHF 1,234.50"),
        (2_500_000, "xof", "XOF 2.5 million"),
    ],
)
def test_labels_money_reads_with_its_currency(amount: float, currency: str, text: str) -> None:
    assert money(amount, currency) == text


def test_labels_quantities_and_units() -> None:
    assert number(1000000) == "1,000,000" and number(2.5) == "2.5" and number(3.0) == "3"
    gloves = {"item": "gloves", "quantity": 10000, "unit": "pairs", "value": None}
    assert aid_item(gloves) == "10,000 pairs of gloves"
    masks = {"item": "masks", "quantity": 100000, "unit": "pieces", "value": {"amount": 50000, "currency": "CNY"}}
    assert aid_item(masks) == "100,000 pieces of masks (CN¥50,000)"
    # an item that already says its unit is not said twice
    assert aid_item({"item": "doses", "quantity": 1_000_000, "unit": "doses"}) == "1,000,000 doses"
    assert aid_item({"item": "test kits", "quantity": 50_000, "unit": "kits"}) == "50,000 test kits"
    assert aid_item({"item": "jabs", "quantity": 5_000_000, "unit": "doses"}) == "5,000,000 jabs"
    assert aid_item({"item": "Pfizer vaccine", "quantity": 1e6, "unit": "doses"}) == "1,000,000 doses of Pfizer vaccine"


def test_labels_of_the_stored_events_agree_in_the_full_and_light_forms(small: Store) -> None:
    finder = Finder(small, Iris(BASE))
    full = {e["key"]: e for e in finder.page(EventFilter(), 100).events}
    light = window_view(finder, EventFilter(start=date(2019, 1, 1), end=date(2021, 12, 31)), 100)["events"]
    assert light and {e["key"] for e in light} <= set(full)
    for event in light:
        assert event["label"] == full[event["key"]]["label"]
    labels = {e["trigger"]: e["label"] for e in full.values()}
    assert labels == {
        "donated": "Beijing → Tokyo · ~100,000 pieces of masks (CN¥50,000)",
        "sent letters": "Communication · Tokyo → Beijing",
        "met": "Meeting · Beijing, 48 sister cities",
        "provided": "National Immigration Administration → Tokyo · gloves",
        "trained": "Joint operation · National Immigration Administration, Tokyo",
        "helped": "Other · National Immigration Administration → Tokyo",
    }
    assert not any(label in labels for label in labels.values())  # never a bare trigger verb
