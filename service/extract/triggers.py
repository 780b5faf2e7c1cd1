"""Triggers: the words that report an event, typed by the rules of ``lexicon/triggers.jsonl``.

A spaCy ``Matcher`` finds every rule's words (verbs in all their forms, nouns, phrases); for each
word the first rule whose object class fits wins ("sent letters" → communication, "sent a medical
team" → deployment, "sent masks" → aid delivery). Then the context decides whether the word
reports an event at all (:mod:`service.extract.context`). Rules of type "none" ("exported",
"said") report no event but end the clause of the trigger before them. A headline reports an event
only through a verb ("Partner city Beijing sends …"), never through a noun alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

from lemminflect import getInflection  # type: ignore[import-untyped]  # lemminflect ships no type information
from spacy.matcher import PhraseMatcher

from service.extract import tables
from service.extract.context import judge, reduced_passive
from service.extract.modality import headline_future
from service.extract.sentences import pipeline
from service.extract.work import Trigger, Work

# Words after which a verb form is a noun: "winning high praises", "in tight supply".
_NOUN_AFTER = tables.words("noun_after")
_RUNNING_TOTAL = re.compile(r"\bto\s+(?:[a-z]+\s+){0,3}?(?:[A-Z]{0,3}\$|€|£|USD\s|EUR\s)\s?\d")
_BULLET = re.compile(r"\s*[-•*–·]\s")
_HEADER = re.compile(r"^\s*(?:date|source|author|topics?|subjects?|editor|tags?|fontsize|published|updated)\s*:", re.I)


# Penn Treebank tags of the verb forms a trigger verb is matched in (lemminflect's names for them)
_VERB_TAGS = ("VB", "VBZ", "VBD", "VBN", "VBG")


@cache
def inflect(lemma: str) -> frozenset[str]:
    """Every form of an English verb, irregular ones included: donate → donate, donates, donated, donating;
    send → sent. From lemminflect's tables (shipped in its wheel), by its rules for a verb they lack."""
    forms = {lemma}
    for tag in _VERB_TAGS:
        forms.update(str(form) for form in getInflection(lemma, tag))
    return frozenset(forms)


@cache
def participles(lemma: str) -> frozenset[str]:
    """The past participles of a verb ("sent", "lent", "given"; "transferred"), by lemminflect."""
    return frozenset(str(form) for form in getInflection(lemma, "VBN"))


@lru_cache(maxsize=1)
def verb_forms() -> frozenset[str]:
    """Every form of every trigger verb ("provided", "donating"): words that cannot modify an aid item."""
    forms: set[str] = set()
    for rule in tables.trigger_rules():
        if "verb" in rule:
            forms |= inflect(rule["verb"]) | set(rule.get("forms", []))
    return frozenset(forms)


@lru_cache(maxsize=1)
def _single_items() -> frozenset[str]:
    """One-word aid item forms ("masks", "ventilators"): each names aid by itself."""
    return frozenset(form for form in tables.aid_items() if " " not in form)


@lru_cache(maxsize=1)
def _matcher() -> tuple[Any, dict[str, dict[str, Any]]]:
    """A PhraseMatcher over every rule's words (verb forms, nouns, phrases), and the rules by name; built once.

    A PhraseMatcher is a hash lookup per token, an order of magnitude faster here than a token-pattern
    Matcher with the same vocabulary; particles ("give away") are checked after the match."""
    nlp = pipeline()
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    rules: dict[str, dict[str, Any]] = {}
    for rule in tables.trigger_rules():
        rules[rule["rule"]] = rule
        words = rule.get("noun", []) + rule.get("phrase", [])
        if "verb" in rule:
            words += sorted(inflect(rule["verb"]) | set(rule.get("forms", [])))
        matcher.add(rule["rule"], list(nlp.tokenizer.pipe(words)))
    return matcher, rules


def _matches_by_sentence(work: Work, matcher: Any) -> dict[int, list[tuple[str, int, int]]]:
    """Every match of the whole document, filed under its sentence (matches across sentences are dropped)."""
    sentence_of = {}
    for sentence in work.sentences:
        for i in range(sentence.token_start, sentence.token_end):
            sentence_of[i] = sentence.index
    out: dict[int, list[tuple[str, int, int]]] = {}
    for match_id, start, end in matcher(work.doc):
        index = sentence_of.get(start)
        if index is not None and sentence_of.get(end - 1) == index:
            out.setdefault(index, []).append((work.doc.vocab.strings[match_id], start, end))
    return out


def _particle(doc: Any, rule: dict[str, Any], end: int, hi: int) -> int | None:
    """The end of "give away" / "hand them over": the particle right after the verb or one word later."""
    if "particle" not in rule:
        return end
    words = rule["particle"].split()
    for gap in (0, 1):
        at = end + gap
        if gap and (at > hi or not doc[end].is_alpha):
            break
        if [t.lower_ for t in doc[at : at + len(words)]] == words:
            return at + len(words)
    return None


