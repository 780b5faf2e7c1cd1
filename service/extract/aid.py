"""Aid items: what ("medical masks"), its category, how many ("more than 1,100 copies"), worth what.

An item phrase ends in a head word of ``lexicon/aid_items.tsv`` and reaches left over its
modifiers ("virus detection reagents", "safety and prevention guide"); its category is that of the
longest listed suffix. A quantity right before it, possibly with a unit ("10,000 pairs of gloves"),
gives quantity and unit; an approximation marker makes it approximate. Money ("3 million yuan",
"US$2 million", "€5m") is normalised to ISO 4217 with ``lexicon/currencies.tsv``.

A value that covers several items ("X, Y and other materials worth more than 3 million yuan")
goes on a separate aggregate item named by the head noun ("materials", quantity null), the
convention of the annotation guidelines; X and Y keep value null. Money given as such ("donated
$1 million") becomes a funds item; money that an aid noun names ("$5 million package of humanitarian
assistance", "an $80 million contribution") is that item's value. A vague aid noun given ("provided
support", "offered assistance") is an item; one named before ("the assistance") or spelled out by the
items after it ("assistance in prevention materials") is not, and neither is a vague tail ("and
other supplies").
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

from service.extract import tables
from service.extract.quantities import Quantity, approximate_before, find_quantities
from service.extract.triggers import verb_forms
from service.extract.work import AidMention, Work
from service.model import Aid, Money

_STOP = tables.words("item_stop")


def _words(name: str) -> frozenset[str]:
    """A word list of ``lexicon/aid_words.tsv``."""
    for row in tables.read_tsv("aid_words.tsv"):
        if row["set"] == name:
            return frozenset(row["words"].split())
    raise KeyError(f"no word list {name!r} in lexicon/aid_words.tsv")


def _cues(kind: str) -> tuple[str, ...]:
    """The phrases of ``lexicon/value_cues.tsv`` of a kind (value, filler, part, conversion), in file order."""
    return tuple(row["cue"] for row in tables.read_tsv("value_cues.tsv") if row["kind"] == kind)


def _alternatives(phrases: tuple[str, ...] | frozenset[str]) -> str:
    """Phrases as regular expression alternatives, longest first; a space stands for any white space."""
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))


_VALUE_CUE = re.compile(
    rf"(?:{_alternatives(_cues('value'))})\s*(?:(?:{_alternatives(_cues('filler'))})\s+)?$", re.IGNORECASE
)
_PART_OF_TOTAL = frozenset(_cues("part"))
_CONVERSION = frozenset(_cues("conversion"))
_GENERIC = _words("generic")
# Words that are an item only with a quantity or a value ("120 tonnes of aid"), never alone ("provided aid").
_BARE = _words("bare")
_NAME_HEADS = _words("name_heads")
_ED_MODIFIERS = _words("ed_modifiers")
_ANAPHORIC = _words("anaphoric")
_SITUATION_HEADS = _words("situation_heads")
_NOT_MODIFIERS = tables.words("not_modifiers")
# Words that may follow an item's head: anything else that is a lower-case word continues the compound
# ("water purifiers": "water" is a modifier there, not the item).
_AFTER_HEAD = tables.words("after_head")


@lru_cache(maxsize=1)
def _currency_rows() -> tuple[tuple[str, str, str, re.Pattern[str] | None], ...]:
    """(form, code, position, publisher pattern) of ``lexicon/currencies.tsv``, in file order."""
    return tuple(
        (r["form"], r["code"], r["position"], re.compile(r["where"], re.IGNORECASE) if r.get("where") else None)
        for r in tables.read_tsv("currencies.tsv")
    )


@lru_cache(maxsize=1)
def _currency_forms() -> tuple[dict[str, list[tuple[str, str]]], dict[str, list[tuple[str, str]]]]:
    """(forms written before the number by their last character, forms written after it by their first), longest
    first, each with its default code."""
    before: dict[str, list[tuple[str, str]]] = {}
    after: dict[str, list[tuple[str, str]]] = {}
    for form, (code, position) in sorted(tables.currencies().items(), key=lambda kv: -len(kv[0])):
        if position in ("before", "either"):
            before.setdefault(form[-1], []).append((form, code))
        if position in ("after", "either"):
            after.setdefault(form[0], []).append((form, code))
    return before, after


@lru_cache(maxsize=1)
def _shared_forms() -> dict[str, tuple[tuple[str, re.Pattern[str] | None], ...]]:
    """Forms several currencies share ("$", "¥", "rupees") → their (code, publisher pattern), default last."""
    rows: dict[str, list[tuple[str, re.Pattern[str] | None]]] = {}
    for form, code, _, where in _currency_rows():
        rows.setdefault(form, []).append((code, where))
    return {form: tuple(codes) for form, codes in rows.items() if len({c for c, _ in codes}) > 1}


@lru_cache(maxsize=1)
def _own_forms() -> tuple[tuple[str, re.Pattern[str], str], ...]:
    """The forms one currency alone has ("AU$", "yen", "US dollars"): (form, pattern, code)."""
    shared = _shared_forms()
    out = []
    for form, code, _, _ in _currency_rows():
        if form not in shared and (len(form) > 1 or not form.isalpha()):
            lead = r"(?<![\w$])" if form[0].isalnum() else ""
            trail = r"(?!\w)" if form[-1].isalnum() else ""
            out.append((form, re.compile(lead + re.escape(form) + trail, re.IGNORECASE), code))
    return tuple(out)


def currency_choices(text: str, publisher: str = "") -> dict[str, str]:
    """For each form several currencies share, the one a document means: the one its own unambiguous forms name
    (when they name one of the candidates only), else the one whose row matches the publisher, else the default."""
    lowered = text.lower()
    named = {code for form, pattern, code in _own_forms() if form in lowered and pattern.search(text)}
    choices = {}
    for form, codes in _shared_forms().items():
        candidates = {code for code, _ in codes}
        in_text = candidates & named
        if len(in_text) == 1:
            choices[form] = next(iter(in_text))
            continue
        choices[form] = next(
            (code for code, where in codes if where is None or (publisher and where.search(publisher))), codes[-1][0]
        )
    return choices


def find_money(text: str, choices: dict[str, str] | None = None) -> list[tuple[int, int, Money, bool]]:
    """(start, end, Money, approximate) for every amount with a currency in a text; ``choices`` says which
    currency a shared form ("$", "¥") means (see :func:`currency_choices`; by default the text's own forms)."""
    before, after = _currency_forms()
    choices = currency_choices(text) if choices is None else choices
    out = []
    for q in find_quantities(text):
        number_start = q.start + len(text[q.start : q.end]) - len(text[q.start : q.end].lstrip())
        lead = text[max(0, q.start - 6) : q.start].lower()
        trail = text[q.end : q.end + 24].lower()
        code, start, end, approximate = None, q.start, q.end, q.approximate
        lead_text = lead.rstrip()
        for form, c in before.get(lead_text[-1:], ()):
            if lead_text.endswith(form) and not re.search(r"[a-z]$", lead_text[: -len(form)] or " "):
                code, start = choices.get(form, c), q.start - (len(lead) - lead_text.rfind(form))
                marker = approximate_before(text, start)
                if marker is not None:  # "nearly $100 million"
                    start, approximate = marker, True
                break
        if code is None:
            gap = len(trail) - len(trail.lstrip())
            for form, c in after.get(trail[gap : gap + 1], ()):
                if trail.startswith(form, gap) and not trail[gap + len(form) : gap + len(form) + 1].isalnum():
                    code, end = choices.get(form, c), q.end + gap + len(form)
                    break
        if code is not None:
            out.append((min(start, number_start), end, Money(q.value, code), approximate))
    return out


def find_aid(work: Work) -> Work:
    """Find the aid items and money of every sentence."""
    found: list[AidMention] = []
    choices = _choices(work)
    for sentence in work.sentences:
        found += sentence_aid(work, sentence.token_start, sentence.token_end, choices)
    work.aid = found
    return work


def sentence_aid(work: Work, lo: int, hi: int, choices: dict[str, str] | None = None) -> list[AidMention]:
    """The aid mentions of one token range, in text order; ``choices`` as for :func:`find_money`."""
    doc = work.doc
    base = doc[lo].idx
    text = work.text[base : doc[hi - 1].idx + len(doc[hi - 1])]
    choices = choices if choices is not None else _choices(work)
    money = [(s + base, e + base, v, a) for s, e, v, a in find_money(text, choices)]
    quantities = [Quantity(q.value, q.start + base, q.end + base, q.approximate) for q in find_quantities(text)]
    items: list[AidMention] = []
    for i in range(lo, hi):
        if _is_head(doc, i, hi) and not _inside(doc[i].idx, money):
            item = _item(work, i, lo, quantities)
            if item is not None:
                items.append(item)
    items = _merge_items(items, work.text)
    return _with_values(work, items, money)


def _choices(work: Work) -> dict[str, str]:
    """The currencies the document's shared forms mean, by its text and its publisher."""
    document = work.document
    publisher = " ".join(p for p in (document.source, document.author, document.url) if p)
    return currency_choices(work.text, publisher)


def _is_head(doc: Any, i: int, hi: int) -> bool:
    word = doc[i].lower_
    if word not in tables.aid_heads():
        return False
    if word in verb_forms() and not _noun_use(doc, i, hi):
        return False  # "to support the Government", "will also support": the verb
    if i + 1 >= hi:
        return True
    nxt = doc[i + 1]
    if word in tables.units() and nxt.lower_ == "of":
        return not _item_follows(doc, i + 2, hi)  # "300,000 doses of Sinopharm vaccine": a unit of that item
    if f"{word} {nxt.lower_}" in tables.aid_items():
        return False  # "relief supplies": a listed compound goes on
    heads = tables.aid_heads()
    verb = nxt.lower_ in verb_forms() and nxt.lower_ not in heads  # "relief funding": a noun head follows
    continues = nxt.is_alpha and nxt.is_lower and nxt.lower_ not in _STOP | _AFTER_HEAD and not verb
    if continues and (not nxt.lower_.endswith(("ed", "ing")) or nxt.lower_ in tables.aid_heads()):
        # "water purifiers", "aid planes": a modifier of the noun that follows; "assistance after the storm" is not
        return nxt.is_stop and not _head_follows(doc, i + 1, hi)
    # "Emergency Grant Aid": a Title Case compound continues
    return not (doc[i].text[:1].isupper() and nxt.text[:1].isupper() and nxt.lower_ in tables.aid_heads())


def _noun_use(doc: Any, i: int, hi: int) -> bool:
    """A word that is both an item and a verb ("support", "supplies", "training") is the verb after "to", an
    auxiliary, a modal or a pronoun ("to support", "will also support", "it supports"), or before an object ("support
    the Government", "supports UNICEF"); else the noun ("concrete support", "provided support", "training, and")."""
    if i + 1 < hi and (doc[i + 1].lower_ in _DETERMINERS or (_capitalised(doc[i + 1]) and not doc[i].is_title)):
        return False
    if i == 0:
        return True
    prev = doc[i - 1].lower_
    if prev == "of" and i >= 2 and doc[i - 2].is_alpha and not _measure(doc[i - 2].lower_):
        return False  # "letters of support", "a message of support": what is said, not given
    return prev not in _VERB_BEFORE and prev not in tables.words("aux_like") - {"and", "or"}


def _measure(word: str) -> bool:
    """A unit, number or currency word ("sets", "million", "euros") before "of"."""
    return word in tables.units() or word in tables.numbers() or word in tables.currencies()


# Words after which a verb stands: "to support", "must support", "we support".
_VERB_BEFORE = _words("verb_before")


_DETERMINERS = _words("determiners")


def _head_follows(doc: Any, j: int, hi: int) -> bool:
    """An item head ends the run of lower-case words that starts at token ``j`` ("water purifiers", "relief
    funding"), within four words."""
    for k in range(j, min(hi, j + 4)):
        token = doc[k]
        if not (token.is_alpha and token.is_lower) or token.lower_ in _STOP:
            return False
        if token.lower_ in tables.aid_heads():
            return True
    return False


def _item_follows(doc: Any, j: int, hi: int) -> bool:
    """An item starts at token ``j``, maybe after "the" and a name ("the Sinopharm vaccine"); "doses of Pfizer"
    names none, and "doses" is the item then."""
    if j < hi and doc[j].lower_ in ("the", "a", "an"):
        j += 1
    while j < hi and (
        _capitalised(doc[j]) or doc[j].text == "-" or doc[j - 1].text == "-" or doc[j].like_num or doc[j].is_upper
    ):  # "of Made-in-India vaccines"
        if doc[j].lower_ in tables.aid_heads():
            return True
        j += 1
    while j < hi and doc[j].is_alpha and doc[j].is_lower and doc[j].lower_ not in _STOP:
        if doc[j].lower_ in tables.aid_heads():
            return True
        j += 1
    return False


def _inside(offset: int, spans: list[tuple[int, int, Any, bool]]) -> bool:
    return any(s <= offset < e for s, e, _, _ in spans)


def _item(work: Work, head: int, lo: int, quantities: list[Quantity]) -> AidMention | None:
    doc = work.doc
    if work.mention_at(doc[head].idx) is not None:
        return None  # "World Food Programme", "United Nations Children's Fund": names, not items
    if doc[head].is_title and doc[head].lower_ in _NAME_HEADS and head > lo and doc[head - 1].is_title:
        return None  # "the ASEAN Response Fund": a name
    start = head
    while start - 1 >= lo and head - start < 5 and _modifier(doc, start - 1, head) and not _named(work, start - 1):
        start -= 1
    if start - 2 >= lo and _capitalised(doc[start - 1]) and doc[start - 2].lower_ == "of" and doc[head].is_lower:
        start -= 1  # "doses of Sinopharm vaccine", "of AstraZeneca vaccine": the brand belongs to the item
    elif (
        start - 3 >= lo
        and doc[start - 1].lower_ in ("'s", "’s")
        and _capitalised(doc[start - 2])
        and doc[start - 3].lower_ == "of"
        and doc[head].is_lower
    ):
        start -= 2  # "doses of AstraZeneca's vaccine": the maker's name belongs to the item
    while start < head and doc[start].lower_ in ("and", "or", "-"):
        start += 1  # "the government and relief": the conjunction joins two phrases, it is not part of the item
    words = doc[start : head + 1].text
    found = _category(words)
    if found is None:
        return None  # "assistance" alone is no item; "financial assistance" is
    category = found[0]
    quantity, unit, approximate, q_start = _quantity(work, start, quantities)
    if unit is None and doc[head].lower_ in tables.units() and quantity is not None:
        unit = tables.units()[doc[head].lower_]
    aid = Aid(item=words, category=category, quantity=quantity, unit=unit, approximate=approximate)
    return AidMention(min(q_start, doc[start].idx), doc[head].idx + len(doc[head]), aid)


def _capitalised(token: Any) -> bool:
    """A capitalised word: "Sinopharm", "AstraZeneca", "V" (a brand or a name, not "WHO")."""
    return token.is_title or (token.is_alpha and token.text[:1].isupper() and not token.is_upper)


def _modifier_shape(doc: Any, i: int) -> bool:
    """A lower-case word, a hyphen, "N95"/"KN95", or a part of "SARS-CoV-2" / "RT-PCR"."""
    text = doc[i].text
    if re.fullmatch(r"[a-z][\w-]*|[A-Z]+\d+[\w-]*|-|[A-Z][A-Za-z]*(?:-[A-Za-z0-9]+)+", text):
        return True
    if re.fullmatch(r"\d+", text):
        return i > 0 and doc[i - 1].text == "-"
    if re.fullmatch(r"[A-Z]{2,5}", text) and i + 1 < len(doc) and doc[i + 1].is_lower:
        return True  # "PPE kits", "ICU beds", "PCR tests" (an actor's acronym is a name, excluded by the caller)
    return bool(re.fullmatch(r"[A-Z]{2,}", text)) and i + 1 < len(doc) and doc[i + 1].text == "-"


def _named(work: Work, i: int) -> bool:
    """The token is part of an actor's name ("China" in a headline "China Delivers Vaccine Assistance")."""
    return work.mention_at(work.doc[i].idx) is not None


def _modifier(doc: Any, i: int, head: int) -> bool:
    token = doc[i]
    word = token.lower_
    if doc[head].text[:1].isupper() and token.is_title and word not in _STOP | verb_forms() | set(tables.units()):
        return True  # a Title Case item ("Emergency Grant Aid", "Vaccine Assistance")
    if word.endswith("ing") and " ".join(t.lower_ for t in doc[i : head + 1]) not in tables.aid_items():
        return False  # "purchasing masks" is no item; "testing kits" is
    if word in tables.numbers() or word in _NOT_MODIFIERS:
        return False
    if word in _STOP or word in tables.units() or word in verb_forms() or not _modifier_shape(doc, i):
        if word == "and" and i - 1 >= 0 and doc[i - 1].lower_ not in tables.aid_heads() | _STOP:
            word_before: bool = doc[i - 1].is_alpha and doc[i - 1].is_lower
            return word_before
        return False
    adjective_use = i + 1 == head and word in _HEAD_ADJECTIVES  # "20 manual ventilators": an adjective here
    if (
        word in tables.aid_heads()
        and not adjective_use
        and not any(
            " ".join(t.lower_ for t in doc[i : head + 1]).endswith(form) and form.startswith(word)
            for form in tables.aid_items()
        )
    ):
        return False  # "masks and gloves": a head of its own; but "water purifiers", "vaccine assistance" are one item
    return not (word.endswith("ed") and "-" not in word and word not in _ED_MODIFIERS)


_HEAD_ADJECTIVES = frozenset(_words("head_adjectives"))


def _category(words: str) -> tuple[str, str | None] | None:
    parts = words.lower().replace(" - ", "-").split()
    table = tables.aid_items()
    for k in range(len(parts)):
        found = table.get(" ".join(parts[k:]))
        if found:
            return found
    return None


def _quantity(work: Work, start: int, quantities: list[Quantity]) -> tuple[float | None, str | None, bool, int]:
    """Quantity, unit, approximate and start offset of "10,000 pairs of" / "more than 100,000" before an item."""
    doc = work.doc
    unit = None
    edge = doc[start].idx
    k = start - 1
    while k > 1 and start - k < 6 and (doc[k].text == "-" or _capitalised(doc[k]) or doc[k - 1].text == "-"):
        k -= 1  # "doses of Made-in-India vaccines": a name between "of" and the item
    while k > 1 and start - k < 3 and _participle(doc[k]):
        k -= 1  # "5 fully equipped ambulances", "1100 units of specialised medical equipment"
    if k > 1 and doc[k].lower_ in ("the", "a", "an") and doc[k - 1].lower_ == "of":
        k -= 1  # "5,000 doses of the vaccine"
    if k >= 1 and doc[k].lower_ == "of" and doc[k - 1].lower_ in tables.units():
        unit = tables.units()[doc[k - 1].lower_]
        edge = doc[k - 1].idx
        if k >= 2 and doc[k - 2].lower_ == "metric":
            edge = doc[k - 2].idx  # "10 metric tons of rice"
    elif k + 1 < start:
        edge = doc[k + 1].idx  # "5.5 million Pfizer vaccine doses", "20,000 Australian-manufactured vaccines"
    for q in quantities:
        if q.end <= edge and not work.text[q.end : edge].strip():
            return q.value, unit, q.approximate, q.start
    return None, None, False, doc[start].idx


def _abbreviates(short: AidMention, long: AidMention) -> bool:
    """ "PPE" for "personal protective equipment": the initials of the longer item."""
    letters = short.aid.item.replace(".", "")
    initials = "".join(w[0] for w in re.split(r"[\s-]+", long.aid.item) if w)
    return letters.isupper() and letters.lower() == initials.lower() and short.aid.quantity is None


def _listed_with(text: str, items: list[AidMention], k: int) -> list[int]:
    """The items coordinated after item ``k`` ("tests and medical equipment", "masks, gloves and gowns")."""
    ordered = sorted(range(len(items)), key=lambda i: items[i].start)
    out, end = [], items[k].end
    for i in ordered:
        if items[i].start < end:
            continue
        if not re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|and\s+)", text[end : items[i].start]):
            break
        out.append(i)
        end = items[i].end
    return out


