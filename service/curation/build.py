"""The curation graph of one document, rebuilt from its corrections and its current extraction.

Pure: no store. Every write — a new correction, an undo, a re-extraction of the document —
rebuilds the whole graph this way, so what the graph says never depends on the order of past
writes, only on the records and the extraction:

1. the corrections are grouped by the curated event they build (one group per corrected event,
   one per added event) and each group finds its event again by its anchor — the same sentence
   (at its offsets, else by its text, nearest the old place), then in it the same trigger and
   type, else the same trigger, else the same type (:func:`find`);
2. the group's corrections are applied in order; one that changes nothing is ``agrees``, one
   that changes the event ``applied``, an undone one is skipped; a group whose event is gone is
   ``orphan`` (a rejection whose sentence is still there but holds no such event any more
   agrees with the extraction);
3. a changed event gets its curated copy (its own IRI, ``prov:wasRevisionOf`` the extracted
   one, written by the same mapping as extracted events) and the extracted event
   ``eg:supersededBy`` the copy; a rejected one is superseded by the rejecting correction and
   has no copy; an added event exists only as its copy.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pyoxigraph import NamedNode, Quad

from service.curation import operations
from service.curation.records import Anchor, Correction, record_quads
from service.model import Document, Event, TimeSpan
from service.rdf.iris import Iris
from service.rdf.mapping import event_quads
from service.rdf.namespaces import EG, PROV

Extracted = tuple[str, Event]  # (IRI, event) of the current extraction


@dataclass(frozen=True)
class Built:
    quads: list[Quad]  # the whole curation graph
    shared: list[Quad]  # for the shared actors graph (actors the curated copies name)
    corrections: list[Correction]  # with statuses, targets and anchors as of this extraction


def anchor_of(event: Event) -> Anchor:
    return Anchor(
        sentence_start=event.sentence_start,
        sentence_end=event.sentence_end,
        sentence=event.sentence,
        trigger=event.trigger,
        trigger_offset=event.trigger_start - event.sentence_start,
        type=event.type,
    )


def locate_sentence(text: str, anchor: Anchor) -> tuple[int, int] | None:
    """The anchor's sentence in ``text``: at its offsets if it is still there, else where its text is, nearest."""
    start, end = anchor.sentence_start, anchor.sentence_end
    if not anchor.sentence:
        return None
    if 0 <= start <= end <= len(text) and text[start:end] == anchor.sentence:
        return start, end
    found, at = [], text.find(anchor.sentence)
    while at >= 0:
        found.append(at)
        at = text.find(anchor.sentence, at + 1)
    if not found:
        return None
    best = min(found, key=lambda s: abs(s - start))
    return best, best + len(anchor.sentence)


def _norm(words: str) -> str:
    return " ".join(words.lower().split())


def _pick(anchor: Anchor, start: int, inside: list[Extracted]) -> Extracted | None:
    """In one sentence: the same trigger and type, else the same trigger, else the same type; nearest first."""
    offset = start + anchor.trigger_offset
    tests = (
        lambda e: _norm(e.trigger) == _norm(anchor.trigger) and e.type == anchor.type,
        lambda e: _norm(e.trigger) == _norm(anchor.trigger),
        lambda e: e.type == anchor.type,
    )
    for test in tests:
        matching = [(iri, e) for iri, e in inside if test(e)]
        if matching:
            return min(matching, key=lambda m: (abs(m[1].trigger_start - offset), m[0]))
    return None


def find(text: str, anchor: Anchor, extracted: list[Extracted], taken: set[str]) -> tuple[Extracted | None, bool]:
    """(the event the anchor finds, or None; whether its sentence is still in the text).

    The sentence is the one at the anchor's offsets (even if words in it changed), else the
    anchor's sentence text wherever it now is (nearest the old place).
    """
    free = [(iri, e) for iri, e in extracted if iri not in taken]
    same_place = [
        m for m in free if (m[1].sentence_start, m[1].sentence_end) == (anchor.sentence_start, anchor.sentence_end)
    ]
    found = _pick(anchor, anchor.sentence_start, same_place)
    if found is not None:
        return found, True
    where = locate_sentence(text, anchor)
    if where is None:
        return None, bool(same_place)
    start, end = where
    return _pick(anchor, start, [m for m in free if start <= m[1].trigger_start < end]), True


