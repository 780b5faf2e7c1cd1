"""Group mentions: "48 sister cities in 23 countries", "more than 100 Chinese embassies", "50 countries".

A group is a plural head noun of ``lexicon/groups.tsv`` with up to four modifiers, counted ("26
sister cities") or not ("neighbouring countries", "its sister cities"). "The immigration and
border control departments of 50 countries" is one group of departments counted 50. Groups are
kept as actors (``group=True``) with their count and whether the count is approximate.
"""

from __future__ import annotations

import re
from functools import lru_cache

from service.extract import tables
from service.extract.actors import mention, select
from service.extract.quantities import parse_number
from service.extract.work import Mention, Work
from service.model import Actor

_STOP = (
    r"the|of|to|with|from|by|in|on|at|for|and|or|a|an|its|their|our|his|her|this|these|those|some|all|other|"
    r"more|than|over|about|such|as|including|were|was|are|is|have|has|had|been|be|which|that|who|whose|"
    r"between|among|into|through|via|after|before|during|under|within|without|against|towards"
)
_MOD = rf"(?!(?:{_STOP})\b)[A-Za-z][\w'’-]*"
_MODS = rf"(?:{_MOD}\s+(?:and\s+(?={_MOD}\s))?){{0,4}}?"
_NUMBER = (
    r"\d{1,3}(?:,\d{3})+|\d+|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-[a-z]+)?|"
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+dozen|dozens\s+of|hundreds\s+of"
)
_ADJECTIVES = {"neighbouring", "neighboring", "foreign", "other", "relevant", "fellow", "partner"}
_DETERMINERS = (
    r"neighbou?ring|foreign|other|relevant|fellow|its|their|our|his|her|some|all|many|several|various|these|those"
)


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], ...]:
    heads = sorted(tables.group_heads(), key=len, reverse=True)
    head = "|".join(re.escape(h) for h in heads)
    approx = "|".join(re.escape(w) for w, (_, k) in tables.numbers().items() if k == "approx")
    counted = re.compile(
        rf"(?<![\w,.])(?:(?P<approx>{approx})\s+)?(?P<num>{_NUMBER})\s+(?P<name>{_MODS}(?:{head}))\b",
        re.IGNORECASE,
    )
    of_counted = re.compile(
        rf"\b(?P<name>{_MODS}(?:{head}))\s+of\s+(?:(?P<approx>{approx})\s+)?(?P<num>{_NUMBER}|{_DETERMINERS})\s+"
        rf"(?:{_MODS}(?:countries|cities|nations|states|regions|provinces))\b",
        re.IGNORECASE,
    )
    uncounted = re.compile(rf"\b(?P<det>{_DETERMINERS})\s+(?P<name>{_MODS}(?:{head}))\b", re.IGNORECASE)
    bare_heads = "|".join(re.escape(h) for h in sorted(tables.bare_group_heads(), key=len, reverse=True))
    bare = re.compile(
        rf"\b(?:to|for|among)\s+(?P<name>{_MODS}(?:{bare_heads}))\b"
        rf"(?P<rest>(?:\s*(?:,\s*(?:and\s+)?|and\s+)(?:{_MODS}(?:{bare_heads}))\b)*)",
        re.IGNORECASE,
    )
    # "Central and Eastern European countries", "Latin American and Caribbean countries"
    regional = re.compile(r"(?<![\w-])(?P<name>(?:(?-i:[A-Z][a-z]+)\s+(?:and\s+)?){1,4}(?:countries|nations|states))\b")
    return of_counted, counted, uncounted, regional, bare


def find_groups(work: Work) -> Work:
    """Add group mentions; a group wins over the shorter mentions it overlaps."""
    found: list[Mention] = []
    spans = _sentences_with_heads(work)
    for kind, pattern in zip(("of_counted", "counted", "uncounted", "regional", "bare"), _patterns(), strict=True):
        for m in (m for lo, hi in spans for m in pattern.finditer(work.text, lo, hi)):
            found += _bare(work, m) if kind == "bare" else [g for g in [_group(work, m, kind)] if g is not None]
    found += _coordinated(work, [g for g in found if g.actor and g.actor.count is None])
    work.mentions = select(work.mentions + found)
    return work


def _sentences_with_heads(work: Work) -> list[tuple[int, int]]:
    """The sentences that hold a group head word: the patterns are costly, and most sentences have none."""
    heads = _head_words()
    return [(s.start, s.end) for s in work.sentences if heads.search(work.text, s.start, s.end)]


