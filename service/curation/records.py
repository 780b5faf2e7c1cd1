"""Correction records: the dataclass, its quads in a curation graph, and reading them back.

A record is what an analyst did, kept whole: who, when, the note, the operation and its values,
the extractor version corrected, the event it applies to, the anchor that finds that event in a
new extraction, and its status. Everything else in a curation graph (curated copies, the
``eg:supersededBy`` links) is rebuilt from the records and the extraction by :mod:`.build`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad

from service.rdf.iris import Iris
from service.rdf.namespaces import EG, PROV, RDF, RDFS, XSD, sparql_prologue

STATUSES: tuple[str, ...] = ("applied", "agrees", "orphan", "undone")
RDF_JSON = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON")


@dataclass(frozen=True)
class Anchor:
    """Where a correction's event was: its sentence (offsets and text), trigger and type."""

    sentence_start: int
    sentence_end: int
    sentence: str
    trigger: str
    trigger_offset: int  # from the start of the sentence
    type: str

    def to_json(self) -> dict[str, Any]:
        return {
            "sentence": [self.sentence_start, self.sentence_end],
            "text": self.sentence,
            "trigger": self.trigger,
            "trigger_offset": self.trigger_offset,
            "type": self.type,
        }


@dataclass
class Correction:
    iri: str
    doc_id: str
    sequence: int
    operation: str
    values: dict[str, Any]
    curator: str
    time: datetime
    version: str
    curated: str  # the curated copy's IRI (stable)
    anchor: Anchor
    target: str | None = None  # the extracted event it applies to, as last re-attached
    note: str | None = None
    status: str = "applied"
    undone_at: datetime | None = None

    def to_json(self, iris: Iris) -> dict[str, Any]:
        key = self.iri.rsplit("/", 1)[1]
        return {
            "id": key,
            "iri": self.iri,
            "document": self.doc_id,
            "sequence": self.sequence,
            "operation": self.operation,
            "values": self.values,
            "curator": self.curator,
            "time": _iso(self.time),
            "note": self.note,
            "extractor_version": self.version,
            "status": self.status,
            "undone_at": _iso(self.undone_at) if self.undone_at else None,
            "event": self.target,
            "curated_event": self.curated,
            "anchor": self.anchor.to_json(),
        }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def now() -> datetime:
    """The current time to the second, in UTC."""
    return datetime.now(UTC).replace(microsecond=0)


def _time(moment: datetime) -> Literal:
    return Literal(_iso(moment), datatype=XSD.dateTime)


def record_quads(iris: Iris, graph: str, c: Correction) -> list[Quad]:
    g = NamedNode(graph)
    node, curator = NamedNode(c.iri), NamedNode(iris.curator(c.curator))
    a = c.anchor
    triples: list[tuple[NamedNode, NamedNode, NamedNode | Literal]] = [
        (node, RDF.type, EG.Correction),
        (node, RDF.type, PROV.Activity),
        (node, PROV.wasAssociatedWith, curator),
        (curator, RDF.type, PROV.Agent),
        (curator, RDF.type, PROV.Person),
        (curator, RDFS.label, Literal(c.curator)),
        (node, PROV.endedAtTime, _time(c.time)),
        (node, PROV.used, NamedNode(iris.document(c.doc_id))),
        (node, EG.extractorVersion, Literal(c.version)),
        (node, EG.sequence, Literal(c.sequence)),
        (node, EG.operation, Literal(c.operation)),
        (node, EG.operationValues, Literal(json.dumps(c.values, sort_keys=True), datatype=RDF_JSON)),
        (node, EG.correctionStatus, Literal(c.status)),
        (node, EG.curatedEvent, NamedNode(c.curated)),
        (node, EG.anchorSentence, Literal(a.sentence)),
        (node, EG.anchorSentenceStart, Literal(a.sentence_start)),
        (node, EG.anchorSentenceEnd, Literal(a.sentence_end)),
        (node, EG.anchorTrigger, Literal(a.trigger)),
        (node, EG.anchorTriggerOffset, Literal(a.trigger_offset)),
        (node, EG.anchorType, Literal(a.type)),
    ]
    if c.target:
        triples.append((node, EG.correctedEvent, NamedNode(c.target)))
    if c.note:
        triples.append((node, RDFS.comment, Literal(c.note)))
    if c.undone_at:
        triples.append((node, EG.undoneAt, _time(c.undone_at)))
    return [Quad(s, p, o, g) for s, p, o in triples]


