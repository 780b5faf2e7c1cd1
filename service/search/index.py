"""The text index: one SQLite file with FTS5 tables, kept in step with the store document by document.

What is indexed is what the timeline's search looked at when it scanned the store (the union
branches of ``service.timeline.queries.filter_block``), split the way the store holds it:

* ``own`` — per event, its evidence sentence and its aid item labels (the event's own texts,
  written with its document);
* ``names`` — per actor or place, its labels. Actors are shared by documents and keep every name
  any document gave them, so a name is indexed once per actor and joined to the events through
  ``links`` (event → actor or place), as the store's ``sem:hasActor/rdfs:label`` path does.

Matching is the scan's: the lower-cased text contains the lower-cased words (SPARQL
``CONTAINS(LCASE(…))``). Texts are stored lower-cased (Python's ``str.lower``) in tables with the
``trigram`` tokenizer, case-sensitive; the words become one FTS5 string — quoted, its quotes
doubled, so no input is FTS5 syntax — which a trigram table matches as a substring. Words shorter
than three characters have no trigram: they are matched with ``GLOB`` (escaped), a scan of the
index's own tables. The texts of one event are joined with U+001F, which the words never hold
(words with control characters match nothing), so no match spans two texts.

Every lookup binds its values as parameters, and runs under a deadline (a progress handler that
stops SQLite's virtual machine past the time limit): a search is a data lookup, never code.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions

from service.config import Settings
from service.errors import QueryTimeout, UserError
from service.rdf.namespaces import EG, PROV, RDFS, SEM, sparql_prologue
from service.store import Store, on_disk

SCHEMA = "4"
MIN_INDEXED_CHARS = 3  # a trigram: shorter words are matched by a scan of the index's tables
SEPARATOR = "\x1f"
RANKED_PAGE = 200  # events of a ranked search read at first (a page of /api/events and its checks)
MAX_RANKED_PAGE = 5000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_EVIDENCE, _SENTENCE, _AID, _ITEM = EG.evidence.value, EG.sentence.value, EG.hasAid.value, EG.itemLabel.value
_ACTOR, _PLACE, _LABEL = SEM.hasActor.value, SEM.hasPlace.value, RDFS.label.value
_DERIVED, _CHECKSUM = PROV.wasDerivedFrom.value, EG.checksum.value
_EARLIEST, _LATEST, _YEAR, _MONTH = EG.earliest.value, EG.latest.value, EG.year.value, EG.month.value
_READ = (_EVIDENCE, _SENTENCE, _AID, _ITEM, _ACTOR, _PLACE, _LABEL, _DERIVED, _EARLIEST, _LATEST, _YEAR, _MONTH)

_TABLES = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs(id INTEGER PRIMARY KEY, iri TEXT UNIQUE NOT NULL, checksum TEXT);  -- by graph IRI
CREATE TABLE IF NOT EXISTS pending(iri TEXT PRIMARY KEY, pid INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events(
  id INTEGER PRIMARY KEY, iri TEXT UNIQUE NOT NULL, doc INTEGER NOT NULL,
  earliest TEXT, latest TEXT, keyed INTEGER NOT NULL, monthly INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS events_doc ON events(doc);
CREATE TABLE IF NOT EXISTS nodes(id INTEGER PRIMARY KEY, iri TEXT UNIQUE NOT NULL, doc INTEGER);
CREATE INDEX IF NOT EXISTS nodes_doc ON nodes(doc);
CREATE TABLE IF NOT EXISTS labels(node INTEGER NOT NULL, label TEXT NOT NULL, PRIMARY KEY(node, label)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS links(node INTEGER NOT NULL, event INTEGER NOT NULL, PRIMARY KEY(node, event)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS links_event ON links(event);
CREATE VIRTUAL TABLE IF NOT EXISTS own USING fts5(text, tokenize='trigram case_sensitive 1');
CREATE VIRTUAL TABLE IF NOT EXISTS names USING fts5(text, tokenize='trigram case_sensitive 1');
"""


