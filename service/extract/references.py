"""References this genre uses: "we"/"us", "the Ministry", "the city", "the Lord Mayor", "they", "the two sides".

Whom they stand for is decided once per document:

* the author's organisation ("we" in an official's article, "the Ministry" in a ministry's press
  release): the publisher (``Document.source``) when the gazetteer knows it, else the first
  organisation named in the publisher's or the author's line ("Xiong Jiuling, Director General of the
  Foreign Affairs Office of …" → that office) — a ministry standing for its country (identity.py). A
  media publisher has none (a wire story's "we" is left out);
* the city the document is about: the city named most often (the author's city counts once more);
* "they", "he", "she", "It" (opening a sentence), "the two sides", "the three countries" are resolved
  while events are assembled (previous sentence's subject, last person named, the actors of the
  previous event); here they are only marked. A person named in full ("Spokesperson Tan Jiayi") is
  found again by one part of the name ("Tan also thanked …").
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from urllib.parse import urlsplit

from service.extract import tables
from service.extract.actors import gazetteer_matcher, mention, select
from service.extract.identity import actor_for
from service.extract.sentences import pipeline
from service.extract.work import Mention, Work
from service.model import Actor

_CITY_AND_COUNTRY = ("author", "city", "country", "host")
_GOVERNMENT = re.compile(r"\b(?:government|ministry|embassy|consulate|presidency)\b", re.IGNORECASE)
# "donations to us at both the city and district levels": the pronoun is the city, not the office.
_AT_CITY_LEVEL = re.compile(r"\s+at\s+(?:both\s+|all\s+)?the\s+(?:city|municipal|district)\b", re.IGNORECASE)
_REPORTED = re.compile(
    r"\b(?:said|says|stated|announced|added|noted|reported|confirmed)\s+(?:that\s+)?$", re.IGNORECASE
)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    phrases = sorted(tables.references(), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b", re.IGNORECASE)


def find_references(work: Work) -> Work:
    """Resolve the author's organisation and the main city, then add reference mentions."""
    work.author = author_actor(work)
    work.city = main_city(work)
    found: list[Mention] = []
    for m in _pattern().finditer(work.text):
        item = _reference(work, m)
        found += [item] if item else []
    work.mentions = select(work.mentions + found + _surnames(work))
    return work


def _reference(work: Work, m: re.Match[str]) -> Mention | None:
    words = m.group(0)
    if words.isupper() and len(words) > 1 and words.lower() in ("us", "we", "it"):
        return None  # "US" is the United States
    target = tables.references()[" ".join(words.lower().split())]
    if target == "speaker":
        speaker = _speaker(work, m.start()) if words == "I" else None
        return mention(work, m.start(), m.end(), speaker, "reference") if speaker else None
    if target == "author" and words.lower() in ("we", "us") and _AT_CITY_LEVEL.match(work.text, m.end()):
        target = "city"
    if words.lower() == "it":
        if _REPORTED.search(work.text[max(0, m.start() - 20) : m.start()]):
            target = "reporter"  # "AFAD said it had also dispatched …": it is the one who said so
        elif not (words == "It" and _opens_sentence(work, m.start())):
            return None  # only a sentence's subject "It" is an actor; "calling it …" is not
    actor = _target(work, target)
    if actor is None and target in _CITY_AND_COUNTRY:
        return None
    if actor is not None:
        actor = Actor(actor.name, actor.kind, actor.wikidata, mention=words)
    return mention(work, m.start(), m.end(), actor, "reference", ref=None if actor else target)


