"""Tokens and sentences: spaCy's blank English tokenizer and rule-based sentencizer.

No model is loaded: ``spacy.blank("en")`` plus the ``sentencizer`` is enough for this prose, and
a line break always ends a sentence (titles, datelines and header lines are lines of their own).
A paragraph is a line, except in hard-wrapped texts (most lines 40–100 characters, many of them
ending mid-sentence), where a single line break is only a space and paragraphs are separated by
blank lines.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import spacy

from service.extract.work import Sentence, Work

_LINE_BREAK = re.compile(r"\n")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


@lru_cache(maxsize=1)
def pipeline() -> Any:
    """The shared blank pipeline (tokenizer + sentencizer), built once per process."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def split_sentences(work: Work) -> Work:
    """Tokenise the whole text once and cut it into sentences that never cross a line break."""
    doc = pipeline()(work.text)
    work.doc = doc
    wrapped = hard_wrapped(work.text)
    breaks = [m.start() for m in (_BLANK_LINE if wrapped else _LINE_BREAK).finditer(work.text)]
    sentences: list[Sentence] = []
    for sent in doc.sents:
        for t_start, t_end in _line_pieces(doc, sent.start, sent.end, 2 if wrapped else 1):
            start, end = doc[t_start].idx, doc[t_end - 1].idx + len(doc[t_end - 1])
            paragraph = _count_before(breaks, start)
            sentences.append(Sentence(len(sentences), start, end, t_start, t_end, paragraph))
    work.sentences = sentences
    return work


def hard_wrapped(text: str) -> bool:
    """True when the text is wrapped at a fixed width, so a single line break does not end a sentence."""
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    if len(lines) < 4:
        return False
    medium = [line for line in lines if 40 <= len(line) <= 100]
    open_ended = [line for line in medium if line[-1] not in '.!?:;"\u201d)']
    return len(medium) >= 0.7 * len(lines) and len(open_ended) >= 0.4 * len(medium)


def _line_pieces(doc: Any, start: int, end: int, newlines: int) -> list[tuple[int, int]]:
    """Token ranges of a sentence split at white space holding ``newlines`` line breaks, without blank tokens."""
    pieces: list[tuple[int, int]] = []
    piece_start: int | None = None
    for i in range(start, end):
        token = doc[i]
        if token.is_space:
            if token.text.count("\n") >= newlines and piece_start is not None:
                pieces.append((piece_start, _trim(doc, piece_start, i)))
                piece_start = None
            continue
        if piece_start is None:
            piece_start = i
    if piece_start is not None:
        pieces.append((piece_start, _trim(doc, piece_start, end)))
    return [(s, e) for s, e in pieces if e > s]


def _trim(doc: Any, start: int, end: int) -> int:
    while end > start and doc[end - 1].is_space:
        end -= 1
    return end


def _count_before(positions: list[int], offset: int) -> int:
    """Paragraph number: the number of line breaks before an offset (lines are this genre's paragraphs)."""
    lo, hi = 0, len(positions)
    while lo < hi:
        mid = (lo + hi) // 2
        if positions[mid] < offset:
            lo = mid + 1
        else:
            hi = mid
    return lo
