"""The embedded Oxigraph backend (pyoxigraph), on disk or in memory."""

from __future__ import annotations

import errno
import gc
import io
import json
import os
import shutil
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad, RdfFormat, Store, Variable, serialize

from service.errors import QueryError, QueryTimeout, StoreUnavailable
from service.store import QueryResult

MEMORY = ":memory:"
FLUSH_QUADS = 2_000  # quads written since the last flush that make a served store flush (maybe_flush)
MANIFEST_RESET_BYTES = 1024 * 1024  # a MANIFEST this large is rewritten by reopening the store
BULK_MARKER = "eventgraph-bulk.json"  # in the store's directory while a bulk load runs (see bulk_load_documents)


def _open(location: str, read_only: bool) -> Store:
    if location == MEMORY:
        return Store()
    path = Path(location)
    try:
        if read_only:
            if not path.is_dir():
                raise StoreUnavailable(f"no store at {location}: ingest documents first, or check --store")
            return Store.read_only(str(path))
        path.mkdir(parents=True, exist_ok=True)
        if not os.access(path, os.W_OK):
            raise StoreUnavailable(
                f"the store directory {location} is not writable: fix its permissions or choose another --store"
            )
        return Store(str(path))
    except OSError as exc:
        if "lock" in str(exc).lower():
            raise StoreUnavailable(
                f"the store at {location} is in use by another process (only one may write): "
                "stop it, or open this one read-only"
            ) from None
        if getattr(exc, "errno", None) == errno.ENOSPC or "No space" in str(exc):
            raise StoreUnavailable(f"no space left on the device holding {location}") from None
        raise StoreUnavailable(f"cannot open the store at {location}: {exc}") from None


def _apply_update(
    path: str, update: str, memory_mb: int, conn: Any, network: bool = False, ports: tuple[int, ...] = ()
) -> None:
    """The child of :meth:`OxigraphStore.update_isolated`: open, apply, flush, report."""
    from service.limits import forbid_network, limit_address_space, limit_connections

    if not network:
        forbid_network()
    elif ports:  # a SERVICE call the checks allowed: to those endpoints' ports (and DNS) only
        limit_connections(ports)
    try:
        store = Store(path)
        limit_address_space(memory_mb)
        store.update(update)
        store.flush()
        conn.send(("ok", ""))
    except SyntaxError as exc:
        conn.send(("syntax", str(exc)))
    except MemoryError:
        conn.send(("stopped", ""))
    except (OSError, RuntimeError) as exc:
        conn.send(("store", str(exc)))


def _raise_outcome(outcome: tuple[str, str], timeout: float, memory_mb: int) -> None:
    kind, message = outcome
    if kind == "ok":
        return
    if kind == "syntax":
        raise QueryError(f"SPARQL update syntax error: {message}")
    if kind == "timeout":
        raise QueryTimeout(
            f"the update was stopped after {timeout:g} s and nothing was changed: narrow it, or raise the limit "
            "with --query-timeout / EVENTGRAPH_QUERY_TIMEOUT"
        )
    if kind == "stopped":
        raise QueryTimeout(
            f"the update needed more than the {memory_mb} MiB an update may use and nothing was changed "
            "(EVENTGRAPH_QUERY_MEMORY_MB)"
        )
    raise StoreUnavailable(f"the update could not be applied: {message}")


def _default_graphs(names: Sequence[str] | None) -> list[NamedNode | BlankNode | DefaultGraph] | None:
    if names is None:
        return None
    return [NamedNode(n) for n in names]


def _named_graphs(names: Sequence[str] | None) -> list[NamedNode | BlankNode] | None:
    if names is None:
        return None
    return [NamedNode(n) for n in names]


# --- Bulk loads of whole documents, made safe by a marker ---------------------------------------
#
# pyoxigraph's bulk loader writes sorted files straight into the store: several times faster than
# transactions, but not atomic, so a crash part-way leaves some of the quads. Before a bulk load
# the graphs it brings (all new: no graph of the store is touched) and the N-Quads files it reads
# are written to BULK_MARKER in the store's directory; the marker is removed once the load is done.
# The next read-write open (ingest, serve, link, validate's repair) finds a marker left behind,
# drops the graphs it lists, so nothing partial stays, and loads the files again when they are all
# still there (the load is completed), or reports the documents to ingest again.