def _participle(token: Any) -> bool:
    """A lower-case adjective in -ed or an adverb in -ly between a quantity and its item."""
    return token.is_alpha and token.is_lower and token.lower_.endswith(("ed", "ly")) and len(token) > 4


def _merge_items(items: list[AidMention], text: str = "") -> list[AidMention]:
    """Drop an item nested in another one (a unit word that is also a head: "doses of vaccines") and an item that
    only abbreviates the one before it ("Personal Protective Equipment (PPE)")."""
    out: list[AidMention] = []
    for item in items:
        if out and text and re.fullmatch(r"\s*\(\s*", text[out[-1].end : item.start]) and _abbreviates(item, out[-1]):
            continue
        if out and item.start <= out[-1].start and item.end >= out[-1].end:
            out.pop()  # "3 million doses of AstraZeneca's vaccine": the whole item holds the unit word
        elif out and item.start <= out[-1].end and item.aid.quantity is None and out[-1].aid.quantity is not None:
            prev = out.pop()
            item = AidMention(
                prev.start,
                item.end,
                Aid(
                    item.aid.item,
                    item.aid.category,
                    prev.aid.quantity,
                    prev.aid.unit or tables.units().get(prev.aid.item.lower()),
                    approximate=prev.aid.approximate,
                ),
            )
        out.append(item)
    return out


