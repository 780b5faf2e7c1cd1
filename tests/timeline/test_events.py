"""The window query and the event JSON, on a hand-made graph whose dates the tests know."""

from __future__ import annotations

from datetime import date

import pytest

from service.errors import NotFound
from service.model import events_from_json
from service.rdf.iris import Iris
from service.store import Store
from service.timeline.events import Finder
from service.timeline.filters import Cursor, EventFilter

from .graphs import BASE, extraction_a, extraction_b

pytestmark = pytest.mark.usefixtures("small")


def finder(store: Store) -> Finder:
    return Finder(store, Iris(BASE))


def triggers(events: list[dict]) -> list[str]:
    return [e["trigger"] for e in events]


def test_events_listing_is_in_date_order_with_open_dates_last(small: Store) -> None:
    page = finder(small).page(EventFilter(), 100)
    assert triggers(page.events) == ["trained", "met", "donated", "sent letters", "provided", "helped"]
    assert page.next is None


def test_events_window_keeps_events_that_overlap_it(small: Store) -> None:
    page = finder(small).page(EventFilter(start=date(2020, 3, 10), end=date(2020, 4, 5)), 100)
    # the quarter Jan–Mar (overlaps), the three-year range (overlaps), April (overlaps); not 3 March, not 2021
    assert triggers(page.events) == ["trained", "met", "sent letters"]


def test_events_window_counts_a_multi_month_event_once(small: Store) -> None:
    page = finder(small).page(EventFilter(start=date(2020, 1, 1), end=date(2020, 12, 31)), 100)
    assert triggers(page.events).count("met") == 1


def test_events_long_interval_comes_from_year_keys(small: Store) -> None:
    page = finder(small).page(EventFilter(start=date(2019, 6, 1), end=date(2019, 6, 30)), 100)
    assert triggers(page.events) == ["trained"]


def test_events_open_interval_is_only_in_the_undated_listing(small: Store) -> None:
    windowed = finder(small).page(EventFilter(start=date(2021, 1, 1), end=date(2021, 12, 31)), 100)
    assert "helped" not in triggers(windowed.events)
    undated = finder(small).page(EventFilter(undated=True), 100)
    assert triggers(undated.events) == ["helped"]


@pytest.mark.parametrize("window", [(None, None), (date(2020, 1, 1), date(2021, 12, 31))])
def test_events_cursor_pages_through_every_event_once(small: Store, window: tuple) -> None:
    f = EventFilter(start=window[0], end=window[1])
    whole = triggers(finder(small).page(f, 100).events)
    seen, cursor = [], None
    while True:
        page = finder(small).page(f, 1, cursor)
        seen += triggers(page.events)
        if page.next is None:
            break
        cursor = Cursor.decode(page.next)
    assert seen == whole


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (EventFilter(types=("meeting", "communication")), ["met", "sent letters"]),
        (EventFilter(actors=("http://localhost:8000/id/actor/Q956",)), ["met", "donated", "sent letters"]),
        (EventFilter(document="doc-a"), ["met", "donated", "sent letters"]),
        (EventFilter(q="MASKS"), ["donated"]),
        (EventFilter(q="sister"), ["met"]),
        (EventFilter(q="gloves"), ["provided"]),
        (EventFilter(q="<script>"), ["provided"]),
        (EventFilter(q='") } } DROP ALL ; #'), []),
        (EventFilter(q="x\\u0022 ?e"), []),
        (EventFilter(q="alert('x')"), ["provided"]),
        (EventFilter(q='a\\"b\n}c'), []),
        (EventFilter(document="nothing-here"), []),
    ],
)
def test_events_filters_narrow_the_listing(small: Store, f: EventFilter, expected: list[str]) -> None:
    assert triggers(finder(small).page(f, 100).events) == expected


def test_events_json_reads_back_as_the_event_format(small: Store) -> None:
    page = finder(small).page(EventFilter(), 100)
    originals = {e.id: e for x in (extraction_a(), extraction_b()) for e in x.events}
    for event in events_from_json({"events": page.events}):
        assert event == originals[event.id]


def test_events_json_carries_iris_and_links(small: Store) -> None:
    event = finder(small).page(EventFilter(q="masks"), 1).events[0]
    assert event["iri"].startswith(BASE + "id/event/doc-a-")
    assert event["agents"][0]["iri"] == BASE + "id/actor/Q956"
    assert event["document"] == {"id": "doc-a", "iri": BASE + "id/document/doc-a", "title": "Aid news",
                                 "published": "2020-05-01"}  # fmt: skip
    links = event["links"]
    assert links["rdf"] == "/id/event/" + event["key"]
    assert links["document"] == f"/documents/doc-a#s-{event['offsets']['sentence'][0]}"
    assert links["sparql"].startswith("/sparql?query=") and links["editor"].startswith("/sparql#query=")
    money = {"amount": 50000, "currency": "CNY"}
    aid = {
        "item": "masks",
        "quantity": 100000,
        "unit": "pieces",
        "value": money,
        "approximate": True,
        "category": "masks",
    }
    assert event["aid"] == [aid]


def test_events_one_by_key(small: Store) -> None:
    f = finder(small)
    key = f.page(EventFilter(q="trained"), 1).events[0]["key"]
    assert "%" in key  # the document id of extraction_b needs percent-encoding
    assert f.event(key)["trigger"] == "trained"
    from urllib.parse import unquote

    assert f.event(unquote(key))["trigger"] == "trained"  # as a router hands it over, decoded


@pytest.mark.parametrize("key", ["doc-a-000000000000", "nonsense", "doc-a-ZZZZZZZZZZZZ"])
def test_events_unknown_key_is_not_found(small: Store, key: str) -> None:
    with pytest.raises(NotFound):
        finder(small).event(key)


def test_events_histogram_counts_months(small: Store) -> None:
    h = finder(small).histogram(EventFilter(start=date(2020, 1, 1), end=date(2020, 6, 30)))
    assert h["level"] == "month"
    assert {b["key"]: b["count"] for b in h["buckets"]} == {"2020-01": 1, "2020-02": 1, "2020-03": 2, "2020-04": 1}


def test_events_histogram_uses_years_for_long_windows(small: Store) -> None:
    h = finder(small).histogram(EventFilter(start=date(2015, 1, 1), end=date(2022, 12, 31)))
    assert h["level"] == "year"
    assert {b["key"]: b["count"] for b in h["buckets"]} == {"2019": 1, "2020": 4, "2021": 2}


def test_events_extent_spans_the_dated_events(small: Store) -> None:
    assert finder(small).extent() == (date(2019, 1, 1), date(2021, 12, 31))
