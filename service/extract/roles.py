"""Roles from the sentence's structure, by rules (the dependency parse only fills what they leave
empty, see :mod:`dependencies`).

Actor mentions joined by commas, "and", "or", "as well as", "such as" form a list; every member
is kept. What governs a list is found by reading back from its first word over the noun phrase
("the immigration and border control departments of …"): a preposition ("to", "with", "from",
"by", "in" …), a trigger (its direct object), or a clause edge (a comma, the sentence start: a
subject). A trigger's frame (``lexicon/frames.tsv``) maps these slots to roles: for "receive" the
subject is the recipient and the "from" phrase the agent, for "donate" the other way round.

A trigger owns the lists after it up to the next trigger; its subject is the nearest subject list
before it (so coordinated verbs share one: "NIA has provided … and has given away …"). A passive
trigger maps its subject through ``passive_subject`` and its "by" phrase to the agent; an active
one maps "by" through ``by_active`` ("affirmed the measures taken by the Chinese Government").
A mention followed by "'s" takes a role only as a direct object ("welcomed China's proposal"); a
name modifying an aid item ("Sinopharm vaccine") and the vague tail of a list ("… and other
countries") take none. Lists after a clause word ("when", "while") or a non-event verb ("said",
"exported") do not belong to the trigger before them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from service.extract import tables
from service.extract.triggers import inflect, opens_parenthesis
from service.extract.work import Mention, Roles, Sentence, Trigger, Work
from service.model import Actor

PREPOSITIONS = tables.words("prepositions")


def _words(name: str) -> frozenset[str]:
    """A word list of ``lexicon/role_words.tsv``."""
    for row in tables.read_tsv("role_words.tsv"):
        if row["set"] == name:
            return frozenset(row["words"].split())
    raise KeyError(f"no word list {name!r} in lexicon/role_words.tsv")


def _alternatives(words: frozenset[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


# ", two American companies,": an apposition between two members of a list
_APPOSITIVE = re.compile(
    rf",\s*(?:{_alternatives(_words('appositive_counts'))})\s+(?:[\w&'-]+\s+){{0,3}}?"
    rf"(?:{_alternatives(_words('appositive_nouns'))})\s*,",
    re.IGNORECASE,
)
_GLUE = _words("glue")
_JOINERS = _words("joiners")
_PRONOUNS = _words("pronouns")
_AUX = _words("aux")
_CLAUSE = tables.words("clause")
# Words that open a clause of its own after the trigger's: "… to help people … when going to hospitals"
_CLAUSE_ENDS = _words("clause_ends")
# A complementizer opens a clause whose subject follows: "announced that China would donate …".
_THAT = _words("that")
# "a request from the Government of Nepal", "at the invitation of": the phrase belongs to the noun.
_REQUESTS = tables.words("requests")
_SUBJECT_ONLY = _words("subject_only")
_EDGE = _words("edge")
_CURRENCY_NOUNS = _words("currency_nouns")
_CLAUSE_ADVERBS = _words("clause_adverbs")
_RELATIVE = _words("relative")
_RELATIVE_SKIP = _words("relative_skip")
_AID_DETERMINERS = _words("aid_determiners")


@dataclass
class MentionList:
    """Coordinated mentions and what governs them: subject, object (of ``trigger``), a preposition or none."""

    members: list[Mention]
    slot: str
    trigger: int | None = None  # index into the sentence's triggers, for "object"
    jointly: bool = False  # "together with", "jointly with", "in cooperation with"

    @property
    def token_start(self) -> int:
        return self.members[0].token_start


def mention_lists(work: Work, sentence: Sentence, triggers: list[Trigger]) -> list[MentionList]:
    """The sentence's mention lists with their governing slot."""
    mentions = [
        m for m in work.in_sentence(work.mentions, sentence) if not _modifier(work, m) and not _aid_named(work, m)
    ]
    groups: list[list[Mention]] = []
    for m in mentions:
        if groups and not m.ref and _joined(work, groups[-1], m, sentence, triggers):
            groups[-1].append(m)
        else:
            groups.append([m])
    lists = [MentionList(g, *_governor(work, g[0], sentence, triggers)) for g in groups]
    lists = [part for item in lists for part in _split_opening(work, item, sentence)]
    for item in lists:
        item.jointly = item.slot == "with" and _jointly(work, item.token_start)
    # "China's proposal" takes a role only as a direct object ("welcomed China's proposal"); a list that ends
    # in one ("by the CDC, …, as well as USAID's support") keeps its other members
    out = []
    for item in lists:
        if item.slot != "subject":  # "our thoughts are with …" names the author; "to our partners" does not
            item.members = [m for m in item.members if work.text[m.start : m.end].lower() not in _SUBJECT_ONLY]
            if not item.members:
                continue
        if _possessive(work, item.members[-1]) and item.slot != "object" and not _owner_receives(work, item):
            if len(item.members) == 1:
                continue
            item.members = item.members[:-1]
        out.append(item)
    return out