def _speaker(work: Work, offset: int) -> Actor | None:
    """The person an "I" is: the one named in its sentence, else the nearest named before it (within a few
    sentences), else the one named right after ("“I thank …,” said Commissioner …")."""
    sentence = work.sentence_of(offset)
    people = [
        (m, m.actor) for m in work.mentions if m.actor is not None and m.actor.kind == "person" and not m.actor.group
    ]
    if sentence is not None:
        inside = [a for m, a in people if sentence.start <= m.start < sentence.end]
        if inside:
            return Actor(inside[0].name, "person", inside[0].wikidata, mention="I")
    labels = [a for m, a in people if m.start < offset and _speaker_label(work, m)]
    if labels:  # a transcript: "Penny Wong, Foreign Minister: …" speaks until the next label
        return Actor(labels[-1].name, "person", labels[-1].wikidata, mention="I")
    before = [a for m, a in people if offset - _SPEAKER_REACH <= m.start < offset]
    after = [a for m, a in people if offset < m.start <= offset + _SPEAKER_REACH // 2]
    found = before[-1] if before else (after[0] if after else None)
    return Actor(found.name, "person", found.wikidata, mention="I") if found is not None else None


_SPEAKER_REACH = 600
_LABEL_TAIL = re.compile(r"(?:,[^:\n.]{0,60})?:\s")


def _speaker_label(work: Work, m: Mention) -> bool:
    """A person named at the start of a paragraph, before a colon: the speaker of a transcript's turn."""
    line = work.text.rfind("\n", 0, m.start) + 1
    opens = not work.text[line : m.start].strip()
    return opens and _LABEL_TAIL.match(work.text, m.end) is not None


def _opens_sentence(work: Work, offset: int) -> bool:
    return any(s.start == offset for s in work.sentences)


def _target(work: Work, target: str) -> Actor | None:
    if target == "author":
        return work.author
    if target == "city":
        return work.city
    if target == "country":
        return actor_for(work.country, work.gazetteer) if work.country else None
    if target == "own_state":  # "the Prime Minister" in a government's own release: its state (guidelines, rule 36)
        return _publisher_state(work)
    if target == "host":  # "local authorities" in a donor's release: the country helped, not the publisher's
        host = work.doc.user_data.get("eventgraph.host_country")
        return actor_for(host, work.gazetteer) if host else None
    return None


def _publisher_state(work: Work) -> Actor | None:
    """The state whose government publishes the document: the author when it is a state, else the state its
    government web address names (``lexicon/government_domains.tsv``: "www.gov.uk" → the United Kingdom)."""
    if work.author is not None and work.author.kind == "country":
        return work.author
    host = (urlsplit(work.document.url or "").hostname or "").lower()
    for row in tables.read_tsv("government_domains.tsv"):
        suffix = row["domain"]
        if host == suffix or host.endswith("." + suffix):
            entry = work.lookup(row["state"])
            return actor_for(entry, work.gazetteer) if entry is not None else None
    return None


def author_actor(work: Work) -> Actor | None:
    """The organisation "we" stands for, or None (see the module docstring)."""
    document = work.document
    if document.source:
        entry = work.lookup(document.source.strip())
        if entry is not None:
            return actor_for(entry, work.gazetteer) if entry.kind == "organisation" and entry.type != "media" else None
    for line in (document.source, document.author):
        found = _first_organisation(work, line) if line else None
        if found is not None:
            return found
    return None


def _first_organisation(work: Work, line: str) -> Actor | None:
    """The first organisation the line names; a government line ("Government of India") stands for the state."""
    matcher, _ = gazetteer_matcher(work.gazetteer)
    doc = pipeline().make_doc(line)
    countries = []
    for span in sorted(matcher(doc, as_spans=True), key=lambda s: (s.start, -len(s))):
        entry = work.lookup(span.text)
        if entry is not None and entry.type == "media":
            return None
        if entry is not None and entry.kind == "organisation":
            return actor_for(entry, work.gazetteer)
        if entry is not None and entry.kind == "country":
            countries.append(entry)
    if countries and _GOVERNMENT.search(line):
        return actor_for(countries[0], work.gazetteer)
    return None


def main_city(work: Work) -> Actor | None:
    """The city named most often; a tie goes to the author's city, then to the first named."""
    counts: Counter[str] = Counter()
    first: dict[str, Actor] = {}
    for m in work.mentions:
        if m.actor is not None and m.actor.kind == "city" and not m.actor.group:
            counts[m.actor.name] += 1
            first.setdefault(m.actor.name, Actor(m.actor.name, m.actor.kind, m.actor.wikidata))
    author = work.author
    if author is not None and author.kind == "city":
        counts[author.name] += 1
        first.setdefault(author.name, author)
    elif author is not None:
        entry = work.gazetteer.by_name(author.name)
        for e in work.gazetteer.ancestors(entry) if entry else ():
            if e.kind == "city":
                counts[e.name] += 1
                first.setdefault(e.name, actor_for(e, work.gazetteer))
                break
    if not counts:
        return None
    best = max(counts.values())
    return next(first[name] for name in first if counts[name] == best)


def _surnames(work: Work) -> list[Mention]:
    """ "Tan" after "Spokesperson Tan Jiayi": a part of a person's name, used alone later in the text."""
    out: list[Mention] = []
    people = [(m, m.actor) for m in work.mentions if m.actor and m.actor.kind == "person" and not m.actor.group]
    for person, named in people:
        for part in {p for p in named.name.split() if len(p) >= 3 and p[0].isupper()}:
            if part.lower() in tables.titles() | tables.org_words() or work.lookup(part):
                continue
            for m in re.finditer(rf"(?<![\w-]){re.escape(part)}(?![\w-])", work.text[person.end :]):
                start = person.end + m.start()
                actor = Actor(named.name, "person", named.wikidata, mention=part)
                item = mention(work, start, start + len(part), actor, "reference")
                out += [item] if item else []
    return out
