"""Syntax: the shipped English tagger + dependency parser (UD English EWT), loaded once per process.

``parse(["Japan will donate 500,000 doses of vaccine to Viet Nam."])`` gives spaCy Docs with
``tag_`` (Penn Treebank tags), ``pos_`` and ``morph`` (UPOS and UD features), ``dep_`` and
``head`` (UD relations: nsubj, nsubj:pass, obj, iobj, obl, obl:agent, aux, aux:pass,
nmod:poss, conj, cc, ...). Each text is parsed as one sentence (one tree). The model lives in
``service/extract/parser/model`` (CC BY-SA 4.0, see the README there); nothing is downloaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from spacy.tokens import Doc

MODEL_PATH = Path(__file__).resolve().parent / "parser" / "model"

__all__ = ["MODEL_PATH", "ParserMissing", "load_parser", "parse", "parse_words"]


class ParserMissing(RuntimeError):
    """The trained model is not where the package puts it."""


@lru_cache(maxsize=1)
def load_parser() -> Any:
    """The syntax pipeline (tokenizer, tok2vec, tagger, morphologizer, parser), loaded once."""
    if not (MODEL_PATH / "config.cfg").is_file():
        raise ParserMissing(
            f"the syntax model is missing from {MODEL_PATH}; reinstall the package, or rebuild it with "
            "`make model TREEBANK=path/to/UD_English-EWT` (see service/extract/parser/README.md)"
        )
    return spacy.load(MODEL_PATH)


def parse(texts: Iterable[str], batch_size: int = 64) -> list[Doc]:
    """One parsed Doc per text, tokenised by spaCy's English tokenizer; each text is one sentence."""
    nlp = load_parser()
    return _run(nlp, [nlp.make_doc(text) for text in texts], batch_size)


def parse_words(
    words: Sequence[Sequence[str]], spaces: Sequence[Sequence[bool]] | None = None, batch_size: int = 64
) -> list[Doc]:
    """Like :func:`parse` for tokens already cut (e.g. a sentence span of the extractor's Doc), kept as they are."""
    nlp = load_parser()
    docs = [
        Doc(nlp.vocab, words=list(ws), spaces=None if spaces is None else list(spaces[i])) for i, ws in enumerate(words)
    ]
    return _run(nlp, docs, batch_size)


def _run(nlp: Any, docs: list[Doc], batch_size: int) -> list[Doc]:
    for doc in docs:
        for token in doc[1:]:
            token.is_sent_start = False  # the caller's sentence: the parser makes one tree of it
    return list(nlp.pipe(docs, batch_size=batch_size))
