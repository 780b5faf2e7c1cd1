"""Curation against a store: make a correction, undo one, list them, re-attach them, export them.

Every write reads the document's corrections and extraction, adds or changes one record,
rebuilds the document's curation graph (:func:`service.curation.build.rebuild`) and replaces
it in one transaction (``Store.replace_graph``). Writes to one document are serialised in this
process; reads are SPARQL the store answers (in the query workers when the store is served).
Values reach SPARQL only as pyoxigraph terms built from checked input.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Quad, RdfFormat, serialize

from service.curation import operations
from service.curation.build import Built, Extracted, anchor_of, rebuild
from service.curation.records import Anchor, Correction, from_rows, now, records_query
from service.errors import NotFound, UserError
from service.model import Document, Event
from service.rdf.iris import Iris, encode
from service.rdf.namespaces import sparql_prologue
from service.store import Store
from service.timeline.assemble import event_iri
from service.timeline.events import Finder

DEFAULT_CURATOR = "analyst"
_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
_locks_guard = threading.Lock()
PROLOGUE = sparql_prologue()


def _lock(doc_id: str) -> threading.Lock:
    with _locks_guard:
        return _locks[doc_id]


def document_lock(doc_id: str) -> threading.Lock:
    """The lock that serialises, in this process, the writes of one document's corrections with
    its re-extraction (hold it around :func:`reattach_update` and the write of its update)."""
    return _lock(doc_id)


# --- reading ------------------------------------------------------------------------------------


def corrections(store: Store, iris: Iris, doc_ids: list[str] | None = None) -> list[Correction]:
    """The corrections of the documents ``doc_ids`` (of every document when None)."""
    graphs = None if doc_ids is None else [iris.curation_graph(d) for d in doc_ids]
    if graphs == []:
        return []
    return from_rows(iris, store.query(records_query(graphs)))


def document(store: Store, iris: Iris, doc_id: str) -> Document:
    """The stored document (id, text, metadata). :raises NotFound: when it is not stored."""
    query = f"""{PROLOGUE}SELECT ?text ?title ?published ?source ?author ?url WHERE {{
  GRAPH {NamedNode(iris.document_graph(doc_id))} {{
    {NamedNode(iris.document(doc_id))} schema:text ?text .
    OPTIONAL {{ {NamedNode(iris.document(doc_id))} schema:headline ?title }}
    OPTIONAL {{ {NamedNode(iris.document(doc_id))} schema:datePublished ?published }}
    OPTIONAL {{ {NamedNode(iris.document(doc_id))} schema:publisher ?source }}
    OPTIONAL {{ {NamedNode(iris.document(doc_id))} schema:author ?author }}
    OPTIONAL {{ {NamedNode(iris.document(doc_id))} schema:url ?url }}
  }}
}} LIMIT 1"""
    for row in store.query(query):  # type: ignore[union-attr]  # a SELECT: QuerySolutions
        published = row["published"]
        return Document(
            id=doc_id,
            text=row["text"].value,
            title=row["title"].value if row["title"] is not None else None,
            published=date.fromisoformat(published.value) if published is not None else None,
            source=row["source"].value if row["source"] is not None else None,
            author=row["author"].value if row["author"] is not None else None,
            url=row["url"].value if row["url"] is not None else None,
        )
    raise NotFound(f"no document {doc_id!r} in the store")


def _events_of(store: Store, iris: Iris, doc_id: str, *, curated: bool) -> list[str]:
    doc = NamedNode(iris.document(doc_id))
    if curated:
        body = f"?e prov:wasDerivedFrom {doc} ; a sem:Event . MINUS {{ ?e eg:supersededBy ?by }}"
    else:
        body = f"GRAPH {NamedNode(iris.document_graph(doc_id))} {{ ?e prov:wasDerivedFrom {doc} ; a sem:Event }}"
    rows = store.query(f"{PROLOGUE}SELECT DISTINCT ?e WHERE {{ {body} }}")
    return sorted(r["e"].value for r in rows)  # type: ignore[union-attr]  # a SELECT: QuerySolutions


def _read_events(store: Store, iris: Iris, iri_list: list[str]) -> list[Extracted]:
    found = Finder(store, iris).details([NamedNode(i) for i in iri_list])
    return [(e["iri"], Event.from_json(e)) for e in found]


def extracted(store: Store, iris: Iris, doc_id: str) -> list[Extracted]:
    """The events of the document's extraction graph, as records."""
    return _read_events(store, iris, _events_of(store, iris, doc_id, curated=False))