def find_triggers(work: Work) -> Work:
    """Fill ``work.triggers`` in text order: one trigger per word, the first fitting rule winning."""
    matcher, rules = _matcher()
    order = {name: i for i, name in enumerate(rules)}
    found: dict[int, Trigger] = {}
    barriers: set[int] = set()
    title = " ".join((work.document.title or "").split())
    by_sentence = _matches_by_sentence(work, matcher)
    for sentence in work.sentences:
        text = work.text[sentence.start : sentence.end]
        if _HEADER.match(text):
            continue
        # a headline or a bulleted line ("- Deliveries of medical equipment to Belarus") reports no event by a noun
        headline = (bool(title) and " ".join(text.split()) == title) or bool(_BULLET.match(text))
        matches = sorted(by_sentence.get(sentence.index, []), key=lambda m: (m[1], order[m[0]], m[1] - m[2]))
        for k, (name, start, word_end) in enumerate(matches):
            rule = rules[name]
            end = _particle(work.doc, rule, word_end, sentence.token_end)
            if end is None:
                continue
            if start in found or any(t.token_start <= start < t.token_end for t in found.values()):
                continue
            if rule["type"] == "none" or (headline and "noun" in rule):
                barriers.add(start)  # "exported", "said": no event, but the end of the clause before
                continue
            trigger = _trigger(work, rule, start, end, sentence, found)
            if trigger is not None and "object" in rule:
                trigger = _nearest_object(work, trigger, matches[k + 1 :], rules, sentence, found)
            if trigger is not None:
                found[start] = trigger
    work.barriers = sorted(barriers - set(found))
    work.triggers = sorted(found.values(), key=lambda t: t.start)
    return work


def _nearest_object(
    work: Work,
    trigger: Trigger,
    rest: list[tuple[str, int, int]],
    rules: dict[str, dict[str, Any]],
    sentence: Any,
    found: dict[int, Trigger],
) -> Trigger:
    """When the first fitting rule finds its object class only past a comma, a later rule on the same word whose
    object stands before that comma: "sent 25 tonnes of medical supplies to Sri Lanka, officials said" sends
    aid, not the officials of the reporting clause (within one phrase the rules' order decides)."""
    lo, hi = sentence.token_start, sentence.token_end
    first_at = _object_at(work, rules[trigger.rule], trigger, lo, hi)
    if trigger.passive or first_at is None:
        return trigger
    commas = [i for i in range(trigger.token_end, trigger.token_start + first_at) if work.doc[i].text == ","]
    if not commas:
        return trigger
    best, best_at = trigger, commas[0] - trigger.token_start
    for name, start, word_end in rest:
        rule = rules[name]
        if start != trigger.token_start or "object" not in rule:
            if start != trigger.token_start:
                break
            continue
        end = _particle(work.doc, rule, word_end, hi)
        other = None if end is None else _trigger(work, rule, start, end, sentence, found)
        if other is None:
            continue
        at = _object_at(work, rule, other, lo, hi)
        if at is not None and at < best_at:
            best, best_at = other, at
    return best


def _object_at(work: Work, rule: dict[str, Any], trigger: Trigger, lo: int, hi: int) -> int | None:
    """How far the rule's object word stands from the trigger word (in tokens)."""
    start = trigger.token_start
    word_end = start + 1 if rule.get("span") == "object" else trigger.token_end
    at = _object_word(work, rule["object"], start, word_end, lo, hi, trigger.passive)
    return None if at is None else abs(at - start)


