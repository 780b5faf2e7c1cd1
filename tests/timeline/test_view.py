"""The timeline's window view: everything when it fits, then the closely dated events, then counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from service.errors import UserError
from service.rdf.iris import Iris
from service.store import Store, open_store
from service.timeline.events import Finder
from service.timeline.filters import EventFilter
from service.timeline.view import window_view

from .graphs import BASE, busy_march, extraction_a, extraction_b, load


@pytest.fixture(scope="module")
def finder() -> Iterator[Finder]:
    store: Store = open_store(":memory:")
    load(store, extraction_a(), extraction_b(), busy_march())
    yield Finder(store, Iris(BASE))
    store.close()


def view(finder: Finder, start: date, end: date, limit: int, **kw: object) -> dict:
    return window_view(finder, EventFilter(start=start, end=end, **kw), limit)  # type: ignore[arg-type]


def dates(body: dict) -> list[str]:
    return sorted(f"{e['date']['earliest']}/{e['date']['latest']}" for e in body["events"])


def test_view_returns_all_events_touching_the_months(finder: Finder) -> None:
    body = view(finder, date(2020, 3, 10), date(2020, 3, 12), 100, types=("visit",))
    assert body["complete"] and body["drawn"] == "all" and body["histogram"] is None
    assert len(body["events"]) == 5  # the month of the window, not only its three days


def test_view_includes_events_too_long_for_month_keys(finder: Finder) -> None:
    body = view(finder, date(2019, 6, 1), date(2019, 6, 30), 100)
    assert [e["trigger"] for e in body["events"]] == ["trained"]


def test_view_keeps_events_within_a_month_when_crowded(finder: Finder) -> None:
    body = view(finder, date(2020, 3, 1), date(2020, 3, 31), 4, types=("visit",))
    assert (body["complete"], body["drawn"]) == (False, "month")
    assert dates(body) == ["2020-03-01/2020-03-31", "2020-03-02/2020-03-02", "2020-03-09/2020-03-09",
                           "2020-03-16/2020-03-16"]  # fmt: skip


@pytest.mark.parametrize("led", [{"document": "doc-busy"}, {"actors": (f"{BASE}id/actor/Q956",)}])
def test_a_crowded_window_led_by_a_document_or_actor_keeps_the_same_events(finder: Finder, led: dict) -> None:
    # With a filter whose few events are read first, "inside one month" is decided from their month
    # keys (one and the same key) rather than by the months' keys minus their neighbours'.
    plain = view(finder, date(2020, 3, 1), date(2020, 3, 31), 4, types=("visit",))
    body = view(finder, date(2020, 3, 1), date(2020, 3, 31), 4, types=("visit",), **led)
    expected = ["2020-03-01/2020-03-31", "2020-03-02/2020-03-02", "2020-03-09/2020-03-09", "2020-03-16/2020-03-16"]
    assert (body["drawn"], dates(body)) == (plain["drawn"], dates(plain)) == ("month", expected)


def test_view_keeps_events_known_to_the_day_in_the_window(finder: Finder) -> None:
    body = view(finder, date(2020, 3, 5), date(2020, 3, 20), 2, types=("visit",))
    assert body["drawn"] == "day"
    assert dates(body) == ["2020-03-09/2020-03-09", "2020-03-16/2020-03-16"]


def test_view_counts_per_month_when_even_those_crowd(finder: Finder) -> None:
    body = view(finder, date(2020, 3, 1), date(2020, 4, 30), 2, types=("visit",))
    assert (body["drawn"], body["events"]) == ("none", [])
    assert body["histogram"] == {
        "level": "month",
        "buckets": [{"key": "2020-03", "count": 5}, {"key": "2020-04", "count": 1}],
    }


def test_view_light_events_carry_what_the_page_draws(finder: Finder) -> None:
    event = view(finder, date(2020, 3, 3), date(2020, 3, 3), 100, q="masks")["events"][0]
    assert set(event) == {"key", "iri", "type", "label", "date", "trigger", "agents", "recipients", "document"}
    assert event["label"] == "Beijing → Tokyo · ~100,000 pieces of masks (CN¥50,000)"
    assert event["document"] == {"id": "doc-a", "title": "Aid news"}
    assert event["date"]["precision"] == "day"


@pytest.mark.parametrize(
    "f", [EventFilter(start=date(2020, 1, 1)), EventFilter(start=date(1700, 1, 1), end=date(2020, 1, 1))]
)
def test_view_needs_a_bounded_window(finder: Finder, f: EventFilter) -> None:
    with pytest.raises(UserError):
        window_view(finder, f, 10)


def test_view_filters_by_actor_and_document(finder: Finder) -> None:
    by_actor = view(finder, date(2020, 1, 1), date(2020, 12, 31), 100, actors=(BASE + "id/actor/Q1490",))
    assert sorted(e["trigger"] for e in by_actor["events"]) == ["donated", "sent letters", "trained", "visited",
                                                                 "visited", "visited"]  # fmt: skip
    by_doc = view(finder, date(2019, 1, 1), date(2021, 12, 31), 100, document="doc-a")
    assert sorted(e["trigger"] for e in by_doc["events"]) == ["donated", "met", "sent letters"]