def curated_events(store: Store, iris: Iris, doc_id: str) -> list[Event]:
    """The document's events in the curated view, in text order."""
    events = [e for _, e in _read_events(store, iris, _events_of(store, iris, doc_id, curated=True))]
    return sorted(events, key=lambda e: (e.sentence_start, e.trigger_start, e.type, e.id))


def view_event(store: Store, iris: Iris, iri: str) -> dict[str, Any] | None:
    """The event JSON of ``iri`` if the curated view shows it (None when superseded or unknown)."""
    superseded = store.query(f"{PROLOGUE}ASK {{ {NamedNode(iri)} eg:supersededBy ?by }}")
    if bool(superseded):
        return None
    found = Finder(store, iris).details([NamedNode(iri)])
    return found[0] if found else None


def extractor_version(store: Store, iris: Iris, doc_id: str) -> str:
    query = f"""{PROLOGUE}SELECT ?v WHERE {{ GRAPH {NamedNode(iris.document_graph(doc_id))} {{
  ?activity prov:wasAssociatedWith ?software . ?software schema:softwareVersion ?v }} }} LIMIT 1"""
    for row in store.query(query):  # type: ignore[union-attr]  # a SELECT: QuerySolutions
        return str(row["v"].value)
    return "unknown"


# --- writing ------------------------------------------------------------------------------------


def _write(store: Store, iris: Iris, doc_id: str, built: Built) -> None:
    graph = iris.curation_graph(doc_id)
    if not built.corrections:
        store.drop_graph(graph)
        return
    store.replace_graph(graph, built.quads, built.shared)


def _resolve_actor(store: Store, iris: Iris, data: Any) -> Any:
    """An actor given by ``iri`` (one of the store's actors) or a bare ``wikidata`` gets its name and kind."""
    if not isinstance(data, dict):
        return data
    iri = data.get("iri")
    if iri is None and data.get("wikidata") and not data.get("name"):
        try:
            iri = iris.actor("", str(data["wikidata"]))
        except ValueError:
            raise UserError("actor: 'wikidata' must be a Wikidata item id such as Q148") from None
    if iri is None:
        return data
    if not isinstance(iri, str) or iris.kind_of(iri) not in ("actor", "group"):
        raise UserError(f"actor: 'iri' {str(iri)[:200]!r} is not an actor of this store")
    query = f"""{PROLOGUE}SELECT ?name ?kind ?memberKind ?wd ?count ?approximate WHERE {{
  {NamedNode(iri)} rdfs:label ?name .
  OPTIONAL {{ {NamedNode(iri)} eg:kind ?kind }} OPTIONAL {{ {NamedNode(iri)} eg:memberKind ?memberKind }}
  OPTIONAL {{ {NamedNode(iri)} skos:exactMatch ?wd }} OPTIONAL {{ {NamedNode(iri)} eg:memberCount ?count }}
  OPTIONAL {{ {NamedNode(iri)} eg:approximate ?approximate }}
}} LIMIT 1"""
    for row in store.query(query):  # type: ignore[union-attr]  # a SELECT: QuerySolutions
        out: dict[str, Any] = {
            "name": row["name"].value,
            "kind": (row["kind"] or row["memberKind"]).value if (row["kind"] or row["memberKind"]) else "other",
            "wikidata": row["wd"].value.rsplit("/", 1)[1] if row["wd"] is not None else None,
        }
        if iris.kind_of(iri) == "group":
            count = row["count"]
            out |= {
                "group": True,
                "count": int(count.value) if count is not None else None,
                "approximate": row["approximate"] is not None and row["approximate"].value == "true",
            }
        return out
    raise UserError(f"actor: no actor {iri!r} in the store")


