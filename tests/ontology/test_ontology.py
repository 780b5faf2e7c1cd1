"""The ontology and the shapes: they parse, every term is documented, and the code agrees with them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from service.model import EVENT_TYPES
from service.rdf.mapping import EVENT_CLASSES
from service.rdf.namespaces import EG, EG_TERMS, PREFIXES

EGNS = rdflib.Namespace(EG.iri)
SEM = rdflib.Namespace(PREFIXES["sem"])
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(Path(__file__).resolve().parents[2] / "ontology" / "eventgraph.ttl")


def _eg_iris(graph: rdflib.Graph) -> set[str]:
    return {str(t) for triple in graph for t in triple if isinstance(t, rdflib.URIRef) and str(t).startswith(EG.iri)}


def test_ontology_has_a_versioned_header(ontology: rdflib.Graph) -> None:
    header = rdflib.URIRef("https://w3id.org/eventgraph")
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionInfo) is not None
    assert ontology.value(header, OWL.versionIRI) is not None


def test_ontology_every_term_has_label_comment_and_is_defined_by(ontology: rdflib.Graph) -> None:
    terms = {s for t in TERM_TYPES for s in ontology.subjects(RDF.type, t) if str(s).startswith(EG.iri)}
    assert terms
    for term in terms:
        assert ontology.value(term, RDFS.label), f"{term} has no rdfs:label"
        assert ontology.value(term, RDFS.comment), f"{term} has no rdfs:comment"
        assert ontology.value(term, RDFS.isDefinedBy) == rdflib.URIRef("https://w3id.org/eventgraph"), term


def test_ontology_declares_exactly_the_closed_eg_terms(ontology: rdflib.Graph) -> None:
    declared = {str(s)[len(EG.iri) :] for t in TERM_TYPES for s in ontology.subjects(RDF.type, t) if s in EGNS}
    assert declared == set(EG_TERMS)
    assert len(EG_TERMS) == len(set(EG_TERMS))
    used = {iri[len(EG.iri) :] for iri in _eg_iris(ontology)}
    assert used <= declared, f"used but not declared: {used - declared}"


def test_ontology_closed_namespace_refuses_unknown_terms() -> None:
    assert EG.AidDelivery.value == EG.iri + "AidDelivery"
    with pytest.raises(AttributeError, match="eventgraph.ttl"):
        _ = EG.AidDeliveries
    with pytest.raises(KeyError):
        _ = EG["hasActor"]


def test_ontology_event_types_match_the_model_and_the_mapping(ontology: rdflib.Graph) -> None:
    json_types = {str(o): s for s, o in ontology.subject_objects(EGNS.jsonType)}
    assert set(json_types) == set(EVENT_TYPES)
    for json_type, cls in json_types.items():
        assert (cls, RDFS.subClassOf, SEM.Event) in ontology
        assert EVENT_CLASSES[json_type].value == str(cls)


def test_ontology_cameo_codes_are_cameo_shaped(ontology: rdflib.Graph) -> None:
    codes = [str(o) for o in ontology.objects(None, EGNS.cameoCode)]
    assert codes
    assert all(re.fullmatch(r"[0-2][0-9]{1,3}", c) for c in codes), codes


def test_ontology_readme_cameo_table_matches_the_ontology(ontology: rdflib.Graph) -> None:
    readme = (Path(__file__).resolve().parents[2] / "ontology" / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `eg:(\w+)` \| `(\w+)` \| ([^|]*) \|", readme, flags=re.MULTILINE)
    assert {json for _, json, _ in rows} == set(EVENT_TYPES)
    for cls, _, cell in rows:
        in_readme = set(re.findall(r"`(\d+)`", cell))
        in_ontology = {str(o) for o in ontology.objects(EGNS[cls], EGNS.cameoCode)}
        assert in_readme == in_ontology, cls


def test_ontology_shapes_parse_and_use_only_declared_terms(ontology: rdflib.Graph) -> None:
    shapes = rdflib.Graph().parse(Path(__file__).resolve().parents[2] / "ontology" / "shapes.ttl")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert len(set(shapes.subjects(RDF.type, sh.NodeShape))) >= 10
    used = {iri[len(EG.iri) :] for iri in _eg_iris(shapes)}
    assert used <= set(EG_TERMS), used - set(EG_TERMS)


def test_ontology_category_scheme_is_declared(ontology: rdflib.Graph) -> None:
    scheme = rdflib.URIRef(PREFIXES["egcat"])
    assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology
