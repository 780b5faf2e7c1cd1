"""Quantities in prose: "1,100", "3 million", "3.5m", "twenty-four", "more than 100" (approximate).

Number words, scale words and the markers that make a quantity approximate are in
``lexicon/numbers.tsv``. Parsing never raises: what is not a number is None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from service.extract import tables


@dataclass(frozen=True)
class Quantity:
    """A number found in a text, with its offsets in that text."""

    value: float
    start: int
    end: int
    approximate: bool = False


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The quantity scanner and the approximation marker that may end right before a quantity."""
    table = tables.numbers()
    words = [w for w, (_, kind) in table.items() if kind == "number"]
    scales = [w for w, (_, kind) in table.items() if kind == "scale"]
    approx = [w for w, (_, kind) in table.items() if kind == "approx"]
    word_number = rf"(?:{_alternatives(words)})(?:[- ](?:{_alternatives(words)}))?"
    # "1,100", "1 100" and "5 000" (a space as thousands separator), "1.5", "300000".
    digits = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,.])|\d+(?:\.\d+)?"
    # A scale glued to digits ("3m", "5bn") or after a space ("3 million"); "COVID-19" and "24-hour" are not quantities.
    scanner = re.compile(
        rf"(?<![\d.,\-/_])(?<!(?-i:[a-z]))(?P<num>{digits}|{word_number})"
        rf"(?:(?P<glued>m|bn|k)\b|\s+(?P<scale>(?:{_alternatives(scales)})(?:\s+(?:{_alternatives(scales)}))?)\b)?"
        rf"(?![\w\-%]|[.,]\d)",
        re.IGNORECASE,
    )
    marker = re.compile(rf"(?:^|(?<=\W))(?:{_alternatives(approx)})\s*$", re.IGNORECASE)
    return scanner, marker


def parse_number(text: str) -> float | None:
    """The value of a number written in digits or words ("1,100", "2.5", "twenty-four"), or None."""
    text = text.strip().lower().replace(",", "")
    if re.fullmatch(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+", text):
        text = re.sub(r"\s", "", text)
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    table = tables.numbers()
    whole = table.get(" ".join(text.split()))
    if whole and whole[1] == "number":
        return whole[0]
    total = 0.0
    for part in re.split(r"[- ]+", text):
        value, kind = table.get(part, (None, ""))
        if value is None or kind != "number":
            return None
        total += value
    return total


def parse_quantity(text: str) -> float | None:
    """The value of a whole quantity expression ("3 million", "more than 1,100", "5bn"), or None."""
    found = find_quantities(text)
    if len(found) != 1 or text[found[0].end :].strip():
        return None
    return found[0].value


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in a text, with the approximation marker right before it taken into account."""
    scanner = _patterns()[0]
    table = tables.numbers()
    out: list[Quantity] = []
    for m in scanner.finditer(text):
        value = parse_number(m.group("num"))
        if value is None or _glued_to_a_name(text, m.start()):
            continue
        scale_words = (m.group("scale") or "").lower().split() or (
            [m.group("glued").lower()] if m.group("glued") else []
        )
        for word in scale_words:
            value *= table.get(word, (1.0, ""))[0] or 1.0
        marked = approximate_before(text, m.start())
        out.append(Quantity(value, m.start() if marked is None else marked, m.end(), approximate=marked is not None))
    return out


def approximate_before(text: str, offset: int) -> int | None:
    """Where an approximation marker that ends right before ``offset`` starts ("nearly " before "$100 million")."""
    found = _patterns()[1].search(text[max(0, offset - 30) : offset])
    return offset - len(found.group(0)) if found else None


def _glued_to_a_name(text: str, start: int) -> bool:
    """ "G20", "Il76": capitals glued to the digits that are not a currency ("RMB5", "USD10" are money)."""
    letters = re.search(r"[A-Z]+$", text[max(0, start - 5) : start])
    return letters is not None and letters.group(0).lower() not in tables.currencies()
