"""The only module that chains the stages: documents → extraction → RDF → store.

The CLI and the web layer call these functions; neither repeats their logic.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from service import __version__
from service.config import Settings
from service.documents import read_bytes, read_file, walk
from service.errors import DocumentRefused
from service.extract import extract
from service.extract.gazetteer import Gazetteer, load_gazetteer
from service.model import Document, Extraction
from service.rdf.iris import Iris
from service.rdf.mapping import document_quads
from service.rdf.namespaces import EG
from service.store import Store


@dataclass(frozen=True)
class Outcome:
    """What happened to one input: ``added``, ``replaced``, ``unchanged`` or ``refused``."""

    origin: str
    status: str
    doc_id: str | None = None
    iri: str | None = None
    events: int = 0
    quads: int = 0
    reason: str | None = None
    extraction: Extraction | None = None


@dataclass
class IngestReport:
    outcomes: list[Outcome] = field(default_factory=list)
    elapsed: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def documents(self) -> int:
        return sum(1 for o in self.outcomes if o.status != "refused")

    @property
    def events(self) -> int:
        return sum(o.events for o in self.outcomes)

    @property
    def quads(self) -> int:
        return sum(o.quads for o in self.outcomes)

    @property
    def refused(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "refused"]


_CHECKSUM_QUERY = "ASK { GRAPH ?g { ?doc ?p ?sum } }"


def stored_checksum_matches(store: Store, iris: Iris, document: Document) -> bool:
    """True when the store already holds this document with the same checksum."""
    result = store.query(
        _CHECKSUM_QUERY,
        substitutions={
            "g": NamedNode(iris.document_graph(document.id)),
            "doc": NamedNode(iris.document(document.id)),
            "p": EG.checksum,
            "sum": Literal(document.checksum),
        },
    )
    return bool(result)


def gazetteer_for(settings: Settings) -> Gazetteer:
    """The shipped gazetteer, extended with the user's file when one is configured."""
    return load_gazetteer(settings.gazetteer)


def ingest_document(
    document: Document, store: Store, settings: Settings, *, gazetteer: Gazetteer | None = None
) -> Outcome:
    """Extract one document and write its graph in one step; unchanged documents are left alone."""
    iris = Iris(settings.base_iri)
    origin = document.origin or document.id
    existed = store.has_graph(iris.document_graph(document.id))
    if existed and stored_checksum_matches(store, iris, document):
        return Outcome(origin, "unchanged", document.id, iris.document(document.id))
    extraction = extract(document, gazetteer=gazetteer or gazetteer_for(settings))
    quads, shared = document_quads(extraction, iris, __version__)
    store.replace_graph(iris.document_graph(document.id), quads, shared)
    return Outcome(
        origin,
        "replaced" if existed else "added",
        document.id,
        iris.document(document.id),
        events=len(extraction.events),
        quads=len(quads) + len(shared),
        extraction=extraction,
    )


def ingest_upload(data: bytes, name: str, media_type: str | None, store: Store, settings: Settings) -> Outcome:
    """Ingest an uploaded document (HTTP); refusals raise DocumentRefused."""
    document = read_bytes(data, name=name, media_type=media_type, max_bytes=settings.max_document_bytes)
    return ingest_document(document, store, settings)


def ingest_paths(
    paths: Iterable[Path],
    store: Store,
    settings: Settings,
    *,
    progress: Callable[[Outcome], None] | None = None,
) -> IngestReport:
    """Ingest every document under ``paths``; a refused file is reported and the batch goes on."""
    started = time.perf_counter()
    report = IngestReport()
    gazetteer = gazetteer_for(settings)
    for path in walk(paths):
        try:
            document = read_file(path, max_bytes=settings.max_document_bytes)
            outcome = ingest_document(document, store, settings, gazetteer=gazetteer)
        except DocumentRefused as exc:
            outcome = Outcome(path.name, "refused", reason=exc.message)
        report.outcomes.append(outcome)
        if progress:
            progress(outcome)
    report.elapsed = time.perf_counter() - started
    return report


def extract_paths(paths: Iterable[Path], settings: Settings) -> Iterator[Extraction | Outcome]:
    """Extract without a store: an Extraction per readable document, a refused Outcome otherwise."""
    gazetteer = gazetteer_for(settings)
    for path in walk(paths):
        try:
            document = read_file(path, max_bytes=settings.max_document_bytes)
        except DocumentRefused as exc:
            yield Outcome(path.name, "refused", reason=exc.message)
            continue
        yield extract(document, gazetteer=gazetteer)


def extract_file(path: Path, settings: Settings) -> Extraction:
    """Read and extract one file (used by the evaluation)."""
    document = read_file(path, max_bytes=settings.max_document_bytes)
    return extract(document, gazetteer=gazetteer_for(settings))


def delete_document(doc_id: str, store: Store, settings: Settings) -> bool:
    """Remove a document's graph; False when it was not there."""
    return store.drop_graph(Iris(settings.base_iri).document_graph(doc_id))
