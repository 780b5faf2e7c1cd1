"""The data that flows between the stages: documents in, event records out.

Plain dataclasses with no dependency on RDF, the store or the web. The event
JSON interchange format (``ontology/event.schema.json``) is produced by
:func:`events_to_json` and read back by :func:`events_from_json`; its field
names are fixed by the README and must not change.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

EVENT_TYPES: tuple[str, ...] = (
    "aid_delivery",
    "aid_pledge",
    "communication",
    "meeting",
    "visit",
    "cooperation_agreement",
    "joint_operation",
    "statement_of_support",
    "policy_measure",
    "deployment",
    "other",
)
ACTOR_KINDS: tuple[str, ...] = ("country", "city", "organisation", "person", "company", "other")
PRECISIONS: tuple[str, ...] = ("day", "month", "year", "range", "unknown")


@dataclass(frozen=True)
class Document:
    """A document as read from disk or HTTP; ``text`` is kept verbatim so offsets refer to it."""

    id: str
    text: str
    title: str | None = None
    published: date | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    language: str = "en"
    origin: str | None = None  # file name or upload name the document came from
    media_type: str = "text/plain"

    @property
    def checksum(self) -> str:
        """SHA-256 over the text and the metadata: equal checksums mean an unchanged document."""
        h = hashlib.sha256()
        for part in (self.id, self.text, self.title, self.published, self.source, self.url, self.author, self.language):
            h.update(str(part if part is not None else "").encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()


@dataclass(frozen=True)
class Actor:
    """An actor mention resolved as far as possible.

    ``count`` is set for group mentions ("48 sister cities", "50 countries"), in which case
    ``group`` is True and ``name`` names the group ("sister cities").
    """

    name: str
    kind: str = "other"
    wikidata: str | None = None
    group: bool = False
    count: int | None = None
    approximate: bool = False  # "more than 100 Chinese embassies"
    mention: str | None = None  # the words in the text, when they differ from the name

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "wikidata": self.wikidata}
        if self.group:
            out["group"] = True
            out["count"] = self.count
            out["approximate"] = self.approximate
        if self.mention and self.mention != self.name:
            out["mention"] = self.mention
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Actor:
        return cls(
            name=data["name"],
            kind=data.get("kind") or "other",
            wikidata=data.get("wikidata"),
            group=bool(data.get("group", False)),
            count=data.get("count"),
            approximate=bool(data.get("approximate", False)),
            mention=data.get("mention"),
        )


@dataclass(frozen=True)
class Money:
    amount: float
    currency: str  # ISO 4217 code

    def to_json(self) -> dict[str, Any]:
        amount: float | int = int(self.amount) if float(self.amount).is_integer() else self.amount
        return {"amount": amount, "currency": self.currency}


@dataclass(frozen=True)
class Aid:
    """One aid flow item: what, how much, worth what."""

    item: str
    category: str | None = None  # a key of the aid category table (e.g. "masks")
    quantity: float | None = None
    unit: str | None = None
    value: Money | None = None
    approximate: bool = False

    def to_json(self) -> dict[str, Any]:
        qty: float | int | None = self.quantity
        if qty is not None and float(qty).is_integer():
            qty = int(qty)
        out: dict[str, Any] = {
            "item": self.item,
            "quantity": qty,
            "unit": self.unit,
            "value": self.value.to_json() if self.value else None,
            "approximate": self.approximate,
        }
        if self.category:
            out["category"] = self.category
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Aid:
        value = data.get("value")
        return cls(
            item=data["item"],
            category=data.get("category"),
            quantity=data.get("quantity"),
            unit=data.get("unit"),
            value=Money(float(value["amount"]), value["currency"]) if value else None,
            approximate=bool(data.get("approximate", False)),
        )


@dataclass(frozen=True)
class TimeSpan:
    """An uncertain date: the event happened somewhere in [earliest, latest].

    ``expression`` is the raw temporal expression in the text (None when the date comes
    from the context); ``basis`` says where the interval came from: ``explicit`` (the
    sentence's own expression), ``paragraph``, ``document`` or ``publication``.
    """

    earliest: date | None
    latest: date | None
    precision: str = "unknown"
    expression: str | None = None
    basis: str = "explicit"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "latest": self.latest.isoformat() if self.latest else None,
            "precision": self.precision,
        }
        if self.expression is not None:
            out["expression"] = self.expression
        out["basis"] = self.basis
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TimeSpan:
        return cls(
            earliest=date.fromisoformat(data["earliest"]) if data.get("earliest") else None,
            latest=date.fromisoformat(data["latest"]) if data.get("latest") else None,
            precision=data.get("precision", "unknown"),
            expression=data.get("expression"),
            basis=data.get("basis", "explicit"),
        )


@dataclass(frozen=True)
class Event:
    """One event record extracted from one sentence.

    Offsets are character offsets into ``Document.text`` (end exclusive).
    """

    id: str
    type: str
    trigger: str
    sentence: str
    date: TimeSpan
    agents: tuple[Actor, ...] = ()
    recipients: tuple[Actor, ...] = ()
    participants: tuple[Actor, ...] = ()
    places: tuple[Actor, ...] = ()
    aid: tuple[Aid, ...] = ()
    sentence_start: int = 0
    sentence_end: int = 0
    trigger_start: int = 0
    trigger_end: int = 0
    confidence: float = 1.0
    planned: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "trigger": self.trigger,
            "sentence": self.sentence,
            "date": self.date.to_json(),
            "agents": [a.to_json() for a in self.agents],
            "recipients": [a.to_json() for a in self.recipients],
            "participants": [a.to_json() for a in self.participants],
            "places": [a.to_json() for a in self.places],
            "aid": [a.to_json() for a in self.aid],
            "offsets": {
                "sentence": [self.sentence_start, self.sentence_end],
                "trigger": [self.trigger_start, self.trigger_end],
            },
            "confidence": round(self.confidence, 3),
            "planned": self.planned,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Event:
        offsets = data.get("offsets") or {}
        s_start, s_end = offsets.get("sentence", [0, 0])
        t_start, t_end = offsets.get("trigger", [0, 0])
        return cls(
            id=data["id"],
            type=data["type"],
            trigger=data.get("trigger", ""),
            sentence=data.get("sentence", ""),
            date=TimeSpan.from_json(data.get("date") or {"precision": "unknown"}),
            agents=tuple(Actor.from_json(a) for a in data.get("agents", [])),
            recipients=tuple(Actor.from_json(a) for a in data.get("recipients", [])),
            participants=tuple(Actor.from_json(a) for a in data.get("participants", [])),
            places=tuple(Actor.from_json(a) for a in data.get("places", [])),
            aid=tuple(Aid.from_json(a) for a in data.get("aid", [])),
            sentence_start=s_start,
            sentence_end=s_end,
            trigger_start=t_start,
            trigger_end=t_end,
            confidence=float(data.get("confidence", 1.0)),
            planned=bool(data.get("planned", False)),
        )


@dataclass(frozen=True)
class Extraction:
    """What the extractor returns for one document."""

    document: Document
    events: tuple[Event, ...] = field(default_factory=tuple)
    author_actor: Actor | None = None  # whom "we"/"our" stands for, when known

    def to_json(self) -> dict[str, Any]:
        doc = self.document
        out: dict[str, Any] = {
            "doc": doc.id,
            "published": doc.published.isoformat() if doc.published else None,
            "title": doc.title,
            "source": doc.source,
            "author": doc.author,
            "url": doc.url,
            "events": [e.to_json() for e in self.events],
        }
        return out


def events_from_json(data: dict[str, Any]) -> list[Event]:
    """Read the ``events`` list of an event JSON object."""
    return [Event.from_json(e) for e in data.get("events", [])]
