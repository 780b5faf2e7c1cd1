"""Time: expressions found by rules, normalised with dateparser, and the dates events get."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.extract import aid, dates, temporal
from service.extract.dates import add_months, normalise
from service.extract.temporal import _rules, situation_start, situations_of
from service.extract.work import Work
from service.model import Document, Extraction, TimeSpan

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


# A day or month without a year; weeks and weekends --------------------------------------------------------------

APRIL_30 = date(2021, 4, 30)  # a Friday


@pytest.mark.parametrize(
    ("text", "published", "earliest", "latest"),
    [
        ("1 May", APRIL_30, date(2021, 5, 1), date(2021, 5, 1)),  # a day after an approximate publication date
        ("the 1st of May", APRIL_30, date(2021, 5, 1), date(2021, 5, 1)),
        ("on Saturday, 1 May", APRIL_30, date(2021, 5, 1), date(2021, 5, 1)),
        ("May 1st", APRIL_30, date(2021, 5, 1), date(2021, 5, 1)),
        ("in May", APRIL_30, date(2021, 5, 1), date(2021, 5, 31)),
        ("20 May", APRIL_30, date(2020, 5, 20), date(2020, 5, 20)),  # three weeks ahead: last year's
        ("28 December", date(2021, 1, 3), date(2020, 12, 28), date(2020, 12, 28)),
        ("in December", date(2021, 1, 3), date(2020, 12, 1), date(2020, 12, 31)),
        ("15 April", APRIL_30, date(2021, 4, 15), date(2021, 4, 15)),
        ("in April", APRIL_30, date(2021, 4, 1), date(2021, 4, 30)),
        ("late May", APRIL_30, date(2020, 5, 21), date(2020, 5, 31)),
        # the weekday decides between this year's and last year's day: 13 February 2020 was a Thursday
        ("Thursday 13 February", date(2021, 2, 17), date(2020, 2, 13), date(2020, 2, 13)),
        ("Saturday 13 February", date(2021, 2, 17), date(2021, 2, 13), date(2021, 2, 13)),
        ("13 February", date(2021, 2, 17), date(2021, 2, 13), date(2021, 2, 13)),
    ],
)
def test_dates_a_day_without_a_year_takes_the_year_nearest_before_publication(
    text: str, published: date, earliest: date, latest: date
) -> None:
    found = span(text, published=published)
    assert (found.earliest, found.latest) == (earliest, latest)


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("this week", date(2021, 4, 26), APRIL_30),  # from its Monday
        ("earlier this week", date(2021, 4, 26), APRIL_30),
        ("this weekend", date(2021, 4, 24), date(2021, 4, 25)),  # the last Saturday and Sunday
        ("over the weekend", date(2021, 4, 24), date(2021, 4, 25)),
        ("this month", date(2021, 4, 1), APRIL_30),
    ],
)
def test_dates_weeks_and_weekends_are_calendar_ones(text: str, earliest: date, latest: date) -> None:
    found = span(text, published=APRIL_30)
    assert (found.earliest, found.latest) == (earliest, latest)


def test_dates_a_weekend_on_a_sunday_is_that_weekend() -> None:
    found = span("this weekend", published=date(2021, 5, 2))
    assert (found.earliest, found.latest) == (date(2021, 5, 1), date(2021, 5, 2))


def test_dates_a_planned_day_without_a_year_is_the_next_one(run: Callable[..., Extraction]) -> None:
    (event,) = run("A Chinese medical team will travel to Laos on 3 May.", published=APRIL_30).events
    assert event.planned and (event.date.earliest, event.date.latest) == (date(2021, 5, 3), date(2021, 5, 3))
    (event,) = run("A Chinese medical team will travel to Laos on 20 April.", published=APRIL_30).events
    assert event.planned and event.date.earliest == date(2022, 4, 20)


def test_dates_reported_past_keeps_its_day(run: Callable[..., Extraction]) -> None:
    text = "The ministry said on Tuesday that 500,000 doses of vaccine donated by China had arrived in Vientiane."
    (event,) = run(text, published=APRIL_30).events
    assert not event.planned and event.date.earliest == event.date.latest == date(2021, 4, 27)


# Situations: what "the outbreak" refers to --------------------------------------------------------------------------


def test_dates_the_situation_a_text_names_anchors_the_outbreak(run: Callable[..., Extraction]) -> None:
    text = "At the beginning of the outbreak, China sent 1,000 masks to Italy. COVID-19 has spread worldwide."
    (event,) = run(text, published=date(2020, 10, 20)).events
    assert (event.date.earliest, event.date.latest) == (date(2020, 1, 1), date(2020, 3, 31))


def test_dates_an_epidemic_the_text_does_not_name_anchors_nothing(run: Callable[..., Extraction]) -> None:
    # "pandemic" alone does not say which one: no year is assumed
    text = "At the beginning of the pandemic, China sent 1,000 masks to Italy."
    (event,) = run(text, published=date(2020, 10, 20)).events
    assert (event.date.expression, event.date.basis, event.date.earliest) == (None, "document", date(2020, 10, 20))


def test_dates_other_situations_come_from_the_table(run: Callable[..., Extraction]) -> None:
    text = (
        "Samoa declared a measles emergency.\n"
        "Since the outbreak began, Australia has sent 20 nurses to Samoa.\n"
        "The storm was the strongest since Typhoon Haiyan. Since the measles outbreak, New Zealand has provided "
        "NZ$1 million to Samoa."
    )
    events = run(text, published=date(2019, 11, 21)).events
    sent = next(e for e in events if e.trigger == "sent")
    provided = next(e for e in events if e.trigger == "provided")
    assert sent.date.earliest == provided.date.earliest == date(2019, 10, 16)  # Samoa's outbreak declared
    assert sent.date.latest == provided.date.latest == date(2019, 11, 21)


def test_dates_a_named_situation_is_anchored_at_its_own_start() -> None:
    text = "Since Typhoon Haiyan struck, Japan has helped. Super Typhoon Goni hit Catanduanes."
    work = Work(document=Document("t", text), gazetteer=None)
    work.situations = situations_of(text, date(2020, 11, 6))
    assert [s.name for s in work.situations] == ["Typhoon Goni"]  # Haiyan is seven years back: background
    assert situation_start(work, "since Typhoon Haiyan") == date(2013, 11, 8)
    assert situation_start(work, "since the typhoon") == date(2020, 11, 1)
    assert situation_start(work, "after the earthquake") is None
    assert situation_start(work, "at the peak") == date(2020, 11, 1)


def test_dates_situations_table_rows_are_documented() -> None:
    from service.extract.temporal import situation_rows

    rows = situation_rows()
    assert len(rows) >= 10
    for situation, names, _, within in rows:
        assert situation.start.year >= 2000 and situation.refers and within >= 1 and names.pattern
    for module in (temporal, dates, aid):  # the code knows no year, disease or situation of its own
        assert not re.search(r"2020|covid|pandemic", Path(module.__file__).read_text(encoding="utf-8"), re.I)
    # the check, as written: grep -rn "2020\|covid\|pandemic" service/extract/*.py finds nothing
    for path in sorted(Path(temporal.__file__).parent.glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            assert not re.search(r"2020|covid|pandemic", line), f"{path.name}:{number}: {line.strip()}"


# Undated reports ---------------------------------------------------------------------------------------------------


def test_dates_an_undated_report_is_on_the_day_of_the_report(run: Callable[..., Extraction]) -> None:
    text = "The storm was the strongest since 2013.\n\nJapan sent 200 tents to the Philippines."
    (event,) = run(text, published=date(2020, 11, 6)).events
    # the background year is not the period of the news; the genre's convention is the day of the report
    assert (event.date.earliest, event.date.latest, event.date.basis) == (
        date(2020, 11, 6),
        date(2020, 11, 6),
        "document",
    )


def test_dates_an_undated_report_takes_the_period_the_text_gives(run: Callable[..., Extraction]) -> None:
    text = "Floods hit the north earlier this month.\n\nJapan sent 200 tents to the Philippines."
    (event,) = run(text, published=date(2020, 11, 20)).events
    assert (event.date.earliest, event.date.latest, event.date.basis) == (
        date(2020, 11, 1),
        date(2020, 11, 20),
        "document",
    )


def test_dates_the_one_day_later_in_the_paragraph_dates_an_undated_event(run: Callable[..., Extraction]) -> None:
    text = (
        "The ambassador and the minister attended the handover ceremony. The batch of 150,000 doses donated by China "
        "arrived in Bishkek on Tuesday."
    )
    attended, donated = run(text, published=date(2021, 3, 3)).events
    assert donated.date.earliest == date(2021, 3, 2)
    assert (attended.date.earliest, attended.date.latest, attended.date.basis) == (
        date(2021, 3, 2),
        date(2021, 3, 2),
        "paragraph",
    )


def test_dates_reported_past_is_not_planned_by_a_later_clause(run: Callable[..., Extraction]) -> None:
    text = "China said on Monday it had delivered 500,000 doses to Laos, which is scheduled to receive more next week."
    (event,) = run(text, published=APRIL_30).events
    assert not event.planned and event.date.earliest == event.date.latest == date(2021, 4, 26)
    text = "The minister said that Japan will provide masks, and Japan provided 20 ventilators on Wednesday."
    provided = next(e for e in run(text, published=APRIL_30).events if e.trigger == "provided")
    assert not provided.planned and provided.date.earliest == date(2021, 4, 28)
    # a verb that shares the subject shares its "will"; a future expression in its own clause still plans it
    text = "China will donate masks, and send 20 doctors to Laos next week."
    send = next(e for e in run(text, published=APRIL_30).events if e.trigger == "send")
    assert send.planned and send.date.earliest == date(2021, 5, 3)
    (train,) = run("A third train would leave Ankara next week.", published=APRIL_30).events
    assert train.planned


def test_a_since_that_ends_a_superlative_dates_nothing(run: Callable[..., Extraction]) -> None:
    text = (
        "Japan is providing $200,000 in emergency assistance to Nepal after the floods, the worst to hit the "
        "country since the earthquake (known locally as Gorkha) in 2015."
    )
    (event,) = run(text, published=date(2020, 11, 6)).events
    assert event.date.earliest is not None and event.date.earliest.year == 2020


def test_a_header_year_that_slipped_takes_the_year_of_the_body(run: Callable[..., Extraction]) -> None:
    text = (
        "Support for Tonga\n\nMedia release\n17 February 2017\n\n"
        "The Minister announced additional assistance to Tonga on 16 February 2018.\n"
        "Australia released $350,000 in relief supplies to Tonga on Tuesday 13 February."
    )
    extraction = run(text, published=None)
    released = next(e for e in extraction.events if e.trigger == "released")
    assert (released.date.earliest, released.date.latest) == (date(2018, 2, 13), date(2018, 2, 13))