def _with_values(work: Work, items: list[AidMention], money: list[tuple[int, int, Money, bool]]) -> list[AidMention]:
    """Attach "worth …" values to the aggregate item; money standing alone becomes a funds item."""
    out = list(items)
    previous_end = -1
    for start, end, value, approx in money:
        if work.text[previous_end:start].strip() in _CONVERSION:
            continue  # "2 million US dollars (approximately 220 million yen)": a conversion, not a second value
        if re.match(r"\s+total\b", work.text[end : end + 12], re.IGNORECASE):
            continue  # "and $4 billion total planned": a total mentioned in passing, not an item
        if previous_end >= 0 and work.text[previous_end:start].strip(" ,") in _PART_OF_TOTAL:
            continue  # "€2.2 billion, including €1 billion from the budget": a part of the total
        previous_end = end
        before = [i for i, item in enumerate(out) if item.end <= start]
        gap = work.text[out[before[-1]].end : start].strip().lower() if before else None
        cue = _VALUE_CUE.search(work.text[max(0, start - 40) : start]) or gap == "of"
        if cue and before:
            k = before[-1]
            item = out[k]
            head = item.aid.item.split()[-1].lower()
            if head in _GENERIC or len(before) == 1 or gap == "of":
                category = "funds" if gap == "of" and head in _BARE else item.aid.category  # "contribution of $1m"
                out[k] = AidMention(
                    item.start,
                    end,
                    Aid(
                        item.aid.item,
                        category,
                        item.aid.quantity,
                        item.aid.unit,
                        value,
                        approx or item.aid.approximate,
                    ),
                    True,
                )
                continue
        after = re.match(r"\s+worth\s+of\s+", work.text[end : end + 20])
        following = [i for i, item in enumerate(out) if after and item.start == end + after.end()]
        counted = [i for i, item in enumerate(out) if start <= item.start < end and item.aid.quantity == value.amount]
        if counted and not out[counted[0]].aid.value:  # "$80 million contribution": the amount is the item's value
            item = out[counted[0]]
            category = "funds" if item.aid.item.split()[-1].lower() in _BARE else item.aid.category
            aid = replace(item.aid, category=category, quantity=None, unit=None, value=value, approximate=approx)
            out[counted[0]] = AidMention(start, item.end, aid, True)
            continue
        if not following:
            following = [
                i for i, item in enumerate(out) if _names_sum(work.text[end : item.start]) and not item.aid.value
            ]
        if following:  # "US$ 5 million worth of relief supplies", "$5 million package of humanitarian assistance"
            item = out[following[0]]
            listed = _listed_with(work.text, out, following[0])
            if after and listed and item.aid.quantity is None:
                # "€3.7 million worth of diagnostic tests and medical equipment": no head noun covers the list, so the
                # aggregate item is named by the list and carries the value; the kinds are listed without it
                last = out[listed[-1]]
                name = work.text[item.start : last.end]
                out.append(AidMention(start, last.end, Aid(name, last.aid.category, None, None, value, approx), True))
                continue
            aid = replace(item.aid, value=value, approximate=approx)
            if not after and aid.category == "other" and aid.item.split()[-1].lower() in _BARE:
                aid = replace(aid, category="funds")  # "$5 million in assistance": the assistance is money
            out[following[0]] = AidMention(start, item.end, aid, True)
            continue
        if not cue:
            name, name_end = _funds_name(work.text, end)
            out = [o for o in out if not (end <= o.start and o.end <= name_end)]  # "€3.5 million in humanitarian aid"
            out.append(AidMention(start, name_end, Aid(name, "funds", None, None, value, approx)))
    return sorted(out, key=lambda a: a.start)


