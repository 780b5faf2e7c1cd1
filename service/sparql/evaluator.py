"""The time-limited query runner: user queries run in worker processes that can be killed.

pyoxigraph's evaluation cannot be interrupted from Python (it checks no signals), so a query
that runs past the limit is stopped by killing the process that runs it; a fresh worker takes
its place. Each worker opens the on-disk store read-only. The server's own process keeps the
read-write store for writes and bumps a generation number after each one; a worker whose
store is older reopens it before its next query (a read-only Oxigraph store is a snapshot).

pyoxigraph documents opening a store read-only while another process writes it as undefined
behaviour: in practice a reopen can race a compaction and fail. A worker reopens and retries
once when reading fails; a second failure is answered 503.

An in-memory store cannot be shared with other processes, and a remote store has its own
limits: both are queried in this process, without the time limit (a warning is logged).
"""

from __future__ import annotations

import atexit
import io
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import IO, Any, Protocol

from service.errors import EventgraphError, QueryError, QueryTimeout, StoreUnavailable
from service.sparql.results import CHUNK, Head, Job, evaluate, write_result
from service.store import Store

log = logging.getLogger(__name__)

_HEAD, _CHUNK, _ERROR, _DONE = b"H", b"C", b"E", b"F"
SPOOL_MEMORY = 8 * 1024 * 1024  # an answer larger than this waits in a temporary file
GROW_AFTER = 0.25  # seconds a query waits for a busy pool before one more worker is started


class ServiceCallFailed(EventgraphError):
    """A SERVICE endpoint did not answer as it should."""

    status = 502


@dataclass
class Stream:
    """An answer whose head is known and whose body is still to come."""

    head: Head
    chunks: Iterable[bytes]  # has close() when there is something to release
    length: int | None = None  # bytes, when known


class Evaluator(Protocol):
    generation: int  # bumped by every write; caches of store figures key on it

    def start(self) -> None:
        """Get ready now rather than at the first query."""

    def run(self, job: Job, timeout: float) -> Stream:
        """Evaluate ``job``; raise :class:`QueryTimeout` past ``timeout`` seconds."""

    def invalidate(self) -> None:
        """The store was written: later queries must see the change."""

    def close(self) -> None:
        """Stop every worker."""


def open_evaluator(store: Store, workers: int) -> Evaluator:
    """A worker pool for an on-disk Oxigraph store; the in-process runner otherwise."""
    from service.store.oxigraph import MEMORY, OxigraphStore

    if isinstance(store, OxigraphStore) and store.location != MEMORY:
        return WorkerPool(store.location, workers, lookups=InProcess(store))
    log.warning("queries on %s run in the server process, without a time limit", store.location)
    return InProcess(store)


def timeout_message(timeout: float) -> str:
    return (
        f"the query was stopped after {timeout:g} s: simplify it (add LIMIT, narrow the patterns), "
        "or raise the limit with --query-timeout / EVENTGRAPH_QUERY_TIMEOUT"
    )


def raise_error(kind: str, message: str, text: str) -> None:
    """Turn a failure reported by pyoxigraph into the project's error."""
    if kind == "syntax":
        from service.sparql.syntax import syntax_error

        raise QueryError(syntax_error(message, text))
    if "service" in text.lower():
        raise ServiceCallFailed(f"the query failed, possibly in a SERVICE call: {message}")
    raise StoreUnavailable(f"the store could not be read: {message}")


