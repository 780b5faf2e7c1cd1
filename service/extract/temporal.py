"""Find the temporal expressions of a document with the rules of ``lexicon/temporal.tsv``.

Rules are regular expressions tried in file order; where matches overlap, the earliest start wins,
then the longest, then the earlier row. dateparser's ``search_dates`` is never used: over this prose
it turns "We" into a Wednesday and "and 92% of" into 1992. Each expression is normalised by
:func:`service.extract.dates.normalise`; expressions relative to the previous event ("subsequently",
"the following day") are normalised again when events are dated.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache

from service.extract import tables
from service.extract.dates import normalise
from service.extract.work import TimeMention, Work

COVID = re.compile(r"covid|coronavirus|sars-cov-2|2019-ncov|pandemic|epidemic", re.IGNORECASE)
COVID_START = date(2020, 1, 1)
RELATIVE = frozenset({"after_previous", "same_as_previous", "relative"})


# Rules that name a month or a weekday, or start with a digit, only run over the sentences that have one:
# most sentences have none, and these are the costliest patterns.
_GUARDS = {
    "month": re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?![\w-])", re.IGNORECASE),
    "weekday": re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE),
    "digit": re.compile(r"\d"),
}


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[re.Pattern[str], dict[str, str], str | None], ...]:
    out = []
    for row in tables.temporal_rules():
        pattern = re.compile(rf"(?<![\w-])(?:{row['pattern']})(?![\w-])", re.IGNORECASE)
        source = row["pattern"]
        guard = "month" if "jan(?:uary" in source else "weekday" if "wednesday" in source else None
        needs_digit = source.startswith("\\d") or ("(?:19|20)\\d\\d" in source and "ago" not in source)
        guard = guard or ("digit" if needs_digit else None)
        out.append((pattern, row, guard))
    return tuple(out)


def _spans(work: Work) -> dict[str | None, list[tuple[int, int]]]:
    """Per guard, the character spans (sentences) a guarded rule runs over."""
    spans: dict[str | None, list[tuple[int, int]]] = {None: [(0, len(work.text))]}
    for name, guard in _GUARDS.items():
        spans[name] = [(s.start, s.end) for s in work.sentences if guard.search(work.text, s.start, s.end)]
    return spans


@lru_cache(maxsize=1)
def _locators() -> dict[str | None, tuple[re.Pattern[str], list[int]]]:
    """Per guard, one alternation of its rules that finds where an expression may start (one pass, not one per rule)."""
    groups: dict[str | None, list[int]] = {}
    for order, (_, _, guard) in enumerate(_rules()):
        groups.setdefault(guard, []).append(order)
    rows = [row["pattern"] for _, row, _ in _rules()]
    return {
        guard: (re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{rows[i]})" for i in orders) + ")", re.IGNORECASE), orders)
        for guard, orders in groups.items()
    }


def _candidates(work: Work) -> list[tuple[int, int, int, re.Match[str], dict[str, str]]]:
    """Every rule match at every position a locator finds: (start, -length, rule order, match, row)."""
    rules = _rules()
    out = []
    for guard, spans in _spans(work).items():
        if guard not in _locators():
            continue
        locator, orders = _locators()[guard]
        for lo, hi in spans:
            for found in locator.finditer(work.text, lo, hi):
                for order in orders:
                    m = rules[order][0].match(work.text, found.start(), hi)
                    if m is not None:
                        out.append((m.start(), -(m.end() - m.start()), order, m, rules[order][1]))
    return out


def find_times(work: Work) -> Work:
    """Find and normalise the document's temporal expressions; set the document's anchor and period."""
    candidates = [c for c in _candidates(work) if not _verb_not_month(c[3].group(0))]
    kept, taken_until = [], -1
    for start, _, _, m, row in sorted(candidates, key=lambda c: (c[0], c[1], c[2])):
        if start >= taken_until:
            kept.append((m, row))
            taken_until = m.end()
    if work.published is None:
        work.inferred_published = _header_date(kept)
    pub = work.published
    work.covid = bool(pub and pub >= COVID_START and COVID.search(work.text))
    work.anchor = COVID_START if work.covid else None
    work.period = (_period_start(work, kept), pub)
    work.anchor = work.anchor or work.period[0]
    datelines = [(d.start(), d.end()) for d in _DATELINE.finditer(work.text)]
    in_body = [(m, row) for m, row in kept if not any(a <= m.start() < b for a, b in datelines)]
    work.times = _in_context_year(work, [t for m, row in in_body if (t := _mention(work, m, row)) is not None])
    return work


# "BISHKEK, March 3 (Xinhua) --": the wire's dateline dates the story, not the events of its sentence.
_DATELINE = re.compile(
    r"(?m)^[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?|,\s*\d{1,2}\s+[A-Z][a-z]{2,8}\.?"
    r"(?:\s+\d{4})?)\s*(?:\([A-Z][\w .&/-]{1,40}\)\s*)?(?:--|—|–|-)\s"
)


def _in_context_year(work: Work, times: list[TimeMention]) -> list[TimeMention]:
    """ "Last year … In June, …": a date without a year takes the year its paragraph is about."""
    year: dict[int, int] = {}
    out = []
    for time in times:
        sentence = work.sentence_of(time.start)
        paragraph = sentence.paragraph if sentence else -1
        stated = _stated_year(time.text, work.published)
        if stated is not None:
            year[paragraph] = stated
        elif time.span and time.span.earliest and time.rule.get("start") == "parse" and paragraph in year:
            time = _moved_to(time, year[paragraph], work.published)
        out.append(time)
    return out


def _stated_year(text: str, published: date | None) -> int | None:
    if re.match(r"\s*(?:since|as\s+of|from|until|by)\b", text, re.IGNORECASE):
        return None  # "since April 2020" starts a stretch of time; it does not say which year the text is in
    found = re.search(r"\b(19|20)\d\d\b", text)
    if found:
        return int(found.group(0))
    if published and re.search(r"\blast\s+year\b", text, re.IGNORECASE):
        return published.year - 1
    return None


def _moved_to(time: TimeMention, year: int, published: date | None) -> TimeMention:
    span = time.span
    if span is None or span.earliest is None or span.latest is None or span.earliest.year == year:
        return time
    try:
        earliest, latest = span.earliest.replace(year=year), span.latest.replace(year=year)
    except ValueError:  # 29 February
        return time
    if published is not None and earliest > published:
        return time
    return replace(time, span=replace(span, earliest=earliest, latest=min(latest, published or latest)))


def _header_date(found: list) -> date | None:
    """Without a publication date, the first full date near the top of the text is taken for it."""
    for m, row in found:
        if m.start() > 400:
            return None
        if row["precision"] == "day" and re.search(r"\b(?:19|20)\d\d\b", m.group(0)):
            span = normalise(m.group(0), row, None)
            if span is not None and span.earliest is not None:
                return span.earliest
    return None


def _verb_not_month(words: str) -> bool:
    """ "may" and "march" in lower case without a number are verbs, not months."""
    return bool(re.search(r"\b(?:may|march)\b", words)) and not re.search(r"\d", words)


def _period_start(work: Work, found: list) -> date | None:
    """The first past expression of the text (not the publication date, at most a year back), else a default."""
    pub = work.published
    if pub is None:
        return None
    for m, row in found:
        if row["kind"] != "past":
            continue
        span = normalise(m.group(0), row, pub, anchor=work.anchor)
        if span is None or span.earliest is None or span.earliest > pub or span.earliest == span.latest == pub:
            continue
        return max(span.earliest, pub - timedelta(days=366))
    return COVID_START if work.covid else pub - timedelta(days=30)


def _mention(work: Work, m: re.Match[str], row: dict[str, str]) -> TimeMention | None:
    text = m.group(0)
    relative = row["kind"] if row["kind"] in RELATIVE else None
    span = normalise(text, row, work.published, anchor=work.anchor, period_start=work.period[0])
    if span is None and relative is None:
        return None
    future = row["kind"] == "future" or bool(
        span and span.earliest and work.published and span.earliest > work.published
    )
    return TimeMention(m.start(), m.end(), text, span, relative=relative, future=future, rule=row)