def select_items(work: Work, items: list[AidMention]) -> tuple[Aid, ...]:
    """The items an event reports: purposes ("grant aid for … equipment") and bare generic heads beside
    specific items ("emergency relief goods (200 tents, …)") are left out, and so are anaphoric ones ("the goods")."""
    funded = any(i.aid.category == "funds" and i.aid.value for i in items)
    items = [i for i in items if not (_bare(i.aid) and (_anaphoric(work, i) or _specified(work, i, items)))]
    kept = []
    beside = len([other for other in items if not _bare(other.aid)]) > 1  # specific items beside
    for item in items:
        before = work.text[max(0, item.start - 12) : item.start].lower().split()
        head = item.aid.item.split()[-1].lower()
        if funded and before and before[-1] == "for":
            continue
        tail = bool(before) and before[-1] == "other"  # "and other supplies": a vague tail
        vague = head in _GENERIC and (tail or (head not in _BARE and item.aid.category == "other"))
        generic = vague and item.aid.value is None
        anaphoric = bool(before) and before[-1] in _ANAPHORIC
        umbrella = bool(_UMBRELLA.match(work.text, item.end))  # "relief supplies such as soap": kept with its kinds
        if generic and item.aid.quantity is None and (tail or anaphoric or (beside and not umbrella)):
            continue
        kept.append(item)
    return tuple(_situation_category(work, i.aid) for i in kept)