class InProcess:
    """Evaluate in the calling thread (in-memory or remote stores): no time limit."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.generation = 0

    def run(self, job: Job, timeout: float) -> Stream:
        from service.store.oxigraph import OxigraphStore

        try:
            result = evaluate(self.store.raw, job) if isinstance(self.store, OxigraphStore) else self._remote(job)
            heads: list[Head] = []
            chunks: list[bytes] = []
            write_result(result, job, heads.append, chunks.append)
        except SyntaxError as exc:
            raise_error("syntax", str(exc), job.text)
        except (OSError, RuntimeError) as exc:
            raise_error("store", str(exc), job.text)
        return Stream(heads[0], iter(chunks), sum(map(len, chunks)))

    def _remote(self, job: Job) -> object:
        """A remote store gets the endpoint's base IRI as a BASE line; its syntax errors are
        reported at the position in the user's text, as the embedded store's are."""
        from service.sparql.syntax import syntax_error

        prefix = f"BASE <{job.base_iri}>\n" if job.base_iri else ""
        try:
            return self.store.query(prefix + job.text, default_graph=job.default_graphs, named_graphs=job.named_graphs)
        except QueryError as exc:
            if "error at " not in exc.message:
                raise
            raise QueryError(syntax_error(exc.message, job.text, prefix.count("\n"))) from None

    def start(self) -> None:
        pass

    def invalidate(self) -> None:
        self.generation += 1

    def close(self) -> None:
        pass


def _worker_main(conn: Connection, path: str) -> None:
    """A worker's loop: receive (generation, job), answer with head, chunks and end, or an error."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops its workers
    opened = _Opened(path)
    while True:
        try:
            generation, job = conn.recv()
            _answer(conn, opened, generation, job)
        except (EOFError, OSError):  # the server closed the pipe: it is shutting down or gave up on us
            return


class _Opened:
    """The worker's read-only store and the generation it was opened at."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.store: Any = None
        self.generation = -1

    def at(self, generation: int) -> Any:
        from pyoxigraph import Store as OxStore

        if self.store is None or generation != self.generation:
            self.store, self.generation = None, -1
            self.store, self.generation = OxStore.read_only(self.path), generation
        return self.store


def _answer(conn: Connection, opened: _Opened, generation: int, job: Job) -> None:
    sent: list[bool] = []

    def head(value: Head) -> None:
        conn.send_bytes(_HEAD + pickle.dumps(value))
        sent.append(True)

    for attempt in (1, 2):
        try:
            result = evaluate(opened.at(generation), job)
            write_result(result, job, head, lambda data: conn.send_bytes(_CHUNK + data))
            conn.send_bytes(_DONE)
            return
        except SyntaxError as exc:
            conn.send_bytes(_ERROR + pickle.dumps(("syntax", str(exc))))
            return
        except (OSError, RuntimeError) as exc:
            if sent or isinstance(exc, BrokenPipeError | EOFError):
                raise OSError("the answer could not be sent") from exc
            opened.store = None  # reopen: the snapshot may have lost files to a compaction
            if attempt == 2:
                conn.send_bytes(_ERROR + pickle.dumps(("store", str(exc))))


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, context: Any, path: str) -> None:
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_worker_main, args=(child, path), daemon=True, name="eventgraph-query")
        self.process.start()
        child.close()

    def receive(self, deadline: float) -> bytes | None:
        """The next frame, or None when the deadline passes first."""
        if not self.conn.poll(max(0.0, deadline - time.monotonic())):
            return None
        return self.conn.recv_bytes()

    def stop(self) -> None:
        """Kill the process now (its query is abandoned) and reap it."""
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class _Spool:
    """An answer's bytes: in memory up to a few megabytes, in a temporary file beyond."""

    def __init__(self) -> None:
        self.file: IO[bytes] = io.BytesIO()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > SPOOL_MEMORY and isinstance(self.file, io.BytesIO):
            spilled = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
            spilled.write(self.file.getbuffer())
            self.file = spilled
        self.file.write(data)

    def __iter__(self) -> Iterator[bytes]:
        self.file.seek(0)
        while chunk := self.file.read(CHUNK):
            yield chunk
        self.close()

    def close(self) -> None:
        """Called by the WSGI server once the answer is sent (or abandoned)."""
        self.file.close()

    def __del__(self) -> None:
        self.close()


