"""Time: normalise temporal expressions into intervals, and date every event.

Expressions are found first (:mod:`service.extract.temporal`, rules in ``lexicon/temporal.tsv``),
then each is normalised here. Explicit and relative dates ("20 October 2021", "in March", "last
week") go through ``dateparser.parse`` anchored at the publication date (``RELATIVE_BASE``), with
``PREFER_DATES_FROM="past"`` because this genre reports what has happened — "future" only for the
rows of planned expressions ("next week") — and are widened to their precision (a month, a week, a
year). A day or month without a year ("on 1 May", "Saturday, 1 May", "in May") takes the year that
puts it nearest before the publication date, allowing a few days after it (:data:`AFTER_PUBLICATION`:
publication dates are approximate, and a page dated 30 April that reports what happened "on 1 May"
means this year's); a weekday given with it picks the year it fits. Weekdays alone are the latest such
day on or before publication; numeric dates are read day first ("12.03.2021") unless they start with
the year ("2021/05/18", "2021. 6. 10."); "since X" runs from X to publication. Vague expressions get
intervals from their row: "recently" = the six weeks before publication, "this week" = from its Monday,
"this weekend" = the last Saturday and Sunday, "at the beginning of the outbreak" = the first three
months of the situation the expression refers to (``lexicon/situations.tsv``), "to date" = [period
start, publication].

How an event is dated (:func:`event_span`), in this order:

1. a temporal expression of its own clause (between the neighbouring triggers), else the nearest
   one before it in the sentence, else the first one after it; "subsequently" starts at the
   previous event's start, "the following day" is the day after it, "at the same time" copies it;
2. otherwise the date of its paragraph (basis ``paragraph``): that of the previous event of the
   paragraph when that one had a date of its own, else the one date the rest of the paragraph gives
   (the ceremony of a batch that "arrived … on Tuesday");
3. otherwise the period the text gives for its news, to the publication date (basis ``document``):
   from its first past expression that ends less than two months before publication and starts less
   than a year before it ("earlier this month", "this weekend", "since the outbreak", "on 6 April";
   not background such as "in 2013" or "since 2015"), else the convention of the genre: a news story
   or press release reports what happened on the day of the report: the publication date
   (:data:`REPORTED_BEFORE` widens that for a corpus whose convention differs).

"To date" runs from the start of the period the text is about: its first past expression (at most a
year back), else the start of the situation it is about, else 30 days before publication.
Nothing ends after the publication date unless the expression says the event is planned, or names a
day without a year at most :data:`AFTER_PUBLICATION` after it.
Without a publication date, relative and vague expressions stay unknown.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import lru_cache

import dateparser

from service.extract.work import TimeMention, Trigger, Work
from service.model import TimeSpan

_OFFSET = re.compile(r"([+-])(\d+)([DWMY])")
_PART = re.compile(
    r"^(early|mid|late|the end of|the beginning of|the start of|the middle of|the first half of|the second half of)"
    r"[\s-]+",
    re.IGNORECASE,
)
_LEAD = re.compile(r"^(?:on|in|since|during|throughout|as of|by|until|from|for)\s+(?=\S)", re.IGNORECASE)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_PART_DAYS = {"early": (1, 10), "the beginning of": (1, 10), "the start of": (1, 10), "mid": (11, 20)}
_PART_MONTHS = {"early": (1, 4), "the beginning of": (1, 3), "the start of": (1, 3), "mid": (5, 8), "late": (9, 12)}
_PART_MONTHS |= {"the middle of": (5, 8), "the end of": (10, 12), "the first half of": (1, 6)}
_PART_MONTHS |= {"the second half of": (7, 12)}
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# A day or month without a year may lie this long after the (approximate) publication date.
AFTER_PUBLICATION = timedelta(days=7)
# The genre's convention for an event reported without a date: the day of the report, the publication date. It
# was a week ([publication − 6 days, publication]) until real news showed the day of the report as the convention;
# on real dev both are right for every such event (82 of 82 gold intervals hold the publication day).
REPORTED_BEFORE = timedelta(days=0)


def normalise(
    text: str,
    row: dict[str, str],
    published: date | None,
    *,
    anchor: date | None = None,
    period_start: date | None = None,
    previous: TimeSpan | None = None,
) -> TimeSpan | None:
    """The interval of one expression by its rule row; None when it cannot be placed. Never raises."""
    try:
        found = _interval(" ".join(text.split()), row, published, anchor, period_start, previous)
    except (ValueError, OverflowError):
        return None
    if found is None:
        return None
    earliest, latest, precision = found
    if earliest is None or latest is None:
        return TimeSpan(None, None, "unknown", expression=text)
    if re.match(r"since\b", text.strip(), re.IGNORECASE) and published and earliest <= published:
        latest, precision = published, "range"
    if published and row["kind"] != "future" and earliest <= published:
        latest = min(latest, published)
    return TimeSpan(earliest, max(earliest, latest), precision, expression=text)


def _interval(
    text: str, row: dict[str, str], pub: date | None, anchor: date | None, start: date | None, prev: TimeSpan | None
) -> tuple[date | None, date | None, str] | None:
    if row["start"] == "parse":
        return _parsed(text, row["precision"], row["kind"] == "future", pub)
    if row["start"] == "numeric":
        return _numeric(text)
    bases = {
        "pub": pub,
        "anchor": anchor or start,
        "period": start,
        "prev": prev.earliest if prev else None,
        "prevend": prev.latest if prev else None,
        "prevweekend": prev.earliest + timedelta(days=6 - prev.earliest.weekday()) if prev and prev.earliest else None,
        "year": date(pub.year, 1, 1) if pub else None,
        "month": date(pub.year, pub.month, 1) if pub else None,
        "week": pub - timedelta(days=pub.weekday()) if pub else None,
        "weekend": pub - timedelta(days=(pub.weekday() - 5) % 7) if pub else None,
    }
    return _computed(row["start"], bases), _computed(row["end"], bases), row["precision"]


def _computed(spec: str, bases: dict[str, date | None]) -> date | None:
    """``pub-6W`` → the publication date minus six weeks; None when the base is unknown."""
    name = re.match(r"[a-z]+", spec)
    base = bases.get(name.group(0)) if name else None
    if base is None:
        return None
    for sign, amount, unit in _OFFSET.findall(spec):
        n = int(amount) * (1 if sign == "+" else -1)
        if unit == "D":
            base = base + timedelta(days=n)
        elif unit == "W":
            base = base + timedelta(weeks=n)
        else:
            base = add_months(base, n * (12 if unit == "Y" else 1))
    return base


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clipped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    year = min(max(year, 1), 9999)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _numeric(text: str) -> tuple[date, date, str] | None:
    """ "2021/05/18", "2021. 6. 10." (year first) and "12.03.2021", "12/03/2021" (day first)."""
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if len(numbers) != 3:
        return None
    year, month, day = numbers if numbers[0] > 31 else (numbers[2], numbers[1], numbers[0])
    if month > 12 and day <= 12:
        month, day = day, month
    found = date(year, month, day)
    return found, found, "day"


@lru_cache(maxsize=4096)
def _parsed(text: str, precision: str, future: bool, published: date | None) -> tuple[date, date, str] | None:
    """dateparser on one expression, widened to its precision; cached because the same words recur."""
    part = _PART.match(text)
    core = _LEAD.sub("", text[part.end() :] if part else text)
    if precision == "weekday":
        return _weekday(core, future, published)
    if not _YEAR.search(core) and published is None:
        return None
    named_day = next((w for w in re.findall(r"[a-z]+", core.lower()) if w in _WEEKDAYS), None)
    if named_day is not None:
        core = re.sub(rf"\b{named_day}\b,?\s*", "", core, flags=re.IGNORECASE).strip()
    settings: dict[str, object] = {
        "PREFER_DATES_FROM": "future" if future else "past",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "REQUIRE_PARTS": {"day": ["day", "month"], "month": ["month"], "part_month": ["month"]}.get(precision, []),
    }
    if published is not None:
        settings["RELATIVE_BASE"] = datetime(published.year, published.month, published.day)
    when = dateparser.parse(core, languages=["en"], settings=settings)
    if when is None:
        return None
    part_name = part.group(1).lower() if part else None
    day = when.date()
    if published is not None and not future and not _YEAR.search(core) and precision in _YEARLESS:
        day = _nearest_year(day, precision, part_name, published, named_day)
    return _widen(day, precision, part_name)


_YEARLESS = frozenset({"day", "month", "part_month"})


def _nearest_year(day: date, precision: str, part: str | None, published: date, weekday: str | None) -> date:
    """The year that puts a yearless day or month nearest before publication, allowing AFTER_PUBLICATION after
    it; among the years no later than that, a named weekday picks the one it fits ("Saturday, 1 May")."""
    candidates = []
    for year in range(published.year - 2, published.year + 2):
        try:
            moved = day.replace(year=year)
        except ValueError:  # 29 February
            continue
        if _widen(moved, precision, part)[0] <= published + AFTER_PUBLICATION:
            candidates.append(moved)
    if not candidates:
        return day
    if weekday is not None:
        fitting = [c for c in candidates[-2:] if _WEEKDAYS[c.weekday()] == weekday]
        if fitting:
            return fitting[-1]
    return candidates[-1]


def _weekday(text: str, future: bool, published: date | None) -> tuple[date, date, str] | None:
    """The latest such weekday on or before publication ("last Monday": strictly before; "next": after)."""
    if published is None:
        return None
    words = text.lower().split()
    name = next((w for w in words if w in _WEEKDAYS), None)
    if name is None:
        return None
    delta = (published.weekday() - _WEEKDAYS.index(name)) % 7
    if future or "next" in words:
        day = published + timedelta(days=(_WEEKDAYS.index(name) - published.weekday()) % 7 or 7)
    else:
        day = published - timedelta(days=delta or (7 if "last" in words else 0))
    return day, day, "day"


def _widen(day: date, precision: str, part: str | None) -> tuple[date, date, str]:
    if precision == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6), "range"
    last = calendar.monthrange(day.year, day.month)[1]
    if precision == "month":
        return day.replace(day=1), day.replace(day=last), "month"
    if precision == "part_month":
        lo, hi = _PART_DAYS.get(part or "", (21, last))
        return day.replace(day=lo), day.replace(day=min(hi, last)), "range"
    if precision == "part_year":
        lo, hi = _PART_MONTHS.get(part or "", (1, 12))
        return date(day.year, lo, 1), date(day.year, hi, calendar.monthrange(day.year, hi)[1]), "range"
    if precision == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31), "year"
    return day, day, "day"


def event_span(work: Work, trigger: Trigger, previous: TimeSpan | None, paragraph: TimeSpan | None) -> TimeSpan:
    """The interval of one event, by the order in the module docstring."""
    own = _own_time(work, trigger)
    if own is not None and trigger.planned and _yearless_past(own):
        # "is scheduled to leave … on 18 March": the next 18 March, not the last one
        ahead = normalise(own.text, {**own.rule, "kind": "future"}, work.published)
        if ahead is not None and ahead.earliest is not None:
            return replace(ahead, basis="explicit")
    ahead = _coming_weekend(work, own) if own is not None and trigger.planned else None
    if ahead is not None:
        return ahead
    if own is not None:
        if own.relative:
            span = normalise(
                own.text,
                own.rule,
                work.published,
                anchor=work.anchor,
                period_start=work.period[0],
                previous=previous or default_span(work),
            )
            return replace(span, basis="explicit") if span and span.earliest else default_span(work)
        if own.span is not None:  # an expression that is not relative has its own interval
            return replace(own.span, basis="explicit")
    if paragraph is None:
        paragraph = _later_in_paragraph(work, trigger)
    if paragraph is not None:
        return TimeSpan(paragraph.earliest, paragraph.latest, paragraph.precision, None, "paragraph")
    return default_span(work)


def _coming_weekend(work: Work, time: TimeMention) -> TimeSpan | None:
    """ "will travel to Syria this weekend" in a Friday's release: the coming weekend, not the last one."""
    span = time.span
    if time.rule.get("start") != "weekend" or span is None or span.earliest is None or span.latest is None:
        return None
    if work.published is None or span.latest >= work.published:
        return None
    week = timedelta(days=7)
    return replace(span, earliest=span.earliest + week, latest=span.latest + week, basis="explicit")