def index_path(settings: Settings, location: str | None = None) -> Path | None:
    """Where the index of the store at ``location`` (default: the settings' store) lives.

    ``EVENTGRAPH_SEARCH_INDEX`` when set; else beside an embedded store's directory
    (``{store}.search.sqlite``); a remote or in-memory store has none unless the setting names one.
    """
    if settings.search_index:
        return Path(settings.search_index)
    where = location if location is not None else settings.store
    if not on_disk(where):
        return None
    return Path(where.rstrip("/\\") + ".search.sqlite")


def index_for(settings: Settings, location: str | None = None) -> TextIndex | None:
    """The index of the store (see :func:`index_path`), or None when it has none."""
    path = index_path(settings, location)
    if path is None:
        return None
    with _OPEN_LOCK:  # one instance a file, so that its connections for writing are reused
        key = (str(path.absolute()), settings.query_timeout)
        if key not in _OPEN:
            _OPEN[key] = TextIndex(path, timeout=settings.query_timeout)
        return _OPEN[key]


_OPEN: dict[tuple[str, float], TextIndex] = {}
_OPEN_LOCK = threading.Lock()


@dataclass(frozen=True)
class IndexState:
    """Whether searches may use the index: ``usable``, else ``reason`` says why not and what to do."""

    usable: bool
    reason: str = ""
    documents: int = 0
    events: int = 0


@dataclass(frozen=True)
class Match:
    """A matching event: its IRI, and its sort key in a date window (None when ranked by relevance)."""

    iri: str
    key: date | None = None


@dataclass
class DocumentRows:
    """What one document puts into the index, read from the quads it is written with."""

    events: dict[str, tuple[str | None, str | None, bool, bool]] = field(default_factory=dict)  # iri → dates, keys
    texts: dict[str, list[str]] = field(default_factory=dict)  # event → own texts
    links: set[tuple[str, str]] = field(default_factory=set)  # (event, node)
    local_labels: set[tuple[str, str]] = field(default_factory=set)  # (node, label) in the document's graph
    shared_labels: set[tuple[str, str]] = field(default_factory=set)  # (node, label) in the shared graph


def document_rows(quads: Iterable[Quad], shared: Iterable[Quad] = ()) -> DocumentRows:
    """The index rows of one document's graph (``quads``) and the shared quads written with it."""
    by: dict[str, dict[str, list[str]]] = {p: {} for p in _READ}
    for q in quads:
        found = by.get(q.predicate.value)
        if found is not None:
            found.setdefault(_value(q.subject), []).append(_value(q.object))
    rows = DocumentRows()
    evidence, aid, sentences, items = by[_EVIDENCE], by[_AID], by[_SENTENCE], by[_ITEM]
    earliest, latest, years, months = by[_EARLIEST], by[_LATEST], by[_YEAR], by[_MONTH]
    for event in by[_DERIVED]:
        early, late = _first(earliest.get(event)), _first(latest.get(event))
        rows.events[event] = (early, late, event in years, event in months)
        texts = [s for node in evidence.get(event, []) for s in sentences.get(node, [])]
        texts += [label for node in aid.get(event, []) for label in items.get(node, [])]
        rows.texts[event] = texts
    for predicate in (_ACTOR, _PLACE):
        for event, nodes in by[predicate].items():
            rows.links.update((event, n) for n in nodes)
    linked = {n for _, n in rows.links}
    rows.local_labels = {(n, label) for n, labels in by[_LABEL].items() if n in linked for label in labels}
    rows.shared_labels = {
        (_value(q.subject), _value(q.object))
        for q in shared
        if q.predicate.value == _LABEL and _value(q.subject) in linked
    }
    return rows


def _schema_of(conn: sqlite3.Connection) -> str | None:
    """The schema an index file was written with (None for a new, empty file)."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.OperationalError:  # no meta table yet
        return None
    return None if row is None else str(row[0])


def _alive(pid: int) -> bool:
    """True when a process ``pid`` runs (a write it noted as pending may still finish)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _select(store: Store, query: str) -> QuerySolutions:
    """The rows of a SELECT."""
    result = store.query(query)
    if not isinstance(result, QuerySolutions):
        raise TypeError("a SELECT query gave no rows")
    return result


