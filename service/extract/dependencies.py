"""Roles from the dependency parse, where the rules of :mod:`roles` leave a role empty.

The sentences are parsed (:mod:`service.extract.syntax`, UD relations, one batch per document)
only when one of their aid or deployment triggers lacks an agent or a recipient after the rule-based reading, and
only within a budget of tokens per document (:data:`PARSE_BUDGET`), so that prose the rules read
well costs nothing. Taking every role from the parse first, with the rules as the fallback, was
measured on the real dev documents and scored lower with the first shipped model (agents 0.706 against
0.719, recipients 0.602 against 0.619); with the stronger model (UD EWT test LAS 0.81) it is mixed —
real dev agents 0.858 against 0.852 but recipients 0.768 against 0.772, the written dev set's agents
0.926 against 0.962 — and parsing every sentence costs more than the whole extraction's time budget.
For such a trigger, the syntactic arguments of its head word are mapped to the slots of its frame
(``lexicon/frames.tsv``), exactly as the rules map their own slots:

* ``nsubj`` → subject; ``nsubj:pass`` → passive_subject; ``obl:agent`` → by ("delivered by the EU");
* ``obl`` / ``nmod`` → the slot of their preposition ("to Viet Nam", "for Armenia", "from Japan");
* ``obj`` / ``iobj`` → object (the dative "supporting USAID partners CARE and Save the Children");
* ``nmod:poss`` of a noun trigger → its agent ("Japan's donation");
* a verb without a subject of its own takes the subject of the verb it depends on when it is
  controlled or coordinated (``xcomp``, ``conj``, a purpose ``advcl`` with "to"): "plans to send",
  "will donate and deliver", "is working 24/7 to mobilise".

An argument stands for an actor when a mention covers its head word, or, for a head that only
stands for its members or its origin ("staff from the U.S. Embassy", "the citizens of the partner
countries"), when a mention covers the head of its ``nmod``/``compound``/``appos``. Coordinated
arguments (``conj``) are all taken. An argument that is no actor ("assist families") fills nothing.
"""

from __future__ import annotations

from typing import Any

from service.extract import tables
from service.extract.roles import MentionList, modifier_mention
from service.extract.syntax import ParserMissing, parse_words
from service.extract.work import Mention, Roles, Sentence, Trigger, Work

_FILLED = ("agents", "recipients")
_WANTED = frozenset({"aid_delivery", "aid_pledge", "deployment"})
# relations through which a verb without a subject takes the subject of the verb it depends on
_CONTROLLED = frozenset({"xcomp", "conj"})
# relations that lead from a head noun to the name it stands for ("staff from the Embassy")
_INNER = frozenset({"nmod", "compound", "appos", "flat"})
_INNER_CASES = frozenset({None, "of", "from", "in"})
_MAX_CLIMB = 3
_RELATIVE = frozenset({"that", "which", "who"})
# Tokens parsed per document at most: the parser costs about 2 ms a batch and 50 µs a token on one core.
# 400 tokens cover the sentences that need it in a whole press release (real ones run 150–300 words);
# raised from 80, it took real dev agents from 0.871 to 0.881 for 8 ms more on the 3,000-word benchmark
# document (109 → 117 ms median; the goal is 100 ms, the bound 250). Sentences past it keep the rules' roles.
PARSE_BUDGET = 400
# True: the parse decides the agents and recipients wherever it finds an actor, the rules fill the rest
# (measured lower with the shipped model, see above); False: the parse only fills what the rules leave empty.
PARSE_FIRST = False
# True: a trigger the rules left without a recipient is parsed too (same figures on real dev, kept for prose
# that names the receiver in a way the rules miss: "handed over … to the Sri Lankan Health Minister").
WANT_RECIPIENTS = True