def _later_in_paragraph(work: Work, trigger: Trigger) -> TimeSpan | None:
    """The day the rest of the trigger's paragraph gives, when it gives one date only and that a day (a batch that
    "arrived … on Tuesday" dates the ceremony before it); "last year", "since 2015" give none."""
    sentence = work.sentences[trigger.sentence]
    rest = [s for s in work.sentences[trigger.sentence + 1 :] if s.paragraph == sentence.paragraph]
    later = [t for t in work.times if rest and rest[0].start <= t.start and t.end <= rest[-1].end]
    spans = {
        (t.span.earliest, t.span.latest, t.span.precision)
        for t in later
        if t.span is not None and t.span.earliest is not None and not t.relative and not t.future
    }
    if len(spans) != 1 or len(later) != len([t for t in later if t.span is not None]):
        return None
    earliest, latest, precision = next(iter(spans))
    return TimeSpan(earliest, latest, precision) if precision == "day" else None


def _yearless_past(time: TimeMention) -> bool:
    rule = time.rule
    return (
        rule.get("start") == "parse" and rule.get("kind") == "past" and not re.search(r"\b(?:19|20)\d\d\b", time.text)
    )


def default_span(work: Work) -> TimeSpan:
    """The period of an undated report (point 3 of the module docstring), at the latest the publication date."""
    start, end = work.undated_period
    if start is None or end is None:
        return TimeSpan(None, None, "unknown", None, "document")
    return TimeSpan(min(start, end), end, "range", None, "document")


