"""Documents: the list, and the text cut into sentences and trigger mentions for highlighting."""

from __future__ import annotations

import pytest

from service.errors import NotFound
from service.rdf.iris import Iris
from service.store import Store
from service.timeline.documents import Mention, Sentence, get_document, list_documents, segment, segments_json

from .graphs import BASE


def ev(key: str, sentence: tuple[int, int], trigger: tuple[int, int]) -> dict:
    return {"key": key, "type": "visit", "offsets": {"sentence": list(sentence), "trigger": list(trigger)}}


def flatten(segments: list) -> str:
    out = []
    for seg in segments:
        if isinstance(seg, str):
            out.append(seg)
        else:
            out += [p if isinstance(p, str) else p.text for p in seg.parts]
    return "".join(out)


def test_documents_segment_marks_sentences_and_triggers() -> None:
    text = "Intro. Beijing met Tokyo. Outro."
    segments = segment(text, [ev("a", (7, 25), (15, 18))])
    assert segments[0] == "Intro. " and segments[-1] == " Outro."
    sentence = segments[1]
    assert isinstance(sentence, Sentence) and sentence.anchor == "s-7"
    assert sentence.parts[0] == "Beijing " and sentence.parts[2] == " Tokyo."
    mention = sentence.parts[1]
    assert isinstance(mention, Mention) and mention.text == "met" and [e["key"] for e in mention.events] == ["a"]
    assert flatten(segments) == text


def test_documents_segment_shares_a_sentence_and_merges_overlapping_triggers() -> None:
    text = "Beijing sent letters to Tokyo."
    segments = segment(text, [ev("a", (0, 30), (8, 12)), ev("b", (0, 30), (8, 20)), ev("c", (0, 30), (24, 29))])
    assert len(segments) == 1
    mentions = [p for p in segments[0].parts if isinstance(p, Mention)]
    assert [m.text for m in mentions] == ["sent letters", "Tokyo"]
    assert [e["key"] for e in mentions[0].events] == ["a", "b"]
    assert flatten(segments) == text


def test_documents_segment_ignores_offsets_outside_the_text() -> None:
    text = "Short."
    assert segment(text, [ev("a", (0, 99), (0, 1)), ev("b", (3, 2), (3, 2))]) == ["Short."]


def test_documents_segments_json_keeps_the_text() -> None:
    text = "A met B."
    out = segments_json(segment(text, [ev("a", (0, 8), (2, 5))]))
    assert out == [{"sentence": "s-0", "start": 0, "end": 8, "parts": [
        {"text": "A "}, {"text": "met", "trigger": [2, 5], "events": ["a"]}, {"text": " B."}]}]  # fmt: skip


def test_documents_list_counts_events(small: Store) -> None:
    docs = {d["id"]: d for d in list_documents(small, Iris(BASE))}
    assert docs["doc-a"]["events"] == 3 and docs["doc-a"]["title"] == "Aid news"
    assert docs["doc b/<x>"]["title"] == "<script>alert('title')</script>"


def test_documents_get_has_text_events_and_segments(small: Store) -> None:
    doc = get_document(small, Iris(BASE), "doc-a")
    assert doc["text"].startswith("Aid news")
    assert [e["trigger"] for e in doc["events"]] == ["donated", "sent letters", "met"]  # text order
    assert flatten(doc["segments"]) == doc["text"]
    assert doc["links"]["rdf"] == "/id/document/doc-a"


@pytest.mark.parametrize("doc_id", ["missing", "a b <c>"])
def test_documents_unknown_id_is_not_found(small: Store, doc_id: str) -> None:
    with pytest.raises(NotFound):
        get_document(small, Iris(BASE), doc_id)
