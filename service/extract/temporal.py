"""Find the temporal expressions of a document with the rules of ``lexicon/temporal.tsv``.

Rules are regular expressions tried in file order; where matches overlap, the earliest start wins,
then the longest, then the earlier row. dateparser's ``search_dates`` is never used: over this prose
it turns "We" into a Wednesday and "and 92% of" into 1992. Each expression is normalised by
:func:`service.extract.dates.normalise`; expressions relative to the previous event ("subsequently",
"the following day") are normalised again when events are dated.

What the text is about comes from ``lexicon/situations.tsv``: the situation it names (most often, when it
names several) that began before publication and not too long before. Its start anchors "at the beginning
of the outbreak", "since the crisis began"; an expression that names a situation, or refers to one by a
noun only that one takes ("after the earthquake"), is anchored at that one. The code knows no situation,
disease or year: rows are data.

A "since …" that ends a superlative ("the strongest storm since Typhoon X in 2013") is a comparison and dates
nothing. Without a publication date the first full date near the top stands for it, with the year of the
body's full dates when its own year is a slip ("17 February 2017" above "on 16 February 2018").
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache

from service.extract import tables
from service.extract.dates import REPORTED_BEFORE, add_months, normalise
from service.extract.work import Situation, TimeMention, Work
from service.model import TimeSpan

# An expression that ends more than this before publication, or starts more than a year before it, is background
# ("in 2013", "since Typhoon Haiyan"), not the period of the news.
RECENT = timedelta(days=62)
RELATIVE = frozenset({"after_previous", "same_as_previous", "relative"})


# Rules that name a month or a weekday, or start with a digit, only run over the sentences that have one:
# most sentences have none, and these are the costliest patterns.
_GUARDS = {
    "month": re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?![\w-])", re.IGNORECASE),
    "weekday": re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE),
    "digit": re.compile(r"\d"),
}


@lru_cache(maxsize=1)
def situation_rows() -> tuple[tuple[Situation, re.Pattern[str], tuple[re.Pattern[str], ...], int], ...]:
    """The rows of ``lexicon/situations.tsv``: (situation, its names, the words it needs, years it lasts)."""
    out = []
    for row in tables.read_tsv("situations.tsv"):
        start = date.fromisoformat(row["start"])
        situation = Situation(
            row["situation"], start, row["names"], frozenset(row["refers"].split("|")), row["supplies"] or None
        )
        needs = tuple(_word_pattern(n) for n in row["needs"].split("+") if n.strip())
        out.append((situation, _word_pattern(row["names"]), needs, int(row["within"] or 1)))
    return tuple(out)


def _word_pattern(alternatives: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _placeholders() -> dict[str, str]:
    """{situation}: a noun phrase that refers to a situation of the table; {name}: the bare name of one."""
    rows = situation_rows()
    names = "|".join(f"(?:{s.names})" for s, _, _, _ in rows)
    refers = "|".join(sorted({w for s, _, _, _ in rows for w in s.refers}, key=len, reverse=True))
    # "Typhoon Vamco" names a storm the table does not know: a capitalised word after the noun is not left over
    phrase = (
        rf"(?:the\s+)?(?:(?:{names}|global|current|ongoing|recent|super)\s+)?(?:{refers})"
        rf"(?:\s+(?:{names})|(?!\s+(?-i:[A-Z][a-z])))(?:\s+of\s+(?:the\s+)?(?:{names}|{refers}))?"
    )
    return {"{situation}": f"(?:{phrase})", "{name}": rf"(?:the\s+)?(?:{names})"}


def _expanded(pattern: str) -> str:
    for placeholder, regex in _placeholders().items():
        pattern = pattern.replace(placeholder, regex)
    return pattern


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[re.Pattern[str], dict[str, str], str | None], ...]:
    out = []
    for raw in tables.temporal_rules():
        row = {**raw, "pattern": _expanded(raw["pattern"])}
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
    kept = [(m, row) for m, row in kept if not _comparison(work.text, m)]
    if work.published is None:
        work.inferred_published = _header_date(kept)
    pub = work.published
    work.situations = situations_of(work.text, pub)
    work.anchor = work.situations[0].start if work.situations else None
    work.period = (_period_start(work, kept), pub)
    work.anchor = work.anchor or work.period[0]
    work.undated_period = (_undated_start(work, kept), pub)
    datelines = [(d.start(), d.end()) for d in _DATELINE.finditer(work.text)]
    in_body = [(m, row) for m, row in kept if not any(a <= m.start() < b for a, b in datelines)]
    work.times = _in_context_year(work, [t for m, row in in_body if (t := _mention(work, m, row)) is not None])
    return work


# "the strongest storm to hit the islands since Typhoon Haiyan": a superlative measured against an earlier time.
_SUPERLATIVE = re.compile(
    r"\b(?:the|its|their)\s+(?:[a-z]+est|most\s+[a-z]+|worst|best|first|only)\b(?:\s+[\w'’-]+){0,8}\s*$",
    re.IGNORECASE,
)


def _comparison(text: str, m: re.Match[str]) -> bool:
    """A "since …" that ends a superlative ("the worst floods since 2013", "the first time since …") compares
    with that time; it does not date the act the sentence reports."""
    before = re.split(r"[.;:!?\n]", text[max(0, m.start() - 160) : m.start()])[-1]
    if not m.group(0).lower().startswith("since"):
        # "… since Typhoon Haiyan (known locally as Yolanda) in 2013": the year of the earlier event
        since = list(re.finditer(r"\bsince\s", before, re.IGNORECASE))
        tail = re.sub(r"\([^)]*\)", "", before[since[-1].end() :]) if since else ","
        if len(tail.split()) > 6 or "," in tail:
            return False
        before = before[: since[-1].start()]
    return bool(_SUPERLATIVE.search(before))


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
        return None  # "since April 2019" starts a stretch of time; it does not say which year the text is in
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


def _header_date(found: list[tuple[re.Match[str], dict[str, str]]]) -> date | None:
    """Without a publication date, the first full date near the top of the text is taken for it, with the year of
    the full dates the text reports when that one's year is a slip: "17 February 2017" above a release about what
    happened "on 16 February 2018" was published on 17 February 2018."""
    spans = ((m, _full_day(m, row)) for m, row in found)
    full = [(m, span.earliest) for m, span in spans if span is not None and span.earliest is not None]
    header = next((day for m, day in full if m.start() <= 400), None)
    if header is None or full[0][1] != header:
        return header
    for _, day in full[1:]:
        try:
            moved = header.replace(year=day.year)
        except ValueError:  # 29 February
            continue
        if day.year != header.year and timedelta(0) <= moved - day <= timedelta(days=14):
            return moved
    return header


def _full_day(m: re.Match[str], row: dict[str, str]) -> TimeSpan | None:
    """The span of a day written with its year ("16 February 2018"), else None."""
    if row["precision"] != "day" or not re.search(r"\b(?:19|20)\d\d\b", m.group(0)):
        return None
    span = normalise(m.group(0), row, None)
    return span if span is not None and span.earliest is not None else None


def _verb_not_month(words: str) -> bool:
    """ "may" and "march" in lower case without a number are verbs, not months."""
    return bool(re.search(r"\b(?:may|march)\b", words)) and not re.search(r"\d", words)


def situations_of(text: str, published: date | None) -> tuple[Situation, ...]:
    """The situations a text names that had begun by its publication, the one it names most often first."""
    if published is None:
        return ()
    found = []
    for situation, names, needs, within in situation_rows():
        if not situation.start <= published <= add_months(situation.start, 12 * within):
            continue
        mentions = [m.start() for m in names.finditer(text)]
        if mentions and all(n.search(text) for n in needs):
            found.append((-len(mentions), mentions[0], situation))
    return tuple(s for _, _, s in sorted(found, key=lambda f: (f[0], f[1])))


def situation_start(work: Work, words: str) -> date | None:
    """The start of the situation an expression refers to: the one it names ("since Typhoon Haiyan"), else the one
    of the text its noun refers to ("after the earthquake" in a text about an earthquake), else, without such a
    noun ("at the peak"), the text's own."""
    for situation, names, _, _ in situation_rows():
        if names.search(words) and (work.published is None or situation.start <= work.published):
            return situation.start
    nouns = set(re.findall(r"[a-z]+", words.lower())) & _situation_nouns()
    for situation in work.situations:
        if nouns & situation.refers:
            return situation.start
    return work.situations[0].start if work.situations and not nouns else None


