"""The only module that chains the stages: documents → extraction → RDF → store.

The CLI and the web layer call these functions; neither repeats their logic.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pyoxigraph import Literal, NamedNode, Quad

from service import __version__
from service.config import Settings
from service.curation import document_lock, reattach_stored, reattach_update
from service.errors import DocumentRefused, DocumentTooLong
from service.model import Document, Extraction
from service.rdf.iris import Iris
from service.rdf.mapping import document_quads
from service.rdf.namespaces import EG, PROV, sparql_prologue
from service.search import index_for
from service.store import Store

if TYPE_CHECKING:
    from service.documents import Refusal
    from service.extract.gazetteer import Gazetteer

# The reading and extraction stages (lxml, trafilatura, pypdf, spaCy: a second and ~75 MB) are
# imported by the functions that use them, not with this module: a server imports it to write
# what its extraction process sends, and never loads them.

Upload = tuple[str, str | None, bytes]  # (file name, media type, bytes) of one uploaded document
Extracted = tuple[Extraction, list[Quad], list[Quad]]  # a document's extraction, its graph's quads, shared quads
Source = Path | str  # a file or directory, or an http(s):// URL


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
    skipped: list[Path] = field(default_factory=list)  # files in the folders read that are not documents

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
# ?g and ?doc are projected: a remote store applies substitutions as a trailing VALUES clause.
_EVENTS_QUERY = (
    sparql_prologue({"prov": PROV.iri})
    + "SELECT ?g ?doc ?e WHERE { GRAPH ?g { ?e prov:wasDerivedFrom ?doc } } ORDER BY ?e"
)


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


def stored_events(store: Store, iris: Iris, doc_id: str) -> list[str]:
    """The IRIs of the events stored for a document (derived from it, in its graph), in IRI order.

    What an ``unchanged`` outcome names as its events: the document is not extracted again.
    """
    rows = store.query(
        _EVENTS_QUERY,
        substitutions={
            "g": NamedNode(iris.document_graph(doc_id)),
            "doc": NamedNode(iris.document(doc_id)),
        },
    )
    return [row["e"].value for row in rows]  # type: ignore[union-attr]  # a SELECT: QuerySolutions


def gazetteer_for(settings: Settings) -> Gazetteer:
    """The shipped gazetteer, extended with the user's file when one is configured."""
    from service.extract.gazetteer import load_gazetteer

    return load_gazetteer(settings.gazetteer)


@dataclass(frozen=True)
class _Prepared:
    """A document extracted and mapped, ready to be written (or found unchanged: ``outcome`` set)."""

    document: Document
    outcome: Outcome | None = None
    existed: bool = False
    extraction: Extraction | None = None
    quads: list[Quad] = field(default_factory=list)
    shared: list[Quad] = field(default_factory=list)


def ingest_document(
    document: Document, store: Store, settings: Settings, *, gazetteer: Gazetteer | None = None
) -> Outcome:
    """Extract one document and write its graph in one step; unchanged documents are left alone."""
    return _write(_prepare(document, store, settings, gazetteer or gazetteer_for(settings)), store, settings)


def _prepare(document: Document, store: Store, settings: Settings, gazetteer: Gazetteer) -> _Prepared:
    found = _stored(document, store, Iris(settings.base_iri))
    if found.outcome is not None:
        return found
    return _extracted(found, extract_quads(document, settings, gazetteer))


def _stored(document: Document, store: Store, iris: Iris) -> _Prepared:
    """What the store holds of ``document``: an ``unchanged`` outcome when it holds the same checksum."""
    existed = store.has_graph(iris.document_graph(document.id))
    if existed and stored_checksum_matches(store, iris, document):
        origin = document.origin or document.id
        return _Prepared(document, Outcome(origin, "unchanged", document.id, iris.document(document.id)))
    return _Prepared(document, None, existed)


def _extracted(found: _Prepared, extracted: Extracted) -> _Prepared:
    extraction, quads, shared = extracted
    return _Prepared(found.document, None, found.existed, extraction, quads, shared)