def _resolve(store: Store, iris: Iris, operation: str, values: Any) -> Any:
    if not isinstance(values, dict):
        return values
    values = dict(values)
    if "actor" in values:
        values["actor"] = _resolve_actor(store, iris, values["actor"])
    if isinstance(values.get("actors"), list) and len(values["actors"]) <= operations.MAX_LIST:
        values["actors"] = [_resolve_actor(store, iris, a) for a in values["actors"]]
    event = values.get("event")
    if operation == "add_event" and isinstance(event, dict):
        event = dict(event)
        for role in operations.ROLES:
            if isinstance(event.get(role), list) and len(event[role]) <= operations.MAX_LIST:
                event[role] = [_resolve_actor(store, iris, a) for a in event[role]]
        values["event"] = event
    return values


def _check_note(note: Any) -> str | None:
    if note is None or note == "":
        return None
    if not isinstance(note, str):
        raise UserError("'note' must be a string")
    if len(note) > operations.MAX_NOTE_CHARS:
        raise UserError(f"'note' is longer than {operations.MAX_NOTE_CHARS} characters")
    return note.strip() or None


def _check_curator(curator: Any) -> str:
    if curator is None or curator == "":
        return DEFAULT_CURATOR
    if not isinstance(curator, str) or not curator.strip() or len(curator) > 200:
        raise UserError("'curator' must be a name of at most 200 characters")
    return " ".join(curator.split())


def _new_record(
    existing: list[Correction], doc_id: str, operation: str, values: dict[str, Any], **fields: Any
) -> Correction:
    sequence = max((c.sequence for c in existing), default=0) + 1
    moment = now()
    return Correction(
        iri="",
        doc_id=doc_id,
        sequence=sequence,
        operation=operation,
        values=values,
        time=moment,
        **fields,
    )


def correct(
    store: Store,
    iris: Iris,
    key: str,
    operation: str,
    values: Any,
    *,
    curator: Any = None,
    note: Any = None,
) -> Correction:
    """Apply one correction to the event at ``key`` (an extracted event or its curated copy).

    :raises NotFound: no such event. :raises UserError: a bad operation or value, or an event
        already rejected.
    """
    if operation == "add_event":
        raise UserError("add an event through its document (POST /api/documents/<id>/corrections)")
    iri = event_iri(iris, key).value
    doc_id = iris.doc_id_of(iri)
    if doc_id is None:
        raise NotFound(f"no event {key!r}")
    kept = operations.check(operation, _resolve(store, iris, operation, values))
    who, text = _check_curator(curator), _check_note(note)
    with _lock(doc_id):
        existing = corrections(store, iris, [doc_id])
        events = extracted(store, iris, doc_id)
        group = [c for c in existing if c.curated == iri or (c.target == iri and c.status != "orphan")]
        if group:
            curated, anchor = group[0].curated, group[0].anchor
            if any(c.operation == "reject" and c.status == "applied" for c in group):
                raise UserError(f"event {key!r} was rejected: undo the rejection before correcting it")
            if group[0].operation == "add_event" and group[0].undone_at is not None:
                raise UserError(f"event {key!r} was added and the addition undone: it no longer exists")
            if all(c.status in ("orphan", "undone") for c in group) and any(c.status == "orphan" for c in group):
                raise NotFound(f"event {key!r} is gone from its re-extracted document: its corrections are orphans")
        else:
            target = next((e for i, e in events if i == iri), None)
            if target is None:
                raise NotFound(f"no event {key!r} in the extraction of {doc_id!r}")
            curated, anchor = iris.curated_event(doc_id, iri), anchor_of(target)
        record = _new_record(
            existing,
            doc_id,
            operation,
            kept,
            curator=who,
            note=text,
            version=extractor_version(store, iris, doc_id),
            curated=curated,
            anchor=anchor,
            target=group[0].target if group else iri,
        )
        record = replace(record, iri=iris.correction(doc_id, record.time.isoformat(), record.sequence, curated))
        built = rebuild(iris, document(store, iris, doc_id), events, [*existing, record])
        _write(store, iris, doc_id, built)
    return next(c for c in built.corrections if c.iri == record.iri)