@lru_cache(maxsize=1)
def _situation_nouns() -> frozenset[str]:
    return frozenset(w for s, _, _, _ in situation_rows() for w in s.refers)


def _anchor_for(work: Work, text: str, row: dict[str, str]) -> tuple[bool, date | None]:
    """(usable, anchor) of an expression: the start of the situation it refers to for a row based on the anchor;
    not usable when it refers to one the text is not known to be about ("since floods devastated …", "after the
    storm" in a text about no known storm)."""
    if "anchor" not in row["start"] + row["end"]:
        return True, work.anchor
    anchor = situation_start(work, text)
    if anchor is not None:
        return True, anchor
    nouns = set(re.findall(r"[a-z]+", text.lower())) & _situation_nouns()
    return not nouns and not any(names.search(text) for _, names, _, _ in situation_rows()), None


def _anchored(work: Work, text: str, row: dict[str, str]) -> TimeSpan | None:
    """``normalise`` with the anchor of the situation the expression refers to (None when not usable); one that
    refers to none ("at the peak") takes the text's situation, else the period start."""
    usable, anchor = _anchor_for(work, text, row)
    if not usable:
        return None
    return normalise(text, row, work.published, anchor=anchor or work.period[0], period_start=work.period[0])


def _period_start(work: Work, found: list[tuple[re.Match[str], dict[str, str]]]) -> date | None:
    """The start of the period the text is about, for "to date": its first past expression (not the publication
    date, at most a year back), else the start of its situation, else 30 days before publication."""
    pub = work.published
    if pub is None:
        return None
    for m, row in found:
        span = _past_span(work, m, row)
        if span is not None and span.earliest is not None:
            return max(span.earliest, pub - timedelta(days=366))
    return work.anchor or pub - timedelta(days=30)


