"""Time: expressions found by rules, normalised with dateparser, and the dates events get."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.extract.dates import add_months, normalise
from service.extract.temporal import _rules
from service.model import Extraction, TimeSpan

PUB = date(2020, 10, 20)  # a Tuesday


def span(text: str, published: date | None = PUB, **bases: date) -> TimeSpan | None:
    """Normalise ``text`` by the first rule that matches all of it."""
    for pattern, row, _ in _rules():
        if pattern.fullmatch(text):
            return normalise(text, row, published, **bases)
    raise AssertionError(f"no temporal rule matches {text!r}")


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision"),
    [
        ("20 October 2020", date(2020, 10, 20), date(2020, 10, 20), "day"),
        ("October 20, 2020", date(2020, 10, 20), date(2020, 10, 20), "day"),
        ("2020-07-21", date(2020, 7, 21), date(2020, 7, 21), "day"),
        ("2021/05/18", date(2021, 5, 18), date(2021, 5, 18), "day"),
        ("2021. 6. 10.", date(2021, 6, 10), date(2021, 6, 10), "day"),
        ("12.03.2021", date(2021, 3, 12), date(2021, 3, 12), "day"),
        ("in March", date(2020, 3, 1), date(2020, 3, 31), "month"),
        ("in December", date(2019, 12, 1), date(2019, 12, 31), "month"),
        ("early March", date(2020, 3, 1), date(2020, 3, 10), "range"),
        ("the first half of 2022", date(2022, 1, 1), date(2022, 6, 30), "range"),
        ("last week", date(2020, 10, 12), date(2020, 10, 18), "range"),
        ("last month", date(2020, 9, 1), date(2020, 9, 30), "month"),
        ("earlier this month", date(2020, 10, 1), date(2020, 10, 20), "range"),
        ("on Tuesday", date(2020, 10, 20), date(2020, 10, 20), "day"),
        ("on Monday", date(2020, 10, 19), date(2020, 10, 19), "day"),
        ("since 2015", date(2015, 1, 1), PUB, "range"),
        ("since April 2020", date(2020, 4, 1), PUB, "range"),
        ("Recently", date(2020, 9, 8), PUB, "range"),
    ],
)
def test_dates_normalise_explicit_relative_and_vague_expressions(
    text: str, earliest: date, latest: date, precision: str
) -> None:
    found = span(text, anchor=date(2020, 1, 1), period_start=date(2020, 1, 1))
    assert (found.earliest, found.latest, found.precision) == (earliest, latest, precision)
    assert found.expression == text


def test_dates_recently_lies_within_the_guidelines_weeks_before_publication() -> None:
    found = span("Recently")
    assert date(2020, 9, 1) <= found.earliest and found.latest == PUB


def test_dates_beginning_of_the_outbreak_is_the_first_quarter_of_2020() -> None:
    found = span("At the beginning of the outbreak", anchor=date(2020, 1, 1))
    assert (found.earliest, found.latest) == (date(2020, 1, 1), date(2020, 3, 31))


def test_dates_to_date_runs_from_the_period_start_to_publication() -> None:
    found = span("To date", period_start=date(2020, 1, 1))
    assert (found.earliest, found.latest) == (date(2020, 1, 1), PUB)


def test_dates_planned_expressions_may_lie_after_publication() -> None:
    assert span("next week").earliest == date(2020, 10, 26)
    assert span("in the coming days").latest > PUB


def test_dates_relative_expressions_without_a_publication_date_stay_unknown() -> None:
    assert span("last week", published=None) is None
    assert span("Recently", published=None).precision == "unknown"


def test_dates_add_months_clips_to_the_last_day() -> None:
    assert add_months(date(2020, 1, 31), 1) == date(2020, 2, 29)
    assert add_months(date(2020, 3, 15), -3) == date(2019, 12, 15)


_PHRASES = st.sampled_from(
    [
        "in March",
        "last week",
        "on Friday",
        "next month",
        "Recently",
        "To date",
        "since 2019",
        "12 May",
        "today",
        "in 2021",
        "late 2019",
        "2021-02-30",
        "31.02.2021",
        "tomorrow",
        "in the coming weeks",
        "this year",
    ]
)


@settings(max_examples=200, deadline=None)
@given(_PHRASES, st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)))
def test_dates_normalise_never_raises_and_keeps_intervals_ordered(text: str, published: date) -> None:
    found = span(text, published=published, anchor=date(2000, 1, 1), period_start=date(2000, 1, 1))
    if found is None or found.earliest is None:
        return
    assert found.earliest <= found.latest
    future = text in ("next month", "tomorrow", "in the coming weeks")
    if not future and found.earliest <= published:
        assert found.latest <= published


def test_dates_event_takes_its_own_clause_expression(run: Callable[..., Extraction]) -> None:
    text = (
        "Japan has provided 3.9 billion yen in grant aid to Nepal since April 2020, "
        "and delivered 1.6 million doses to Nepal on July 3."
    )
    first, second = run(text, published=date(2021, 7, 14)).events
    assert (first.date.earliest, first.date.latest) == (date(2020, 4, 1), date(2021, 7, 14))
    assert (second.date.earliest, second.date.latest, second.date.basis) == (
        date(2021, 7, 3),
        date(2021, 7, 3),
        "explicit",
    )


def test_dates_subsequently_and_the_following_day_follow_the_previous_event(run: Callable[..., Extraction]) -> None:
    text = (
        "At the beginning of the COVID-19 outbreak, China sent notes to 50 countries. Subsequently, China sent letters "
        "to Russia.\n"
        "The team met officials of Nepal on July 11. The team visited Nepal the following day."
    )
    notes, letters, met, visited = run(text, published=date(2020, 10, 20)).events
    assert (notes.date.earliest, notes.date.latest) == (date(2020, 1, 1), date(2020, 3, 31))
    assert (letters.date.earliest, letters.date.latest) == (date(2020, 1, 1), date(2020, 10, 20))
    assert visited.date.earliest == visited.date.latest == date(2020, 7, 12)


def test_dates_paragraph_date_carries_over_and_the_document_period_is_the_default(
    run: Callable[..., Extraction],
) -> None:
    text = (
        "On 15 May, China donated 300,000 doses to Mongolia. The minister thanked China for the help.\n"
        "China also praised Laos."
    )
    donated, thanked, praised = run(text, published=date(2021, 5, 18)).events
    assert (thanked.date.earliest, thanked.date.basis) == (date(2021, 5, 15), "paragraph")
    assert praised.date.basis == "document" and praised.date.latest == date(2021, 5, 18)
    assert praised.confidence < donated.confidence


def test_dates_nothing_is_dated_after_publication_unless_planned(run: Callable[..., Extraction]) -> None:
    text = "China will send a medical team to Laos next week. In December, China sent masks to Laos."
    planned, sent = run(text, published=date(2021, 5, 18)).events
    assert planned.planned and planned.date.earliest > date(2021, 5, 18)
    assert not sent.planned and sent.date.latest <= date(2021, 5, 18)
    assert sent.date.earliest == date(2020, 12, 1)


def test_dates_we_and_march_as_verbs_are_not_dates(run: Callable[..., Extraction]) -> None:
    text = "We donated masks to Laos, and 92% of them may march on. We may send more."
    (event,) = run(text, published=date(2021, 5, 18), source="Ministry of Foreign Affairs of Japan").events
    assert event.date.expression is None and event.date.basis == "document"


def test_dates_a_wire_dateline_dates_the_story_not_its_events(run: Callable[..., Extraction]) -> None:
    text = (
        "Vaccines arrive in Kyrgyzstan\n\nBISHKEK, March 3 (Xinhua) -- A batch of 150,000 doses of vaccine donated by "
        "the Chinese government to Kyrgyzstan arrived in Bishkek on Tuesday.\n"
    )
    body = [e for e in run(text, published=date(2021, 3, 3)).events if e.trigger == "donated"]
    # one delivery (the participle and "arrived" fold together), dated by "on Tuesday", not by the dateline
    assert [(e.date.earliest, e.date.latest, e.date.expression) for e in body] == [
        (date(2021, 3, 2), date(2021, 3, 2), "on Tuesday")
    ]


def test_dates_a_noun_trigger_planned_after_it_takes_the_next_such_day(run: Callable[..., Extraction]) -> None:
    text = "A video conference between the health departments of both cities is planned for 28 April."
    (event,) = run(text, published=date(2020, 4, 15)).events
    assert (event.planned, event.date.earliest) == (True, date(2020, 4, 28))
    (held,) = [e for e in run("The video conference was held on 2 April.", published=date(2020, 4, 15)).events][:1]
    assert held.planned is False and held.date.latest <= date(2020, 4, 15)