def _specified(work: Work, item: AidMention, items: list[AidMention]) -> bool:
    """ "assistance in prevention materials", "assistance with food": the items that follow say what the
    assistance is; "as grant assistance" only says how the items before were given."""
    before = work.text[max(0, item.start - 20) : item.start].lower().split()
    if "as" in before[-2:] and any(other.end <= item.start for other in items):
        return True
    after = re.match(r"\s+(?:in|with)\s+", work.text[item.end : item.end + 8])
    return after is not None and any(other.start >= item.end + after.end() for other in items)


_UMBRELLA = re.compile(r"\s*(?:,\s*)?(?:such\s+as|including)\b|\s*:", re.IGNORECASE)


def _anaphoric(work: Work, item: AidMention) -> bool:
    """ "the assistance", "this aid": an item named before, not a new one."""
    before = work.text[max(0, item.start - 12) : item.start].lower().split()
    return bool(before) and before[-1] in _ANAPHORIC | _words("anaphoric_possessive")


def _bare(aid: Aid) -> bool:
    """ "aid", "timely assistance", with neither quantity nor value: no item ("provided aid to …")."""
    head = aid.item.split()[-1].lower()
    return head in _BARE and aid.category == "other" and aid.quantity is None and aid.value is None


def _situation_category(work: Work, aid: Aid) -> Aid:
    """Plain "materials"/"supplies" take the category of the situation the text is about (``supplies`` in
    ``lexicon/situations.tsv``: anti-epidemic materials in a text about an epidemic)."""
    category = work.situations[0].supplies if work.situations else None
    if category and aid.category == "other" and aid.item.split()[-1].lower() in _SITUATION_HEADS:
        return replace(aid, category=category)
    return aid