_FIELDS = {
    "curatorName": "prov:wasAssociatedWith/rdfs:label",
    "time": "prov:endedAtTime",
    "version": "eg:extractorVersion",
    "sequence": "eg:sequence",
    "operation": "eg:operation",
    "values": "eg:operationValues",
    "status": "eg:correctionStatus",
    "curated": "eg:curatedEvent",
    "sentence": "eg:anchorSentence",
    "sStart": "eg:anchorSentenceStart",
    "sEnd": "eg:anchorSentenceEnd",
    "trigger": "eg:anchorTrigger",
    "tOffset": "eg:anchorTriggerOffset",
    "type": "eg:anchorType",
    "target": "eg:correctedEvent",
    "note": "rdfs:comment",
    "undone": "eg:undoneAt",
}
_REQUIRED = ("time", "version", "sequence", "operation", "values", "status", "curated", "sentence", "sStart", "sEnd")


def records_query(graphs: list[str] | None) -> str:
    """Every correction in the curation ``graphs`` (all curation graphs when None), in order."""
    optional = "\n    ".join(
        f"{'' if name in _REQUIRED else 'OPTIONAL '}{{ ?c {path} ?{name} }}" for name, path in _FIELDS.items()
    )
    values = f"VALUES ?g {{ {' '.join(str(NamedNode(g)) for g in graphs)} }}" if graphs is not None else ""
    return f"""{sparql_prologue()}SELECT ?g ?c ?doc ?{" ?".join(_FIELDS)} WHERE {{
  {values}
  GRAPH ?g {{
    ?c a eg:Correction ; prov:used ?doc .
    {optional}
  }}
}}"""


def _lit(row: Any, name: str) -> str | None:
    term = row[name]
    return None if term is None else str(term.value)


def from_rows(iris: Iris, rows: Any) -> list[Correction]:
    """The corrections of a :func:`records_query` answer, by document and sequence."""
    out: dict[str, Correction] = {}
    for row in rows:
        iri = row["c"].value
        if iri in out:
            continue
        doc_id = iris.doc_id_of(row["doc"].value) or ""
        undone = _lit(row, "undone")
        out[iri] = Correction(
            iri=iri,
            doc_id=doc_id,
            sequence=int(_lit(row, "sequence") or 0),
            operation=_lit(row, "operation") or "",
            values=json.loads(_lit(row, "values") or "{}"),
            curator=_lit(row, "curatorName") or "",
            time=_parse_time(_lit(row, "time") or ""),
            version=_lit(row, "version") or "",
            curated=_lit(row, "curated") or "",
            anchor=Anchor(
                sentence_start=int(_lit(row, "sStart") or 0),
                sentence_end=int(_lit(row, "sEnd") or 0),
                sentence=_lit(row, "sentence") or "",
                trigger=_lit(row, "trigger") or "",
                trigger_offset=int(_lit(row, "tOffset") or 0),
                type=_lit(row, "type") or "",
            ),
            target=_lit(row, "target"),
            note=_lit(row, "note"),
            status=_lit(row, "status") or "applied",
            undone_at=_parse_time(undone) if undone else None,
        )
    return sorted(out.values(), key=lambda c: (c.doc_id, c.sequence, c.iri))


def _parse_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return datetime.fromtimestamp(0, UTC)
