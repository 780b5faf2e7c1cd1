"""Capitals that stand for their state: "Tokyo will provide 3 billion yen to Kyiv" is Japan giving to Ukraine.

News prose names a state by its capital (``lexicon/metonyms.tsv``). A capital in an event's agents stands for
its state; in its recipients and participants too when a state acts ("Washington will supply Manila …"), while
a city dealing with a city that is no capital keeps both cities ("Cologne received masks from Beijing"). Places
are never read so ("arrived in Jakarta"). A document that treats the capital as a city ("Beijing Municipality",
"the mayor of Kyiv", "sister cities", "the city" when it is the city the document is about) keeps it a city
throughout.
"""

from __future__ import annotations

import re
from functools import lru_cache

from service.extract import tables
from service.extract.identity import actor_for
from service.extract.references import main_city
from service.extract.work import Roles, Work
from service.model import Actor

_CITY_CUES = (
    r"{city}(?:'s)?\s+(?:Municipal\w*|City\b|Metropolitan|Metropolis|Special\s+City|city\s+(?:government|council|hall))"
    r"|\b(?:mayor|municipality|city|governor|residents|citizens)\s+of\s+(?:the\s+)?{city}"
)
_TWINNED = re.compile(r"\b(?:sister|partner|twin|friendship)[- ]cit(?:y|ies)\b", re.IGNORECASE)
_THE_CITY = re.compile(r"\bthe\s+(?:city|municipality|municipal\s+government)\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _stands_for() -> dict[str, str]:
    """City name (the gazetteer's) → the name of the actor it stands for."""
    return {row["city"]: row["stands_for"] for row in tables.read_tsv("metonyms.tsv")}


def _as_city(work: Work, city: str) -> bool:
    """True when the document speaks of the capital as a city."""
    if _TWINNED.search(work.text):
        return True
    if _THE_CITY.search(work.text):  # "the city donated …": the document's city is spoken of as a city
        main = main_city(work)
        if main is not None and main.name == city:
            return True
    entry = work.gazetteer.by_name(city)
    names = [city, *(entry.aliases if entry is not None else ())]
    alternatives = "|".join(re.escape(n) for n in names)
    return re.search(_CITY_CUES.format(city=f"(?:{alternatives})"), work.text, re.IGNORECASE) is not None


def _state(work: Work, actor: Actor) -> Actor | None:
    """The state a capital actor stands for in this document, or None."""
    if actor.kind != "city" or actor.group:
        return None
    name = _stands_for().get(actor.name)
    if name is None or _as_city(work, actor.name):
        return None
    entry = work.gazetteer.by_name(name)
    return actor_for(entry, work.gazetteer, actor.mention or actor.name) if entry is not None else None


def read_capitals(work: Work, roles: Roles) -> None:
    """Replace capitals standing for their state in the agents, then in the other sides when a state acts."""
    others = roles.recipients + roles.participants
    if any(a.kind == "city" and not a.group and _state(work, a) is None for a in others):
        return  # "Cologne received masks from Beijing": a city dealing with a city
    state_acts = False
    for k, actor in enumerate(roles.agents):
        state = _state(work, actor)
        if state is not None:
            roles.agents[k] = state
        state_acts = state_acts or roles.agents[k].kind == "country" or state is not None
    if not state_acts:
        return
    for side in (roles.recipients, roles.participants):
        for k, actor in enumerate(side):
            state = _state(work, actor)
            if state is not None and state not in roles.agents:
                side[k] = state