def _undated_start(work: Work, found: list[tuple[re.Match[str], dict[str, str]]]) -> date | None:
    """Where an event with no date of its own or of its paragraph starts: the period the text gives for its news
    (its first past expression that ends less than RECENT before publication and starts less than a year before it:
    "earlier this month", "this weekend", "since the outbreak", "on 6 April"), else the convention of the genre — a
    news story or press release reports what happened on the day of the report, its publication date."""
    pub = work.published
    if pub is None:
        return None
    for m, row in found:
        span = _past_span(work, m, row)
        if span is None or span.earliest is None or span.latest is None:
            continue
        if span.latest >= pub - RECENT and span.earliest >= pub - timedelta(days=366):
            return span.earliest
    return pub - REPORTED_BEFORE


def _past_span(work: Work, m: re.Match[str], row: dict[str, str]) -> TimeSpan | None:
    """The interval of a past expression that lies before publication, else None."""
    pub = work.published
    if row["kind"] != "past" or pub is None:
        return None
    usable, anchor = _anchor_for(work, m.group(0), row)
    if not usable:
        return None
    span = normalise(m.group(0), row, pub, anchor=anchor)
    if span is None or span.earliest is None or span.earliest > pub or span.earliest == span.latest == pub:
        return None
    return span


def _mention(work: Work, m: re.Match[str], row: dict[str, str]) -> TimeMention | None:
    text = m.group(0)
    relative = row["kind"] if row["kind"] in RELATIVE else None
    span = _anchored(work, text, row)
    if span is None and relative is None:
        return None
    future = row["kind"] == "future" or bool(
        span and span.earliest and work.published and span.earliest > work.published
    )
    return TimeMention(m.start(), m.end(), text, span, relative=relative, future=future, rule=row)
