"""What the linked-data page of an IRI shows: its triples and those of its parts, labels of what
it links to, what links to it, and for an event the sentence it was read from.

Every lookup binds the IRI through substitutions (point lookups by subject or object, fast at
any size); nothing is pasted into query text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, QuerySolutions, Triple

from service.rdf.namespaces import PREFIXES, sparql_prologue
from service.store import Store

MAX_INCOMING = 200
PART_DEPTH = 3  # event → evidence → selector → refinement
_LABELS = "rdfs:label|schema:name|schema:headline|skos:prefLabel|eg:itemLabel"
_PROLOGUE = sparql_prologue(PREFIXES)
_OUT = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }"  # bound variables projected: remote stores bind by VALUES
_IN = f"SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {MAX_INCOMING}"
_LABEL = _PROLOGUE + f"SELECT ?x ?label WHERE {{ ?x {_LABELS} ?label }} LIMIT 1"
_EVIDENCE = (
    _PROLOGUE
    + """SELECT ?e ?sentence ?trigger ?ts ?te ?ss ?doc WHERE {
  ?e eg:evidence ?ev . ?ev eg:sentence ?sentence ; eg:trigger ?trigger .
  OPTIONAL { ?ev eg:triggerStart ?ts ; eg:triggerEnd ?te }
  OPTIONAL { ?ev oa:hasSelector ?sel . ?sel oa:start ?ss }
  OPTIONAL { ?ev oa:hasSource ?doc }
} LIMIT 1"""
)


@dataclass(frozen=True)
class Evidence:
    """The sentence split around the trigger, so a template can mark it without any HTML of ours."""

    before: str
    trigger: str
    after: str
    document: str | None = None


@dataclass
class Description:
    iri: str
    triples: list[Triple] = field(default_factory=list)  # the IRI's own and its parts' (for RDF output)
    incoming: list[tuple[NamedNode, NamedNode]] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    evidence: Evidence | None = None

    @property
    def found(self) -> bool:
        return bool(self.triples or self.incoming)

    def own(self) -> list[Triple]:
        """The triples whose subject is the IRI itself."""
        return [t for t in self.triples if isinstance(t.subject, NamedNode) and t.subject.value == self.iri]

    def label(self, iri: str) -> str | None:
        return self.labels.get(iri)


def describe(store: Store, iri: str) -> Description:
    """Everything the page of ``iri`` needs, from a handful of point lookups."""
    out = Description(iri)
    out.triples = _with_parts(store, NamedNode(iri))
    for row in _select(store, _IN, {"o": NamedNode(iri)}):
        out.incoming.append((row["s"], row["p"]))
    linked = {t.object.value for t in out.own() if isinstance(t.object, NamedNode)}
    linked |= {s.value for s, _ in out.incoming if isinstance(s, NamedNode)}
    for other in sorted(linked | {iri}):
        label = _label(store, other)
        if label:
            out.labels[other] = label
    out.evidence = evidence(store, iri)
    return out


def _with_parts(store: Store, node: NamedNode) -> list[Triple]:
    # A part is an IRI under this one (event/time, event/evidence/sentence, …): shown with it.
    triples, todo, seen = [], [(node, 0)], {node.value}
    while todo:
        subject, depth = todo.pop(0)
        for row in _select(store, _OUT, {"s": subject}):
            triples.append(Triple(subject, row["p"], row["o"]))
            obj = row["o"]
            is_part = isinstance(obj, NamedNode) and obj.value.startswith(node.value + "/")
            if is_part and obj.value not in seen and depth < PART_DEPTH:
                seen.add(obj.value)
                todo.append((obj, depth + 1))
    return triples


def _select(store: Store, query: str, bindings: dict[str, object]) -> QuerySolutions:
    return store.query(query, substitutions=bindings)  # type: ignore[return-value]  # a SELECT: QuerySolutions


def _label(store: Store, iri: str) -> str | None:
    for row in _select(store, _LABEL, {"x": NamedNode(iri)}):
        return str(row["label"].value)
    return None


def evidence(store: Store, iri: str) -> Evidence | None:
    """The evidence sentence of an event, split around its trigger; None for anything else."""
    for row in _select(store, _EVIDENCE, {"e": NamedNode(iri)}):
        sentence, trigger = row["sentence"].value, row["trigger"].value
        start = _int(row["ts"]) - _int(row["ss"]) if row["ts"] is not None and row["ss"] is not None else -1
        if not (start >= 0 and sentence[start : start + len(trigger)] == trigger):
            start = sentence.find(trigger)
        doc = row["doc"].value if row["doc"] is not None else None
        if start < 0 or not trigger:
            return Evidence(sentence, "", "", doc)
        return Evidence(sentence[:start], trigger, sentence[start + len(trigger) :], doc)
    return None


def _int(term: Literal | None) -> int:
    try:
        return int(term.value) if term is not None else 0
    except ValueError:
        return 0
