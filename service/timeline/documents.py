"""Documents: the list, and one document's text cut into segments that mark each event mention.

The text is returned as plain segments (text, sentence, trigger) for the template to render
with escaping on; nothing here builds HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from pyoxigraph import NamedNode

from service.errors import NotFound
from service.rdf.iris import Iris
from service.store import Store
from service.timeline import fields
from service.timeline.assemble import local_path, value
from service.timeline.events import Finder


def list_documents(store: Store, iris: Iris) -> list[dict[str, Any]]:
    """Every document with its metadata and how many events were read from it."""
    out = []
    for row in store.query(fields.DOCUMENTS):  # type: ignore[union-attr]  # a SELECT: QuerySolutions
        doc_id = value(row["docId"])
        out.append(
            {
                "id": doc_id,
                "iri": value(row["doc"]),
                "title": value(row["title"]),
                "published": value(row["published"]),
                "source": value(row["publisher"]),
                "author": value(row["author"]),
                "url": value(row["url"]),
                "events": int(value(row["events"]) or 0),
            }
        )
    return out


@dataclass
class Mention:
    """A trigger in the text and the events it signals."""

    start: int
    end: int
    events: list[dict[str, Any]] = field(default_factory=list)
    text: str = ""


@dataclass
class Sentence:
    """An evidence sentence: its anchor and its parts (plain strings and mentions)."""

    start: int
    end: int
    parts: list[str | Mention] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        """The fragment that links to this sentence (``#s-<offset>``)."""
        return f"s-{self.start}"


def _spans(events: list[dict[str, Any]], length: int) -> list[Sentence]:
    """Evidence sentences in text order; overlapping ones merge, impossible offsets are dropped."""
    sentences: list[Sentence] = []
    for ev in sorted(events, key=lambda e: tuple(e["offsets"]["sentence"])):
        start, end = ev["offsets"]["sentence"]
        if not 0 <= start < end <= length:
            continue
        if sentences and start < sentences[-1].end:
            sentences[-1].end = max(sentences[-1].end, end)
        else:
            sentences.append(Sentence(start, end))
    return sentences


def _mentions(sentence: Sentence, events: list[dict[str, Any]]) -> list[Mention]:
    mentions: list[Mention] = []
    inside = [
        e for e in events if sentence.start <= e["offsets"]["trigger"][0] < e["offsets"]["trigger"][1] <= sentence.end
    ]
    for ev in sorted(inside, key=lambda e: tuple(e["offsets"]["trigger"])):
        start, end = ev["offsets"]["trigger"]
        if mentions and start < mentions[-1].end:  # overlapping triggers share one mark
            mentions[-1].end = max(mentions[-1].end, end)
            mentions[-1].events.append(ev)
        else:
            mentions.append(Mention(start, end, [ev]))
    return mentions


def segment(text: str, events: list[dict[str, Any]]) -> list[str | Sentence]:
    """The text as plain strings and evidence sentences, each sentence holding its trigger mentions."""
    out: list[str | Sentence] = []
    pos = 0
    for sentence in _spans(events, len(text)):
        if sentence.start > pos:
            out.append(text[pos : sentence.start])
        cursor = sentence.start
        for mention in _mentions(sentence, events):
            mention.text = text[mention.start : mention.end]
            sentence.parts += [text[cursor : mention.start], mention]
            cursor = mention.end
        sentence.parts.append(text[cursor : sentence.end])
        sentence.parts = [p for p in sentence.parts if p != ""]
        out.append(sentence)
        pos = sentence.end
    if pos < len(text):
        out.append(text[pos:])
    return out


def get_document(store: Store, iris: Iris, doc_id: str) -> dict[str, Any]:
    """A document's metadata, text, events and text segments. :raises NotFound: unknown id."""
    try:
        node = NamedNode(iris.document(doc_id))
    except ValueError:
        raise NotFound(f"no document {doc_id!r}") from None
    rows = list(store.query(fields.document_query(node)))  # type: ignore[arg-type]  # a SELECT: QuerySolutions
    if not rows:
        raise NotFound(f"no document {doc_id!r}: /documents lists the documents in the store")
    row = rows[0]
    finder = Finder(store, iris)
    events = finder.details([r["e"] for r in store.query(fields.document_events(node))])  # type: ignore[union-attr]  # a SELECT: QuerySolutions
    text = value(row["text"]) or ""
    return {
        "id": value(row["docId"]),
        "iri": node.value,
        "title": value(row["title"]),
        "published": value(row["published"]),
        "source": value(row["publisher"]),
        "author": value(row["author"]),
        "url": value(row["url"]),
        "text": text,
        "events": events,
        "segments": segment(text, events),
        "links": {"rdf": local_path(iris, node.value), "timeline": "/timeline?" + urlencode({"doc": doc_id})},
    }


def segments_json(segments: list[str | Sentence]) -> list[dict[str, Any]]:
    """The segments as JSON: ``{"text"}`` or ``{"sentence": anchor, "parts": [...]}``."""
    out: list[dict[str, Any]] = []
    for seg in segments:
        if isinstance(seg, str):
            out.append({"text": seg})
            continue
        parts: list[dict[str, Any]] = [
            {"text": p}
            if isinstance(p, str)
            else {"text": p.text, "trigger": [p.start, p.end], "events": [e["key"] for e in p.events]}
            for p in seg.parts
        ]
        out.append({"sentence": seg.anchor, "start": seg.start, "end": seg.end, "parts": parts})
    return out
