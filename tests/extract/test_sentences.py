"""Sentences: spaCy's sentencizer, line breaks, hard-wrapped text, offsets into the verbatim text."""

from __future__ import annotations

from service.extract.gazetteer import Gazetteer
from service.extract.sentences import hard_wrapped, split_sentences
from service.extract.work import Work
from service.model import Document


def _sentences(text: str, gazetteer: Gazetteer) -> list[str]:
    work = split_sentences(Work(document=Document(id="s", text=text), gazetteer=gazetteer))
    return [text[s.start : s.end] for s in work.sentences]


def test_sentences_split_at_full_stops_not_at_abbreviations(gazetteer: Gazetteer) -> None:
    text = "Mr. Cai Qi met the ambassador. China donated 1,000 masks to Italy on Oct. 20, 2020."
    assert _sentences(text, gazetteer) == [
        "Mr. Cai Qi met the ambassador.",
        "China donated 1,000 masks to Italy on Oct. 20, 2020.",
    ]


def test_sentences_never_cross_a_line_break_in_a_line_per_paragraph_text(gazetteer: Gazetteer) -> None:
    text = "Partner city Beijing sends masks to Cologne\n\nPosted on April 15th, 2020\nCologne received masks."
    assert _sentences(text, gazetteer) == [
        "Partner city Beijing sends masks to Cologne",
        "Posted on April 15th, 2020",
        "Cologne received masks.",
    ]


def test_sentences_run_across_single_line_breaks_in_hard_wrapped_text(gazetteer: Gazetteer) -> None:
    line = "The ministry said that the donated equipment would be installed in the provincial hospitals\n"
    text = (line * 5) + "soon.\n\nA second paragraph starts here and it is also a rather long sentence for a test.\n"
    assert hard_wrapped(text)
    sentences = _sentences(text, gazetteer)
    assert len(sentences) == 2
    assert sentences[0].endswith("soon.")


def test_sentences_offsets_point_into_the_verbatim_text(gazetteer: Gazetteer) -> None:
    text = "  Title line\r\n\r\nFirst  sentence here.   Second one!\n"
    work = split_sentences(Work(document=Document(id="s", text=text), gazetteer=gazetteer))
    for sentence in work.sentences:
        piece = text[sentence.start : sentence.end]
        assert piece == piece.strip() and piece
    assert [text[s.start : s.end] for s in work.sentences] == ["Title line", "First  sentence here.", "Second one!"]
    assert work.sentences[1].paragraph == work.sentences[2].paragraph != work.sentences[0].paragraph