def _split_opening(work: Work, item: MentionList, sentence: Sentence) -> list[MentionList]:
    """ "Through the EU Civil Protection Mechanism, Spain, France and Italy have offered …": an opening phrase's
    object ends at its comma when the list runs on into a verb; the members after the comma are the subject."""
    doc = work.doc
    first, last = item.members[0], item.members[-1]
    if item.slot not in PREPOSITIONS or len(item.members) < 2 or last.token_end >= sentence.token_end:
        return [item]
    opening = all(
        not t.is_alpha or t.lower_ in ("the", "a", "an") for t in doc[sentence.token_start : first.token_start][1:]
    )
    after, between = doc[last.token_end], doc[first.token_end : item.members[1].token_start]
    if not opening or [t.text for t in between] != [","] or not after.is_lower or after.lower_ in PREPOSITIONS:
        return [item]
    return [MentionList(item.members[:1], item.slot), MentionList(item.members[1:], "subject")]


def _aid_named(work: Work, m: Mention) -> bool:
    """ "600 Sets of Personal Protective Equipment": a capitalised aid item read as an unknown organisation."""
    # and "doses of AstraZeneca's vaccine": a maker named inside the item
    named = m.source == "organisation" or (m.actor is not None and m.actor.kind == "company")
    return named and any(a.start <= m.start and m.end <= a.end for a in work.aid)


def _jointly(work: Work, start: int) -> bool:
    """The "with" before the list is "together with", "jointly with", "in cooperation with" …"""
    words = [work.doc[i].lower_ for i in range(max(0, start - 4), start)]
    return "with" in words and bool(set(words[: words.index("with")]) & _JOINTLY)


_JOINTLY = _words("jointly")


def modifier_mention(work: Work, m: Mention) -> bool:
    """A mention that takes no role: a name modifying an aid item, a currency, a vague tail, an aid item."""
    return _modifier(work, m) or _aid_named(work, m)


def _owner_receives(work: Work, item: MentionList) -> bool:
    """ "€5 million to the World Food Programme's operations in Yemen": aid to a body's work goes to the body."""
    if item.slot not in ("to", "for"):
        return False
    after = item.members[-1].token_end + 1
    return after < len(work.doc) and work.doc[after].lower_ in _OWNED_WORK


_OWNED_WORK = tables.words("owned_work")


def _possessive(work: Work, m: Mention) -> bool:
    following = work.doc[m.token_end].lower_ if m.token_end < len(work.doc) else ""
    return following in {"'s", "’s", "'"} and m.source != "group"


_CONTROL = tables.words("control")