def _own_time(work: Work, trigger: Trigger) -> TimeMention | None:
    """The trigger's own expression, else the one that opens the sentence ("So far, China has donated …").

    An expression after a trigger belongs to the nearest trigger before it ("… provided … since April 2019,
    and delivered … on July 3"), unless a new clause starts in between (", and on Tuesday Japan sent …"), or
    the event is reported, not planned, and the expression speaks of the future in a clause of its own ("had
    delivered 500,000 doses to Laos, which is scheduled to receive more next week")."""
    sentence = work.sentences[trigger.sentence]
    times = work.in_sentence(work.times, sentence)
    triggers = [t for t in work.triggers if t.sentence == trigger.sentence]
    if not times or not triggers:
        return None
    owned = [
        t
        for t in times
        if _owner(work, t, triggers) is trigger
        and not _later_clause(work, trigger, t)
        and not _relative_clause(work, trigger, t)
        and not (trigger.planned and _report_time(work, trigger, t))
    ]
    after = [t for t in owned if t.start >= trigger.end]
    opening = [t for t in times if t.end <= triggers[0].start]
    candidates = after or owned[::-1] or opening[::-1]
    return candidates[0] if candidates else None


def _report_time(work: Work, trigger: Trigger, time: TimeMention) -> bool:
    """ "'We will send 100 doctors,' the minister said on Tuesday": the day of the saying, after the trigger and
    right after a reporting verb, does not date what is promised."""
    if time.start < trigger.end:
        return False
    said = [b for b in work.barriers if trigger.end <= work.doc[b].idx < time.start]
    if not said:
        return False
    verb = work.doc[said[-1]]
    return len(work.text[verb.idx + len(verb) : time.start].split()) <= 2  # "said on Tuesday", "said late on Friday"


_RELATIVE = re.compile(r",\s*(?:which|who|whose|where)\b[^,;]*$", re.IGNORECASE)


def _relative_clause(work: Work, trigger: Trigger, time: TimeMention) -> bool:
    """ "… aid to Turkey and Syria, which were hit by an earthquake last week, the ministry said on Tuesday": an
    expression inside a relative clause after the trigger dates what the clause tells, not the event."""
    return time.start >= trigger.end and _RELATIVE.search(work.text, trigger.end, time.start) is not None


def _later_clause(work: Work, trigger: Trigger, time: TimeMention) -> bool:
    return (
        not trigger.planned
        and time.rule.get("kind") == "future"
        and time.start >= trigger.end
        and bool(re.search(r"[;,]", work.text[trigger.end : time.start]))
    )


def _owner(work: Work, time: TimeMention, triggers: list[Trigger]) -> Trigger | None:
    left = [t for t in triggers if t.end <= time.start]
    if not left:
        return None
    right = next((t for t in triggers if t.start >= time.end), None)
    between = work.text[left[-1].end : time.start]
    if right is not None and re.search(r"[;,]\s*(?:and|while|but|whereas)?\b", between):
        return right
    return left[-1]
