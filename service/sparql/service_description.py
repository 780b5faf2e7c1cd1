"""The SPARQL 1.1 Service Description of the endpoint (what GET /sparql without a query answers)."""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, QueryResultsFormat, RdfFormat, Triple

from service.sparql.conneg import GRAPH_FORMATS, RESULT_FORMATS
from service.sparql.void import DCTERMS, RDF, VOID

SD = "http://www.w3.org/ns/sparql-service-description#"
SD_PREFIXES = {"sd": SD, "void": VOID, "dcterms": DCTERMS, "rdf": RDF}


def _sd(name: str) -> NamedNode:
    return NamedNode(SD + name)


def service_description(endpoint: str, dataset: str, *, writable: bool, federated: bool) -> list[Triple]:
    """Triples describing the endpoint at ``endpoint``; its default dataset is the VoID ``dataset``.

    ``writable`` adds SPARQL Update (a token is configured); ``federated`` adds SERVICE
    (the allowlist is not empty).
    """
    service, graph = NamedNode(endpoint), BlankNode()
    a = NamedNode(RDF + "type")
    out = [
        Triple(service, a, _sd("Service")),
        Triple(service, _sd("endpoint"), service),
        Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        Triple(service, NamedNode(DCTERMS + "title"), Literal("Eventgraph SPARQL endpoint")),
        Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        Triple(service, _sd("defaultEntailmentRegime"), NamedNode("http://www.w3.org/ns/entailment/Simple")),
        Triple(service, _sd("defaultDataset"), NamedNode(dataset)),
        Triple(NamedNode(dataset), a, _sd("Dataset")),
        Triple(NamedNode(dataset), a, NamedNode(VOID + "Dataset")),
        Triple(NamedNode(dataset), _sd("defaultGraph"), graph),
        Triple(graph, a, _sd("Graph")),
    ]
    if writable:
        out.append(Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Update")))
    if federated:
        out.append(Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    formats: tuple[QueryResultsFormat | RdfFormat, ...] = (*RESULT_FORMATS, *GRAPH_FORMATS)
    out += [Triple(service, _sd("resultFormat"), NamedNode(f.iri)) for f in formats]
    return out
