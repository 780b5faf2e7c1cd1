"""The extent of a person's title phrase: "XU Gansu, Vice-Minister of … and Director of NIA".

A title phrase starts with a title word (``lexicon/titles.tsv``) and runs over capitalised words,
"of", "the", "in", hyphens and other mentions, which become the person's affiliations. It may
follow the name after a comma ("Cai Qi, Secretary of the CPC Beijing Municipal Committee") or
precede it ("Mayor of Seoul Park Won-soon", "the Chief of Mission of IOM in China, Mr. Giuseppe
CROCETTI").
"""

from __future__ import annotations

from typing import Any

from service.extract import tables
from service.extract.work import Mention, Work

_LINKS = frozenset({"of", "the", "in", "to", "-", "'s", "’s", "(", ")", "for", "on", "&"})
_AND = frozenset({"and", "&"})
_LOWER_TITLES = tables.function_word_set("lower_titles")


def _is_title(token: Any) -> bool:
    return token.lower_ in tables.titles() and token.text[:1].isupper()


def _titleish(token: Any) -> bool:
    return token.text[:1].isupper() or token.lower_ in _LINKS


def title_extent(work: Work, person: Mention, mentions: list[Mention]) -> tuple[int, int, set[int]]:
    """The person's mention widened over its title phrases, and the indices of the mentions inside."""
    doc = work.doc
    sentence = work.sentence_of(person.start)
    lo = sentence.token_start if sentence else 0
    hi = sentence.token_end if sentence else len(doc)
    start_tok = _backward(doc, person.token_start, lo)
    if _is_title(doc[start_tok]) or doc[start_tok].lower_ in _LOWER_TITLES:
        # "Indian Prime Minister Narendra Modi", "his Pakistani counterpart Bilawal …": the state the title is of
        for m in mentions:
            if m.actor is not None and m.actor.kind == "country" and m.token_start < start_tok <= m.token_end:
                start_tok = m.token_start
    end_tok = _forward(doc, person.token_end, hi)
    inside = {
        i for i, m in enumerate(mentions) if m is not person and start_tok <= m.token_start and m.token_end <= end_tok
    }
    return doc[start_tok].idx, doc[end_tok - 1].idx + len(doc[end_tok - 1]), inside


def _forward(doc: Any, end: int, hi: int) -> int:
    """After "Name, Title of …" the phrase ends before the next comma or lower-case word."""
    i = end
    if i < hi and doc[i].text == ",":
        i += 1
    if i < hi and doc[i].lower_ in {"the", "a", "former"}:
        i += 1
    if i >= hi or not _is_title(doc[i]):
        return end
    last = i
    while i < hi:
        token = doc[i]
        if token.lower_ in _AND and i + 1 < hi and _is_title(doc[i + 1]):
            i += 1
            continue
        if not _titleish(token) or token.text in {",", ";"}:
            break
        last = i
        i += 1
    return last + 1


def _backward(doc: Any, start: int, lo: int) -> int:
    """Before the name: "Mayor of Seoul …", "the Chief of Mission of IOM in China, Mr. …"."""
    i = start - 1
    leftmost: int | None = None
    crossed = False
    if i >= lo and doc[i].text.islower() and doc[i].lower_ in _LOWER_TITLES:
        return i  # wire prose: "his Pakistani counterpart Bilawal Bhutto Zardari", "aid chief Janez Lenarčič"
    if i > lo and doc[i].text == ",":
        crossed, i = True, i - 1  # "The EU Ambassador to Guinea-Bissau, Sónia Neto, attended …"
    while i >= lo:
        token = doc[i]
        if token.text == "," and not crossed and leftmost is not None:
            crossed = True
            i -= 1
            continue
        if not _titleish(token) or token.text == ",":
            break
        if _is_title(token):
            leftmost = i
        i -= 1
    if leftmost is None:
        return start
    if leftmost > lo and doc[leftmost - 1].lower_ == "the":
        leftmost -= 1
    return leftmost