def _value(term: object) -> str:
    """An IRI's or a literal's text (a blank node's id; a quoted triple, which no mapping writes, as N-Triples)."""
    return str(getattr(term, "value", term))


def _chunks(items: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _first(values: list[str] | None) -> str | None:
    return min(values) if values else None


def _joined(texts: Iterable[str]) -> str:
    return SEPARATOR.join(sorted({t.lower() for t in texts}))


def fts_string(words: str) -> str:
    """The words as one FTS5 string (double quotes doubled): never FTS5 syntax, whatever they hold."""
    return '"' + words.replace('"', '""') + '"'


def glob_pattern(words: str) -> str:
    """A GLOB pattern for text containing ``words``, its wildcards and brackets escaped."""
    return "*" + re.sub(r"([*?\[])", r"[\1]", words) + "*"


_OWN_HIT = "SELECT rowid, {own_rank} FROM own WHERE {own_match}"
_NAMES_HIT = "SELECT links.event, {names_rank} FROM names JOIN links ON links.node = names.rowid WHERE {names_match}"
_HIT = f"hit(e, r) AS (\n  {_OWN_HIT}\n  UNION ALL\n  {_NAMES_HIT})"
_HIT_OWN = f"hit(e, r) AS (\n  {_OWN_HIT})"


def _hits(short: bool, ranked: bool = True, *, one: bool = False, names: bool = True) -> str:
    """The matching events (``e``) with their rank (``r``: BM25, lower is better; 0 when unranked);
    with ``one``, only the event whose row id is ``:id``; without ``names``, only the events' own
    texts (for words no actor's or place's name holds).

    Words shorter than a trigram are matched with GLOB over the texts, which ranks nothing."""
    match = {"own_match": "own.text GLOB :q" if short else "own MATCH :q", "names_match": _names_match(short)}
    if one:
        match = {
            "own_match": match["own_match"] + " AND own.rowid = :id",
            "names_match": match["names_match"] + " AND links.event = :id",
        }
    template = _HIT if names else _HIT_OWN
    if ranked and not short:
        return template.format(own_rank="bm25(own)", names_rank="bm25(names)", **match)
    return template.format(own_rank="0.0", names_rank="0.0", **match)


def _lookup(words: str) -> tuple[bool, dict[str, Any]] | None:
    """(shorter than a trigram, the bound parameters) of a search for ``words``; None when they
    can match nothing (empty, or holding control characters)."""
    needle = words.lower()
    if not needle or _CONTROL.search(needle):
        return None
    short = len(needle) < MIN_INDEXED_CHARS
    return short, {"q": glob_pattern(needle) if short else fts_string(needle)}


def _names_match(short: bool) -> str:
    return "names.text GLOB :q" if short else "names MATCH :q"


class TextIndex:
    """The index file at ``path``; a connection per call (threads of the server share no connection)."""

    def __init__(self, path: Path, *, timeout: float = 10.0) -> None:
        self.path = path
        self.timeout = timeout
        self._local = threading.local()

    # ------------------------------------------------------------------ connections
    def _connect(self, *, write: bool = False) -> sqlite3.Connection:
        if write:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            if _schema_of(conn) not in (None, SCHEMA):
                # Built by another version, in tables this one cannot write: start it again empty
                # (it is derived from the store); it is not complete until `search rebuild`.
                conn.close()
                for old in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
                    old.unlink(missing_ok=True)
                conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
                conn.executescript(_TABLES)
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('complete', '0')")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_TABLES)
            if conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone() is None:
                conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA,))
        else:
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        return conn

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection for writing, kept open between writes (closing the last
        connection checkpoints the log, which cost more than the write); opened again when the
        file was replaced (a rebuild) or removed."""
        try:
            st = os.stat(self.path)
            key: tuple[int, int] | None = (st.st_dev, st.st_ino)
        except FileNotFoundError:
            key = None
        cached: tuple[sqlite3.Connection, tuple[int, int] | None] | None = getattr(self._local, "writer", None)
        if cached is not None and (key is None or cached[1] != key):
            cached[0].close()
            cached = None
        if cached is None:
            conn = self._connect(write=True)
            st = os.stat(self.path)
            cached = self._local.writer = (conn, (st.st_dev, st.st_ino))
        yield cached[0]

    def close(self) -> None:
        """Close this thread's connection for writing, if open."""
        cached = getattr(self._local, "writer", None)
        if cached is not None:
            cached[0].close()
            self._local.writer = None

    def exists(self) -> bool:
        return self.path.is_file()

    def _meta(self, conn: sqlite3.Connection, key: str) -> str | None:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    # ------------------------------------------------------------------ state
    def state(self, *, count: bool = False) -> IndexState:
        """Whether the index may answer searches, and if not, why (missing, stale, interrupted);
        with ``count``, how many documents and events it holds."""
        advice = "run `eventgraph search rebuild`"
        if not self.exists():
            return IndexState(False, f"the text index {self.path.name} is missing: {advice}")
        try:
            conn = self._connect()
        except sqlite3.Error as exc:
            return IndexState(False, f"the text index cannot be read ({exc}): {advice}")
        try:
            if self._meta(conn, "schema") != SCHEMA:
                return IndexState(False, f"the text index was built by another version: {advice}")
            stale = self._meta(conn, "stale")
            if stale:
                return IndexState(False, f"the text index is stale ({stale}): {advice}")
            if self._meta(conn, "complete") != "1":
                return IndexState(False, f"the text index holds only part of the store: {advice}")
            # A write in progress (its process alive) is not staleness: the store is mid-write too.
            pending = sum(1 for (pid,) in conn.execute("SELECT pid FROM pending") if not _alive(pid))
            if pending:
                return IndexState(False, f"the text index missed the end of {pending} document writes: {advice}")
            if not count:
                return IndexState(True)
            docs = conn.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
            events = conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
            return IndexState(True, "", docs, events)
        except sqlite3.Error as exc:
            return IndexState(False, f"the text index cannot be read ({exc}): {advice}")
        finally:
            conn.close()

    def mark_stale(self, reason: str) -> None:
        """Say that the store was changed in a way the index does not follow (a SPARQL update, a
        Graph Store write): searches fall back to the scan until it is rebuilt."""
        if not self.exists():
            return
        with self._writing() as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('stale', ?)", (reason,))

    def mark_complete(self) -> None:
        """Say that the index holds every document of the store (after building it beside a load)."""
        with self._writing() as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('complete', '1')")

    def checksums(self) -> dict[str, str]:
        """document graph IRI → the checksum the index holds the document at."""
        if not self.exists():
            return {}
        with _closing(self._connect()) as conn:
            rows = conn.execute("SELECT iri, checksum FROM docs WHERE checksum IS NOT NULL")
            return {str(graph): str(checksum) for graph, checksum in rows}

    def differences(self, store: Store) -> str | None:
        """What differs between the documents the index holds and the store's (by checksum), or
        None when they agree: what a write the index did not follow leaves (another client of a
        remote store, a store restored from a backup)."""
        stored = {_value(r["g"]): _value(r["sum"]) for r in _select(store, _DOCUMENTS)}
        held = self.checksums()
        missing = [d for d in stored if d not in held]
        changed = [d for d in stored if d in held and held[d] != stored[d]]
        extra = [d for d in held if d not in stored]
        if not (missing or changed or extra):
            return None
        parts = [
            f"{len(found)} {what}"
            for found, what in (
                (missing, "documents of the store are not in it"),
                (changed, "documents changed since"),
                (extra, "documents it holds are gone from the store"),
            )
            if found
        ]
        return f"the text index is out of step with the store ({'; '.join(parts)}): run `eventgraph search rebuild`"

    # ------------------------------------------------------------------ writes, per graph
    # Rows are kept by the named graph that holds the events: a document's graph, or the graph of
    # its curated events (which carries no checksum).
    def begin(self, store: Store, graph: str) -> None:
        """Before a document's graph is written: note it as pending, so that a write that dies
        before :meth:`put` leaves the index visibly stale. A new index starts complete only when
        the store holds no document yet."""
        new = not self.exists()
        with self._writing() as conn:
            if new or self._meta(conn, "complete") is None:
                empty = not bool(store.query("ASK { GRAPH ?g { ?s ?p ?o } }"))
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('complete', ?)", ("1" if empty else "0",))
            conn.execute("INSERT OR REPLACE INTO pending VALUES (?, ?)", (graph, os.getpid()))

    def settle(self, store: Store, graph: str) -> None:
        """For a document an ingest found unchanged: if a process that died while writing it left
        it pending (a killed ingest whose graph was written), read it back from the store."""
        if not self.exists():
            return
        with self._writing() as conn:
            row = conn.execute("SELECT pid FROM pending WHERE iri = ?", (graph,)).fetchone()
        if row is not None and not _alive(int(row[0])):
            self.refresh(store, [graph])

    def put(self, graph: str, checksum: str | None, quads: Iterable[Quad], shared: Iterable[Quad] = ()) -> None:
        """Make the index hold exactly what ``quads`` (the graph's) and ``shared`` (the shared
        actors' quads written with them) say, in one transaction, and clear the pending mark."""
        rows = document_rows(quads, shared)
        with self._writing() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                self._drop(conn, graph)
                self._insert(conn, graph, checksum, rows)
                conn.execute("DELETE FROM pending WHERE iri = ?", (graph,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def drop(self, graph: str) -> None:
        """Remove a graph's rows (it was dropped). The names of shared actors stay, as they stay
        in the store's shared graph."""
        if not self.exists():
            return
        with self._writing() as conn:
            conn.execute("BEGIN IMMEDIATE")
            self._drop(conn, graph)
            conn.execute("DELETE FROM pending WHERE iri = ?", (graph,))
            conn.execute("COMMIT")

    def _drop(self, conn: sqlite3.Connection, graph: str) -> None:
        row = conn.execute("SELECT id FROM docs WHERE iri = ?", (graph,)).fetchone()
        if row is None:
            return
        doc = row[0]
        conn.execute("DELETE FROM own WHERE rowid IN (SELECT id FROM events WHERE doc = ?)", (doc,))
        conn.execute("DELETE FROM links WHERE event IN (SELECT id FROM events WHERE doc = ?)", (doc,))
        conn.execute("DELETE FROM events WHERE doc = ?", (doc,))
        conn.execute("DELETE FROM names WHERE rowid IN (SELECT id FROM nodes WHERE doc = ?)", (doc,))
        conn.execute("DELETE FROM labels WHERE node IN (SELECT id FROM nodes WHERE doc = ?)", (doc,))
        conn.execute("DELETE FROM links WHERE node IN (SELECT id FROM nodes WHERE doc = ?)", (doc,))
        conn.execute("DELETE FROM nodes WHERE doc = ?", (doc,))
        conn.execute("DELETE FROM docs WHERE id = ?", (doc,))

    def _insert(self, conn: sqlite3.Connection, graph: str, checksum: str | None, rows: DocumentRows) -> None:
        doc = int(conn.execute("INSERT INTO docs(iri, checksum) VALUES (?, ?)", (graph, checksum)).lastrowid or 0)
        first = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM events").fetchone()[0]
        ids = {iri: first + i for i, iri in enumerate(rows.events)}
        conn.executemany(
            "INSERT INTO events(id, iri, doc, earliest, latest, keyed, monthly) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (ids[iri], iri, doc, early, late, int(keyed), int(monthly))
                for iri, (early, late, keyed, monthly) in rows.events.items()
            ],
        )
        conn.executemany(
            "INSERT INTO own(rowid, text) VALUES (?, ?)", [(ids[iri], _joined(rows.texts[iri])) for iri in rows.events]
        )
        local = {n for n, _ in rows.local_labels}
        nodes = self._nodes(conn, sorted({n for _, n in rows.links}), local, doc)
        held: dict[int, set[str]] = {nodes[n]: set() for n in nodes}
        for chunk in _chunks(list(held)):
            marks = ",".join("?" * len(chunk))
            for node_id, label in conn.execute(f"SELECT node, label FROM labels WHERE node IN ({marks})", chunk):
                held[node_id].add(label)
        new = {(nodes[n], label) for n, label in rows.local_labels | rows.shared_labels if n in nodes}
        new = {(node_id, label) for node_id, label in new if label not in held[node_id]}
        conn.executemany("INSERT INTO labels(node, label) VALUES (?, ?)", sorted(new))
        changed = sorted({node_id for node_id, _ in new})
        for node_id, label in new:
            held[node_id].add(label)
        conn.executemany("DELETE FROM names WHERE rowid = ?", [(n,) for n in changed])
        conn.executemany("INSERT INTO names(rowid, text) VALUES (?, ?)", [(n, _joined(held[n])) for n in changed])
        conn.executemany(
            "INSERT OR IGNORE INTO links(node, event) VALUES (?, ?)",
            sorted((nodes[n], ids[e]) for e, n in rows.links if e in ids),
        )

    def _nodes(self, conn: sqlite3.Connection, iris: list[str], local: set[str], doc: int) -> dict[str, int]:
        """The row ids of the actors and places ``iris``, added when new (``local`` ones belong to ``doc``)."""
        found: dict[str, int] = {}
        for chunk in _chunks(iris):
            marks = ",".join("?" * len(chunk))
            found |= {
                iri: node_id
                for node_id, iri in conn.execute(f"SELECT id, iri FROM nodes WHERE iri IN ({marks})", chunk)
            }
        missing = [iri for iri in iris if iri not in found]
        if missing:
            first = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM nodes").fetchone()[0]
            added = {iri: first + i for i, iri in enumerate(missing)}
            conn.executemany(
                "INSERT INTO nodes(id, iri, doc) VALUES (?, ?, ?)",
                [(node_id, iri, doc if iri in local else None) for iri, node_id in added.items()],
            )
            found |= added
        return found

    # ------------------------------------------------------------------ rebuild from the store
    def rebuild(self, store: Store, *, batch: int = 500) -> IndexState:
        """Build the index again from what the store holds, into a new file swapped in at the end
        (searches keep the old one, or the scan, meanwhile)."""
        fresh = TextIndex(self.path.with_name(self.path.name + ".new"), timeout=self.timeout)
        for leftover in (fresh.path, Path(f"{fresh.path}-wal"), Path(f"{fresh.path}-shm")):
            leftover.unlink(missing_ok=True)
        graphs = [_value(r["g"]) for r in _select(store, _DOCUMENTS)]
        graphs += [_value(r["g"]) for r in _select(store, _OTHER_EVENT_GRAPHS)]
        with fresh._writing() as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('complete', '0')")
        for i in range(0, len(graphs), batch):
            fresh._rebuild_batch(store, graphs[i : i + batch])
        with fresh._writing() as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('complete', '1')")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
        fresh.close()
        self.close()
        for stale in (Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
            stale.unlink(missing_ok=True)
        fresh.path.replace(self.path)
        return self.state(count=True)

    def refresh(self, store: Store, graphs: Iterable[str], *, batch: int = 500) -> None:
        """Read ``graphs`` back from the store into the index (after writes that did not go
        through the pipeline's ingest: a batch's bulk load, curated events); a graph that is gone
        leaves the index too. Without an index yet, builds the whole of it."""
        if not self.exists():
            self.rebuild(store, batch=batch)
            return
        wanted = list(dict.fromkeys(graphs))
        for i in range(0, len(wanted), batch):
            self._rebuild_batch(store, wanted[i : i + batch])

    def _rebuild_batch(self, store: Store, graphs: list[str]) -> None:
        if not graphs:
            return
        values = " ".join(str(NamedNode(g)) for g in graphs)
        quads: dict[str, list[Quad]] = {g: [] for g in graphs}
        for r in _select(store, _GRAPH_QUADS.format(graphs=values)):
            g = _value(r["g"])
            quads[g].append(Quad(r["s"], r["p"], r["o"], NamedNode(g)))
        nodes = {_value(q.object) for qs in quads.values() for q in qs if q.predicate.value in (_ACTOR, _PLACE)}
        shared: list[Quad] = []
        if nodes:
            names = " ".join(str(NamedNode(n)) for n in sorted(nodes))
            for r in _select(store, _SHARED_LABELS.format(nodes=names)):
                shared.append(Quad(r["x"], RDFS.label, r["label"], r["g"]))
        for g in graphs:
            if quads[g]:
                self.put(g, checksum_of(quads[g]), quads[g], [q for q in shared if _value(q.graph_name) != g])
            else:
                self.drop(g)

    # ------------------------------------------------------------------ reads
    def search(
        self,
        words: str,
        *,
        start: date | None = None,
        end: date | None = None,
        undated: bool = False,
        after: Match | None = None,
    ) -> Iterator[Match]:
        """The events whose texts contain ``words`` (case-insensitive): in a window [start, end],
        those it can draw (with year keys) overlapping it, by sort key (the later of the earliest
        day and ``start``) and IRI, after ``after``; without one, by relevance (BM25, best first;
        ties in the order the index holds the events), after the event ``after`` names.
        ``undated`` keeps only the events without year keys.

        :raises QueryTimeout: past the time limit.
        """
        looked_up = _lookup(words)
        if looked_up is None:
            return
        short, params = looked_up
        if start is not None and end is not None:
            params |= {"s": start.isoformat(), "end": end.isoformat()}
            cursor = ""
            if after is not None and after.key is not None:
                params |= {"ck": after.key.isoformat(), "ci": after.iri}
                cursor = "AND (k > :ck OR (k = :ck AND ev.iri > :ci))"
            sql = f"""WITH {_hits(short, ranked=False)}
SELECT ev.iri, MAX(ev.earliest, :s) AS k FROM (SELECT DISTINCT e FROM hit) h JOIN events ev ON ev.id = h.e
WHERE ev.keyed AND ev.earliest <= :end AND ev.latest >= :s {cursor}
ORDER BY k, ev.iri"""
            for iri, key in self._rows(sql, params):
                yield Match(iri, date.fromisoformat(key))
            return
        yield from self._ranked(short, params, undated, after)

    def _ranked(self, short: bool, params: dict[str, Any], undated: bool, after: Match | None) -> Iterator[Match]:
        """The matching events best first, read a page at a time: each page is the best ``n`` after
        the last one's (rank, row id), so a page of a common word's results sorts no more than
        that page (the rank itself is computed for every match, by FTS5)."""
        undated_join = "JOIN events ev ON ev.id = hit.e AND NOT ev.keyed" if undated else ""
        # An event matches once by its own texts; twice only when names match too (then its best rank).
        named = bool(list(self._rows(f"SELECT 1 FROM names WHERE {_names_match(short)} LIMIT 1", params)))
        best = (
            f"SELECT hit.e, MIN(hit.r) FROM hit {undated_join} GROUP BY hit.e"
            if named
            else (f"SELECT hit.e, hit.r FROM hit {undated_join}")
        )
        sql = f"""WITH {_hits(short, names=named)},
best(e, r) AS ({best})
SELECT t.e, t.r, ev.iri FROM (
  SELECT e, r FROM best WHERE :first OR r > :lr OR (r = :lr AND e > :le) ORDER BY r, e LIMIT :n
) t JOIN events ev ON ev.id = t.e ORDER BY t.r, t.e"""
        page = {"first": 1, "lr": 0.0, "le": 0, "n": RANKED_PAGE}
        if after is not None:
            position = self._position(short, params, after.iri)
            if position is None:
                return
            page |= {"first": 0, "lr": position[0], "le": position[1]}
        while True:
            rows = list(self._rows(sql, params | page))
            for e, r, iri in rows:
                yield Match(str(iri))
                page |= {"first": 0, "lr": r, "le": e}
            if len(rows) < page["n"]:
                return
            page["n"] = min(int(page["n"]) * 4, MAX_RANKED_PAGE)

    def _position(self, short: bool, params: dict[str, Any], iri: str) -> tuple[float, int] | None:
        """(rank, row id) of the event ``iri`` among the matches, or None when it is not one."""
        rows = list(self._rows("SELECT id FROM events WHERE iri = :iri", {"iri": iri}))
        if not rows:
            return None
        found = list(self._rows(f"WITH {_hits(short, one=True)} SELECT MIN(r) FROM hit", params | {"id": rows[0][0]}))
        if not found or found[0][0] is None:
            return None
        return float(found[0][0]), int(rows[0][0])

    def keyed_matches(self, words: str, months: tuple[date, date] | None, years: tuple[date, date]) -> Iterator[str]:
        """The events holding ``words`` that a window's key reads can find, unordered: those with
        month keys whose interval overlaps ``months`` (first and last day of the window's months;
        None when the window is read by year keys), and the others with year keys whose interval
        overlaps ``years`` (the window's whole years) — the store's ``eg:month``/``eg:year``
        keys are exactly the months and years an interval touches.

        :raises QueryTimeout: past the time limit.
        """
        looked_up = _lookup(words)
        if looked_up is None:
            return
        short, params = looked_up
        params |= {"ys": years[0].isoformat(), "ye": years[1].isoformat()}
        by_month = ""
        if months is not None:
            params |= {"ms": months[0].isoformat(), "me": months[1].isoformat()}
            by_month = "AND (NOT ev.monthly OR (ev.earliest <= :me AND ev.latest >= :ms))"
        sql = f"""WITH {_hits(short, ranked=False)}
SELECT ev.iri FROM (SELECT DISTINCT e FROM hit) h JOIN events ev ON ev.id = h.e
WHERE ev.keyed AND ev.earliest <= :ye AND ev.latest >= :ys {by_month}"""
        for (iri,) in self._rows(sql, params):
            yield str(iri)

    def _rows(self, sql: str, params: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
        conn = self._connect()
        deadline = time.monotonic() + self.timeout
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 1_000)
        try:
            yield from conn.execute(sql, params)
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                raise QueryTimeout(
                    f"the search took longer than {self.timeout:g} s (EVENTGRAPH_QUERY_TIMEOUT): use longer words"
                ) from None
            raise UserError(f"the text index cannot be searched ({exc}): run `eventgraph search rebuild`") from None
        finally:
            conn.close()


_DOCUMENTS = (
    sparql_prologue({"eg": EG.iri}) + "SELECT ?g ?doc ?sum WHERE { GRAPH ?g { ?doc eg:checksum ?sum } } ORDER BY ?g"
)
# Graphs with events but no document (a document's curated events).
_OTHER_EVENT_GRAPHS = (
    sparql_prologue({"eg": EG.iri, "prov": PROV.iri})
    + "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?e prov:wasDerivedFrom ?doc } "
    + "FILTER NOT EXISTS { GRAPH ?g { ?d eg:checksum ?sum } } }"
)
# Only the predicates the index reads (about a fifth of a document's quads), and the checksum. A
# FILTER IN, not a second VALUES block: with one, Oxigraph read every quad of those predicates in
# the whole store for each batch of graphs (50 graphs of a 31k-document store: 5.2 s against
# 0.07 s), which made a rebuild quadratic in the store's size.
_GRAPH_QUADS = (
    "SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} "
    + "FILTER(?p IN ("
    + ", ".join(f"<{p}>" for p in (*_READ, _CHECKSUM))
    + ")) }}"
)
_SHARED_LABELS = "SELECT ?g ?x ?label WHERE {{ VALUES ?x {{ {nodes} }} GRAPH ?g {{ ?x <" + _LABEL + "> ?label }} }}"


class _closing:
    """``with`` for a connection that closes it (sqlite3's own context manager only commits)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


def highlight(text: str, words: str | None) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, matched) where it contains ``words``, ignoring case — what the
    pages wrap in ``<mark>`` (escaped like every other piece of a document)."""
    if not words or not text:
        return [(text, False)] if text else []
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in re.finditer(re.escape(words), text, flags=re.IGNORECASE):
        if m.start() > pos:
            out.append((text[pos : m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def checksum_of(quads: Iterable[Quad]) -> str | None:
    """The document's checksum among its graph's quads (``eg:checksum``)."""
    for q in quads:
        if q.predicate.value == _CHECKSUM and isinstance(q.object, Literal):
            return q.object.value
    return None
