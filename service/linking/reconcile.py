"""Reconcile actors that have no Wikidata link with Wikidata's search, and record how each link was made.

A candidate counts only when its label or one of its aliases equals the actor's name (ignoring
case, accents and punctuation): search ranks prefixes and partial words too, and a link to the
wrong entity is worse than none. The score is 1.0 for a label match and 0.95 for an alias match,
less 0.01 per rank below the first; when two items match the name exactly ("Georgia": the country
and the U.S. state) the actor is left alone and reported as ambiguous.

A link is written to the actors graph as ``actor skos:exactMatch wd:Q…`` (the same property as
the gazetteer's links) and described, as SSSOM describes a mapping, by an ``owl:Axiom`` that
annotates that triple with the score (``sssom:confidence``), the justification
(``semapv:LexicalMatching``), the matched string, and ``prov:wasGeneratedBy`` the linking run.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, serialize

from service import __version__
from service.linking.wikidata import Candidate, WikidataClient
from service.rdf.iris import Iris
from service.rdf.namespaces import EG, OWL, PROV, RDF, RDFS, SEM, SKOS, WD, XSD, Namespace
from service.store import Store

# Not (yet) in service.rdf.namespaces: the Simple Standard for Sharing Ontological Mappings and
# its justification vocabulary, used only for the provenance of links.
SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")

LABEL_SCORE, ALIAS_SCORE, RANK_PENALTY = 1.0, 0.95, 0.01
DEFAULT_MIN_SCORE = 0.9


def _unlinked_query(graph: NamedNode) -> str:
    return f"""PREFIX sem: <{SEM.iri}>
PREFIX rdfs: <{RDFS.iri}>
PREFIX skos: <{SKOS.iri}>
PREFIX eg: <{EG.iri}>
SELECT ?actor ?name ?kind WHERE {{
  GRAPH {graph} {{ ?actor a sem:Actor ; rdfs:label ?name . OPTIONAL {{ ?actor eg:kind ?kind }} }}
  FILTER NOT EXISTS {{ ?actor skos:exactMatch ?anyLink }}
}}
ORDER BY ?name ?actor"""


@dataclass(frozen=True)
class Unlinked:
    iri: str
    name: str
    kind: str


@dataclass(frozen=True)
class Decision:
    """What reconciliation concluded for one actor: ``linked``, ``ambiguous``, ``no match``."""

    actor: Unlinked
    status: str
    candidate: Candidate | None = None
    score: float = 0.0
    others: tuple[Candidate, ...] = ()  # the other exact matches, when ambiguous

    def describe(self) -> str:
        if self.status == "linked" and self.candidate:
            c = self.candidate
            return f"linked     {self.actor.name} → {c.qid} {c.label!r} ({c.description}) score {self.score:.2f}"
        if self.status == "ambiguous":
            qids = ", ".join(f"{c.qid} ({c.description})" for c in self.others)
            return f"ambiguous  {self.actor.name}: {qids}"
        return f"no match   {self.actor.name}"


def normalise(name: str) -> str:
    """Casefolded, accents and punctuation dropped, one space between words, no leading 'the'.

    >>> normalise("The Việt-Nam ")
    'viet nam'
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.sub(r"[\W_]+", " ", bare).split()
    return " ".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


def unlinked_actors(store: Store, iris: Iris) -> list[Unlinked]:
    """The actors of the shared actors graph without a Wikidata link (groups are not there)."""
    rows = store.query(_unlinked_query(NamedNode(iris.actors_graph)))
    seen: dict[str, Unlinked] = {}
    for row in rows:  # type: ignore[union-attr]  # a SELECT: QuerySolutions
        iri = row["actor"].value
        kind = row["kind"].value if row["kind"] is not None else "other"
        seen.setdefault(iri, Unlinked(iri, row["name"].value, kind))
    return list(seen.values())


