"""Extraction: a Document in, event records out — pure text work (no RDF, no store, no web).

``extract(document)`` runs :data:`PIPELINE`, a tuple of small components over one
:class:`~service.extract.work.Work` object: sentences, actor mentions, groups, references,
temporal expressions, aid, triggers, then the events. Rules and word lists are data files in
``lexicon/``. Roles the rules leave empty are read from a dependency parse of the sentences that
hold triggers (``dependencies.py``), by the small tagger and parser the package ships in
``parser/model`` (trained on UD English EWT; ``syntax.py`` loads it; nothing is downloaded). The
result is deterministic: the same document gives the same events with the same ids in the same order.

It must not import RDF libraries, the ontology mapping, the store, the document readers, Flask, the web
layer or the CLI.
"""

from __future__ import annotations

from collections.abc import Callable

from service.extract.actors import find_actors
from service.extract.aid import find_aid
from service.extract.events import assemble_events
from service.extract.gazetteer import Gazetteer, load_gazetteer
from service.extract.groups import find_groups
from service.extract.references import find_references
from service.extract.sentences import split_sentences
from service.extract.temporal import find_times
from service.extract.triggers import find_triggers
from service.extract.work import Work
from service.model import Document, Extraction

__all__ = ["PIPELINE", "extract"]

Component = Callable[[Work], Work]

PIPELINE: tuple[Component, ...] = (
    split_sentences,
    find_actors,
    find_groups,
    find_references,
    find_times,
    find_aid,
    find_triggers,
    assemble_events,
)


def extract(document: Document, *, gazetteer: Gazetteer | None = None) -> Extraction:
    """The events of one document, with ids ``{document.id}-001``, … in document order.

    >>> from datetime import date
    >>> doc = Document(id="d", text="On 3 March 2023, China donated 1,000 masks to Italy.", published=date(2023, 3, 5))
    >>> [(e.type, e.agents[0].name, e.recipients[0].name, e.aid[0].quantity) for e in extract(doc).events]
    [('aid_delivery', 'China', 'Italy', 1000.0)]
    """
    work = Work(document=document, gazetteer=gazetteer if gazetteer is not None else load_gazetteer())
    for component in PIPELINE:
        result = component(work)
        if not isinstance(result, Work):
            raise TypeError(f"extraction component {component.__name__} returned {type(result).__name__}, not Work")
        work = result
    return Extraction(document=document, events=tuple(work.events), author_actor=work.author)
