"""Aid items: what ("medical masks"), its category, how many ("more than 1,100 copies"), worth what.

An item phrase ends in a head word of ``lexicon/aid_items.tsv`` and reaches left over its
modifiers ("virus detection reagents", "safety and prevention guide"); its category is that of the
longest listed suffix. A quantity right before it, possibly with a unit ("10,000 pairs of gloves"),
gives quantity and unit; an approximation marker makes it approximate. Money ("3 million yuan",
"US$2 million", "€5m") is normalised to ISO 4217 with ``lexicon/currencies.tsv``.

A value that covers several items ("X, Y and other materials worth more than 3 million yuan")
goes on a separate aggregate item named by the head noun ("materials", quantity null), the
convention of the annotation guidelines; X and Y keep value null. Money given as such ("donated
$1 million") becomes a funds item.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

from service.extract import tables
from service.extract.quantities import Quantity, find_quantities
from service.extract.triggers import verb_forms
from service.extract.work import AidMention, Work
from service.model import Aid, Money

_STOP = tables.words("item_stop")
_VALUE_CUE = re.compile(
    r"(?:worth|valued\s+at|with\s+a\s+(?:total\s+)?value\s+of|totall?ing|amounting\s+to|at\s+a\s+cost\s+of|"
    r"costing|value\s+of)\s*(?:a\s+total\s+of\s+|about\s+|over\s+)?$",
    re.IGNORECASE,
)
_GENERIC = frozenset(
    {"materials", "supplies", "goods", "items", "products", "aid", "assistance", "donations", "relief"}
    | {"cargo", "shipment", "shipments", "consignment", "consignments", "batch", "batches", "package", "packages"}
)
# Words that are an item only with a quantity or a value ("120 tonnes of aid"), never alone ("provided aid").
_BARE = frozenset({"aid", "assistance", "relief"})
_NOT_MODIFIERS = tables.words("not_modifiers")
# Words that may follow an item's head: anything else that is a lower-case word continues the compound
# ("water purifiers": "water" is a modifier there, not the item).
_AFTER_HEAD = tables.words("after_head")


@lru_cache(maxsize=1)
def _currency_forms() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(forms written before the number, forms written after it), longest first."""
    before, after = [], []
    for form, (code, position) in sorted(tables.currencies().items(), key=lambda kv: -len(kv[0])):
        if position in ("before", "either"):
            before.append((form, code))
        if position in ("after", "either"):
            after.append((form, code))
    return before, after


def find_money(text: str) -> list[tuple[int, int, Money, bool]]:
    """(start, end, Money, approximate) for every amount with a currency in a text."""
    before, after = _currency_forms()
    out = []
    for q in find_quantities(text):
        number_start = q.start + len(text[q.start : q.end]) - len(text[q.start : q.end].lstrip())
        lead = text[max(0, q.start - 6) : q.start].lower()
        trail = text[q.end : q.end + 24].lower()
        code, start, end = None, q.start, q.end
        for form, c in before:
            if lead.rstrip().endswith(form) and not re.search(r"[a-z]$", lead.rstrip()[: -len(form)] or " "):
                code, start = c, q.start - (len(lead) - lead.rstrip().rfind(form))
                break
        if code is None:
            for form, c in after:
                m = re.match(rf"\s*{re.escape(form)}(?![\w])", trail)
                if m:
                    code, end = c, q.end + m.end()
                    break
        if code is not None:
            out.append((min(start, number_start), end, Money(q.value, code), q.approximate))
    return out


def find_aid(work: Work) -> Work:
    """Find the aid items and money of every sentence."""
    found: list[AidMention] = []
    for sentence in work.sentences:
        found += sentence_aid(work, sentence.token_start, sentence.token_end)
    work.aid = found
    return work


def sentence_aid(work: Work, lo: int, hi: int) -> list[AidMention]:
    """The aid mentions of one token range, in text order."""
    doc = work.doc
    base = doc[lo].idx
    text = work.text[base : doc[hi - 1].idx + len(doc[hi - 1])]
    money = [(s + base, e + base, v, a) for s, e, v, a in find_money(text)]
    quantities = [Quantity(q.value, q.start + base, q.end + base, q.approximate) for q in find_quantities(text)]
    items: list[AidMention] = []
    for i in range(lo, hi):
        if _is_head(doc, i, hi) and not _inside(doc[i].idx, money):
            item = _item(work, i, lo, quantities)
            if item is not None:
                items.append(item)
    items = _merge_items(items)
    return _with_values(work, items, money)


def _is_head(doc: Any, i: int, hi: int) -> bool:
    word = doc[i].lower_
    if word not in tables.aid_heads():
        return False
    if i + 1 >= hi:
        return True
    nxt = doc[i + 1]
    if word in tables.units() and nxt.lower_ == "of":
        return False  # "300,000 doses of Sinopharm vaccine": a unit of the item that follows
    if f"{word} {nxt.lower_}" in tables.aid_items():
        return False  # "relief supplies": a listed compound goes on
    continues = nxt.is_alpha and nxt.is_lower and nxt.lower_ not in _STOP | _AFTER_HEAD | verb_forms()
    if continues and (not nxt.lower_.endswith(("ed", "ing")) or nxt.lower_ in tables.aid_heads()):
        return False  # "water purifiers": "water" modifies the head that follows
    # "Emergency Grant Aid": a Title Case compound continues
    return not (doc[i].text[:1].isupper() and nxt.text[:1].isupper() and nxt.lower_ in tables.aid_heads())


def _inside(offset: int, spans: list[tuple[int, int, Any, bool]]) -> bool:
    return any(s <= offset < e for s, e, _, _ in spans)


