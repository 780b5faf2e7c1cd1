"""The comparison rules of the scorer: when two events, dates, actors, aid items or aid values count as the same.

Every rule is a small pure function so that tests and the README can state it exactly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from service.model import Actor, Aid, Event, Money, TimeSpan

ACTOR_ROLES = ("agents", "recipients", "participants")
# Roles whose split is a convention rather than a fact are scored as one role: who is "agent" and who
# is "participant" of a meeting, and whether the other side of "communicating with" is addressee or co-actor.
MERGED_ROLES = {
    "meeting": ("agents", "participants"),
    "joint_operation": ("agents", "participants"),
    "cooperation_agreement": ("agents", "participants"),
    "communication": ("recipients", "participants"),
}
_ARTICLES = frozenset({"the", "a", "an"})
_UNINFORMATIVE_CATEGORIES = frozenset({"", "other"})
_HEAD_CUT = re.compile(r"\b(?:of|for|on|with|to|from|in|worth)\b")


def locate(text: str, needle: str, near: int | None = None) -> tuple[int, int] | None:
    """The span of ``needle`` in ``text`` (verbatim, else whitespace-insensitive), nearest to ``near``."""
    if not needle.strip():
        return None
    spans = [(m.start(), m.start() + len(needle)) for m in re.finditer(re.escape(needle), text)]
    if not spans:
        pattern = r"\s+".join(re.escape(word) for word in needle.split())
        spans = [m.span() for m in re.finditer(pattern, text)]
    if not spans:
        return None
    return min(spans, key=lambda s: abs(s[0] - near)) if near is not None else spans[0]


def _gold_location(text: str, event: Event) -> tuple[int, int, int] | None:
    """(sentence start, sentence end, trigger offset) of a gold event in its document."""
    near = event.sentence_start if event.sentence_end > event.sentence_start else None
    span = locate(text, event.sentence, near)
    if span is None:
        return None
    start, end = span
    trigger_near = event.trigger_start if event.trigger_end > event.trigger_start else None
    trigger = locate(text[start:end], event.trigger, None if trigger_near is None else trigger_near - start)
    return start, end, start + trigger[0] if trigger else start


def _system_position(text: str, event: Event) -> int | None:
    """Where the system says its trigger is: its offsets when they fit the text, else found by search."""
    t0, t1 = event.trigger_start, event.trigger_end
    if 0 <= t0 < t1 <= len(text) and text[t0:t1].lower().split() == event.trigger.lower().split():
        return t0
    near = event.sentence_start if event.sentence_end > event.sentence_start else None
    span = locate(text, event.sentence, near)
    if span is None:
        return None
    trigger = locate(text[span[0] : span[1]], event.trigger) if event.trigger else None
    return span[0] + (trigger[0] if trigger else 0)


def match_events(text: str, gold: Sequence[Event], system: Sequence[Event]) -> list[tuple[Event, Event]]:
    """One-to-one (gold, system) pairs of the same type in the same sentence, closest triggers first."""
    gold_loc = [_gold_location(text, g) for g in gold]
    sys_pos = [_system_position(text, s) for s in system]
    candidates = []
    for gi, g in enumerate(gold):
        for si, s in enumerate(system):
            if s.type != g.type:
                continue
            loc, pos = gold_loc[gi], sys_pos[si]
            inside = loc is not None and pos is not None and loc[0] <= pos < loc[1]
            if inside or g.sentence.split() == s.sentence.split():
                distance = abs(pos - loc[2]) if loc is not None and pos is not None else len(text) + 1
                candidates.append((distance, gi, si))
    pairs, used_gold, used_sys = [], set(), set()
    for _, gi, si in sorted(candidates):
        if gi not in used_gold and si not in used_sys:
            used_gold.add(gi)
            used_sys.add(si)
            pairs.append((gold[gi], system[si]))
    return pairs


def date_correct(gold: TimeSpan, system: TimeSpan) -> bool:
    """True when the system interval lies within the gold interval (an unknown gold date wants unknown)."""
    if gold.earliest is None or gold.latest is None:
        return system.earliest is None and system.latest is None
    if system.earliest is None or system.latest is None:
        return False
    return gold.earliest <= system.earliest and system.latest <= gold.latest


def normalise_name(name: str) -> str:
    """Lowercase, ASCII-folded, '&' → 'and', punctuation and leading articles removed."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    folded = re.sub(r"['`]", "", folded.lower().replace("&", " and "))
    words = re.sub(r"[^a-z0-9]+", " ", folded).split()
    while words and words[0] in _ARTICLES:
        words.pop(0)
    return " ".join(words)


def actor_key(actor: Actor) -> str:
    """The name identity of an actor: its normalised name, prefixed with ``group:`` for groups."""
    name = normalise_name(actor.name)
    return f"group:{name}" if actor.group else name


def same_actor(gold: Actor, system: Actor) -> bool:
    """Same QID when both sides have one, else the same normalised name."""
    if gold.wikidata and system.wikidata:
        return gold.wikidata.strip().upper() == system.wikidata.strip().upper()
    return actor_key(gold) == actor_key(system)


def _core_name(actor: Actor) -> str:
    """The name before its first 'of …' qualifier when at least three words remain, else the whole name."""
    key = actor_key(actor)
    core = key.split(" of ", 1)[0]
    return core if len(core.split()) >= 3 else key


def same_actor_loosely(gold: Actor, system: Actor) -> bool:
    """Names that agree once an 'of …' qualifier is dropped (Regional Anti-Terrorist Structure [of the SCO])."""
    if gold.wikidata and system.wikidata:
        return same_actor(gold, system)
    return _core_name(gold) == _core_name(system)


def _same_qid(gold: Actor, system: Actor) -> bool:
    return bool(gold.wikidata and system.wikidata) and same_actor(gold, system)


ACTOR_TESTS: tuple[Callable[[Actor, Actor], bool], ...] = (_same_qid, same_actor, same_actor_loosely)


def dedupe(actors: Iterable[Actor]) -> list[Actor]:
    """Actors with repeats removed (same QID, else same name key)."""
    seen, out = set(), []
    for actor in actors:
        identity = actor.wikidata.upper() if actor.wikidata else actor_key(actor)
        if identity not in seen:
            seen.add(identity)
            out.append(actor)
    return out


def actor_roles(event: Event) -> dict[str, list[Actor]]:
    """Actors per scored role, with the roles of MERGED_ROLES folded into one."""
    roles = {role: list(getattr(event, role)) for role in ACTOR_ROLES}
    if event.type in MERGED_ROLES:
        first, second = MERGED_ROLES[event.type]
        roles[second] = roles[first] + roles[second]
        roles[first] = []
    return {role: dedupe(actors) for role, actors in roles.items()}


def role_actors(event: Event, role: str) -> list[Actor]:
    """The actors of one role as the per-role figures score it: where the split with participants is a convention
    (MERGED_ROLES), the participants count in that role ("agents" of a meeting are all its sides; "recipients" of a
    communication include the side it was "with")."""
    actors = list(getattr(event, role))
    if role in MERGED_ROLES.get(event.type, ()):
        actors += list(event.participants)
    return dedupe(actors)


def item_head(item: str) -> str:
    """The head noun of an aid item, singular: 'copies of safety guide' → 'copy', 'medical masks' → 'mask'."""
    words = _HEAD_CUT.split(normalise_name(item))[0].split()
    if not words:
        return ""
    head = words[-1]
    if head.endswith("ies") and len(head) > 4:
        return head[:-3] + "y"
    if head.endswith("s") and not head.endswith("ss") and len(head) > 3:
        return head[:-1]
    return head


def _same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(a)), abs(float(b)))


