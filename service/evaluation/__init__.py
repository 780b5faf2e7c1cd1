"""Score an extractor against a gold set: precision, recall and F1 for events, dates, actors, places and aid.

Events match by type and sentence (the system trigger lies in the gold sentence); dates, actors and aid
are compared over matched pairs only. The headline figures are events F1, agents F1, recipients F1, aid
items F1, aid values F1 and dates correct, and their mean, the overall figure (:attr:`Scores.overall`);
actors F1 (all roles together), places F1 and aid F1 (items with their values) are kept beside them.
tests/gold/README.md states every rule. Pure Python on purpose: it runs without spaCy or RDF.
It must not import Flask, the web layer or the CLI.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from service.errors import DocumentRefused, UserError
from service.evaluation.compare import (
    ACTOR_ROLES,
    ACTOR_TESTS,
    AID_TESTS,
    ITEM_TESTS,
    VALUE_TESTS,
    actor_key,
    actor_roles,
    aid_values,
    count_matches,
    date_correct,
    dedupe,
    item_head,
    match_events,
    normalise_name,
    role_actors,
    same_actor,
    same_aid,
    same_item,
    same_value,
)
from service.model import Document, Event, Extraction

__all__ = [
    "Counts",
    "DateDimension",
    "HEADLINE",
    "Dimension",
    "GoldDoc",
    "Scores",
    "actor_key",
    "date_correct",
    "evaluate",
    "format_table",
    "item_head",
    "load_gold",
    "match_events",
    "normalise_name",
    "same_actor",
    "same_aid",
    "same_item",
    "same_value",
    "score",
    "ungraded",
]

# The figures the quality table leads with, in order: (attribute, label). The overall figure is their mean.
HEADLINE: tuple[tuple[str, str], ...] = (
    ("events", "events"),
    ("agents", "agents"),
    ("recipients", "recipients"),
    ("aid_items", "aid items"),
    ("aid_values", "aid values"),
    ("dates", "dates correct"),
)
_EXTRA: tuple[tuple[str, str], ...] = (("actors", "actors"), ("places", "places"), ("aid", "aid"))


@dataclass(frozen=True)
class GoldDoc:
    """One annotated document: its text and its gold events."""

    id: str
    path: Path
    text: str
    events: tuple[Event, ...]
    published: date | None = None
    split: str = ""  # the first folder under the gold directory ("dev", "heldout")


@dataclass
class Counts:
    """True positives, false positives and false negatives, with the measures derived from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        # Nothing predicted is perfect only when nothing was to be found.
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float(self.fn == 0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float(self.fp == 0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn

    def to_json(self) -> dict[str, Any]:
        measures = {"precision": self.precision, "recall": self.recall, "f1": self.f1}
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn} | {k: round(v, 4) for k, v in measures.items()}


@dataclass
class Dimension(Counts):
    """Micro-averaged counts over the whole set, plus the same counts per document."""

    by_doc: dict[str, Counts] = field(default_factory=dict)

    def count(self, doc: str, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        self.add(tp, fp, fn)
        self.by_doc.setdefault(doc, Counts()).add(tp, fp, fn)

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "by_doc": {doc: c.to_json() for doc, c in sorted(self.by_doc.items())}}


@dataclass
class DateDimension(Dimension):
    """Dates: tp = correct, fp = matched but wrong, fn = gold events without a correct date."""

    @property
    def accuracy(self) -> float:
        """Correct dates among matched events (the figure the targets refer to)."""
        return self.precision

    def to_json(self) -> dict[str, Any]:
        extra = {"correct": self.tp, "matched": self.tp + self.fp, "gold": self.tp + self.fn}
        return {**super().to_json(), **extra, "accuracy": round(self.accuracy, 4)}


@dataclass
class Scores:
    """Every figure of one evaluation run."""

    events: Dimension = field(default_factory=Dimension)
    dates: DateDimension = field(default_factory=DateDimension)
    agents: Dimension = field(default_factory=Dimension)
    recipients: Dimension = field(default_factory=Dimension)
    aid_items: Dimension = field(default_factory=Dimension)
    aid_values: Dimension = field(default_factory=Dimension)
    actors: Dimension = field(default_factory=Dimension)
    places: Dimension = field(default_factory=Dimension)
    aid: Dimension = field(default_factory=Dimension)
    events_by_type: dict[str, Counts] = field(default_factory=dict)
    documents: int = 0
    skipped: tuple[str, ...] = ()  # documents of the folder without a gold file (not scored)
    unread: dict[str, str] = field(default_factory=dict)  # document → why the reader refused it (scored as empty)

    def figure(self, name: str) -> float:
        """One headline figure: F1 of a dimension, the accuracy for dates."""
        return self.dates.accuracy if name == "dates" else getattr(self, name).f1

    @property
    def overall(self) -> float:
        """The mean of events F1, agents F1, recipients F1, aid items F1, aid values F1 and dates correct."""
        return sum(self.figure(name) for name, _ in HEADLINE) / len(HEADLINE)

    def to_json(self) -> dict[str, Any]:
        names = [name for name, _ in HEADLINE + _EXTRA]
        rows = {name: getattr(self, name).to_json() for name in names}
        by_type = {t: c.to_json() for t, c in sorted(self.events_by_type.items())}
        headline = {name: round(self.figure(name), 4) for name, _ in HEADLINE}
        summary = {"headline": {**headline, "overall": round(self.overall, 4)}, "overall": round(self.overall, 4)}
        head = {"documents": self.documents, "skipped": list(self.skipped), "unread": dict(sorted(self.unread.items()))}
        return {**head, **summary, **rows, "events_by_type": by_type}


def load_gold(gold_dir: Path) -> list[GoldDoc]:
    """Every ``NAME.gold.json`` under ``gold_dir`` (recursively) with its ``NAME.txt``."""
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise UserError(f"{gold_dir} is not a directory; pass the folder that holds NAME.txt and NAME.gold.json files")
    docs = [_load_one(path, gold_dir) for path in sorted(gold_dir.rglob("*.gold.json"))]
    if not docs:
        waiting = len(ungraded(gold_dir))
        note = f" ({waiting} documents wait for one)" if waiting else ""
        raise UserError(f"no *.gold.json files under {gold_dir}{note}; see tests/gold/README.md for the layout")
    return docs


def ungraded(gold_dir: Path) -> list[Path]:
    """The documents (``NAME.txt``) under ``gold_dir`` that have no ``NAME.gold.json`` yet: they are not scored."""
    return [p for p in sorted(Path(gold_dir).rglob("*.txt")) if not p.with_name(p.stem + ".gold.json").is_file()]


def _load_one(path: Path, gold_dir: Path) -> GoldDoc:
    stem = path.name[: -len(".gold.json")]
    text_path = path.with_name(stem + ".txt")
    if not text_path.is_file():
        raise UserError(f"{path} has no document {text_path.name} beside it")
    parts = path.relative_to(gold_dir).parts
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        published = data.get("published")
        return GoldDoc(
            id=data.get("doc") or stem,
            path=text_path,
            text=text_path.read_text(encoding="utf-8"),
            events=tuple(Event.from_json(e) for e in data.get("events", [])),
            published=date.fromisoformat(published) if published else None,
            split=parts[0] if len(parts) > 1 else "",
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:  # JSONDecodeError is a ValueError
        raise UserError(f"{path}: not a gold file ({type(error).__name__}: {error})") from None


def score(gold: list[GoldDoc], system: Mapping[str, Sequence[Event]]) -> Scores:
    """Compare system events (per document id) with the gold set; documents missing from ``system`` count as empty."""
    scores = Scores(documents=len(gold))
    for doc in gold:
        events = list(system.get(doc.id, ()))
        pairs = match_events(doc.text, doc.events, events)
        _count_events(scores, doc, events, pairs)
        for g, s in pairs:
            _count_pair(scores, doc.id, g, s)
    return scores


def _count_events(scores: Scores, doc: GoldDoc, events: Sequence[Event], pairs: list[tuple[Event, Event]]) -> None:
    tp = len(pairs)
    scores.events.count(doc.id, tp, len(events) - tp, len(doc.events) - tp)
    correct = sum(date_correct(g.date, s.date) for g, s in pairs)
    scores.dates.count(doc.id, correct, tp - correct, len(doc.events) - correct)
    matched_gold = {id(g) for g, _ in pairs}
    matched_sys = {id(s) for _, s in pairs}
    for g in doc.events:
        scores.events_by_type.setdefault(g.type, Counts()).add(*((1, 0, 0) if id(g) in matched_gold else (0, 0, 1)))
    for s in events:
        if id(s) not in matched_sys:
            scores.events_by_type.setdefault(s.type, Counts()).add(fp=1)


def _count_pair(scores: Scores, doc: str, gold: Event, system: Event) -> None:
    gold_roles, sys_roles = actor_roles(gold), actor_roles(system)
    for role in ACTOR_ROLES:
        g, s = gold_roles[role], sys_roles[role]
        tp = count_matches(g, s, ACTOR_TESTS)
        scores.actors.count(doc, tp, len(s) - tp, len(g) - tp)
    for role in ("agents", "recipients"):
        g, s = role_actors(gold, role), role_actors(system, role)
        tp = count_matches(g, s, ACTOR_TESTS)
        getattr(scores, role).count(doc, tp, len(s) - tp, len(g) - tp)
    tp = count_matches(gold.aid, system.aid, ITEM_TESTS)
    scores.aid_items.count(doc, tp, len(system.aid) - tp, len(gold.aid) - tp)
    g_values, s_values = aid_values(gold.aid), aid_values(system.aid)
    tp = count_matches(g_values, s_values, VALUE_TESTS)
    scores.aid_values.count(doc, tp, len(s_values) - tp, len(g_values) - tp)
    g_places, s_places = dedupe(gold.places), dedupe(system.places)
    tp = count_matches(g_places, s_places, ACTOR_TESTS)
    scores.places.count(doc, tp, len(s_places) - tp, len(g_places) - tp)
    tp = count_matches(gold.aid, system.aid, AID_TESTS)
    scores.aid.count(doc, tp, len(system.aid) - tp, len(gold.aid) - tp)


def evaluate(gold_dir: Path, extract: Callable[[Path], Extraction]) -> Scores:
    """Run ``extract`` on every gold document and score the result. Documents of the folder that have no gold
    file yet are neither extracted nor scored; they are listed in ``Scores.skipped``. A document the reader
    refuses counts as one with no events found, and why is in ``Scores.unread``."""
    gold = load_gold(gold_dir)
    system, unread = {}, {}
    for doc in gold:
        try:
            system[doc.id] = _rebase(extract(doc.path), doc)
        except DocumentRefused as exc:  # one unreadable document does not stop the run; it scores as empty
            unread[doc.id] = str(exc)
    skipped = tuple(str(p.relative_to(gold_dir)) for p in ungraded(gold_dir))
    return replace(score(gold, system), skipped=skipped, unread=unread)


def read_system(gold_dir: Path, system_dir: Path) -> Callable[[Path], Extraction]:
    """An ``extract`` for :func:`evaluate` that reads the events of ``system_dir/REL.gold.json`` (the
    gold format, e.g. ``eventgraph curation export --gold``) for the gold document ``gold_dir/REL.txt``,
    instead of running the extractor. A document without such a file has no events."""

    def read(path: Path) -> Extraction:
        rel = path.relative_to(gold_dir)
        found = Path(system_dir) / rel.with_name(rel.name[: -len(".txt")] + ".gold.json")
        text = path.read_text(encoding="utf-8")
        document = Document(id=path.stem, text=text)
        if not found.is_file():
            return Extraction(document)
        try:
            data = json.loads(found.read_text(encoding="utf-8"))
            events = tuple(Event.from_json(e) for e in data.get("events", []))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise UserError(f"{found}: not a gold file ({type(error).__name__}: {error})") from None
        return Extraction(document, events)

    return read


def _rebase(extraction: Extraction, doc: GoldDoc) -> list[Event]:
    """System events with offsets that refer to the gold text (a reader may have dropped a header)."""
    text = extraction.document.text
    if text == doc.text:
        return list(extraction.events)
    shift = doc.text.find(text) if text else -1

    def moved(offset: int) -> int:
        # Offsets that cannot be placed become 0: matching then falls back to finding the sentence.
        return offset + shift if shift >= 0 else 0

    return [
        replace(
            e,
            sentence_start=moved(e.sentence_start),
            sentence_end=moved(e.sentence_end),
            trigger_start=moved(e.trigger_start),
            trigger_end=moved(e.trigger_end),
        )
        for e in extraction.events
    ]


def _row(label: str, c: Counts, width: int) -> str:
    return f"{label:<{width}} {c.tp:>5} {c.fp:>5} {c.fn:>5} {c.precision:>9.3f} {c.recall:>7.3f} {c.f1:>7.3f}"


def format_table(scores: Scores) -> str:
    """A plain-text report: the headline figures and the overall figure, the rows behind them (then actors, places
    and aid as a whole), the dates line, then events per type and per document."""
    labels = list(scores.events.by_doc) + list(scores.events_by_type) + ["events", "aid values"]
    width = max(len(label) for label in labels) + 2
    header = f"{'':<{width}} {'tp':>5} {'fp':>5} {'fn':>5} {'precision':>9} {'recall':>7} {'F1':>7}"
    d = scores.dates
    correct, matched, gold = d.tp, d.tp + d.fp, d.tp + d.fn
    skipped = f" ({len(scores.skipped)} without a gold file, not scored)" if scores.skipped else ""
    lines = [f"{scores.documents} documents{skipped}"]
    lines += [f"not read, scored as no events found: {doc}: {why}" for doc, why in sorted(scores.unread.items())]
    lines.append("  ".join(f"{label} {scores.figure(name):.3f}" for name, label in HEADLINE))
    lines.append(f"overall {scores.overall:.3f} (the mean of the six figures above)")
    lines += ["", header]
    lines += [_row(label, getattr(scores, name), width) for name, label in HEADLINE if name != "dates"]
    lines += [_row(label, getattr(scores, name), width) for name, label in _EXTRA]
    lines.append(
        f"dates: {correct} correct of {matched} matched events (accuracy {d.accuracy:.3f}); "
        f"{correct} of {gold} gold events ({d.recall:.3f})"
    )
    lines += ["", "events by type", header]
    lines += [_row(t, c, width) for t, c in sorted(scores.events_by_type.items())]
    lines += ["", "events by document", header]
    lines += [_row(doc, c, width) for doc, c in sorted(scores.events.by_doc.items())]
    return "\n".join(lines)
