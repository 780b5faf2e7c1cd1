"""Officials and bodies that stand for their country or city (``lexicon/officials.tsv``).

"the Chinese Ambassador to Mongolia", "the Lao Ministry of Health", "a 12-member Chinese medical
expert team", "the Chinese side" → the country of the adjective; "the Government of Japan", "the
Minister for Foreign Affairs of Japan", "the Mayor of Beijing", "the people of Mozambique" → the
country or city after "of". The whole phrase becomes one mention of that country or city, so the
country in "… Ambassador to Mongolia" is not read as a second actor.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

from service.extract import tables
from service.extract.identity import actor_for
from service.extract.work import Mention, Work

_NAME = r"(?-i:[A-Z][\w'’-]*)"
# "… Minister of Health", "… Ambassador to Mongolia" (only envoys are "to" a country: "the Chinese government to
# Mongolia" is the government and a recipient)
_TAIL = (
    rf"(?:(?:\s+(?:of|for|in)|(?<=ambassador)\s+to|(?<=ambassadors)\s+to|(?<=envoy)\s+to|(?<=consul)\s+to)"
    rf"\s+(?:the\s+)?{_NAME}(?:\s+(?:and\s+)?{_NAME})*)?"
)


_BETWEEN_STOP = tables.words("prepositions") | tables.words("official_breaks")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    official = _official_alternation()
    # the words between the adjective and the official word modify it ("Chinese medical expert team"); a
    # preposition, article or auxiliary there ends the phrase ("Japan stands with the people of Turkey")
    stop = "|".join(sorted(_BETWEEN_STOP, key=len, reverse=True))
    between = rf"(?!and\b)(?:(?!(?:{stop})\b)[\w-]+\s+){{0,3}}?"  # "Turkish search and rescue personnel"
    by_adjective = re.compile(
        rf"\b(?:the\s+)?(?:(?-i:[a-z\d][\w-]*)\s+)?(?P<adj>{_NAME})\s+{between}(?:{official})\b{_TAIL}",
        re.IGNORECASE,
    )
    official_word = re.compile(rf"\b(?:the\s+)?(?:{official})\b", re.IGNORECASE)
    return by_adjective, official_word


_HOP = re.compile(rf"\s+(?P<prep>of|for)\s+(?:the\s+)?(?P<name>{_NAME}(?:\s+(?:and\s+)?{_NAME})*)", re.IGNORECASE)


def official_mentions(work: Work, known: list[Mention]) -> list[Mention]:
    """Mentions of officials and bodies, each standing for its country or city."""
    from service.extract.actors import mention

    by_adjective, official_word = _patterns()
    out: list[Mention] = []
    people = [k.start for k in known if k.actor is not None and k.actor.kind == "person"]
    at = 0
    while (m := by_adjective.search(work.text, at)) is not None:
        entry = _state_of(work, m.group("adj"), m.end("adj"))
        if entry is None or entry.kind != "country":
            # "Probe\n\nThe Indian High Commissioner": the first capitalised word is no state's; retry from the next
            following = re.match(r"\S+\s+(?=[A-Z])", work.text[m.start("adj") : m.end()])
            at = m.end() if following is None else m.start("adj") + following.end()
            continue
        at = m.end()
        start = m.start() if m.group(0).lower().startswith("the ") else m.start("adj")
        end = min([p for p in people if start < p < m.end()] + [m.end()])  # "… Ambassador to Kyrgyzstan Du Dewen"
        end = start + len(work.text[start:end].rstrip())
        found = mention(work, start, end, actor_for(entry, work.gazetteer, work.text[start:end]), "official")
        out += [found] if found else []
    out += _member_states(work, known)
    out += _possessed(work, known)
    by_start = {k.start: k for k in known}
    for m in official_word.finditer(work.text):
        place = _of_place(work, m, by_start)
        if (
            place is None
            or place.actor is None
            or not (m.group(0)[:1].isupper() or m.group(0).lower().startswith(("the ", "people", "gov")))
        ):
            continue
        actor = replace(place.actor, mention=work.text[m.start() : place.end])
        found = mention(work, m.start(), place.end, actor, "official")
        out += [found] if found else []
    return out


def _state_of(work: Work, adjective: str, end: int) -> Any:
    """The state an adjective or name names: "Indian", "Japan", or two words ("Sri Lankan", "New Zealand")."""
    entry = work.gazetteer.by_adjective(adjective) or work.lookup(adjective)
    following = re.match(rf"\s+({_NAME})", work.text[end : end + 40])
    if entry is None and following is not None:
        pair = f"{adjective} {following.group(1)}"
        entry = work.gazetteer.by_adjective(pair) or work.lookup(pair)
    return entry


def _of_place(work: Work, m: re.Match[str], by_start: dict[int, Mention]) -> Mention | None:
    """The country or city in "… of [the] X" after an official word, hopping over "of/for Y" qualifiers:
    "the Ministry of Emergency Situations of the Kyrgyz Republic" → the Kyrgyz Republic."""
    at = m.end()
    for _ in range(4):
        hop = _HOP.match(work.text, at)
        if hop is None:
            return None
        place = by_start.get(hop.start("name"))
        actor = place.actor if place is not None else None
        if hop.group("prep").lower() == "of" and actor is not None and actor.kind in ("country", "city"):
            return place if not actor.group else None
        at = hop.end()
    return None


def _possessed(work: Work, known: list[Mention]) -> list[Mention]:
    """ "Turkey's president", "Pakistan's foreign ministry": the official stands for the possessor."""
    from service.extract.actors import mention

    official = _official_alternation()
    tail_rx = re.compile(rf"(?:'s|’s)\s+(?:(?-i:[a-z][\w-]*)\s+){{0,2}}?(?:{official})\b", re.IGNORECASE)
    out: list[Mention] = []
    for k in known:
        if k.actor is None or k.actor.group or k.actor.kind not in ("country", "city"):
            continue
        tail = tail_rx.match(work.text, k.end)
        if tail:
            actor = replace(k.actor, mention=work.text[k.start : tail.end()])
            found = mention(work, k.start, tail.end(), actor, "official")
            out += [found] if found else []
    return out


@lru_cache(maxsize=1)
def _official_alternation() -> str:
    words = sorted((r["word"] for r in tables.read_tsv("officials.tsv")), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)


def _member_states(work: Work, known: list[Mention]) -> list[Mention]:
    """ "the ASEAN Member States" act as ASEAN (annotation guidelines, actor identity)."""
    from service.extract.actors import mention

    out: list[Mention] = []
    for k in known:
        tail = re.match(r"\s+(?:member\s+states|member\s+countries)\b", work.text[k.end : k.end + 30], re.IGNORECASE)
        if tail and k.actor is not None and k.actor.kind == "organisation":
            found = mention(work, k.start, k.end + tail.end(), k.actor, "official")
            out += [found] if found else []
    return out