def _modifier(work: Work, m: Mention) -> bool:
    """ "Sinopharm vaccine" (a name modifying an aid item) and vague tails ("and other countries") take no role."""
    following = work.doc[m.token_end] if m.token_end < len(work.doc) else None
    after = work.doc[m.token_end + 1].lower_ if m.token_end + 1 < len(work.doc) else ""
    controls = following is not None and following.lower_ in _CONTROL and after == "to"  # "Japan plans to send"
    if following is not None and following.is_lower and following.lower_ in tables.aid_heads() and not controls:
        return True
    # "doses of Pfizer COVID-19 vaccine": past an upper-case code the head is still the aid item
    k = m.token_end
    while k < min(len(work.doc), m.token_end + 2) and re.fullmatch(r"[A-Z][A-Z0-9]*-?\d*", work.doc[k].text):
        k += 1
    if k > m.token_end and k < len(work.doc) and work.doc[k].is_lower and work.doc[k].lower_ in tables.aid_heads():
        return True
    if m.token_start > 0 and work.doc[m.token_start - 1].text in tables.function_word_set("missions"):
        return True  # "the U.S. Embassy Tashkent": where the embassy sits, not an actor of the event
    if following is not None and following.lower_ in _CURRENCY_NOUNS:
        return True  # "2 million US dollars": a currency, not the United States
    if following is not None and following.is_lower and following.lower_ in tables.function_word_set("name_modifies"):
        return True  # "USAID partners CARE and Save the Children": the partners are named after it
    named = re.match(r"\s*,?\s*(?:such as|including|like)\s+(?:the\s+)?", work.text[m.end :])
    if m.actor is not None and m.actor.group and named and any(k.start == m.end + named.end() for k in work.mentions):
        return True  # "its sister cities such as Tokyo, Seoul, and Cologne": the members named stand for it
    if m.actor is not None and m.actor.group and m.actor.count is None:
        own = re.match(r"(?:its|their|our|his|her)\s", work.text[m.start : m.end], re.IGNORECASE)
        if m.actor.name.lower().startswith("other ") or own:  # "UNICEF and its partners": a vague tail (rule 36)
            return _tail_of_list(work, m)
    return False


def _tail_of_list(work: Work, m: Mention) -> bool:
    """ "Mongolia, Russia, … and other countries": a vague tail after named members (not a whole argument)."""
    previous = work.doc[m.token_start - 1].lower_ if m.token_start > 0 else ""
    if previous not in ("and", "or", ","):
        return False
    earlier = [k for k in work.mentions if k.end <= m.start and k.actor and not k.actor.group]
    return bool(earlier) and not work.text[earlier[-1].end : m.start].strip(" ,()").replace("and", "").strip(" ,()")


def _joined(work: Work, group: list[Mention], right: Mention, sentence: Sentence, triggers: list[Trigger]) -> bool:
    left = group[-1]
    if any(t.token_start < right.token_start and t.token_end > left.token_end for t in triggers):
        return False
    gap = _APPOSITIVE.sub(",", work.text[left.end : right.start])  # ", two American companies, and Daimler"
    words = [w.lower() for w in re.findall(r"\w+|[^\w\s]", gap)]
    if not (words and all(w in _GLUE for w in words) and any(w in _JOINERS for w in words)):
        return False
    if "," in words and _reporter(work, right):
        return False  # "… to Bangladesh, the U.S. embassy in Dhaka said": the source, not one more recipient
    # "…to 34 sister city leaders, and the city donated …": a new subject starts a new list
    return not (_starts_clause(work, right, triggers) and _governor(work, group[0], sentence, triggers)[0] != "subject")


@lru_cache(maxsize=1)
def _reporting_forms() -> frozenset[str]:
    """Every form of the reporting verbs ("said", "told"): the trigger rules named "say" and "tell"."""
    forms: set[str] = set()
    for name in ("say", "tell"):
        rule = tables.trigger_rule(name)
        forms |= inflect(rule["verb"]) | set(rule.get("forms", []))
    return frozenset(forms)


def _reporter(work: Work, m: Mention) -> bool:
    """The mention is the subject of a reporting verb ("the embassy in Dhaka said", "Cambodia's ministry said")."""
    barriers = set(work.barriers)
    for i in range(m.token_end, min(len(work.doc), m.token_end + 6)):
        if i in barriers and work.doc[i].lower_ in _reporting_forms():
            return True
        if work.doc[i].is_punct and work.doc[i].text not in ("'s", "’s"):
            return False
    return False


def _starts_clause(work: Work, m: Mention, triggers: list[Trigger]) -> bool:
    """True when a trigger follows the mention, past auxiliaries and adverbs: the mention is its subject."""
    i = m.token_end
    starts = {t.token_start for t in triggers}
    while i < len(work.doc) and i - m.token_end < 4:
        if i in starts:
            return True
        word = work.doc[i].lower_
        if not (word in _AUX or word.endswith("ly") or word in _CLAUSE_ADVERBS):
            return False
        i += 1
    return False