def _write(prepared: _Prepared, store: Store, settings: Settings) -> Outcome:
    iris = Iris(settings.base_iri)
    document = prepared.document
    index = index_for(settings, store.location)  # the text index follows the store, document by document
    if prepared.outcome is not None:
        if index is not None:  # written by an ingest killed before its index caught up: read it back
            index.settle(store, iris.document_graph(document.id))
        return prepared.outcome
    if index is not None:
        index.begin(store, iris.document_graph(document.id))
    # A replaced document's corrections re-attach to its new events, written with them in one
    # transaction (service.curation); a document without corrections is written as before.
    update = None
    with document_lock(document.id):  # no correction of this document is written meanwhile
        if prepared.existed and prepared.extraction is not None:
            events = [
                (iris.event(document.id, e.sentence_start, e.trigger_start, e.type), e)
                for e in prepared.extraction.events
            ]
            update = reattach_update(store, iris, document, events, prepared.quads, prepared.shared)
        if update is not None:
            store.update(update)
        else:
            store.replace_graph(iris.document_graph(document.id), prepared.quads, prepared.shared)
    if index is not None:
        index.put(iris.document_graph(document.id), document.checksum, prepared.quads, prepared.shared)
        if update is not None:  # the curated events were written again too
            index.refresh(store, [iris.curation_graph(document.id)])
    return Outcome(
        document.origin or document.id,
        "replaced" if prepared.existed else "added",
        document.id,
        iris.document(document.id),
        events=len(prepared.extraction.events) if prepared.extraction else 0,
        quads=len(prepared.quads) + len(prepared.shared),
        extraction=prepared.extraction,
    )


def extract_document(document: Document, settings: Settings, gazetteer: Gazetteer | None = None) -> Extraction:
    """The extraction of one document, refused (DocumentTooLong) past EVENTGRAPH_MAX_DOCUMENT_CHARS.

    The reader refuses such texts already; this guard keeps a Document built any other way from
    reaching the tokenizer's own length error, and the tokenizer's limit is raised to the
    setting when the setting is higher (it holds no parser or tagger, whose memory that limit
    protects).
    """
    from service.extract import extract
    from service.extract.sentences import pipeline as tokenizer_pipeline

    limit = settings.max_document_chars
    if len(document.text) > limit:
        raise DocumentTooLong(
            f"{document.origin or document.id}: its text is {len(document.text):,} characters, "
            f"over the {limit:,}-character limit (EVENTGRAPH_MAX_DOCUMENT_CHARS)"
        )
    nlp = tokenizer_pipeline()
    if nlp.max_length < limit:
        nlp.max_length = limit
    return extract(document, gazetteer=gazetteer or gazetteer_for(settings))


class Extractor(Protocol):
    """What reads the documents of an upload and extracts them: this process (:data:`IN_PROCESS`), or a
    process of their own with a time and a memory limit (``service.extraction_process``), which the
    server uses: what it reads is the sender's bytes."""

    def read(self, uploads: Sequence[Upload], settings: Settings) -> list[Document]: ...

    def extract(self, parts: Sequence[tuple[int, Document]], total: int, settings: Settings) -> list[Extracted]: ...


def read_uploads(uploads: Sequence[Upload], settings: Settings) -> list[Document]:
    """The documents of one request, read; a refused part, or two parts with the same document id,
    raise DocumentRefused (or its subclass) naming the part and the reason."""
    from service.documents import read_bytes

    total = len(uploads)
    documents: list[Document] = []
    for index, (name, media_type, data) in enumerate(uploads, 1):
        try:
            documents.append(
                read_bytes(
                    data,
                    name=name,
                    media_type=media_type,
                    max_bytes=settings.max_document_bytes,
                    max_chars=settings.max_document_chars,
                )
            )
        except DocumentRefused as exc:
            raise type(exc)(_part(exc.message, index, total)) from None
    first: dict[str, int] = {}
    for index, document in enumerate(documents, 1):
        if document.id in first:
            raise DocumentRefused(
                _part(
                    f"{document.origin}: the same document id {document.id!r} as part {first[document.id]}; "
                    "send them in separate requests, or give them different names",
                    index,
                    total,
                )
            )
        first[document.id] = index
    return documents