def _item(work: Work, head: int, lo: int, quantities: list[Quantity]) -> AidMention | None:
    doc = work.doc
    if work.mention_at(doc[head].idx) is not None:
        return None  # "World Food Programme", "United Nations Children's Fund": names, not items
    if doc[head].is_title and doc[head].lower_ in ("fund", "facility") and head > lo and doc[head - 1].is_title:
        return None  # "the COVID-19 ASEAN Response Fund": a name
    start = head
    while start - 1 >= lo and head - start < 5 and _modifier(doc, start - 1, head) and not _named(work, start - 1):
        start -= 1
    if start - 2 >= lo and doc[start - 1].is_title and doc[start - 2].lower_ == "of" and doc[head].is_lower:
        start -= 1  # "doses of Sinopharm vaccine": the brand belongs to the item
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


def _modifier_shape(doc: Any, i: int) -> bool:
    """A lower-case word, a hyphen, "N95"/"KN95", or a part of "COVID-19" / "RT-PCR"."""
    text = doc[i].text
    if re.fullmatch(r"[a-z][\w-]*|[A-Z]+\d+[\w-]*|-|[A-Z][A-Za-z]*(?:-[A-Za-z0-9]+)+", text):
        return True
    if re.fullmatch(r"\d+", text):
        return i > 0 and doc[i - 1].text == "-"
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
            return doc[i - 1].is_alpha and doc[i - 1].is_lower
        return False
    if word in tables.aid_heads() and not any(
        " ".join(t.lower_ for t in doc[i : head + 1]).endswith(form) and form.startswith(word)
        for form in tables.aid_items()
    ):
        return False  # "masks and gloves": a head of its own; but "water purifiers", "vaccine assistance" are one item
    return not (word.endswith("ed") and "-" not in word and word not in ("advanced", "canned", "detected"))


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
    while k > 1 and start - k < 6 and (doc[k].text == "-" or doc[k].is_title or doc[k - 1].text == "-"):
        k -= 1  # "doses of Made-in-India COVID-19 vaccines": a name between "of" and the item
    if k > 1 and doc[k].lower_ in ("the", "a", "an") and doc[k - 1].lower_ == "of":
        k -= 1  # "5,000 doses of the vaccine"
    if k >= 1 and doc[k].lower_ == "of" and doc[k - 1].lower_ in tables.units():
        unit = tables.units()[doc[k - 1].lower_]
        edge = doc[k - 1].idx
        if k >= 2 and doc[k - 2].lower_ == "metric":
            edge = doc[k - 2].idx  # "10 metric tons of rice"
    for q in quantities:
        if q.end <= edge and not work.text[q.end : edge].strip():
            return q.value, unit, q.approximate, q.start
    return None, None, False, doc[start].idx


def _merge_items(items: list[AidMention]) -> list[AidMention]:
    """Drop an item nested in another one (a unit word that is also a head: "doses of vaccines")."""
    out = []
    for item in items:
        if out and item.start <= out[-1].end and item.aid.quantity is None and out[-1].aid.quantity is not None:
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
        if work.text[previous_end:start].strip() in ("(", "(approximately", "(about", "(approx.", "(around", "(or"):
            continue  # "2 million US dollars (approximately 220 million yen)": a conversion, not a second value
        previous_end = end
        before = [i for i, item in enumerate(out) if item.end <= start]
        gap = work.text[out[before[-1]].end : start].strip().lower() if before else None
        cue = _VALUE_CUE.search(work.text[max(0, start - 40) : start]) or gap == "of"
        if cue and before:
            k = before[-1]
            item = out[k]
            if item.aid.item.split()[-1].lower() in _GENERIC or len(before) == 1:
                out[k] = AidMention(
                    item.start,
                    end,
                    Aid(
                        item.aid.item,
                        item.aid.category,
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
        if following:  # "US$ 5 million worth of relief supplies"
            item = out[following[0]]
            out[following[0]] = AidMention(start, item.end, replace(item.aid, value=value, approximate=approx), True)
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
    items = [i for i in items if not _bare(i.aid)]
    kept = []
    for item in items:
        before = work.text[max(0, item.start - 12) : item.start].lower().split()
        head = item.aid.item.split()[-1].lower()
        if funded and before and before[-1] == "for":
            continue
        generic = head in _GENERIC and item.aid.category == "other" and item.aid.value is None
        anaphoric = bool(before) and before[-1] in ("the", "this", "these", "that", "those")
        if generic and item.aid.quantity is None and (len(items) > 1 or anaphoric):
            continue
        kept.append(item)
    return tuple(_covid_category(work, i.aid) for i in kept)


def _bare(aid: Aid) -> bool:
    """ "aid", "timely assistance", with neither quantity nor value: no item ("provided aid to …")."""
    head = aid.item.split()[-1].lower()
    return head in _BARE and aid.category == "other" and aid.quantity is None and aid.value is None


def _covid_category(work: Work, aid: Aid) -> Aid:
    """Plain "materials"/"supplies" in a text about COVID-19 are anti-epidemic materials."""
    if aid.category == "other" and work.covid and aid.item.split()[-1].lower() in ("materials", "supplies"):
        return Aid(aid.item, "anti_epidemic_materials", aid.quantity, aid.unit, aid.value, aid.approximate)
    return aid


def _funds_name(text: str, end: int) -> tuple[str, int]:
    """ "$1 million in cash" → "cash"; "€3.5 million in humanitarian aid" → "humanitarian aid"; else "funds"."""
    m = re.match(
        r"\s+(?:in|of)\s+((?:[A-Za-z-]+\s+){0,2}(?:aid|assistance|funds|funding|cash|grants?|donations?))\b",
        text[end : end + 60],
    )
    return (m.group(1), end + m.end()) if m else ("funds", end)