def _trigger(
    work: Work, rule: dict[str, Any], start: int, end: int, sentence: Any, earlier: Mapping[int, Trigger] | None = None
) -> Trigger | None:
    doc = work.doc
    lo, hi = sentence.token_start, sentence.token_end
    verb = "verb" in rule
    if verb and _not_a_verb(doc, rule, start, end, lo, hi):
        return None
    reduced = verb and not rule.get("intransitive") and reduced_passive(doc, start, lo, hi) == "passive"
    if reduced and rule["type"] in ("policy_measure", "cooperation_agreement", "statement_of_support", "meeting"):
        return None  # "the measures taken by", "contracts signed by": a noun described, no event reported
    passive = verb and (_passive(doc, start, lo, rule["verb"]) or reduced)
    if (passive and rule.get("no_passive")) or not _conditions_hold(work, rule, start, end, lo, hi):
        return None
    if "object" in rule:
        object_end = _object_end(work, rule, start, end, lo, hi, passive)
        if object_end is None:
            return None
        end = object_end
    before = [trigger for t, trigger in (earlier or {}).items() if lo <= t < start]
    if rule.get("fold") and before and doc[start].lower_.endswith("ing"):
        return None  # "sent a message …, expressing condolences": the main verb decides
    if rule.get("fold") and rule["type"] == "communication" and any(t.type == "communication" for t in before):
        return None  # "spoke by phone with … and offered condolences": condolences in a call belong to it (rule 5)
    context = judge(doc, start, lo, hi, "noun" not in rule, not rule.get("intransitive"))
    if context == "none" and "noun" not in rule and headline_future(work, sentence, start):
        context = "planned"  # "Japan to give $100 million in aid to quake-hit Turkey, Syria"
    if context == "none":
        return None
    nominal = "noun" in rule
    if end < hi and doc[end].lower_ in rule.get("not_before", ()):
        return None  # "delivery capacity": the noun modifies another; "deploying to the island": no aid sent
    if _occasion_of(doc, start, lo):
        return None  # "at the ceremony of the vaccines hand over": the occasion is told, not a second act
    if start > lo and doc[start].is_title and not _title_case(doc, lo, hi):
        return None  # "Minister Assisting the Prime Minister", "Emergency Medical Teams": part of a name
    return Trigger(
        *(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), start, end, sentence.index),
        *(rule["type"], rule["frame"], rule["rule"]),
        passive=passive,
        reduced=reduced,
        items_before=passive or nominal or "subject" in rule,
        nominal=nominal,
        planned=context == "planned",
        confidence=float(rule.get("confidence", 0.8)),
    )


def _occasion_of(doc: Any, start: int, lo: int) -> bool:
    """The noun names what an occasion is of ("the ceremony of the vaccines hand over")."""
    occasions = tables.function_word_set("occasions")
    for k in range(start - 1, max(lo, start - 4), -1):
        if doc[k].lower_ == "of":
            return k > lo and doc[k - 1].lower_ in occasions
        if not (doc[k].is_alpha and doc[k].is_lower):
            return False
    return False


def _title_case(doc: Any, lo: int, hi: int) -> bool:
    """A line in title case (a headline): most of its words capitalised."""
    words = [t for t in doc[lo:hi] if t.is_alpha and len(t) > 3]
    return bool(words) and sum(t.is_title for t in words) * 2 > len(words)


def _conditions_hold(work: Work, rule: dict[str, Any], start: int, end: int, lo: int, hi: int) -> bool:
    """The rule's own conditions: subject class, context phrase, no imperative, no running total, no "that"."""
    doc = work.doc
    if "subject" in rule and not _subject_head(work, rule["subject"], start, lo):
        return False
    if "not_subject" in rule and _subject_head(work, rule["not_subject"], start, lo):
        return False  # "The funding will also support …": the aid as subject tells an effect
    if "context" in rule and not any(c in work.text[doc[lo].idx : doc[start].idx].lower() for c in rule["context"]):
        return False
    if "verb" in rule and _imperative(doc, start, lo):
        return False  # "For more information, visit www.usaid.gov."
    if rule.get("no_total") and "total" in [t.lower_ for t in doc[end : min(hi, end + 3)]]:
        return False  # "brings total assistance to nearly $5 million": a running total, no new aid
    if rule.get("no_running_total") and _RUNNING_TOTAL.search(work.text[doc[end - 1].idx : doc[hi - 1].idx + 1]):
        return False  # "This brings our humanitarian aid for the earthquake response to $5 million"
    if "not_object" in rule:
        words = tables.word_classes().get(rule["not_object"], frozenset())
        if any(t.lower_ in words for t in doc[end : min(hi, end + 5)]):
            return False  # "meet internationally accepted standards", "to meet the immediate needs"
    return not (rule.get("no_that") and end < hi and doc[end].lower_ == "that")  # "announced that …"


def _object_end(work: Work, rule: dict[str, Any], start: int, end: int, lo: int, hi: int, passive: bool) -> int | None:
    """Where the trigger ends once its object class is found (None: no object of the class)."""
    where = _object_word(work, rule["object"], start, end, lo, hi, passive)
    if where is None:
        return None
    if {t.lower_ for t in work.doc[where + 1 : min(hi, where + 3)]} & set(rule.get("not_followed_by", ())):
        return None
    return where + 1 if rule.get("span") == "object" else end


def _money_at(work: Work, offset: int) -> bool:
    """An amount of money starts here ("EUR 500,000", "$2 million"): money is aid."""
    return any(a.start == offset and a.aid.value is not None and a.aid.category == "funds" for a in work.aid)


