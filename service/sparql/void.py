"""A VoID description of the dataset: how many triples, documents, events and actors, and where to query them."""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from service.rdf.namespaces import EG, PREFIXES, SEM

VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
VOID_PREFIXES = {"void": VOID, "dcterms": DCTERMS, "eg": EG.iri, "sem": SEM.iri}
# The classes counted, with the figure of dataset_stats that counts them.
PARTITIONS = (
    (EG.Document, "documents"),
    (SEM.Event, "events"),
    (SEM.Actor, "actors"),
    (EG.AidItem, "aid_items"),
)
VOCABULARIES = ("eg", "sem", "prov", "schema", "oa", "skos", "time", "dcterms")


def _void(name: str) -> NamedNode:
    return NamedNode(VOID + name)


def void_description(dataset: str, endpoint: str, base_iri: str, stats: dict[str, int]) -> list[Triple]:
    """Triples describing ``dataset`` (an IRI) with the figures of ``stats`` (see :func:`dataset_stats`)."""
    node = NamedNode(dataset)
    out = [
        Triple(node, NamedNode(RDF + "type"), _void("Dataset")),
        Triple(node, NamedNode(DCTERMS + "title"), Literal("Eventgraph")),
        Triple(
            node,
            NamedNode(DCTERMS + "description"),
            Literal("Events of international aid and cooperation read from press releases and news articles."),
        ),
        Triple(node, _void("sparqlEndpoint"), NamedNode(endpoint)),
        Triple(node, _void("uriSpace"), Literal(base_iri + "id/")),
        Triple(node, _void("triples"), Literal(stats.get("quads", 0))),
    ]
    out += [Triple(node, _void("vocabulary"), NamedNode(PREFIXES[p])) for p in VOCABULARIES if p in PREFIXES]
    for cls, figure in PARTITIONS:
        part = BlankNode()
        out += [
            Triple(node, _void("classPartition"), part),
            Triple(part, _void("class"), cls),
            Triple(part, _void("entities"), Literal(stats.get(figure, 0))),
        ]
    return out