def refine(work: Work, readings: list[tuple[Sentence, list[Trigger], list[MentionList], list[Roles]]]) -> None:
    """Fill the agents and recipients the rules left empty from the dependency parse of the sentences that need
    it, parsed in one batch; a mention found brings the whole list it belongs to ("by the CDC, the DTRA, …")."""
    needed, spent = [], 0
    for reading in readings:
        sentence, triggers, _, roles = reading
        size = sentence.token_end - sentence.token_start
        wanted = PARSE_FIRST or any(_wants(t, r) for t, r in zip(triggers, roles, strict=True))
        if triggers and wanted and spent + size <= PARSE_BUDGET:
            needed.append(reading)
            spent += size
    if not needed:
        return
    try:
        parses = parse_words(
            [[t.text for t in work.doc[s.token_start : s.token_end]] for s, *_ in needed],
            [[bool(t.whitespace_) for t in work.doc[s.token_start : s.token_end]] for s, *_ in needed],
        )
    except ParserMissing:
        return
    for (sentence, triggers, lists, roles), parsed in zip(needed, parses, strict=True):
        _refine_sentence(work, sentence, triggers, roles, lists, parsed)


def _refine_sentence(
    work: Work, sentence: Sentence, triggers: list[Trigger], roles: list[Roles], lists: list[MentionList], parsed: Any
) -> None:
    by_token = _mentions_by_token(work, sentence, lists)
    members = {(m.start, m.end): item.members for item in lists for m in item.members}
    for k, (trigger, found) in enumerate(zip(triggers, roles, strict=True)):
        if not (PARSE_FIRST or _wants(trigger, found)):
            continue
        frame = tables.frames().get(trigger.frame, {})
        later = [t.token_start for t in triggers[k + 1 :] if t.token_start >= trigger.token_end]
        limit = (later[0] if later else sentence.token_end) - sentence.token_start
        # an argument past the next trigger is that one's, whatever the parse says
        arguments = _arguments(parsed, trigger, sentence)
        syntactic = [(slot, [t for t in tokens if t.i < limit]) for slot, tokens in arguments]
        taken: dict[str, list[Mention]] = {}
        for slot, tokens in syntactic:
            role = frame.get(slot, "poss_agents" if slot == "poss" else "none")
            role = "agents" if role == "poss_agents" else role
            if role not in _FILLED:
                continue
            for token in tokens:
                taken.setdefault(role, []).extend(_actor_mentions(token, by_token))
        for role in _FILLED:
            listed = [x for m in taken.get(role, []) for x in members.get((m.start, m.end), [m])]
            if PARSE_FIRST and listed:
                setattr(found, role, [])
                found.pending = [(r, m) for r, m in found.pending if r != role]
            if getattr(found, role) or any(r == role for r, _ in found.pending):
                continue
            for mention in _unique(listed):
                if mention.actor is not None:
                    getattr(found, role).append(mention.actor)
                elif mention.ref:
                    found.pending.append((role, mention))
            if role == "agents" and found.agents:
                found.agent_defaulted = False


def _wants(trigger: Trigger, roles: Roles) -> bool:
    """An aid act or deployment the rules found no agent for."""
    pending = {r for r, _ in roles.pending}
    no_agent = not roles.agents and "agents" not in pending
    no_recipient = not roles.recipients and "recipients" not in pending
    return trigger.type in _WANTED and (no_agent or (WANT_RECIPIENTS and no_recipient))


def _mentions_by_token(work: Work, sentence: Sentence, lists: list[MentionList]) -> dict[int, Mention]:
    """Sentence-local token index → the mention covering it (modifiers such as "U.S. dollars" are none)."""
    out: dict[int, Mention] = {}
    listed = {(m.start, m.end) for item in lists for m in item.members}
    for m in work.in_sentence(work.mentions, sentence):
        if (m.start, m.end) not in listed and (m.actor is None or modifier_mention(work, m)):
            continue
        for i in range(m.token_start, m.token_end):
            out[i - sentence.token_start] = m
    return out


def _head(parsed: Any, trigger: Trigger, sentence: Sentence) -> Any:
    """The trigger's syntactic head: the token of its span whose head lies outside the span."""
    lo, hi = trigger.token_start - sentence.token_start, trigger.token_end - sentence.token_start
    span = [parsed[i] for i in range(max(0, lo), min(len(parsed), hi))]
    for token in span:
        if token.head.i == token.i or not lo <= token.head.i < hi:
            return token
    return span[0] if span else None


def _arguments(parsed: Any, trigger: Trigger, sentence: Sentence) -> list[tuple[str, list[Any]]]:
    """(frame slot, argument head tokens) of the trigger's head word."""
    head = _head(parsed, trigger, sentence)
    if head is None:
        return []
    out = _own_arguments(head, trigger)
    if not any(slot in ("subject", "passive_subject", "by", "poss") for slot, _ in out):
        out += _inherited_subject(head)
    return out


def _own_arguments(head: Any, trigger: Trigger) -> list[tuple[str, list[Any]]]:
    out: list[tuple[str, list[Any]]] = []
    for child in head.children:
        dep = child.dep_
        if dep in ("nsubj", "nsubj:pass") and child.lower_ in _RELATIVE and head.dep_ == "acl:relcl":
            child = head.head  # "the assistance that was mobilised": the antecedent is the subject
        if dep == "nsubj":
            out.append(("passive_subject" if trigger.passive and not trigger.reduced else "subject", [child]))
        elif dep == "nsubj:pass":
            out.append(("passive_subject", [child]))
            # "initial EU humanitarian assistance was mobilised": the name on the aid is its giver
            out += [("by", [c]) for c in child.children if c.dep_ == "compound" and c.i < child.i]
        elif dep == "obl:agent":
            out.append(("by", [child]))
        elif dep in ("obj", "iobj") and not trigger.nominal:
            out.append(("object", [child]))
        elif dep == "nmod:poss" and trigger.nominal:
            out.append(("poss", [child]))
        elif dep in ("obl", "nmod"):
            case = _case(child)
            if case:
                out.append((case, [child]))
    return out


def _case(token: Any) -> str | None:
    """The preposition of an oblique or nominal modifier ("to", "for", "from" …)."""
    for child in token.children:
        if child.dep_ == "case" and child.i < token.i:
            case: str = child.lower_
            return case
    return None


def _inherited_subject(head: Any) -> list[tuple[str, list[Any]]]:
    """The subject of the verb a subjectless verb is controlled by or coordinated with."""
    token = head
    for _ in range(_MAX_CLIMB):
        dep = token.dep_
        purpose = dep == "advcl" and any(c.dep_ == "mark" and c.lower_ == "to" for c in token.children)
        if not (dep in _CONTROLLED or purpose) or token.head.i == token.i:
            return []
        token = token.head
        for child in token.children:
            if child.dep_ == "nsubj":
                return [("subject", [child])]
            if child.dep_ == "obl:agent":
                return [("by", [child])]
        if token.pos_ not in ("VERB", "AUX", "ADJ"):
            return []
    return []


def _actor_mentions(token: Any, by_token: dict[int, Mention]) -> list[Mention]:
    """The mentions an argument and the arguments coordinated with it stand for."""
    out: list[Mention] = []
    for member in _coordinated(token):
        found = _stands_for(member, by_token, 0)
        if found is not None:
            out.append(found)
    return out


def _coordinated(token: Any) -> list[Any]:
    members, stack = [], [token]
    while stack:
        current = stack.pop()
        members.append(current)
        stack.extend(c for c in current.children if c.dep_ == "conj")
    return sorted(members, key=lambda t: t.i)


def _represented() -> frozenset[str]:
    classes = tables.word_classes()
    return classes.get("represented", frozenset()) | classes.get("personnel", frozenset())


def _stands_for(token: Any, by_token: dict[int, Mention], depth: int) -> Mention | None:
    mention = by_token.get(token.i)
    if mention is not None:
        return mention
    if depth >= 2 or token.lower_ not in _represented():
        return None
    for child in token.children:
        if child.dep_ in _INNER and _case(child) in _INNER_CASES:
            found = _stands_for(child, by_token, depth + 1)
            if found is not None:
                return found
    return None


def _unique(mentions: list[Mention]) -> list[Mention]:
    seen: set[tuple[int, int]] = set()
    out = []
    for m in mentions:
        if (m.start, m.end) not in seen:
            seen.add((m.start, m.end))
            out.append(m)
    return out