def extract_parts(
    parts: Sequence[tuple[int, Document]], total: int, settings: Settings, gazetteer: Gazetteer | None = None
) -> list[Extracted]:
    """The extraction and quads of each (part number, document) of a request of ``total`` parts; a
    refused one raises DocumentRefused naming the part."""
    return [mapped(extraction, settings) for extraction in extractions(parts, total, settings, gazetteer)]


def extractions(
    parts: Sequence[tuple[int, Document]], total: int, settings: Settings, gazetteer: Gazetteer | None = None
) -> list[Extraction]:
    """:func:`extract_parts` without the quads (what the extraction process answers)."""
    gazetteer = gazetteer or gazetteer_for(settings)
    found = []
    for index, document in parts:
        try:
            found.append(extract_document(document, settings, gazetteer))
        except DocumentRefused as exc:
            raise type(exc)(_part(exc.message, index, total)) from None
    return found


def mapped(extraction: Extraction, settings: Settings) -> Extracted:
    """An extraction with its document graph's quads and the shared quads (the ontology mapping)."""
    quads, shared = document_quads(extraction, Iris(settings.base_iri), __version__)
    return extraction, list(quads), list(shared)


class _InProcess:
    def read(self, uploads: Sequence[Upload], settings: Settings) -> list[Document]:
        return read_uploads(uploads, settings)

    def extract(self, parts: Sequence[tuple[int, Document]], total: int, settings: Settings) -> list[Extracted]:
        return extract_parts(parts, total, settings)


IN_PROCESS: Extractor = _InProcess()


def ingest_uploads(
    uploads: Sequence[Upload], store: Store, settings: Settings, extractor: Extractor = IN_PROCESS
) -> list[Outcome]:
    """Ingest the documents of one request, all or nothing.

    Every part is read, extracted and mapped (by ``extractor``) before anything is written: a
    refused part raises DocumentRefused (or its subclass) naming the part and the reason, and
    nothing is stored. Documents the store holds unchanged are not extracted again. Then each
    document is written in its own transaction; only a store failure during those writes (a full
    disk) can leave the earlier parts stored, and posting the request again completes it.
    """
    documents = extractor.read(uploads, settings)
    iris = Iris(settings.base_iri)
    found = [_stored(document, store, iris) for document in documents]
    todo = [(index, f.document) for index, f in enumerate(found, 1) if f.outcome is None]
    extracted = iter(extractor.extract(todo, len(documents), settings) if todo else [])
    prepared = [f if f.outcome is not None else _extracted(f, next(extracted)) for f in found]
    return [_write(p, store, settings) for p in prepared]


def _part(message: str, index: int, total: int) -> str:
    return message if total == 1 else f"part {index} of {total}, {message}; nothing was stored"


def ingest_paths(
    paths: Iterable[Source],
    store: Store,
    settings: Settings,
    *,
    progress: Callable[[Outcome], None] | None = None,
    follow_symlinks: bool = False,
) -> IngestReport:
    """Ingest every document under ``paths`` (and at each URL among them); a refused one is
    reported and the batch goes on. Files in the folders that are not documents are listed in
    the report's ``skipped``."""
    from service.documents import Refusal

    started = time.perf_counter()
    report = IngestReport()
    gazetteer = gazetteer_for(settings)
    for item in _inputs(paths, follow_symlinks, report.skipped):
        if isinstance(item, Refusal):
            outcome = Outcome(item.path.name, "refused", reason=item.reason)
        else:
            try:
                document = _read(item, settings)
                outcome = ingest_document(document, store, settings, gazetteer=gazetteer)
            except DocumentRefused as exc:
                outcome = Outcome(_label(item), "refused", reason=exc.message)
        report.outcomes.append(outcome)
        if progress:
            progress(outcome)
    report.elapsed = time.perf_counter() - started
    return report