def new_event(text: str, anchor: Anchor, where: tuple[int, int], values: dict[str, Any], key: str) -> Event:
    """The event an ``add_event`` correction describes, in its sentence at ``where``."""
    start, end = where
    sentence = text[start:end]
    trigger = str(values.get("trigger") or "") or (sentence.split() or [""])[0]
    at = sentence.find(trigger)
    if at < 0:
        at = min(anchor.trigger_offset, max(len(sentence) - 1, 0))
        trigger = sentence[at : at + len(trigger)] or trigger
    date = values.get("date")
    return Event(
        id=key,
        type=str(values["type"]),
        trigger=trigger,
        sentence=sentence,
        date=operations.span(date) if isinstance(date, dict) else TimeSpan(None, None, "unknown", basis="curated"),
        agents=tuple(operations.actor(a) for a in values.get("agents", [])),
        recipients=tuple(operations.actor(a) for a in values.get("recipients", [])),
        participants=tuple(operations.actor(a) for a in values.get("participants", [])),
        places=tuple(operations.actor(a) for a in values.get("places", [])),
        aid=tuple(operations.aid(a) for a in values.get("aid", [])),
        sentence_start=start,
        sentence_end=end,
        trigger_start=start + at,
        trigger_end=start + at + len(trigger),
        confidence=1.0,
        planned=bool(values.get("planned", False)),
    )


def _groups(corrections: list[Correction]) -> list[list[Correction]]:
    groups: dict[str, list[Correction]] = {}
    for c in sorted(corrections, key=lambda c: (c.sequence, c.iri)):
        groups.setdefault(c.curated, []).append(c)
    return list(groups.values())


def rebuild(iris: Iris, document: Document, extracted: list[Extracted], corrections: list[Correction]) -> Built:
    """The curation graph of ``document`` for its extraction ``extracted`` and its ``corrections``."""
    graph = iris.curation_graph(document.id)
    text = document.text
    quads: list[Quad] = []
    shared: list[Quad] = []
    out: list[Correction] = []
    taken: set[str] = set()
    for group in _groups(corrections):
        first = group[0]
        target: Extracted | None = None
        if first.operation == "add_event":
            where = locate_sentence(text, first.anchor)
            live = where is not None and first.undone_at is None
            key = first.curated.rsplit("/", 1)[1]
            state: Event | None = new_event(text, first.anchor, where, first.values, key) if where and live else None
            sentence_there = where is not None
            start_state = state
            anchor = replace(first.anchor, sentence_start=where[0], sentence_end=where[1]) if where else first.anchor
        else:
            target, sentence_there = find(text, first.anchor, extracted, taken)
            state = target[1] if target else None
            start_state = state
            anchor = anchor_of(target[1]) if target else first.anchor
            if target:
                taken.add(target[0])
        statuses: list[str] = []
        applied: list[Correction] = []
        rejected_by: Correction | None = None
        for c in group:
            if c.undone_at is not None:
                statuses.append("undone")
            elif start_state is None:
                statuses.append("agrees" if c.operation == "reject" and sentence_there else "orphan")
            elif c.operation == "add_event":
                statuses.append("applied")
                applied.append(c)
            else:
                after = operations.apply(state, c.operation, c.values)
                changed = (after is None) != (state is None) or (
                    after is not None and state is not None and not operations.same_event(after, state)
                )
                statuses.append("applied" if changed else "agrees")
                if changed:
                    applied.append(c)
                    if after is None:
                        rejected_by = c
                state = after
        for c, status in zip(group, statuses, strict=True):
            out.append(
                replace(
                    c,
                    status=status,
                    target=target[0] if target else (c.target if first.operation != "add_event" else None),
                    anchor=anchor if start_state is not None else c.anchor,
                )
            )
        if start_state is None:
            continue
        curated = NamedNode(first.curated)
        if first.operation == "add_event":
            if state is not None:
                local, extra = event_quads(iris, document, state, first.curated, graph)
                quads += local
                shared += extra
                quads += [Quad(curated, PROV.wasGeneratedBy, NamedNode(c.iri), NamedNode(graph)) for c in applied]
            continue
        assert target is not None
        if rejected_by is not None:
            quads.append(Quad(NamedNode(target[0]), EG.supersededBy, NamedNode(rejected_by.iri), NamedNode(graph)))
        elif state is not None and applied:
            local, extra = event_quads(iris, document, state, first.curated, graph)
            already, _ = event_quads(iris, document, target[1], target[0], iris.document_graph(document.id))
            known = {q.triple for q in already}
            own = first.curated + "/"
            quads += [
                q
                for q in local
                if q.subject == curated or q.subject.value.startswith(own) or q.triple not in known  # type: ignore[union-attr]
            ]
            shared += extra
            quads.append(Quad(curated, PROV.wasRevisionOf, NamedNode(target[0]), NamedNode(graph)))
            quads.append(Quad(NamedNode(target[0]), EG.supersededBy, curated, NamedNode(graph)))
            quads += [Quad(curated, PROV.wasGeneratedBy, NamedNode(c.iri), NamedNode(graph)) for c in applied]
    for c in out:
        quads += record_quads(iris, graph, c)
    return Built(list(dict.fromkeys(quads)), list(dict.fromkeys(shared)), out)
