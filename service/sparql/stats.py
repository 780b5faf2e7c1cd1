"""Figures about the dataset, answered by SPARQL on the store (no second copy of the data).

Events and aid items are counted in the curated view: extracted events superseded by a
correction (docs/curation.md) are left out."""

from __future__ import annotations

from service.rdf.namespaces import PREFIXES
from service.store import Store

_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

_COUNTS = {
    "quads": "GRAPH ?g { ?s ?p ?o }",
    "documents": "SELECT DISTINCT ?d WHERE { ?d a eg:Document }",
    "events": "SELECT DISTINCT ?e WHERE { ?e eg:evidence ?ev MINUS { ?e eg:supersededBy ?by } }",
    "actors": "SELECT DISTINCT ?a WHERE { ?e eg:agent|eg:recipient|eg:participant ?a }",
    "aid_items": "SELECT DISTINCT ?i WHERE { ?e eg:hasAid ?i MINUS { ?e eg:supersededBy ?by } }",
}


def _count(store: Store, pattern: str) -> int:
    result = store.query(f"{_PREFIXES}SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    for row in result:  # type: ignore[union-attr]  # a SELECT: QuerySolutions
        return int(row["n"].value)
    return 0


def dataset_stats(store: Store) -> dict[str, int]:
    """Counts of quads, named graphs, documents, events, actors and aid items."""
    out = {name: _count(store, pattern) for name, pattern in _COUNTS.items()}
    out["graphs"] = len(store.graphs())
    return out
