"""Whether a trigger word reports an event: from the words around it.

* A purpose infinitive ("… to share its experience") reports no event, unless a verb such as "took
  the initiative to", "decided to", "selected … to" or "volunteered to" governs it.
* Modal words ("should", "must", "can", "needs to" but not the noun "needs"), "will continue to",
  readiness and commitment ("is ready to continue providing", "remains committed to supporting") and
  the complement of "help" ("will help organisations provide") report no event either; nor does
  anything in a clause of purpose ("to ensure that all measures are implemented"). An ongoing act
  ("The EU continues to deliver …") is an event.
* "will", "plans to", "is scheduled to" make the event planned — in the trigger's own clause and verb phrase:
  "Japan will provide masks, and Japan provided …" and "is planning to deploy a team and is working with …"
  report the second act as done.
* A noun trigger is no event inside an adjunct ("in a telephone call", "via messages", "for the
  donation") or before a modal ("Donations … can be reported").
* A participle right after a noun and before "by"/"to" is a reduced passive ("vaccines donated by
  China", "test kits sent to Nepal"); one before "in"/"at" only describes the noun
  ("peacekeepers deployed in missions") and reports no event.
"""

from __future__ import annotations

import re
from typing import Any

from service.extract import tables

_PLAN = re.compile(
    r"\b(?:will|shall|plans? to|planning to|intends? to|(?:is|are) going to|(?:is|are) scheduled to|"
    r"(?:is|are) expected to|(?:is|are) to be|is planned|are planned)\b"
)
# After a noun trigger, over its modifiers ("between the two cities"), up to its verb.
_PLANNED_AFTER = re.compile(
    r"(?:(?!is\b|are\b|was\b|were\b|has\b|have\b)[\w'’-]+\s+){0,8}?(?:is|are)\s+(?:planned|scheduled|expected|"
    r"to\s+be\s+held|set\s+to\s+take\s+place)\b"
)
_MODAL = frozenset({"should", "must", "need", "needs", "can", "could", "might", "may", "ought"})
# Verbs that make "to V" an act: right before "to" ("decided to send"), or with an object between
# ("took the initiative to send", "selected … persons in charge to participate").
_CONTROL = tables.words("control")
_CONTROL_OBJECT = tables.words("control_object")
_NO_EVENT = re.compile(
    r"\b(?:ready|readiness|committed|commitment|willing|willingness|continue|continues|continued|continuing|"
    r"help|helps|helping|aims?|seeks?|hopes?|wishes?|wants?)\s+(?:to\s+)?(?:\w+\s+){0,2}$"
)
_PURPOSE = re.compile(r"\b(?:to ensure|so that|so as to|in order to|in order that|to make sure)\b")
_GERUND_AFTER = frozenset({"on", "of", "about", "for", "at"})
_ADJUNCT = frozenset({"in", "during", "via", "through", "of", "for", "with", "without", "by", "after", "before"})
_PARTICIPLE = re.compile(r"[a-z]+(?:ed|en)|sent|held|met|set|brought|given|taken|flown|made|built|left")
_NOUN_BEFORE = re.compile(r"[a-z][\w-]*|\d[\d,.]*")


def judge(doc: Any, start: int, lo: int, hi: int, verb: bool, transitive: bool = True) -> str:
    """event | planned | none for the trigger starting at token ``start`` of the sentence [lo, hi)."""
    before = [doc[i].lower_ for i in range(max(lo, start - 8), start)]
    clause = " ".join(t.lower_ for t in doc[lo:start]).split(";")[-1]
    if verb and _ONGOING.search(clause):  # "The EU continues to deliver …": the act goes on, it is reported
        cut = len(before) - 2
        before, clause = before[:cut], _ONGOING.sub(" ", clause)
        if not before:
            before = [""]
    near = " ".join(before[-4:])
    modal = any(_modal(doc, i, hi) for i in range(max(lo, start - 3), start))
    if modal or re.search(r"\bwill continue\b|\bcontinue to\b", clause):
        return "none"
    if _NO_EVENT.search(" ".join(before) + " ") or _PURPOSE.search(clause):
        return "none"
    if re.search(r"\b(?:in order|so as)\s+to$", near):
        return "none"
    if verb and before and before[-1] == "to":
        adjacent = len(before) >= 2 and before[-2] in _CONTROL
        if not adjacent and not {doc[i].lower_ for i in range(max(lo, start - 11), start - 1)} & _CONTROL_OBJECT:
            return "none"
    if verb and before and before[-1] in _GERUND_AFTER and doc[start].lower_.endswith("ing"):
        return "none"  # "on sharing the Chinese experience", "of developing Beijing"
    if before and before[-1] in ("while", "when", "whilst") and doc[start].lower_.endswith("ing"):
        return "none"  # "perform their duties while working closely with …": background, not the act reported
    if not verb and _bad_noun(doc, start, lo, hi, before):
        return "none"
    if verb and transitive and reduced_passive(doc, start, lo, hi) == "descriptive":
        return "none"
    if not verb and _PLANNED_AFTER.match(" ".join(t.lower_ for t in doc[start + 1 : min(hi, start + 12)])):
        return "planned"  # "A video conference between … is planned for 28 April"
    return "planned" if _PLAN.search(_own_verb_phrase(_own_clause(clause)) if verb else near) else "event"