def add_event(
    store: Store, iris: Iris, doc_id: str, sentence: Any, values: Any, *, curator: Any = None, note: Any = None
) -> Correction:
    """Add an event the extractor missed, read from the document's sentence at ``sentence`` ([start, end])."""
    if (
        not isinstance(sentence, list)
        or len(sentence) != 2
        or not all(isinstance(x, int) and not isinstance(x, bool) for x in sentence)
    ):
        raise UserError("'sentence' must be [start, end]: character offsets of the sentence in the document's text")
    kept = operations.check("add_event", _resolve(store, iris, "add_event", {"event": values}))
    who, text = _check_curator(curator), _check_note(note)
    with _lock(doc_id):
        doc = document(store, iris, doc_id)
        start, end = sentence
        if not 0 <= start < end <= len(doc.text) or not doc.text[start:end].strip():
            raise UserError(f"'sentence' [{start}, {end}] is not a span of the document's text (0 to {len(doc.text)})")
        words = doc.text[start:end]
        trigger = kept.get("trigger") or (words.split() or [""])[0]
        at = words.find(trigger)
        if at < 0:
            raise UserError(f"event: 'trigger' {trigger!r} is not in the sentence")
        anchor = Anchor(start, end, words, trigger, at, kept["type"])
        existing = corrections(store, iris, [doc_id])
        record = _new_record(
            existing,
            doc_id,
            "add_event",
            kept,
            curator=who,
            note=text,
            version=extractor_version(store, iris, doc_id),
            curated="",
            anchor=anchor,
        )
        seed = f"{record.time.isoformat()}|{record.sequence}|{start}|{at}"
        record = replace(
            record,
            iri=iris.correction(doc_id, record.time.isoformat(), record.sequence, "add"),
            curated=iris.curated_event(doc_id, seed),
        )
        built = rebuild(iris, doc, extracted(store, iris, doc_id), [*existing, record])
        _write(store, iris, doc_id, built)
    return next(c for c in built.corrections if c.iri == record.iri)


def correction_iri(iris: Iris, key: str) -> str:
    """The IRI of the correction at ``key`` (``<document id>-<12 hex digits>``)."""
    doc, sep, digest = key.rpartition("-")
    if not sep or not doc or len(digest) != 12 or any(c not in "0123456789abcdef" for c in digest):
        raise NotFound(f"no correction {key!r}: correction ids look like <document id>-<12 hex digits>")
    return f"{iris.base}id/correction/{encode(doc)}-{digest}"


def undo(store: Store, iris: Iris, key: str) -> Correction:
    """Undo a correction: it is kept, marked undone, and no longer applied."""
    iri = correction_iri(iris, key)
    doc_id = iris.doc_id_of(iri) or ""
    with _lock(doc_id):
        existing = corrections(store, iris, [doc_id])
        found = next((c for c in existing if c.iri == iri), None)
        if found is None:
            raise NotFound(f"no correction {key!r}")
        if found.undone_at is not None:
            raise UserError(f"correction {key!r} is undone already")
        changed = [replace(c, undone_at=now()) if c.iri == iri else c for c in existing]
        built = rebuild(iris, document(store, iris, doc_id), extracted(store, iris, doc_id), changed)
        _write(store, iris, doc_id, built)
    return next(c for c in built.corrections if c.iri == iri)


def history(store: Store, iris: Iris, key: str) -> list[Correction]:
    """The corrections of the event at ``key``: made on it, on its curated copy, or adding it."""
    iri = event_iri(iris, key).value
    doc_id = iris.doc_id_of(iri)
    if doc_id is None:
        return []
    found = corrections(store, iris, [doc_id])
    curated = {c.curated for c in found if c.curated == iri or c.target == iri}
    return [c for c in found if c.curated in curated]