def decide(actor: Unlinked, candidates: Iterable[Candidate], min_score: float = DEFAULT_MIN_SCORE) -> Decision:
    """Pick the one candidate whose label or alias is the actor's name, if there is exactly one."""
    wanted = normalise(actor.name)
    exact = [c for c in candidates if wanted in (normalise(c.match_text), normalise(c.label))]
    if not exact:
        return Decision(actor, "no match")
    if len({c.qid for c in exact}) > 1:
        return Decision(actor, "ambiguous", others=tuple(exact))
    best = exact[0]
    score = round((LABEL_SCORE if best.match_type == "label" else ALIAS_SCORE) - RANK_PENALTY * best.rank, 3)
    if score < min_score:
        return Decision(actor, "no match", best, score)
    return Decision(actor, "linked", best, score)


def reconcile(
    store: Store,
    client: WikidataClient,
    iris: Iris,
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    progress: Callable[[Decision], None] | None = None,
) -> list[Decision]:
    """Search Wikidata for every unlinked actor, one request at a time, and decide."""
    decisions = []
    for actor in unlinked_actors(store, iris):
        decision = decide(actor, client.search(actor.name), min_score)
        decisions.append(decision)
        if progress:
            progress(decision)
    return decisions


def link_quads(decisions: Iterable[Decision], iris: Iris, api_url: str) -> list[Quad]:
    """The links of the ``linked`` decisions and their provenance, in the actors graph."""
    graph = NamedNode(iris.actors_graph)
    linked = [d for d in decisions if d.status == "linked" and d.candidate]
    if not linked:
        return []
    quads: list[Quad] = []

    def add(s: NamedNode | BlankNode, p: NamedNode, o: NamedNode | BlankNode | Literal) -> None:
        quads.append(Quad(s, p, o, graph))

    # One activity per run; its blank node is shared by every link written in the same update.
    activity = BlankNode()
    add(activity, RDF.type, PROV.Activity)
    add(activity, RDFS.label, Literal("Wikidata reconciliation of actors without a QID (eventgraph link --online)"))
    add(activity, PROV.startedAtTime, Literal(datetime.now(UTC).isoformat(), datatype=XSD.dateTime))
    add(activity, PROV.used, NamedNode(api_url))
    add(activity, PROV.wasAssociatedWith, NamedNode(iris.software(__version__)))
    for d in linked:
        actor, target = NamedNode(d.actor.iri), WD[d.candidate.qid]  # type: ignore[union-attr]  # linked: has a candidate
        add(actor, SKOS.exactMatch, target)
        axiom = BlankNode()
        for p, o in (
            (RDF.type, OWL.Axiom),
            (OWL.annotatedSource, actor),
            (OWL.annotatedProperty, SKOS.exactMatch),
            (OWL.annotatedTarget, target),
            (PROV.wasGeneratedBy, activity),
            (SSSOM.confidence, Literal(str(d.score), datatype=XSD.double)),
            (SSSOM.mapping_justification, SEMAPV.LexicalMatching),
            (SSSOM.subject_label, Literal(d.actor.name)),
            (SSSOM.object_label, Literal(d.candidate.label)),  # type: ignore[union-attr]  # linked: has a candidate
            (SSSOM.match_string, Literal(d.candidate.match_text)),  # type: ignore[union-attr]  # linked: has a candidate
            (RDFS.comment, Literal(f"wbsearchentities {d.candidate.match_type} match, rank {d.candidate.rank + 1}")),  # type: ignore[union-attr]  # linked: has a candidate
        ):
            add(axiom, p, o)
    return quads


def write_quads(store: Store, quads: list[Quad]) -> None:
    """Add ``quads`` in one SPARQL update (one transaction); the data is written by pyoxigraph."""
    by_graph: dict[str, list[Quad]] = {}
    for q in quads:
        by_graph.setdefault(q.graph_name.value, []).append(q)  # type: ignore[union-attr]  # named graphs only
    parts = []
    for name, items in by_graph.items():
        data = serialize((q.triple for q in items), format=RdfFormat.N_TRIPLES)
        assert data is not None  # no output given: serialize returns the bytes
        body = data.decode("utf-8")
        parts.append(f"GRAPH {NamedNode(name)} {{\n{body}}}")
    if parts:
        store.update("INSERT DATA {\n" + "\n".join(parts) + "\n}")