def extract_paths(
    paths: Iterable[Source], settings: Settings, *, follow_symlinks: bool = False, skipped: list[Path] | None = None
) -> Iterator[Extraction | Outcome]:
    """Extract without a store: an Extraction per readable document, a refused Outcome otherwise."""
    from service.documents import Refusal

    gazetteer = gazetteer_for(settings)
    for item in _inputs(paths, follow_symlinks, skipped):
        if isinstance(item, Refusal):
            yield Outcome(item.path.name, "refused", reason=item.reason)
            continue
        try:
            yield extract_document(_read(item, settings), settings, gazetteer)
        except DocumentRefused as exc:
            yield Outcome(_label(item), "refused", reason=exc.message)


def extract_file(path: Path, settings: Settings) -> Extraction:
    """Read and extract one file (used by the evaluation)."""
    return extract_document(_read(path, settings), settings)


def _inputs(
    sources: Iterable[Source], follow_symlinks: bool, skipped: list[Path] | None
) -> Iterator[Path | Refusal | str]:
    """The files under the paths (walked together, so each is read once) and the URLs, in order."""
    from service.documents import is_url, walk

    pending: list[Path] = []
    for source in sources:
        if isinstance(source, str) and is_url(source):
            yield from walk(pending, follow_symlinks=follow_symlinks, skipped=skipped)
            pending = []
            yield source
        else:
            pending.append(Path(source))
    yield from walk(pending, follow_symlinks=follow_symlinks, skipped=skipped)


def _label(item: Path | str) -> str:
    return item if isinstance(item, str) else item.name


def _read(item: Path | str, settings: Settings) -> Document:
    from service.documents import read_file, read_url

    if isinstance(item, str):
        return read_url(
            item,
            max_bytes=settings.max_document_bytes,
            timeout=settings.fetch_timeout,
            max_chars=settings.max_document_chars,
        )
    return read_file(item, max_bytes=settings.max_document_bytes, max_chars=settings.max_document_chars)


# --- For the batch ingest (service.batch): the same steps, split between workers and a driver ---


def document_inputs(
    paths: Iterable[Source], *, follow_symlinks: bool = False, skipped: list[Path] | None = None
) -> Iterator[Path | Refusal | str]:
    """What ``ingest_paths`` would read, in its order: files, URLs, and refusals found while walking."""
    return _inputs(paths, follow_symlinks, skipped)


def read_source(item: Path | str, settings: Settings) -> Document:
    """Read one file or URL as ingest does (raises DocumentRefused)."""
    return _read(item, settings)


def extract_quads(document: Document, settings: Settings, gazetteer: Gazetteer | None = None) -> Extracted:
    """One document extracted and mapped, without a store: (extraction, its graph's quads, shared quads)."""
    return mapped(extract_document(document, settings, gazetteer), settings)


_STORED_CHECKSUMS_QUERY = (
    sparql_prologue({"eg": EG.iri}) + "SELECT ?g ?sum WHERE { GRAPH ?g { ?doc eg:checksum ?sum } }"
)


def stored_checksums(store: Store) -> dict[str, str]:
    """Graph IRI → the checksum stored in it, for every stored document (one query): with
    ``Iris.document_graph``, what tells an unchanged document without a query of its own."""
    rows = store.query(_STORED_CHECKSUMS_QUERY)
    return {row["g"].value: row["sum"].value for row in rows}  # type: ignore[union-attr]  # a SELECT


def documents_written(store: Store, settings: Settings, graphs: Sequence[str]) -> None:
    """Called after document graphs were written other than by ``ingest_document`` (the batch's
    bulk loads and its per-document writes), with the graphs written: where an index kept in
    step with the store's documents hooks in: the corrections of those documents re-attach to their
    new events (service.curation), and the text index reads those graphs back from the store."""
    curated = reattach_stored(store, Iris(settings.base_iri), list(graphs))
    index = index_for(settings, store.location)
    if index is not None:
        index.refresh(store, [*graphs, *curated])