def _governor(work: Work, first: Mention, sentence: Sentence, triggers: list[Trigger]) -> tuple[str, int | None]:
    """Read back from a list's first word to what governs it."""
    doc = work.doc
    starts = {i: k for k, t in enumerate(triggers) for i in range(t.token_start, t.token_end)}
    skip_edge = False
    for i in range(first.token_start - 1, max(sentence.token_start, first.token_start - 16) - 1, -1):
        word = doc[i].lower_
        if skip_edge and word == ",":
            skip_edge = False
            continue  # the comma that opens an inserted "…, including X and Y, …"
        skip_edge = False
        if word == "including" or (word == "as" and i > 0 and doc[i - 1].lower_ == "such"):
            # "to several partners, including Tokyo and Seoul": the members named take the slot of
            # the noun they illustrate, so reading goes on past it
            skip_edge = word == "including"
            continue
        if word == "such" and i + 1 < len(doc) and doc[i + 1].lower_ == "as":
            skip_edge = True
            continue
        if i in starts:
            return "object", starts[i]  # "met officials of the Ministry of … of Nepal": the NP stands for Nepal
        if word == "from" and i > 0 and doc[i - 1].lower_ in _PERSONNEL:
            continue  # "vaccinators … from Afghanistan": the personnel stand for their country
        if word == "of" and i > 0 and doc[i - 1].lower_ == "invitation":
            return "invitation", None  # "at the invitation of the Lao government": the beneficiary
        if word == "of" and i > 0 and doc[i - 1].lower_ == "courtesy":
            return "from", None  # "arrived in Manila on Thursday, courtesy of the US government": the giver
        if word in PREPOSITIONS:
            return (word, None) if i == 0 or doc[i - 1].lower_ not in _REQUESTS else ("none", None)
        if word in _EDGE or word in _AUX or word in _THAT:
            return ("subject", None) if word not in _AUX else ("aux", None)
        if word == "other" and not (i > 0 and doc[i - 1].lower_ == "each"):
            continue  # "several other countries" is a noun phrase; only "each other" is a pronoun
        if word in _PRONOUNS and i > 0 and doc[i - 1].lower_ == "among":
            continue  # "…, among them Barcelona, Lille …"
        if word in _PRONOUNS or word in _CLAUSE or _verb_like(doc[i]):
            return "none", None
    return ("subject", None) if first.token_start - sentence.token_start < 16 else ("none", None)


def _verb_like(token: Any) -> bool:
    """A lower-case past form ("implemented", "attached"): a clause's verb, so what follows is its object."""
    word = token.text
    return word.islower() and word.endswith("ed") and "-" not in word and word not in _ED_ADJECTIVES


_ED_ADJECTIVES = tables.words("ed_adjectives")


_PERSONNEL = frozenset(tables.word_classes().get("personnel", frozenset()))


def assign(work: Work, sentence: Sentence, triggers: list[Trigger], lists: list[MentionList]) -> list[Roles]:
    """Roles for each trigger of a sentence, in trigger order."""
    frames = tables.frames()
    out: list[Roles] = []
    for k, trigger in enumerate(triggers):
        frame = frames.get(trigger.frame, {})
        roles = Roles()
        nxt = triggers[k + 1].token_start if k + 1 < len(triggers) else sentence.token_end
        barriers = [b for b in work.barriers if trigger.token_end <= b < nxt]
        barriers += [i for i in range(trigger.token_end, nxt) if work.doc[i].lower_ in _CLAUSE_ENDS]
        nxt = barriers[0] if barriers else nxt
        prev_end = triggers[k - 1].token_end if k > 0 else sentence.token_start
        subjects = _antecedent(work, trigger, lists) or (
            [] if relative(work, trigger) else _subjects(work, trigger, lists, triggers)
        )
        for item in lists:
            if item.token_start >= trigger.token_end and _reporter(work, item.members[-1]):
                continue  # "…, a spokesperson for the agency said": who reports the act is not in it
            slot = _slot(work, item, k, trigger, nxt, prev_end, subjects)
            if slot is None:
                continue
            role = frame.get(slot, "none")
            if role == "none":
                continue
            for m in item.members:
                if slot == "from" and trigger.frame == "give" and m.actor is not None and m.actor.group:
                    continue  # "flew ventilators from its municipal clinics": where the aid came from
                if role == "places" and (
                    m.source == "reference"
                    or m.actor is None
                    or (m.actor.group and m.actor.count is None)
                    or m.actor.kind == "person"  # "deployed 50 rescue workers": the people sent are no place
                ):
                    continue
                if m.actor is not None:
                    getattr(roles, role).append(m.actor)
                elif m.ref:
                    roles.pending.append((role, m))  # "they", "he": resolved by the assembler
        if trigger.nominal and not roles.agents:
            roles.agents.extend(_owner(work, trigger))
        if not roles.agents and not trigger.nominal and trigger.type in _AID_TYPES and not trigger.passive:
            roles.agents.extend(_aid_owner(work, trigger, prev_end))
        out.append(roles)
    return out