class WorkerPool:
    """Query workers over one on-disk store; a killed worker is replaced. When every worker stays
    busy (heavy queries running to the time limit) and a query waits, the pool grows, up to twice
    its size, so that a light query is answered beside the heavy ones rather than after them."""

    def __init__(self, path: str, size: int, *, lookups: InProcess | None = None) -> None:
        self.path = path
        self.size = max(1, size)
        # Lookups (plan.is_lookup) cost what their subjects' triples cost: answered here, without
        # the hop to a worker (which is most of a point lookup's time).
        self._lookups = lookups
        self.generation = 0
        self._context = multiprocessing.get_context("spawn")  # no fork: the server has threads
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self._starting = 0  # workers being started by _grow

    def start(self) -> None:
        """Start the workers now rather than at the first query."""
        with self._lock:
            if self._started or self._closed:
                return
            self._started = True
        atexit.register(self.close)  # no worker outlives the server, however it stops
        for _ in range(self.size):
            self._spawn()

    def invalidate(self) -> None:
        self.generation += 1

    def pids(self) -> list[int]:
        """The process ids of the live workers (for monitoring and tests)."""
        return [w.process.pid for w in list(self._all) if w.process.pid is not None and w.process.is_alive()]

    def run(self, job: Job, timeout: float) -> Stream:
        if job.lookup and self._lookups is not None:
            return self._lookups.run(job, timeout)
        self.start()
        deadline = time.monotonic() + timeout
        worker = self._acquire(deadline, timeout)
        spool = _Spool()
        try:
            worker.conn.send((self.generation, job))
            head = self._receive(worker, job, spool, deadline, timeout)
        except BaseException:
            spool.close()
            raise
        return Stream(head, spool, spool.size)

    def _receive(self, worker: _Worker, job: Job, spool: _Spool, deadline: float, timeout: float) -> Head:
        # The whole answer is read before the worker is released: a slow client then holds a
        # spool, not a worker, and the time limit covers everything up to the last byte, so a
        # query stopped by it is always answered 503, never a 200 cut short.
        head: Head | None = None
        while True:
            try:
                frame = worker.receive(deadline)
            except (OSError, EOFError):
                self._replace(worker)
                raise StoreUnavailable("a query worker stopped unexpectedly: try again") from None
            if frame is None:
                self._replace(worker)
                raise QueryTimeout(timeout_message(timeout))
            tag, payload = frame[:1], frame[1:]
            if tag == _HEAD:
                head = pickle.loads(payload)
            elif tag == _CHUNK:
                spool.write(payload)
            else:  # done, or failed: either way the worker is free again
                self._idle.put(worker)
                if tag == _ERROR:
                    raise_error(*pickle.loads(payload), job.text)
                assert head is not None
                return head

    def _acquire(self, deadline: float, timeout: float) -> _Worker:
        while True:
            left = deadline - time.monotonic()
            try:
                worker = self._idle.get(timeout=max(0.0, min(left, GROW_AFTER)))
            except queue.Empty:
                if left <= GROW_AFTER:
                    raise QueryTimeout(
                        f"all {len(self._all)} query workers stayed busy for {timeout:g} s: try again later, "
                        "or raise the limit with --query-timeout / EVENTGRAPH_QUERY_TIMEOUT"
                    ) from None
                self._grow()  # heavy queries hold every worker: a light one must not wait behind them
                continue
            if worker.process.is_alive():
                return worker
            self._replace(worker)

    def _grow(self) -> None:
        """Start one more worker in the background, up to twice the pool's size."""
        with self._lock:
            if self._closed or len(self._all) + self._starting >= 2 * self.size:
                return
            self._starting += 1

        def spawn() -> None:
            try:
                self._spawn()
            finally:
                with self._lock:
                    self._starting -= 1

        threading.Thread(target=spawn, name="eventgraph-grow", daemon=True).start()

    def _spawn(self) -> None:
        with self._lock:
            if self._closed:
                return
            worker = _Worker(self._context, self.path)
            self._all.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop()
        # Starting a process takes a while: do it beside the request, not in its way.
        threading.Thread(target=self._spawn, name="eventgraph-respawn", daemon=True).start()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.conn.close()  # the worker sees the end of its pipe and leaves
        for worker in workers:
            worker.process.join(2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(2)
        atexit.unregister(self.close)


def worker_count(threads: int) -> int:
    """As many workers as cores, at least two (a heavy query must not block a light one), at most ``threads``."""
    return max(2, min(threads, os.cpu_count() or 2))
