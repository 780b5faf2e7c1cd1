"""Aid categories and event types linked to Wikidata concepts, from the table ``concepts.tsv``.

Each row links one aid category (``https://w3id.org/eventgraph/category/{key}``) or one event
type (``eg:Meeting`` …) to a Wikidata item with a SKOS mapping property chosen for how close the
two are: ``exactMatch`` when they are the same concept, ``closeMatch`` when nearly so,
``broadMatch``/``narrowMatch`` when Wikidata's is broader/narrower, ``relatedMatch`` otherwise.
Only concepts that exist in Wikidata are listed; ``checked`` says ``reference`` when the QID and
label were verified against the project's Wikidata reference table. The links go to the shared
actors graph, which already holds the category concepts.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, Quad

from service.rdf.iris import Iris
from service.rdf.mapping import EVENT_CLASSES
from service.rdf.namespaces import SKOS, WD

CONCEPTS_TSV = Path(__file__).with_name("concepts.tsv")
RELATIONS = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
SCHEMES = ("aid_category", "event_type")
_QID = re.compile(r"^Q[1-9][0-9]*$")
_KEY = re.compile(r"^[a-z0-9_]+$")


@dataclass(frozen=True)
class ConceptLink:
    scheme: str
    key: str
    relation: str
    qid: str
    wikidata_label: str
    checked: str = ""
    note: str = ""

    def subject(self) -> NamedNode:
        """The category concept or the event type class the row links."""
        if self.scheme == "event_type":
            return EVENT_CLASSES[self.key]
        return NamedNode(Iris.category(self.key))


def load_concepts(path: Path = CONCEPTS_TSV) -> list[ConceptLink]:
    """The rows of the table.

    :raises ValueError: a row with an unknown scheme, relation or event type, or a malformed key or QID.
    """
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    out = []
    for line, row in enumerate(rows, start=2):
        link = ConceptLink(**{k: (v or "").strip() for k, v in row.items()})
        problem = _problem(link)
        if problem:
            raise ValueError(f"{path.name} line {line}: {problem}")
        out.append(link)
    return out


def _problem(link: ConceptLink) -> str | None:
    if link.scheme not in SCHEMES:
        return f"scheme {link.scheme!r} is not one of {', '.join(SCHEMES)}"
    if link.relation not in RELATIONS:
        return f"relation {link.relation!r} is not one of {', '.join(RELATIONS)}"
    if not _QID.match(link.qid):
        return f"{link.qid!r} is not a QID"
    if link.scheme == "event_type" and link.key not in EVENT_CLASSES:
        return f"{link.key!r} is not an event type"
    if not _KEY.match(link.key):
        return f"{link.key!r} is not a category key"
    return None


def concept_quads(iris: Iris, links: list[ConceptLink] | None = None) -> list[Quad]:
    """``subject skos:<relation> wd:Q…`` for every row, in the actors graph (what the pipeline can add)."""
    graph = NamedNode(iris.actors_graph)
    return [Quad(link.subject(), SKOS[link.relation], WD[link.qid], graph) for link in links or load_concepts()]