@dataclass(frozen=True)
class BulkRepair:
    """What the open of a store found of an interrupted bulk load, and did about it."""

    graphs: tuple[str, ...]
    completed: bool  # the files were loaded again; otherwise the graphs are dropped and must be re-ingested

    @property
    def message(self) -> str:
        count = f"{len(self.graphs)} document graph{'s' if len(self.graphs) != 1 else ''}"
        if self.completed:
            return f"an interrupted bulk load was completed: {count} dropped and loaded again"
        return (
            f"an interrupted bulk load was repaired: {count} dropped (their files are gone); "
            "ingest those documents again"
        )


class _Chain(io.RawIOBase):
    """Several files read as one stream (the bulk loader takes one input)."""

    def __init__(self, files: Sequence[Path]) -> None:
        self._files = list(files)
        self._current: IO[bytes] | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            if self._current is None:
                if not self._files:
                    return 0
                self._current = self._files.pop(0).open("rb")
            count = self._current.readinto(buffer)  # type: ignore[attr-defined]  # a raw binary file
            if count:
                return int(count)
            self._current.close()
            self._current = None

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
        super().close()


def _bulk_load_files(store: Store, files: Sequence[Path]) -> None:
    with io.BufferedReader(_Chain(files), buffer_size=1 << 20) as stream:
        store.bulk_load(input=stream, format=RdfFormat.N_QUADS)


def _bulk_load_paths(store: Store, files: Sequence[Path]) -> None:
    """The bulk loader reading a path: faster than a stream (measured 5–40 % on 2.8M quads), so
    several files are first copied into one beside the first (a copy costs a few per cent)."""
    if len(files) == 1:
        store.bulk_load(path=str(files[0]), format=RdfFormat.N_QUADS)
        return
    joined = Path(files[0]).with_name(f".bulk-{os.getpid()}.nq")
    try:
        with joined.open("wb") as out:
            for name in files:
                with Path(name).open("rb") as part:
                    shutil.copyfileobj(part, out, 1 << 20)
        store.bulk_load(path=str(joined), format=RdfFormat.N_QUADS)
    finally:
        joined.unlink(missing_ok=True)


def _write_marker(location: str, graphs: Sequence[str], files: Sequence[Path]) -> Path:
    marker = Path(location) / BULK_MARKER
    tmp = marker.with_name(BULK_MARKER + ".tmp")
    data = json.dumps({"graphs": list(graphs), "files": [str(Path(f).absolute()) for f in files]})
    with tmp.open("w", encoding="utf-8") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    tmp.replace(marker)
    _fsync_dir(marker.parent)
    return marker


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def bulk_pending(location: str) -> bool:
    """True when the store at ``location`` holds the marker of a bulk load that has not finished."""
    return location != MEMORY and (Path(location) / BULK_MARKER).is_file()


