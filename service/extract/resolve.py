"""Resolve the references marked by :mod:`references` once the events before them are known.

* "they", "It" → the subject of the previous sentence (the agents of its first event);
* "he", "she" → the last person named before;
* "the two sides", "the three countries", "both cities" → that many actors: those of the previous
  event ("held a telephone conversation with …" → "The two ministers exchanged views"), else those
  named in the previous sentence, else the ones the document names most often.
"""

from __future__ import annotations

from collections import Counter

from service.extract.work import Mention, Roles, Sentence, Work
from service.model import Actor, Event

_KINDS = {"countries": "country", "cities": "city", "ministers": None, "sides": None, "leaders": None}


def resolve(work: Work, roles: Roles, previous_subject: list[Actor], last: Event | None, sentence: Sentence) -> None:
    """Replace the pending references of ``roles`` by the actors they stand for."""
    for role, mention in roles.pending:
        if mention.ref in ("previous_subject",):
            found = previous_subject
        elif mention.ref == "previous_person":
            found = _last_person(work, mention.start)
        elif mention.ref == "reporter":
            found = _reporter(work, mention, sentence) or previous_subject
        elif mention.ref and mention.ref.startswith("previous_"):
            found = _previous_n(work, mention, int(mention.ref.rsplit("_", 1)[1]), last, sentence)
        else:
            found = []
        words = work.text[mention.start : mention.end]
        getattr(roles, role).extend(
            Actor(a.name, a.kind, a.wikidata, a.group, a.count, a.approximate, words) for a in found
        )
    roles.pending.clear()


def _reporter(work: Work, mention: Mention, sentence: Sentence) -> list[Actor]:
    """The organisation or state named last before "said it …" in the sentence."""
    before = [m.actor for m in work.in_sentence(work.mentions, sentence) if m.end <= mention.start and m.actor]
    named = [a for a in before if not a.group and a.kind in ("organisation", "country", "city", "company")]
    return named[-1:]


def _last_person(work: Work, offset: int) -> list[Actor]:
    people = [m.actor for m in work.mentions if m.start < offset and m.actor and m.actor.kind == "person"]
    return people[-1:]


def _previous_n(work: Work, mention: Mention, n: int, last: Event | None, sentence: Sentence) -> list[Actor]:
    kind = _KINDS.get(work.text[mention.start : mention.end].split()[-1].lower())
    if last is not None:
        actors = _distinct([*last.agents, *last.recipients, *last.participants], kind)
        if len(actors) == n:
            return actors
    previous = [s for s in work.sentences if s.index == sentence.index - 1]
    if previous:
        named = _distinct([m.actor for m in work.in_sentence(work.mentions, previous[0]) if m.actor], kind)
        if len(named) == n:
            return named
    if kind is None:
        return []
    counts = Counter(m.actor for m in work.mentions if m.actor and m.actor.kind == kind and not m.actor.group)
    return [Actor(a.name, a.kind, a.wikidata) for a, _ in counts.most_common(n)] if len(counts) >= n else []


def _distinct(actors: list[Actor], kind: str | None) -> list[Actor]:
    seen: dict[str, Actor] = {}
    for a in actors:
        if not a.group and (kind is None or a.kind == kind):
            seen.setdefault(a.wikidata or a.name, Actor(a.name, a.kind, a.wikidata))
    return list(seen.values())