def _imperative(doc: Any, start: int, lo: int) -> bool:
    """A bare verb opening its sentence, or after "For more information," / "please"."""
    word = doc[start].lower_
    if word.endswith(("ed", "ing", "s")) and word not in ("address",):
        return False
    before = " ".join(t.lower_ for t in doc[lo:start])
    # "For more information, visit …", "For the latest updates on …, visit …": a reader addressed
    return start == lo or before.endswith("please") or bool(_READER.match(before) and before.endswith(","))


_READER = re.compile(r"for (?:more|further|the latest|latest|additional|updates|details|information)\b")


def _subject_head(work: Work, name: str, start: int, lo: int) -> bool:
    """The subject's head right before the verb is of the class ("20 lakh doses reached", "the shipment arrived",
    "a second flight with nutrition products … is scheduled to leave")."""
    words = tables.word_classes().get(name, frozenset()) | (_single_items() if name == "aid" else frozenset())
    doc = work.doc
    i = start - 1
    while i >= lo and (doc[i].lower_ in _SKIP_TO_SUBJECT or doc[i].lower_.endswith("ly")):
        i -= 1
    if i >= lo and doc[i].lower_ in words:
        return True
    if i >= lo and doc[i].text == ",":
        # "The consignment, which includes 1.5 lakh PPE kits, arrived": the subject stands before the parenthesis
        comma = next((k for k in range(i - 1, lo, -1) if doc[k].text == ","), None)
        if comma is not None and opens_parenthesis(doc, comma) and doc[comma - 1].lower_ in words:
            return True
    # "A second flight with nutrition products for children is scheduled to leave": the subject opens the clause
    clause = [t.lower_ for t in doc[lo:start]]
    commas = [k for k, w in enumerate(clause) if w == ","]
    opening = clause[commas[-1] + 1 :] if commas else clause
    return any(w in words for w in opening[:8])


_SKIP_TO_SUBJECT = tables.words("skip_to_subject")
_PARENTHESIS = tables.words("parenthesis_openers")


def opens_parenthesis(doc: Any, comma: int) -> bool:
    """The comma at ``comma`` opens a parenthesis: ", which includes …", ", consisting of …", and a participle with
    its agent (", donated by Japan, ")."""
    if comma + 2 >= len(doc):
        return False
    opener = doc[comma + 1]
    return opener.lower_ in _PARENTHESIS or (opener.lower_.endswith("ed") and doc[comma + 2].lower_ == "by")


def _not_a_verb(doc: Any, rule: dict[str, Any], start: int, end: int, lo: int, hi: int) -> bool:
    """ "high praises", "AI-assisted", "Supply of …": the verb's form used as a noun or adjective."""
    if doc[start].lower_ in rule.get("skip_forms", ()):
        return True
    if start > lo and (doc[start - 1].lower_ in _NOUN_AFTER or doc[start - 1].text == "-"):
        return True
    if start > lo and doc[start - 1].lower_ in rule.get("not_after", ()):
        return True  # "the vaccine roll out": the rule's own nouns before it make it a noun
    return "particle" not in rule and end < hi and doc[end].lower_ == "of"


def _passive(doc: Any, start: int, lo: int, lemma: str) -> bool:
    """The verb is a past participle of ``lemma`` after a form of "be", adverbs aside ("was promptly sent")."""
    word = doc[start].lower_
    if not (word.endswith(("ed", "en")) or word in participles(lemma)):
        return False
    for i in range(start - 1, max(lo, start - 3) - 1, -1):
        if doc[i].lower_ in {"is", "are", "was", "were", "be", "been", "being"}:
            return True
        if not doc[i].is_alpha or not doc[i].lower_.endswith("ly"):
            return False
    return False


def _object_word(work: Work, name: str, start: int, end: int, lo: int, hi: int, passive: bool) -> int | None:
    """The token of the object class in the trigger's object (before a passive trigger), or None."""
    words = tables.word_classes().get(name, frozenset())
    heads = _single_items() if name == "aid" else frozenset()
    doc = work.doc
    span = range(max(lo, start - 10), start) if passive else range(end, min(hi, end + 14))
    for i in reversed(span) if passive else span:
        word = doc[i].lower_
        if word in {";", "."} or (word == "," and not passive and i + 1 < hi and doc[i + 1].lower_ in {"and", "while"}):
            break
        if not passive and i > end and word in verb_forms() and doc[i - 1].lower_ in {"and", "or", ","}:
            break  # "offer … services and provide necessary materials": the object of the next verb
        if word in words or word in heads or (name == "aid" and (_money_at(work, doc[i].idx) or _item_ends(doc, i))):
            return i
    return None


def _item_ends(doc: Any, i: int) -> bool:
    """A multi-word aid item ends here ("emergency shelter", "family food packs") though its last word alone is none."""
    items = tables.aid_items()
    return any(" ".join(t.lower_ for t in doc[max(0, i - k) : i + 1]) in items for k in (1, 2, 3))
