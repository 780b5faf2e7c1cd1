"""Which actor a mention stands for, as the annotation guidelines decide.

* A government body that stands for its state or city (``lexicon/collapse.tsv``: ministries,
  governments, embassies …) becomes that country or city; agencies and offices with a proper name
  of their own stay themselves.
* An actor without a Wikidata QID is named as the text names it ("Comcast Corporation", "COVAX
  Facility"), an acronym aside ("NIA" is named by its full name, the acronym kept as the mention):
  without a QID the name is what identifies it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from service.extract import tables
from service.extract.gazetteer import Entry, Gazetteer
from service.model import Actor


@lru_cache(maxsize=1)
def _collapse() -> re.Pattern[str]:
    patterns = [row["pattern"] for row in tables.read_tsv("collapse.tsv")]
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def stands_for(entry: Entry, gazetteer: Gazetteer, country: Entry | None = None) -> Entry:
    """The entry itself, or the country or city a government body of it stands for.

    A body the text defines but the gazetteer does not know ("the Department of Social Welfare and
    Development (DSWD)") stands for the document's country."""
    if entry.kind != "organisation" or not _collapse().search(entry.name):
        return entry
    if entry.qid is None and entry.part_of is None and entry.type == "other" and country is not None:
        return country
    if entry.type != "government_body":
        return entry
    for ancestor in gazetteer.ancestors(entry):
        if ancestor.kind in ("country", "city"):
            return ancestor
    return entry


def actor_for(entry: Entry, gazetteer: Gazetteer, surface: str | None = None, country: Entry | None = None) -> Actor:
    """The Actor a gazetteer entry stands for, under the entry's canonical name (guidelines, rule 39: "KSrelief" is
    the King Salman Humanitarian Aid and Relief Centre wherever it is written so); ``surface``, the words of the
    text, is kept as the mention."""
    target = stands_for(entry, gazetteer, country)
    name = target.name
    mention = " ".join(surface.split()) if surface else None
    return Actor(name=name, kind=target.kind, wikidata=target.qid, mention=mention)


def acronym_like(text: str) -> bool:
    """ "NIA", "U.S.", "RCTS": a short form, never used as a name when a full one is at hand."""
    compact = text.replace(".", "").replace(" ", "")
    return len(compact) <= 6 and compact.isupper()


def stands_for_state(name: str) -> bool:
    """A government body that stands for its state or city ("the Government of Kenya", "Embassy of Japan")."""
    return bool(_collapse().search(re.sub(r"^the\s+", "", " ".join(name.split()), flags=re.IGNORECASE)))


def unknown_body(name: str, gazetteer: Gazetteer, country: Entry | None) -> Actor:
    """An organisation the gazetteer does not know; "the Ministry of Health" stands for the document's country."""
    name = re.sub(r"^the\s+", "", " ".join(name.split()), flags=re.IGNORECASE)
    if _collapse().search(name):
        first = name.split()[0]
        own = gazetteer.by_adjective(first) or gazetteer.lookup(first)
        if own is not None and own.kind == "country":
            return actor_for(own, gazetteer, name)  # "The Samoan Government": Samoa's, whatever the document's
        if country is not None:
            return actor_for(country, gazetteer, name)
    return Actor(name=name, kind="organisation", mention=name)