# "continues to deliver", "continue to work closely with" after a subject: an ongoing act ("will continue to",
# "ready to continue" stay vague intentions).
_ONGOING = re.compile(r"(?<=[a-z])(?<!\bwill)(?<!\bto)(?<!\bshall)(?<!\bwould)(?<!\bmust)\s+continues?\s+to\s*$")


def _modal(doc: Any, i: int, hi: int) -> bool:
    """A modal word ("should", "can"); "need(s)" only before "to" ("needs to provide", not "humanitarian needs");
    "May" is a month, "may" is not."""
    if doc[i].text in ("need", "needs"):
        return i + 1 < hi and doc[i + 1].lower_ == "to"
    return doc[i].text in _MODAL


# ", and Japan provided …": a coordinated clause with a subject of its own does not share the first one's "will".
_NEW_CLAUSE = re.compile(r"(?:^|\s)[,;]\s+(?:and|but|while|whereas)\s+(?=\S)")


def _own_clause(clause: str) -> str:
    """The words of the trigger's own clause: after the last ", and <subject>" ("Japan will provide masks, and Japan
    provided …"), the whole clause when the verbs share their subject ("will donate masks, and (also) send …")."""
    cuts = list(_NEW_CLAUSE.finditer(clause))
    if not cuts:
        return clause
    rest = clause[cuts[-1].end() :]
    subject = [w for w in rest.split() if not w.endswith("ly") and w not in _ADVERBS]
    return rest if subject else clause


# "is planning to deploy a team and is currently working with …": a second verb phrase with an auxiliary of its own.
_NEW_VERB_PHRASE = re.compile(r"\b(?:and|but)\s+(?:is|are|was|were|has|have|had)\b")


def _own_verb_phrase(clause: str) -> str:
    """The words after the last coordinated verb phrase that has its own auxiliary: "will" before it is not this
    verb's ("Australia is planning to deploy a team and is currently working with …" reports the working as done)."""
    cuts = list(_NEW_VERB_PHRASE.finditer(clause))
    return clause[cuts[-1].start() :] if cuts else clause


_ADVERBS = frozenset({"also", "then", "again", "further", "later", "soon", "now", "thus", "meanwhile"})


def _bad_noun(doc: Any, start: int, lo: int, hi: int, before: list[str]) -> bool:
    if set(before[-2:]) & _ADJUNCT:
        return True
    if re.search(r"\bto\s+[a-z]+(?:\s+[a-z]+)?$", " ".join(before[-4:])) and "to the" not in " ".join(before[-4:]):
        return True  # "to reinforce joint control"
    return any(_modal(doc, i, hi) for i in range(start + 1, min(hi, start + 10)))  # "Donations … can be reported"


def reduced_passive(doc: Any, start: int, lo: int, hi: int) -> str | None:
    """ "passive" for "vaccines donated by", "descriptive" for "peacekeepers deployed in", else None."""
    word = doc[start].lower_
    if start <= lo or not _PARTICIPLE.fullmatch(word):
        return None
    prev = doc[start - 1]
    if not (prev.is_lower and _NOUN_BEFORE.fullmatch(prev.text)) or prev.lower_ in _AUX_LIKE:
        return None
    following = doc[start + 1].lower_ if start + 1 < hi else ""
    if following in ("by", "to"):
        return "passive"
    if following in ("in", "at", "around", "across", "on"):
        return "descriptive"
    return None


_AUX_LIKE = tables.words("aux_like")