def _repair(store: Store, location: str) -> BulkRepair | None:
    """Finish what a bulk load left behind (see above); None when there is no marker."""
    marker = Path(location) / BULK_MARKER
    if not marker.is_file():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        graphs = tuple(str(g) for g in data["graphs"])
        files = [Path(str(f)) for f in data["files"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreUnavailable(
            f"the store at {location} holds an unreadable bulk-load marker ({BULK_MARKER}: {exc}); "
            "restore the store from a backup, or ingest into a new --store"
        ) from None
    for graph in graphs:
        store.remove_graph(NamedNode(graph))
    completed = bool(files) and all(f.is_file() for f in files)
    if completed:
        try:
            _bulk_load_files(store, files)
        except (SyntaxError, OSError):
            for graph in graphs:  # a file that cannot be read to its end: nothing partial stays
                store.remove_graph(NamedNode(graph))
            completed = False
    store.flush()
    marker.unlink()
    _fsync_dir(marker.parent)
    return BulkRepair(graphs, completed)


class OxigraphStore:
    """A pyoxigraph ``Store``; the default graph of a query is the union of all graphs."""

    def __init__(self, location: str, *, read_only: bool = False) -> None:
        self.location = location
        self.read_only = read_only
        self.repaired: BulkRepair | None = None  # what the open did about an interrupted bulk load
        self.bulk_running = False  # read-only open of a store whose bulk load runs (or could not be repaired)
        if read_only and bulk_pending(location):
            self._repair_before_reading(location)
        self._store = _open(location, read_only)
        if not read_only and location != MEMORY:
            self.repaired = _repair(self._store, location)
        self._write_lock = threading.RLock()
        self._users = 0  # in-process reads running (graphs, has_graph, dump): no reopen under them
        self._idle = threading.Condition()
        self._pending = 0  # quads (or their estimate) written since the last flush

    @contextmanager
    def _reading(self) -> Iterator[Store]:
        with self._idle:
            self._users += 1
        try:
            yield self._store
        finally:
            with self._idle:
                self._users -= 1
                self._idle.notify_all()

    @property
    def raw(self) -> Store:
        """The pyoxigraph store, for in-process callers that need its full API (benchmarks)."""
        return self._store

    def replace_graph(self, graph: str, quads: Iterable[Quad], shared: Iterable[Quad] = ()) -> None:
        # A new graph is added with extend(), one Oxigraph transaction and no SPARQL to parse (the
        # common case of a batch: ~3x faster). Replacing a graph takes one SPARQL update, also one
        # transaction: readers see the old graph or the new one, and a crash leaves the old one.
        # The data is written by pyoxigraph's own N-Triples serialiser, a subset of INSERT DATA's
        # syntax. The lock keeps the check and the write together against the server's other
        # writing threads.
        node = NamedNode(graph)
        new = list(quads)
        if any(q.graph_name != node for q in new):
            raise ValueError(f"replace_graph({graph}) was given quads of another graph")
        extra = list(shared)
        if any(not isinstance(q.graph_name, NamedNode) for q in extra):
            raise ValueError("shared quads must be in named graphs")
        with self._write_lock:
            self._pending += len(new) + len(extra)
            try:
                if not self._store.contains_named_graph(node):
                    self._store.extend([*new, *extra])
                    return
                parts = [f"DROP SILENT GRAPH {node}"]
                by_graph: dict[str, list[Quad]] = {graph: new}
                for q in extra:
                    by_graph.setdefault(q.graph_name.value, []).append(q)  # type: ignore[union-attr]  # named graphs only
                for name, items in by_graph.items():
                    if items:
                        data = serialize((q.triple for q in items), format=RdfFormat.N_TRIPLES)
                        assert data is not None  # no output given: serialize returns the bytes
                        body = data.decode("utf-8")
                        parts.append(f"INSERT DATA {{ GRAPH {NamedNode(name)} {{\n{body}}} }}")
                self._store.update(" ;\n".join(parts))
            except OSError as exc:
                raise StoreUnavailable(f"writing to the store failed: {exc}") from None

    def drop_graph(self, graph: str) -> bool:
        node = NamedNode(graph)
        with self._write_lock:
            if not self._store.contains_named_graph(node):
                return False
            self._pending += FLUSH_QUADS // 10
            self._store.remove_graph(node)
            return True

    def query(
        self,
        query: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        substitutions: dict[str, object] | None = None,
    ) -> QueryResult:
        subs = {Variable(k): v for k, v in substitutions.items()} if substitutions else None
        try:
            return self._store.query(
                query,
                use_default_graph_as_union=default_graph is None,
                default_graph=_default_graphs(default_graph),
                named_graphs=_named_graphs(named_graphs),
                substitutions=subs,  # type: ignore[arg-type]  # terms arrive typed as object
            )
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None

    def update(self, update: str) -> None:
        try:
            with self._write_lock:
                self._pending += len(update) // 80 + 1  # about one quad per line of N-Triples
                self._store.update(update)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL update syntax error: {exc}") from None

    def update_isolated(
        self, update: str, *, timeout: float, memory_mb: int = 0, network: bool = False, ports: Sequence[int] = ()
    ) -> None:
        """Apply a client's update in a process of its own, under a time and a memory limit, with
        no network unless ``network`` (a SERVICE call the allowlist check let through), and then
        TCP connections to ``ports`` only when some are given (Landlock: the allowlist's ports).

        The store has one writer, so this one closes its handle (once no in-process read runs), a
        child process opens the store, applies the update in one transaction, flushes and exits,
        and the handle is opened again. A child killed at the time limit, or dying past its memory
        limit, never committed: the store is as it was. Costs two opens and a process start (about
        half a second): for updates and Graph Store writes, which are rare; ingest does not use it.

        :raises QueryTimeout: past ``timeout`` seconds.
        :raises QueryError: on a syntax error.
        """
        import multiprocessing

        if self.read_only or self.location == MEMORY:
            self.update(update)
            return
        with self._write_lock, self._idle:
            if not self._idle.wait_for(lambda: self._users == 0, timeout=timeout):
                raise QueryTimeout(f"the store stayed busy for {timeout:g} s: try the update again")
            del self._store
            gc.collect()
            try:
                context = multiprocessing.get_context("spawn")
                parent, child = context.Pipe(duplex=False)
                process = context.Process(
                    target=_apply_update,
                    args=(self.location, update, memory_mb, child, network, tuple(ports)),
                    daemon=True,
                )
                process.start()
                child.close()
                outcome = parent.recv() if parent.poll(timeout) else ("timeout", "")
                if process.is_alive() and outcome[0] == "timeout":
                    process.kill()
                process.join(10)
                if outcome[0] == "timeout" and process.exitcode not in (0, None) and parent.poll(0):
                    outcome = parent.recv()
                parent.close()
            except (EOFError, OSError):
                outcome = ("stopped", "")
            finally:
                self._store = _open(self.location, read_only=False)
            self._pending = 0
        _raise_outcome(outcome, timeout, memory_mb)

    def graphs(self) -> list[str]:
        with self._reading() as store:
            return sorted(g.value for g in store.named_graphs() if isinstance(g, NamedNode))

    def has_graph(self, graph: str) -> bool:
        with self._reading() as store:
            return store.contains_named_graph(NamedNode(graph))

    def dump(self, output: IO[bytes], format: RdfFormat, graph: str | None = None) -> None:
        from_graph: NamedNode | DefaultGraph | None = NamedNode(graph) if graph else None
        if from_graph is None and not format.supports_datasets:
            from_graph = DefaultGraph()
        with self._reading() as store:
            store.dump(output, format, from_graph=from_graph)

    def bulk_add(self, quads: Iterable[Quad]) -> None:
        with self._write_lock:
            self._pending += FLUSH_QUADS
            self._store.bulk_extend(quads)

    def bulk_load_documents(self, graphs: Sequence[str], files: Sequence[Path]) -> None:
        """Load N-Quads ``files`` with pyoxigraph's bulk loader: the quads of the new document
        ``graphs`` (none of which may exist yet) and of shared graphs. Not one transaction: the
        marker (above) makes a crash part-way visible to the next open, which repairs it."""
        node_graphs = [NamedNode(g) for g in graphs]
        with self._write_lock:
            if any(self._store.contains_named_graph(g) for g in node_graphs):
                raise ValueError("bulk_load_documents is for new graphs only; replace the others with replace_graph")
            marker = None if self.location == MEMORY else _write_marker(self.location, graphs, files)
            try:
                _bulk_load_paths(self._store, files)
            except OSError as exc:
                raise StoreUnavailable(f"the bulk load failed: {exc}; the next open of the store repairs it") from None
            if marker is not None:
                self._store.flush()
                marker.unlink()
                _fsync_dir(marker.parent)

    def _repair_before_reading(self, location: str) -> None:
        """A read-only open (validate, stats) of a store with a bulk-load marker: repair it first
        when no other process writes to the store; otherwise say that a bulk load is running."""
        try:
            writer = _open(location, read_only=False)
        except StoreUnavailable:
            self.bulk_running = True
            return
        try:
            self.repaired = _repair(writer, location)
        finally:
            del writer
            gc.collect()

    def flush(self) -> None:
        """Write what is in memory to the store's files, so that the write-ahead log stays short:
        a read-only open (a query worker's) or a restart then has little to replay."""
        if not self.read_only and self.location != MEMORY:
            with self._write_lock:
                self._store.flush()
                self._pending = 0

    def maybe_flush(self) -> None:
        """What a server does after each write. Replaying the log costs a reader that reopens the
        store about 30 µs per quad written since the last flush; each flush adds a few KiB to the
        store's MANIFEST, which every reader replays too. So: flush once ``FLUSH_QUADS`` quads
        are waiting, and when the MANIFEST has grown past ``MANIFEST_RESET_BYTES``, reopen the
        store, which writes a fresh one (~0.2 s, under the write lock, once no in-process read
        runs): a reader's reopen then stays at ~10–30 ms however many documents were written."""
        if self.read_only or self.location == MEMORY:
            return
        with self._write_lock:
            if self._pending < FLUSH_QUADS:
                return
            self.flush()
            if self._manifest_size() > MANIFEST_RESET_BYTES:
                self._reopen()

    def _manifest_size(self) -> int:
        try:
            sizes = [e.stat().st_size for e in os.scandir(self.location) if e.name.startswith("MANIFEST-")]
        except OSError:
            return 0
        return max(sizes, default=0)

    def _reopen(self) -> None:
        with self._idle:
            if not self._idle.wait_for(lambda: self._users == 0, timeout=5):
                return  # a long export runs: next time
            del self._store
            gc.collect()  # nothing else may hold the RocksDB lock when it is opened again
            self._store = _open(self.location, read_only=False)

    def close(self) -> None:
        if not self.read_only:
            self._store.flush()
        del self._store