_AID_TYPES = frozenset({"aid_delivery", "aid_pledge"})


def _owner(work: Work, trigger: Trigger) -> list[Actor]:
    """ "China's donation of …", "Australia's $80 million contribution": the possessor of a noun trigger (over
    its amount and adjectives) is its agent."""
    k = trigger.token_start - 1
    while k > 0 and trigger.token_start - k <= 5 and _modifies(work.doc[k]):
        k -= 1
    if k < 1 or work.doc[k].lower_ not in ("'s", "’s"):
        return []
    owners = [m.actor for m in work.mentions if m.token_end == k and m.actor]
    return owners[:1]


def _modifies(token: Any) -> bool:
    """A word between a possessive and its noun: an amount, a currency, an adjective in lower case."""
    return token.like_num or token.is_currency or (token.is_lower and token.is_alpha and token.lower_ not in _GLUE)


def _aid_owner(work: Work, trigger: Trigger, clause_start: int) -> list[Actor]:
    """ "Australia's support for … has today provided …", "EU's assistance to Albania has arrived": the possessor
    of the aid that is the verb's subject gives it."""
    aid_words = tables.word_classes().get("aid", frozenset())
    for m in work.mentions:
        if not (clause_start <= m.token_start and m.token_end < trigger.token_start) or m.actor is None:
            continue
        if work.doc[m.token_end].lower_ not in ("'s", "’s") or m.actor.group:
            continue
        k = m.token_end + 1
        while k < trigger.token_start and k - m.token_end <= 4 and work.doc[k].lower_ not in aid_words:
            if not _modifies(work.doc[k]):
                break
            k += 1
        if k < trigger.token_start and work.doc[k].lower_ in aid_words:
            return [m.actor]
    return []


def _slot(
    work: Work, item: MentionList, k: int, trigger: Trigger, nxt: int, prev_end: int, subjects: list[Any]
) -> str | None:
    """The frame slot a list fills for trigger ``k``, or None when it belongs to no slot of it."""
    after = trigger.token_end <= item.token_start < nxt
    if item.slot == "object":
        return "object" if item.trigger == k else None
    if any(item is s for s in subjects):
        return "passive_subject" if trigger.passive else "subject"
    if item.slot in PREPOSITIONS and after:
        if item.slot == "by" and not trigger.passive and not trigger.nominal:
            return "by_active"
        if item.slot in ("in", "at") and item.token_start - trigger.token_end > 9:
            return None  # "… concerning travelers arriving in Beijing": deep in the object, not the event's place
        return item.slot
    in_clause = prev_end <= item.token_start < trigger.token_start
    if item.slot in ("from", "by") and in_clause and trigger.passive:
        return item.slot  # "masks from Japan were delivered"
    if item.slot in ("for", "to") and in_clause and trigger.passive and not trigger.reduced:
        return item.slot  # "1.5 lakh doses for Bhutan … were flown out"
    if item.slot in ("for", "to") and in_clause and k == 0 and _after_aid_word(work, item.token_start):
        return item.slot  # "EU's assistance to Albania has arrived", "Deliveries to Armenia … will follow"
    if item.slot == "from" and in_clause and trigger.frame == "arrive" and _after_aid_word(work, item.token_start):
        return item.slot  # "Relief supplies from New Zealand arrived": the aid's origin is its giver
    if item.slot == "invitation" and item.token_start < trigger.token_start:
        return "invitation"
    if item.slot == "with" and in_clause and item.jointly:
        return "with_before"  # "Together with WHO, IOM conducted …"
    if item.slot in ("through", "via") and in_clause and _set_off(work, item, trigger):
        return item.slot  # "Japan, through JICA, has turned over …": the channel (rule 13)
    return None