@lru_cache(maxsize=1)
def _head_words() -> re.Pattern[str]:
    words = sorted({h.split()[-1] for h in tables.group_heads()}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


def _bare(work: Work, m: re.Match[str]) -> list[Mention]:
    """ "to hospitals, care homes and outpatient nursing services": one group per plural."""
    out = []
    names = [(m.start("name"), m.end("name"))]
    names += [(s.start(), s.end()) for s in _bare_item().finditer(work.text, m.start("rest"), m.end("rest"))]
    for start, end in names:
        start = _past_verbs(work.text, start, end)  # "to help affected families": the group is "affected families"
        name = " ".join(work.text[start:end].split())
        head = _head(name)
        if head is not None:
            actor = Actor(name=name, kind=tables.group_heads()[head], group=True, mention=name)
            out += [g for g in [mention(work, start, end, actor, "group")] if g is not None]
    return out


def _past_verbs(text: str, start: int, end: int) -> int:
    """The start of a phrase once the verbs of purpose that open it are skipped ("help", "support", "assist")."""
    verbs = tables.function_word_set("beneficiary_verbs")
    while True:
        word = re.match(r"(\w+)\s+", text[start:end])
        if word is None or word.group(1).lower() not in verbs:
            return start
        start += word.end()


@lru_cache(maxsize=1)
def _bare_item() -> re.Pattern[str]:
    heads = "|".join(re.escape(h) for h in sorted(tables.bare_group_heads(), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?!and\b){_MODS}(?:{heads})\b", re.IGNORECASE)


def _coordinated(work: Work, groups: list[Mention]) -> list[Mention]:
    """ "all genetic testing institutions and disease control centers": the second group of a pair."""
    second_group = re.compile(rf"\s+and\s+(?P<name>{_MODS}(?:{_heads_pattern()}))\b", re.IGNORECASE)
    out = []
    for group in groups:
        second = second_group.match(work.text, group.end)
        head = _head(" ".join(second.group("name").split())) if second else None
        if second is not None and head is not None:
            name = " ".join(second.group("name").split())
            actor = Actor(name=name, kind=tables.group_heads()[head], group=True, mention=second.group("name"))
            found = mention(work, second.start("name"), second.end(), actor, "group")
            out += [found] if found else []
    return out


@lru_cache(maxsize=1)
def _heads_pattern() -> str:
    return "|".join(re.escape(h) for h in sorted(tables.group_heads(), key=len, reverse=True))


def _group(work: Work, m: re.Match[str], kind: str) -> Mention | None:
    name = " ".join(m.group("name").split())
    if kind == "regional":
        words = name.split()
        while words and (words[0] == "and" or work.lookup(words[0]) is not None):
            words.pop(0)  # "China and Central and Eastern European countries": the region starts after China
        if len(words) < 2 or words[0].lower() in _NOT_REGIONS:
            return None
        start = m.end() - len(" ".join(words))
        if work.text[start : m.end()] != " ".join(words):
            return None
        actor = Actor(name=" ".join(words), kind="country", group=True, mention=" ".join(words))
        return mention(work, start, m.end(), actor, "group")
    if kind == "counted" and not m.group("num")[0].isdigit() and _appositive(work.text, m.start(), m.end()):
        return None  # "Comcast and Universal, two American companies, and Daimler": a description, no actor
    head = _head(name)
    if head is None:
        return None
    count: int | None = None
    number = m.groupdict().get("num")
    if number and not re.fullmatch(_DETERMINERS, number, re.IGNORECASE):
        value = parse_number(number)
        count = int(value) if value is not None else None
    if kind == "uncounted" and m.group("det").lower() in _ADJECTIVES:
        name = f"{m.group('det')} {name}"
    approximate = bool(m.groupdict().get("approx"))
    end = m.end()
    tail = _IN_NEED.match(work.text, end)
    if tail:  # "over 2,000 people in need": the need is part of who they are
        name, end = f"{name} {' '.join(tail.group(0).split())}", tail.end()
    members = _members_of(work, name, end)
    if members is not None:  # "the 15 member countries of the Caribbean Community (CARICOM)"
        name, end = members
    actor = Actor(
        name=name, kind=tables.group_heads()[head], group=True, count=count, approximate=approximate, mention=m.group(0)
    )
    return mention(work, m.start(), end, actor, "group")


_IN_NEED = re.compile(r"\s+in\s+need\b")
_OF_THE = re.compile(r"\s+of\s+(?:the\s+)?")


def _members_of(work: Work, name: str, end: int) -> tuple[str, int] | None:
    """Members named after their organisation: "member countries of the Caribbean Community (CARICOM)" is the group
    "CARICOM member countries" (the organisation's short name first), taking the organisation's words in."""
    if not set(name.lower().split()) & tables.function_word_set("member_words"):
        return None
    of = _OF_THE.match(work.text, end)
    org = [m for m in work.mentions if of and m.start == of.end() and m.actor and m.actor.kind == "organisation"]
    if not org:
        return None
    end, short = org[0].end, work.text[org[0].start : org[0].end]
    acronym = re.match(r"\s*\(([A-Z][A-Za-z]{1,9})\)", work.text[end:])
    if acronym:
        end, short = end + acronym.end(), acronym.group(1)
    return f"{short} {name}", end


_NOT_REGIONS = tables.words("not_regions")


def _appositive(text: str, start: int, end: int) -> bool:
    return text[:start].rstrip().endswith(",") and text[end:].lstrip().startswith(",")


def _head(name: str) -> str | None:
    """The longest group head the phrase ends with."""
    lowered = name.lower()
    for head in sorted(tables.group_heads(), key=len, reverse=True):
        if lowered == head or lowered.endswith(" " + head):
            return head
    return None