def orphans(store: Store, iris: Iris) -> list[Correction]:
    """Corrections whose event (or sentence) is no longer found in their document, for review."""
    return [c for c in corrections(store, iris) if c.status == "orphan"]


# --- re-extraction ------------------------------------------------------------------------------


def _nquads(quads: list[Quad], graph: str) -> str:
    data = serialize((q.triple for q in quads if q.graph_name == NamedNode(graph)), format=RdfFormat.N_TRIPLES)
    return (data or b"").decode("utf-8")


def reattach_update(
    store: Store, iris: Iris, document: Document, events: list[Extracted], quads: list[Quad], shared: list[Quad]
) -> str | None:
    """One SPARQL update that writes a re-extracted document and its re-attached corrections together.

    None when the document has no corrections (the caller writes its graph as usual). Otherwise
    the document's graph and its curation graph are both replaced in one transaction: a failure
    leaves both as they were.
    """
    graph = iris.curation_graph(document.id)
    if not store.has_graph(graph):
        return None
    existing = corrections(store, iris, [document.id])
    built = rebuild(iris, document, events, existing)
    doc_graph = iris.document_graph(document.id)
    by_graph: dict[str, list[Quad]] = {doc_graph: list(quads), graph: built.quads}
    for q in [*shared, *built.shared]:
        by_graph.setdefault(q.graph_name.value, []).append(q)  # type: ignore[union-attr]  # named graphs only
    parts = [f"DROP SILENT GRAPH {NamedNode(doc_graph)}", f"DROP SILENT GRAPH {NamedNode(graph)}"]
    for name, items in by_graph.items():
        if items:
            parts.append(f"INSERT DATA {{ GRAPH {NamedNode(name)} {{\n{_nquads(items, name)}}} }}")
    return " ;\n".join(parts)


def reattach_stored(store: Store, iris: Iris, graphs: list[str]) -> list[str]:
    """Re-attach the corrections of documents whose graphs were written without
    :func:`reattach_update` (a batch's bulk load): each corrected document's curation graph is
    rebuilt from its stored extraction and replaced (one transaction per document, after the
    document's own). Returns the curation graphs written."""
    corrected = {
        row["g"].value
        for row in store.query(f"{PROLOGUE}SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?c a eg:Correction }} }}")  # type: ignore[union-attr]  # a SELECT
    }
    written = []
    for graph in graphs:
        doc_id = iris.doc_id_from_graph(graph)
        if doc_id is None or iris.curation_graph(doc_id) not in corrected:
            continue
        with _lock(doc_id):
            built = rebuild(
                iris, document(store, iris, doc_id), extracted(store, iris, doc_id), corrections(store, iris, [doc_id])
            )
            _write(store, iris, doc_id, built)
        written.append(iris.curation_graph(doc_id))
    return written


# --- export -------------------------------------------------------------------------------------


def _file_name(doc_id: str) -> str:
    return encode(doc_id).replace("%", "_") or "document"


def export_gold(store: Store, iris: Iris, out_dir: Path) -> list[Path]:
    """Write ``NAME.txt`` and ``NAME.gold.json`` (the curated events) for every corrected document.

    The format is the gold set's (``tests/gold/README.md``), read by ``eventgraph eval``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for doc_id in sorted({c.doc_id for c in corrections(store, iris)}):
        doc = document(store, iris, doc_id)
        events = curated_events(store, iris, doc_id)
        name = _file_name(doc_id)
        (out_dir / f"{name}.txt").write_text(doc.text, encoding="utf-8")
        gold = {
            "doc": doc_id,
            "published": doc.published.isoformat() if doc.published else None,
            "title": doc.title,
            "source": doc.source,
            "author": doc.author,
            "url": doc.url,
            "events": [e.to_json() for e in events],
        }
        path = out_dir / f"{name}.gold.json"
        path.write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written