def _set_off(work: Work, item: MentionList, trigger: Trigger) -> bool:
    """The list's phrase stands between commas right before the trigger's clause ("Japan, through JICA, has …")."""
    doc = work.doc
    k = item.token_start - 1
    while k > 0 and doc[k].lower_ in ("the", "through", "via"):
        k -= 1
    closes = next((i for i in range(item.members[-1].token_end, trigger.token_start) if doc[i].text == ","), None)
    return doc[k].text == "," and closes is not None


def _after_aid_word(work: Work, start: int) -> bool:
    """The list's preposition follows an aid noun ("assistance to", "deliveries to the Republic of …")."""
    k = start - 1
    while k > 0 and work.doc[k].lower_ in _AID_DETERMINERS:
        k -= 1
    word = work.doc[k - 1].lower_ if k > 0 else ""
    return word in tables.word_classes().get("aid", frozenset()) or word in tables.aid_items()


def relative(work: Work, trigger: Trigger) -> bool:
    """ "the states that have offered assistance": the verb of a relative clause has the noun before "that" as its
    subject, not the subject of the sentence."""
    k = trigger.token_start - 1
    while k > 0 and (work.doc[k].lower_ in _AUX or work.doc[k].lower_ in _RELATIVE_SKIP):
        k -= 1
    return k > 0 and work.doc[k].lower_ in _RELATIVE and work.doc[k - 1].is_alpha and not trigger.nominal


def _antecedent(work: Work, trigger: Trigger, lists: list[MentionList]) -> list[MentionList]:
    """ "said Dr Tedros Adhanom Ghebreyesus, who will travel to Syria": the person right before ", who" is the
    subject of the relative clause's verb."""
    k = trigger.token_start - 1
    while k > 0 and (work.doc[k].lower_ in _AUX or work.doc[k].lower_ in _RELATIVE_SKIP):
        k -= 1
    if work.doc[k].lower_ != "who":
        return []
    end = k - 1 if k > 0 and work.doc[k - 1].text == "," else k
    return [item for item in lists if item.members[-1].token_end == end][-1:]


def _subjects(work: Work, trigger: Trigger, lists: list[MentionList], triggers: list[Trigger]) -> list[MentionList]:
    """The nearest subject list before the trigger, with the lists coordinated with it ("X, as well as Y")."""
    before = [m for m in lists if m.slot == "subject" and m.members[-1].token_end <= trigger.token_start]
    if before and _parenthetical(work, before[-1], trigger):
        before = before[:-1]  # "The Chinese medical team, consisting of 12 experts, arrived": the team arrived
    if not before:
        return []
    chain = [before[-1]]
    if trigger.nominal and _trigger_between(triggers, chain[0].members[-1].token_end, trigger.token_start):
        return []  # "…, and donations to us": the noun has no subject of its own
    for item in reversed(before[:-1]):
        gap_start, gap_end = item.members[-1].token_end, chain[0].token_start
        words = " ".join(work.doc[i].lower_ for i in range(gap_start, gap_end))
        if _trigger_between(triggers, gap_start, gap_end) or not re.match(r",?\s*(?:and|as well as)\b", words):
            break
        chain.insert(0, item)
    return chain


def _parenthetical(work: Work, item: MentionList, trigger: Trigger) -> bool:
    """The list stands in a parenthesis that closes right before the trigger (", consisting of 12 experts,")."""
    doc = work.doc
    if [t.text for t in doc[item.members[-1].token_end : trigger.token_start]] != [","]:
        return False
    opening = next(
        (i for i in range(item.token_start - 1, max(0, item.token_start - 6), -1) if doc[i].text == ","), None
    )
    return opening is not None and opens_parenthesis(doc, opening)


def _trigger_between(triggers: list[Trigger], start: int, end: int) -> bool:
    return any(start <= t.token_start < end for t in triggers)
