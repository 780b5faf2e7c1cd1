"""The vocabularies the graph uses, as factories of pyoxigraph ``NamedNode`` terms.

``EG["Foo"]`` or ``EG.Foo`` gives ``NamedNode("https://w3id.org/eventgraph#Foo")``. The EG
namespace is closed: only the terms defined in ``ontology/eventgraph.ttl`` exist, so a typo
fails at import time of the module that uses it instead of writing a stray term into the store.
"""

from __future__ import annotations

from pyoxigraph import NamedNode


class Namespace:
    """An open namespace: any local name makes a term."""

    def __init__(self, iri: str) -> None:
        self.iri = iri

    def __getitem__(self, name: str) -> NamedNode:
        return NamedNode(self.iri + name)

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        return self[name]

    def __contains__(self, term: object) -> bool:
        value = term.value if isinstance(term, NamedNode) else term
        return isinstance(value, str) and value.startswith(self.iri)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.iri!r})"


class ClosedNamespace(Namespace):
    """A namespace whose terms are listed; any other name raises ``AttributeError``/``KeyError``."""

    def __init__(self, iri: str, terms: tuple[str, ...]) -> None:
        super().__init__(iri)
        self.terms = frozenset(terms)

    def __getitem__(self, name: str) -> NamedNode:
        if name not in self.terms:
            raise KeyError(f"{name!r} is not a term of {self.iri}: define it in ontology/eventgraph.ttl first")
        return NamedNode(self.iri + name)

    def __getattr__(self, name: str) -> NamedNode:
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(str(exc)) from None


# Every term of ontology/eventgraph.ttl; tests/ontology checks this list against the file both ways.
EG_TERMS: tuple[str, ...] = (
    # event types
    "AidDelivery",
    "AidPledge",
    "Communication",
    "Meeting",
    "Visit",
    "CooperationAgreement",
    "JointOperation",
    "StatementOfSupport",
    "PolicyMeasure",
    "Deployment",
    "OtherEvent",
    # other classes
    "Document",
    "ActorGroup",
    "AidItem",
    "Evidence",
    # annotation properties
    "cameoCode",
    "jsonType",
    # roles
    "agent",
    "recipient",
    "participant",
    # actors
    "kind",
    "memberCount",
    "memberKind",
    "approximate",
    # aid
    "hasAid",
    "itemLabel",
    "itemCategory",
    "quantity",
    "unit",
    "value",
    # time
    "rawExpression",
    "precision",
    "dateBasis",
    "earliest",
    "latest",
    "month",
    "year",
    # evidence
    "evidence",
    "sentence",
    "trigger",
    "triggerStart",
    "triggerEnd",
    "confidence",
    "planned",
    # identifiers and documents
    "eventId",
    "documentId",
    "checksum",
    # curation (docs/curation.md)
    "Correction",
    "supersededBy",
    "correctedEvent",
    "curatedEvent",
    "operation",
    "operationValues",
    "correctionStatus",
    "extractorVersion",
    "sequence",
    "anchorSentence",
    "anchorSentenceStart",
    "anchorSentenceEnd",
    "anchorTrigger",
    "anchorTriggerOffset",
    "anchorType",
    "undoneAt",
)

EG = ClosedNamespace("https://w3id.org/eventgraph#", EG_TERMS)
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("http://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
TIME = Namespace("http://www.w3.org/2006/time#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SH = Namespace("http://www.w3.org/ns/shacl#")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
# Aid category concepts: not deployment data, so they live under the ontology's IRI, not the base IRI.
CATEGORY = Namespace("https://w3id.org/eventgraph/category/")

# prefix → namespace IRI, for SPARQL prologues, Turtle/TriG output and the query editor.
PREFIXES: dict[str, str] = {
    "eg": EG.iri,
    "sem": SEM.iri,
    "prov": PROV.iri,
    "schema": SCHEMA.iri,
    "oa": OA.iri,
    "skos": SKOS.iri,
    "xsd": XSD.iri,
    "rdf": RDF.iri,
    "rdfs": RDFS.iri,
    "owl": OWL.iri,
    "time": TIME.iri,
    "dcterms": DCTERMS.iri,
    "wd": WD.iri,
    "wdt": WDT.iri,
    "egcat": CATEGORY.iri,
}


def sparql_prologue(prefixes: dict[str, str] | None = None) -> str:
    """``PREFIX`` lines for ``prefixes`` (default: all of :data:`PREFIXES`)."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in (prefixes or PREFIXES).items())


def compact(iri: str, prefixes: dict[str, str] | None = None) -> str:
    """``prefix:local`` for an IRI under a known namespace, else ``<iri>`` (for readable messages)."""
    for prefix, ns in (prefixes or PREFIXES).items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"