_SUM_OF = re.compile(
    r"\s*(?:[A-Za-z]+\s+)?(?:in|of)\s+(?:(?:[A-Za-z-]+|U\.S\.)\s+){0,3}",
    re.IGNORECASE,
)


def _names_sum(between: str) -> bool:
    """The words between an amount and an item say the amount is that item: "in", "of", "package of", then at most
    three modifiers that did not join the item ("$5 million package of humanitarian assistance", "€1.5 million
    package of initial EU humanitarian assistance", "$350,000 in life-saving equipment")."""
    # "40 million yuan (about 5.9 million U.S. dollars) of emergency humanitarian assistance": a conversion in
    # brackets stands between the amount and what it names
    between = re.sub(r"^\s*\([^()]{1,60}\)", "", between)
    m = _SUM_OF.fullmatch(between)
    return m is not None and bool(between.split()) and between.split()[0].lower() in ("in", "of", *_SUM_NOUNS)


_SUM_NOUNS = _words("sum_nouns")
_FUNDS_NOUNS = _words("funds_nouns")


def _funds_name(text: str, end: int) -> tuple[str, int]:
    """ "$1 million in cash" → "cash"; "€3.5 million in humanitarian aid" → "humanitarian aid"; else "funds"."""
    m = re.match(rf"\s+(?:in|of)\s+((?:[A-Za-z-]+\s+){{0,2}}(?:{_alternatives(_FUNDS_NOUNS)}))\b", text[end : end + 60])
    return (m.group(1), end + m.end()) if m else ("funds", end)