def _same_money(a: Money | None, b: Money | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a.currency.strip().upper() == b.currency.strip().upper() and _same_number(a.amount, b.amount)


def _same_kind(gold: Aid, system: Aid) -> bool:
    if gold.category and gold.category not in _UNINFORMATIVE_CATEGORIES and gold.category == system.category:
        return True
    return item_head(gold.item) == item_head(system.item)


def same_aid(gold: Aid, system: Aid) -> bool:
    """Same kind (category or head noun) and same quantity; value-only items compare amount and currency."""
    if not _same_kind(gold, system):
        return False
    if gold.quantity is not None:
        return _same_number(gold.quantity, system.quantity)
    if gold.value is not None:
        return _same_money(gold.value, system.value)
    return system.quantity is None and system.value is None


def _same_head(gold: Aid, system: Aid) -> bool:
    return item_head(gold.item) == item_head(system.item) and same_aid(gold, system)


AID_TESTS: tuple[Callable[[Aid, Aid], bool], ...] = (_same_head, same_aid)


def same_item(gold: Aid, system: Aid) -> bool:
    """The aid-items figure: same kind (category or head noun) and, when the gold item has a quantity, the same
    quantity. Values are left to the aid-values figure."""
    if not _same_kind(gold, system):
        return False
    return gold.quantity is None or _same_number(gold.quantity, system.quantity)


def _same_item_head(gold: Aid, system: Aid) -> bool:
    return item_head(gold.item) == item_head(system.item) and same_item(gold, system)


ITEM_TESTS: tuple[Callable[[Aid, Aid], bool], ...] = (_same_item_head, same_item)


def aid_values(items: Iterable[Aid]) -> list[Money]:
    """The money amounts of an event's aid (one per item that has a value)."""
    return [item.value for item in items if item.value is not None]


def same_value(gold: Money, system: Money) -> bool:
    """The aid-values figure: the same currency (ISO 4217) and the same amount."""
    return _same_money(gold, system)


VALUE_TESTS: tuple[Callable[[Money, Money], bool], ...] = (same_value,)


def count_matches(gold: Sequence[Any], system: Sequence[Any], tests: Sequence[Callable[[Any, Any], bool]]) -> int:
    """How many one-to-one matches; stricter tests are tried first so they claim their partners."""
    used_gold, used_sys = set(), set()
    for test in tests:
        for gi, g in enumerate(gold):
            for si, s in enumerate(system):
                if gi not in used_gold and si not in used_sys and test(g, s):
                    used_gold.add(gi)
                    used_sys.add(si)
                    break
    return len(used_gold)
