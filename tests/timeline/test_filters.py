"""Reading filters, paging and cursors from query arguments: strict, with messages that name the argument."""

from __future__ import annotations

from datetime import date

import pytest

from service.errors import UserError
from service.timeline.filters import (
    Cursor,
    EventFilter,
    months_between,
    parse_cursor,
    parse_filter,
    parse_grouping,
    parse_limit,
)


def test_filters_parse_every_field() -> None:
    f = parse_filter(
        {
            "q": [" masks "],
            "type": ["aid_delivery,meeting", "aid_delivery"],
            "actor": ["http://localhost:8000/id/actor/Q956"],
            "doc": ["doc-a"],
            "start": ["2020-03"],
            "end": ["2020"],
        }
    )
    assert f.q == "masks"
    assert f.types == ("aid_delivery", "meeting")
    assert f.actors == ("http://localhost:8000/id/actor/Q956",)
    assert f.document == "doc-a"
    assert f.start == date(2020, 3, 1) and f.end == date(2020, 12, 31)
    assert parse_filter({"end": ["2020-02"]}).end == date(2020, 2, 29)


def test_filters_empty_arguments_do_not_filter() -> None:
    assert parse_filter({"q": [""], "type": [""], "start": [""]}) == EventFilter()


@pytest.mark.parametrize(
    ("args", "word"),
    [
        ({"type": ["parade"]}, "parade"),
        ({"start": ["March 2020"]}, "start"),
        ({"start": ["2020-05-01"], "end": ["2020-01-01"]}, "swap"),
        ({"actor": ["not an iri"]}, "actor"),
        ({"q": ["x" * 201]}, "q is 201"),
        ({"undated": ["1"], "start": ["2020"]}, "undated"),
    ],
)
def test_filters_refuse_bad_values_with_a_message(args: dict[str, list[str]], word: str) -> None:
    with pytest.raises(UserError, match=word):
        parse_filter(args)


def test_filters_round_trip_through_arguments() -> None:
    f = EventFilter(q="a b", types=("visit",), actors=("urn:x",), document="d", start=date(2020, 1, 2), undated=False)
    args: dict[str, list[str]] = {}
    for k, v in f.to_args():
        args.setdefault(k, []).append(v)
    assert parse_filter(args) == f


@pytest.mark.parametrize("raw", ["0", "1001", "ten", "-5"])
def test_filters_limit_must_be_in_range(raw: str) -> None:
    with pytest.raises(UserError, match="limit"):
        parse_limit({"limit": [raw]})


def test_filters_limit_default_and_value() -> None:
    assert parse_limit({}) == 100
    assert parse_limit({"limit": ["7"]}) == 7


def test_filters_cursor_round_trips() -> None:
    for cursor in (Cursor(date(2020, 3, 1), "http://x/id/event/a-1"), Cursor(None, "http://x/id/event/b")):
        assert parse_cursor({"cursor": [cursor.encode()]}) == cursor


@pytest.mark.parametrize("token", ["garbage", "e30", Cursor(None, "http://x/ y").encode()])
def test_filters_bad_cursor_is_a_user_error(token: str) -> None:
    with pytest.raises(UserError, match="cursor"):
        Cursor.decode(token)


def test_filters_grouping_values() -> None:
    assert parse_grouping({}) == "none"
    assert parse_grouping({"group": ["actor"]}) == "actor"
    with pytest.raises(UserError, match="group"):
        parse_grouping({"group": ["colour"]})


def test_filters_months_between_crosses_years() -> None:
    months = list(months_between(date(2019, 11, 15), date(2020, 2, 1)))
    assert months == [date(2019, 11, 1), date(2019, 12, 1), date(2020, 1, 1), date(2020, 2, 1)]
