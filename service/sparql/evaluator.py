"""Where user text is parsed and evaluated: worker processes with a time and a memory limit.

Nothing a client sends is parsed or evaluated in the server's own process. A /sparql query
travels to a worker as it was received (:class:`QueryRequest`); the worker plans it — applies
SPARQL's ``\\u`` processing once, checks nesting, sizes and the SERVICE allowlist on that one
canonical text — and evaluates exactly that text. An update is planned and checked the same
way (:class:`UpdateRequest`) and comes back as the text to apply. The reads the timeline and
the pages build from request values run as :class:`Job` in the same workers.

pyoxigraph's evaluation cannot be interrupted from Python (it checks no signals), so a query
that runs past the time limit is stopped by killing its process; one that allocates past
``query_memory_mb`` fails inside its process (``RLIMIT_AS``), which then dies or answers an
error; a parser or planner that overflows its stack kills only its worker. A fresh worker
takes the place of a dead one. The pool keeps ``size`` workers ready, starts more (never past
``cap``) while heavy queries hold them all, and stops the extra ones once they are idle.

Each worker opens the on-disk store read-only. The server's process keeps the read-write store
for writes, flushes it after each one and bumps a generation number; a worker whose store is
older reopens it before its next query (a read-only Oxigraph store is a snapshot). Because the
write-ahead log is flushed, a reopen reads a few files, not the whole history of writes.
A worker reopens and retries when reading fails (a reopen can race a compaction that the
flush started), a few times with a short pause.

A worker cannot open a network connection (:func:`service.limits.forbid_network`, a seccomp
filter set before it reads its first request): should a SERVICE, or a JSON-LD context in a body,
get past the checks, the engine's call fails. A query whose plan has SERVICE clauses (all of them
on the allowlist, or it was refused) is handed, as the planned job, to a second, smaller pool of
workers that may call out, to the allowlist's ports only (:func:`service.limits.limit_connections`,
Landlock); they check the job's text against the allowlist again before they run it. That pool
starts at the first such query.

A worker imports the package anew (spawn), so one started after the code was upgraded under a
running server would run other code than the server. Its first frame names the code it read
(:func:`service.code.code_fingerprint`); the pool puts it to work only once that frame has come and matches,
and otherwise starts no more workers: those it has keep serving, and when none is left, queries
are answered 503 with the advice to restart. Workers that die before their first frame (a broken
install, no memory) are started again, but after three in a row only once a pause has passed.

An in-memory store cannot be shared with other processes: it is queried in this process
(tests only). A remote store evaluates queries itself; the planning and the allowlist check
still run in a storeless worker.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import io
import logging
import math
import multiprocessing
import os
import pickle
import queue
import select
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext
from typing import IO, Any, Protocol

from service.answers import Allowed, checked, classes, load_answer, subclasses
from service.code import code_fingerprint, code_on_disk, import_packages
from service.config import Settings
from service.errors import EventgraphError, QueryError, QueryTimeout, StoreUnavailable
from service.limits import (
    can_forbid_network,
    forbid_network,
    landlock_abi,
    limit_address_space,
    limit_connections,
    name_process,
)
from service.sparql.generation import Generation, SharedGeneration
from service.sparql.results import CHUNK, Head, Job, evaluate, write_result
from service.store import QueryResult, Store

log = logging.getLogger(__name__)

_HEAD, _CHUNK, _ERROR, _DONE, _PLAN, _WHOLE, _CALLS = b"H", b"C", b"E", b"F", b"P", b"W", b"S"
_ANSWERS = classes([Job, Head])  # what a worker's answers and plans may name (its errors: _ERRORS)


def _sound_error(error: Any) -> bool:
    """Whether a worker's error is what _send_error sends, of exactly those types: (kind, message), or
    one of our errors with its message (and a time to retry), no other attribute (e.g. no ``status``
    of its own: a 200)."""
    if type(error) is tuple:
        return len(error) == 2 and all(type(part) is str and len(part) <= 100_000 for part in error)
    if type(error) not in _error_classes().values() or not set(vars(error)) <= {"message", "retry_after"}:
        return False
    retry = getattr(error, "retry_after", None)
    return (
        type(getattr(error, "message", None)) is str
        and len(error.message) <= 100_000
        and (retry is None or (type(retry) is int and 0 <= retry <= 86_400))
        and all(type(arg) is str and len(arg) <= 100_000 for arg in error.args)
    )


@functools.cache
def _error_classes() -> dict[tuple[str, str], type]:
    """What a worker's error may name: our classes derived from EventgraphError in the modules a
    worker raises them from (imported here once; never a module a worker names)."""
    for module in ("service.sparql.federation", "service.sparql.graph_store"):
        importlib.import_module(module)
    return classes(subclasses(EventgraphError))


_HELLO = b"V"  # a worker's first frame: the fingerprint of the code it runs (code_fingerprint)
_QUERY, _TASK = 0, 1  # a client's query as plain fields (its settings sent once per worker), or any other task
WHOLE_MAX = 256 * 1024  # an answer up to this size travels as one frame (head and body): one wake-up, not three
SPOOL_MEMORY = 8 * 1024 * 1024  # an answer larger than this waits in a temporary file
GROW_AFTER = 0.25  # seconds a query waits for a busy pool before one more worker is started
RECURSION_LIMIT = 50_000
RETIRE_AFTER = 30.0  # seconds an extra worker (beyond the pool's size) may stay idle before it is stopped
REAP_EVERY = 2.0
READ_ATTEMPTS = 8  # opens of the read-only store a query may need while compactions move files
SERVICE_WORKERS = 2  # at most this many workers that may call out (queries with SERVICE clauses)
START_FAILURES = 3  # workers in a row that die before their first frame: the pool pauses its starts
START_PAUSE = 60.0  # seconds before the pool tries again to start workers after START_FAILURES
START_TIMEOUT = 120.0  # seconds a new worker may take to import the code and say which it read


class ServiceCallFailed(EventgraphError):
    """A SERVICE endpoint did not answer as it should."""

    status = 502


class QueryStopped(EventgraphError):
    """The worker evaluating a query died: past its memory limit, or its parser or planner failed."""

    status = 503


class WorkersUnavailable(EventgraphError):
    """No query worker can run this server's code (it changed on disk under the running server)."""

    status = 503


def _import_everything() -> None:
    """Import every module a worker uses (``service.sparql``, ``service.store``) before it says which code it runs."""
    import_packages("service.sparql", "service.store")


@dataclass(frozen=True)
class QueryRequest:
    """A /sparql query as it was received; planned and checked inside a worker."""

    op: Any  # service.sparql.protocol.Operation
    accept: str | None
    settings: Settings
    base_iri: str | None


@dataclass(frozen=True)
class UpdateRequest:
    """A /sparql update as it was received; planned and checked inside a worker."""

    op: Any
    settings: Settings
    base_iri: str | None


@dataclass(frozen=True)
class ParseRequest:
    """A Graph Store body as it was received: parsed in a worker, which answers it as N-Triples."""

    body: bytes
    media_type: str | None
    base_iri: str | None
    max_bytes: int  # the most N-Triples the body may come to


# What a worker's plan is, by the request it planned: a job, an update's (text, lines added, calls out),
# a Graph Store body's triples.
_PLANS: dict[type, Any] = {QueryRequest: Job, UpdateRequest: tuple[str, int, bool], ParseRequest: bytes}


@dataclass(frozen=True)
class Stream:
    """An answer whose head is known and whose body is still to come."""

    head: Head
    chunks: Iterable[bytes]  # has close() when there is something to release
    length: int | None = None  # bytes, when known


class Evaluator(Protocol):
    @property
    def generation(self) -> int:
        """Bumped by every write; caches of store figures key on it."""

    def start(self) -> None:
        """Get ready now rather than at the first query."""

    def run(self, job: Job, timeout: float) -> Stream:
        """Evaluate a job the service built; raise :class:`QueryTimeout` past ``timeout`` seconds."""

    def query(self, request: QueryRequest, timeout: float) -> Stream:
        """Plan, check and evaluate a client's query."""

    def plan_update(self, request: UpdateRequest, timeout: float) -> tuple[str, int, bool]:
        """Plan and check a client's update: (text to apply, lines added in front of the user's,
        whether it calls SERVICE endpoints)."""

    def parse(self, request: ParseRequest, timeout: float) -> bytes:
        """Parse a client's RDF body: its triples as N-Triples."""

    def invalidate(self) -> None:
        """The store was written: later queries must see the change."""

    def close(self) -> None:
        """Stop every worker."""


def open_evaluator(
    store: Store,
    workers: int,
    *,
    cap: int = 0,
    memory_mb: int = 0,
    generation: Generation | SharedGeneration | None = None,
    service_allow: Sequence[str] = (),
) -> Evaluator:
    """A worker pool for an on-disk Oxigraph store (its generation shared with other server
    processes when ``generation`` is a :class:`SharedGeneration`; queries with SERVICE clauses to
    the ``service_allow`` endpoints run in a pool of their own); for a remote store, the remote
    store behind a storeless pool that plans and checks; in-process for an in-memory store (tests)."""
    from service.store.elsewhere import Elsewhere
    from service.store.oxigraph import MEMORY, OxigraphStore

    if isinstance(store, Elsewhere | OxigraphStore) and store.location != MEMORY:
        # Elsewhere: another server process holds the store; either way the workers open it read-only.
        return WorkerPool(
            store.location, workers, cap=cap, memory_mb=memory_mb, generation=generation, service_allow=service_allow
        )
    if isinstance(store, OxigraphStore):
        log.warning("queries on an in-memory store run in the server process, without limits (tests only)")
        return InProcess(store)
    return Remote(store, WorkerPool(None, max(1, workers // 2), cap=cap, memory_mb=memory_mb))


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
    if kind == "memory":
        raise QueryStopped(message)
    if "service" in text.lower():
        raise ServiceCallFailed(f"the query failed, possibly in a SERVICE call: {message}")
    raise StoreUnavailable(f"the store could not be read: {message}")


def plan(request: QueryRequest) -> Job:
    from service.sparql.plan import plan_query

    return plan_query(request.op, request.accept, request.settings, request.base_iri)


def plan_update(request: UpdateRequest) -> tuple[str, int, bool]:
    from service.sparql.plan import plan_update as plan_text

    return plan_text(request.op, request.settings, request.base_iri)


def parse_body(request: ParseRequest) -> bytes:
    from service.sparql.graph_store import as_ntriples

    return as_ntriples(request.body, request.media_type, request.base_iri, request.max_bytes)


class InProcess:
    """Evaluate in the calling thread: an in-memory store (tests), or a remote store (which has
    its own limits). No time or memory limit here."""

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

    def query(self, request: QueryRequest, timeout: float) -> Stream:
        return self.run(plan(request), timeout)

    def plan_update(self, request: UpdateRequest, timeout: float) -> tuple[str, int, bool]:
        return plan_update(request)

    def parse(self, request: ParseRequest, timeout: float) -> bytes:
        return parse_body(request)

    def _remote(self, job: Job) -> QueryResult:
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


class Remote:
    """A remote store: client text is planned and checked in a storeless worker, then sent."""

    def __init__(self, store: Store, planner: WorkerPool) -> None:
        self.inner = InProcess(store)
        self.planner = planner

    @property
    def generation(self) -> int:
        return self.inner.generation

    def run(self, job: Job, timeout: float) -> Stream:
        return self.inner.run(job, timeout)

    def query(self, request: QueryRequest, timeout: float) -> Stream:
        job: Job = self.planner.call(request, timeout)
        return self.inner.run(job, timeout)

    def plan_update(self, request: UpdateRequest, timeout: float) -> tuple[str, int, bool]:
        planned: tuple[str, int, bool] = self.planner.call(request, timeout)
        return planned

    def parse(self, request: ParseRequest, timeout: float) -> bytes:
        return self.planner.parse(request, timeout)

    def start(self) -> None:
        self.planner.start()

    def invalidate(self) -> None:
        self.inner.invalidate()

    def close(self) -> None:
        self.planner.close()


def _worker_main(conn: Connection, path: str | None, memory_mb: int, endpoints: tuple[str, ...] = ()) -> None:
    """A worker's loop: receive (generation, task), answer (one frame, or head, chunks and end), a plan or an error.

    With no ``endpoints`` the worker gives up the network first; with some, it runs only jobs
    whose SERVICE clauses all name one of them (checked again here).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops its workers
    _import_everything()
    fingerprint = code_on_disk()  # after the imports: a change between them shows as other code
    name_process("eg-service" if endpoints else "eg-query")
    # Where the kernel or libseccomp cannot, the pool has said so in the server's log.
    if endpoints:
        limit_connections(endpoint_ports(endpoints))
    else:
        forbid_network()
    # rdflib's grammar (the allowlist check) recurses per nesting level; queries nest up to
    # plan.MAX_NESTING levels. Should a parse still overflow, only this process dies.
    sys.setrecursionlimit(RECURSION_LIMIT)
    opened = _Opened(path, memory_mb, endpoints)
    if path is None:
        opened.limit_memory()
    # Set up: now the pool may count this worker as started. The code it read, for the pool to check.
    conn.send_bytes(_HELLO + fingerprint.encode())
    settings: Settings | None = None  # a query's settings travel once, with the first query that needs them
    while True:
        try:
            message = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):  # the server closed the pipe: it is shutting down or gave up on us
            return
        if message[0] == _QUERY:
            _, generation, fields, sent = message
            settings = sent if sent is not None else settings
            if settings is None:  # the pool sends them with a worker's first query: cannot happen
                return
            op_fields, accept, base_iri = fields
            task: Any = QueryRequest(_operation(*op_fields), accept, settings, base_iri)
        else:
            _, generation, task = message
        try:
            _answer(conn, opened, generation, task)
        except MemoryError:
            _send_error(conn, ("memory", _memory_message(memory_mb)))
            return  # the process may be in a poor state: let a fresh one take over
        except (EOFError, OSError):
            return


def endpoint_ports(endpoints: Iterable[str]) -> list[int]:
    """The TCP ports a worker calling ``endpoints`` may connect to: theirs, and DNS's."""
    from urllib.parse import urlsplit

    ports = [53]
    for endpoint in endpoints:
        parts = urlsplit(endpoint)
        ports.append(parts.port or (443 if parts.scheme == "https" else 80))
    return ports


def _operation(*fields: Any) -> Any:
    from service.sparql.protocol import Operation

    return Operation(*fields)


def _memory_message(memory_mb: int) -> str:
    return (
        f"the query needed more than the {memory_mb} MiB a query may use and was stopped: simplify it, "
        "or raise EVENTGRAPH_QUERY_MEMORY_MB"
    )


class _Opened:
    """The worker's read-only store and the generation it was opened at."""

    def __init__(self, path: str | None, memory_mb: int, endpoints: tuple[str, ...] = ()) -> None:
        self.path = path
        self.memory_mb = memory_mb
        self.endpoints = endpoints  # none: the worker has no network
        self.store: Any = None
        self.generation = -1
        self.limited = False

    def at(self, generation: int) -> Any:
        from pyoxigraph import Store as OxStore

        if self.path is None:
            raise StoreUnavailable("this worker has no store")
        if self.store is None or generation != self.generation:
            self.store, self.generation = None, -1
            self.store, self.generation = OxStore.read_only(self.path), generation
            self.limit_memory()
        return self.store

    def limit_memory(self) -> None:
        """Cap the address space at what the process holds now (the store opened) plus the query's share."""
        if not self.limited:
            self.limited = True
            limit_address_space(self.memory_mb)


def _send_error(conn: Connection, error: object) -> None:
    try:
        payload = pickle.dumps(error)
    except Exception:  # an exception that does not pickle: send its text
        payload = pickle.dumps(("store", str(error)))
    conn.send_bytes(_ERROR + payload)


def _answer(
    conn: Connection, opened: _Opened, generation: int, task: Job | QueryRequest | UpdateRequest | ParseRequest
) -> None:
    try:
        if isinstance(task, UpdateRequest):
            conn.send_bytes(_PLAN + pickle.dumps(plan_update(task)))
            return
        if isinstance(task, ParseRequest):
            conn.send_bytes(_PLAN + pickle.dumps(parse_body(task)))
            return
        job = plan(task) if isinstance(task, QueryRequest) else _checked(task, opened.endpoints)
    except EventgraphError as exc:
        _send_error(conn, exc)
        return
    except (RecursionError, ValueError) as exc:
        _send_error(conn, QueryError(f"the request could not be read: {type(exc).__name__}"))
        return
    if opened.path is None:
        conn.send_bytes(_PLAN + pickle.dumps(job))
        return
    if job.calls_out and not opened.endpoints:  # this worker has no network: one that has runs it
        conn.send_bytes(_CALLS + pickle.dumps(job))
        return
    _evaluate(conn, opened, generation, job)


def _checked(job: Job, endpoints: tuple[str, ...]) -> Job:
    """A job passes the allowlist check again where it runs: one the service built (values from
    requests are in it) may call nothing, one handed over for its SERVICE clauses only ``endpoints``,
    and only once its prefixed names are written out (as the planner does)."""
    from service.sparql import federation
    from service.sparql.plan import check_names, expand_names
    from service.sparql.tokens import tokenize

    if endpoints:  # a planned job has no prefixed name left: one that has, was not planned here
        tokens = tokenize(job.text)
        check_names(tokens)
        if expand_names(job.text, tokens, job.base_iri)[0] != job.text:
            raise QueryError("a handed query still has prefixed names: it was not planned by this server")
    federation.check_query(job.text, endpoints, job.base_iri)
    return job


class _Answer:
    """What a worker sends for one query: a small answer as one frame (head and body together, so
    the server wakes once), a larger one as a head, chunks and an end, sent as they come."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.head: Head | None = None
        self.parts: list[bytes] = []
        self.size = 0
        self.streaming = False

    def emit(self, head: Head) -> None:
        self.head = head

    def chunk(self, data: bytes) -> None:
        if self.streaming:
            self.conn.send_bytes(_CHUNK + data)
            return
        self.parts.append(data)
        self.size += len(data)
        if self.size > WHOLE_MAX:
            self.streaming = True
            self.conn.send_bytes(_HEAD + pickle.dumps(self.head))
            for part in self.parts:
                self.conn.send_bytes(_CHUNK + part)
            self.parts.clear()

    def done(self) -> None:
        if self.streaming:
            self.conn.send_bytes(_DONE)
            return
        head = pickle.dumps(self.head)
        self.conn.send_bytes(b"".join([_WHOLE, len(head).to_bytes(4, "big"), head, *self.parts]))


def _evaluate(conn: Connection, opened: _Opened, generation: int, job: Job) -> None:
    # A failed SERVICE call raises what a failed read does (OSError): a query that calls out is not
    # tried again, or each failure would call its endpoint READ_ATTEMPTS times.
    attempts = 1 if job.calls_out else READ_ATTEMPTS
    for attempt in range(1, attempts + 1):
        answer = _Answer(conn)
        try:
            result = evaluate(opened.at(generation), job)
            write_result(result, job, answer.emit, answer.chunk)
            answer.done()
            return
        except SyntaxError as exc:
            _send_error(conn, ("syntax", str(exc)))
            return
        except (OSError, RuntimeError) as exc:
            if answer.streaming or isinstance(exc, BrokenPipeError | EOFError):
                raise OSError("the answer could not be sent") from exc
            # A compaction after a write removed files this snapshot was about to read: reopen
            # (the next snapshot names the files that replaced them) and try again.
            opened.store = None
            if attempt == attempts:
                _send_error(conn, ("store", str(exc)))
            else:
                time.sleep(0.02 * attempt)


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(
        self, context: SpawnContext, target: Any, path: str | None, memory_mb: int, endpoints: tuple[str, ...]
    ) -> None:
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(
            target=target,
            args=(child, path, memory_mb, endpoints),
            daemon=True,
            name="eventgraph-service" if endpoints else "eventgraph-query",
        )
        self.process.start()
        child.close()
        self.idle_since = time.monotonic()
        self.settings: Settings | None = None  # the query settings this worker has been sent
        # One poll object per pipe, kept: Connection.poll builds a selector on every call.
        self._poller = select.poll()
        self._poller.register(self.conn.fileno(), select.POLLIN)

    def receive(self, deadline: float) -> bytes | None:
        """The next frame, or None when the deadline passes first."""
        wait_ms = math.ceil(max(0.0, deadline - time.monotonic()) * 1000)
        if not self._poller.poll(wait_ms):
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
        self.whole: bytes | None = None  # a small answer that came in one frame

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
    """Query workers over one on-disk store (or none: planning only); a dead or killed worker is
    replaced. ``size`` workers are kept ready; while every one stays busy and a query waits, one
    more starts, never past ``cap``, so that a light query is answered beside heavy ones; an
    extra worker stops once it has been idle for ``RETIRE_AFTER`` seconds (not at once: under a
    steady load, starting a process per query would cost more than the queries).

    The workers have no network. With ``service_allow``, a query whose plan calls those endpoints
    is handed to a pool that may (``calling``, one worker, up to ``SERVICE_WORKERS``), started at
    the first such query.
    """

    def __init__(
        self,
        path: str | None,
        size: int,
        *,
        cap: int = 0,
        memory_mb: int = 0,
        generation: Generation | SharedGeneration | None = None,
        service_allow: Sequence[str] = (),
        endpoints: Sequence[str] = (),
    ) -> None:
        self.path = path
        self.size = max(1, size)
        self.cap = max(self.size, cap or 2 * self.size)
        self.memory_mb = memory_mb
        self.counter = generation or Generation()
        self.endpoints = tuple(endpoints)  # a calling pool's: what its workers may call (none: no network)
        self.calling = (
            WorkerPool(
                path, 1, cap=SERVICE_WORKERS, memory_mb=memory_mb, generation=self.counter, endpoints=service_allow
            )
            if service_allow and path is not None
            else None
        )
        self._context = multiprocessing.get_context("spawn")  # no fork: the server has threads
        # Last in, first out: the workers in use stay warm, and an extra one left idle long enough
        # (RETIRE_AFTER) is stopped by the reaper.
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self._starting = 0  # workers being started
        self._greeting: set[_Worker] = set()  # started processes whose first frame is awaited
        self.fingerprint = code_fingerprint()  # the code this server runs: its workers must run the same
        self.outdated: str | None = None  # why no more workers are started (the code changed on disk)
        self._failed_starts = 0  # workers in a row that died before their first frame
        self._paused_until = 0.0  # no worker is started before then (monotonic clock): starts kept failing
        self._target: Any = _worker_main  # what a worker process runs

    def start(self) -> None:
        """Start the workers now rather than at the first query."""
        with self._lock:
            if self._started or self._closed:
                return
            self._started = True
        atexit.register(self.close)  # no worker outlives the server, however it stops
        if not self.endpoints and not can_forbid_network():
            log.warning(
                "query workers keep their network: libseccomp (Debian: libseccomp2) was not found; "
                "SERVICE calls are limited by the allowlist check alone"
            )
        if self.endpoints and landlock_abi() < 4:
            log.warning(
                "the workers that call SERVICE endpoints may connect to any port: this kernel has no "
                "Landlock network rules (Linux 6.7 and later)"
            )
        threading.Thread(target=self._reap, name="eventgraph-reaper", daemon=True).start()
        starting = [threading.Thread(target=self._start_one, kwargs={"wait": True}) for _ in range(self.size)]
        for thread in starting:  # side by side: each spends most of its start importing
            thread.start()
        for thread in starting:
            thread.join()

    @property
    def generation(self) -> int:
        return self.counter.value

    def invalidate(self) -> None:
        self.counter.bump()

    def pids(self) -> list[int]:
        """The process ids of the live workers (for monitoring and tests)."""
        return [w.process.pid for w in list(self._all) if w.process.pid is not None and w.process.is_alive()]

    def run(self, job: Job, timeout: float) -> Stream:
        return self._stream(job, timeout)

    def query(self, request: QueryRequest, timeout: float) -> Stream:
        return self._stream(request, timeout)

    def plan_update(self, request: UpdateRequest, timeout: float) -> tuple[str, int, bool]:
        planned: tuple[str, int, bool] = self.call(request, timeout)
        return planned

    def parse(self, request: ParseRequest, timeout: float) -> bytes:
        parsed: bytes = self.call(request, timeout)
        return parsed

    def call(self, task: QueryRequest | UpdateRequest | ParseRequest, timeout: float) -> Any:
        """Plan ``task`` in a worker and return the plan (a :class:`Job`, an update's text, a body's triples)."""
        self.start()
        deadline = time.monotonic() + timeout
        worker = self._acquire(deadline, timeout)
        self._send(worker, task)
        frame = self._frame(worker, deadline, timeout)
        if frame[:1] == _PLAN:
            plan = self._load(worker, frame[1:], _PLANS[type(task)])
            self._release(worker)
            return plan
        error = self._error(worker, frame[1:])
        self._release(worker)
        self._raise(error, _text(task))

    def _stream(self, task: Job | QueryRequest, timeout: float, deadline: float | None = None) -> Stream:
        self.start()
        if deadline is None:
            deadline = time.monotonic() + timeout
        worker = self._acquire(deadline, timeout)
        spool = _Spool()
        try:
            self._send(worker, task)
            head = self._receive(worker, _text(task), spool, deadline, timeout)
        except _CallsOut as handed:
            spool.close()
            if self.calling is None:  # the plan names endpoints this server does not call
                from service.sparql.federation import FederationRefused

                raise FederationRefused("this server calls no SERVICE endpoint") from None
            return self.calling._stream(handed.job, timeout, deadline)  # the same time limit, not a new one
        except BaseException:
            spool.close()
            raise
        if spool.whole is not None:  # a small answer: its bytes as they are, no file to read back
            body, spool.whole = spool.whole, None
            spool.close()
            return Stream(head, [body], len(body))
        return Stream(head, spool, spool.size)

    def _send(self, worker: _Worker, task: Job | QueryRequest | UpdateRequest | ParseRequest) -> None:
        """A client's query travels as plain fields; its settings (the same object for every query of
        an app) only the first time this worker gets them: pickling them is most of a lookup's message."""
        if type(task) is QueryRequest:
            op = task.op
            sent = None if worker.settings is task.settings else task.settings
            fields = ((op.kind, op.text, op.default_graphs, op.named_graphs, op.format), task.accept, task.base_iri)
            worker.conn.send_bytes(pickle.dumps((_QUERY, self.generation, fields, sent), pickle.HIGHEST_PROTOCOL))
            worker.settings = task.settings
            return
        worker.conn.send_bytes(pickle.dumps((_TASK, self.generation, task), pickle.HIGHEST_PROTOCOL))

    def _frame(self, worker: _Worker, deadline: float, timeout: float) -> bytes:
        try:
            frame = worker.receive(deadline)
        except (OSError, EOFError):
            self._replace(worker)
            raise self._death(worker) from None
        if frame is None:
            self._replace(worker)
            raise QueryTimeout(timeout_message(timeout))
        return frame

    def _death(self, worker: _Worker) -> EventgraphError:
        worker.process.join(1)
        code = worker.process.exitcode
        return QueryStopped(
            f"the query stopped its worker (exit {code}): it needed more than the {self.memory_mb} MiB a query "
            "may use (EVENTGRAPH_QUERY_MEMORY_MB), or is too large to plan; simplify it"
        )

    def _load(self, worker: _Worker, payload: bytes, hint: Any, allowed: Allowed = _ANSWERS) -> Any:
        """What ``worker`` answered, naming none but the ``allowed`` classes and exactly of type ``hint``
        (:mod:`service.answers`); a worker whose answer is anything else is replaced, the query stopped."""
        try:
            return checked(load_answer(payload, allowed), hint)
        except Exception:  # whatever a broken or hostile answer makes the unpickler or the check raise
            raise self._unreadable(worker) from None

    def _error(self, worker: _Worker, payload: bytes) -> EventgraphError | tuple[str, str]:
        """The error a worker sent (_send_error): one of our errors, or (kind, message)."""
        try:
            error = load_answer(payload, _error_classes())
        except Exception:  # whatever a broken or hostile answer makes the unpickler raise
            raise self._unreadable(worker) from None
        if not _sound_error(error):
            raise self._unreadable(worker)
        return error  # type: ignore[no-any-return]

    def _unreadable(self, worker: _Worker) -> QueryStopped:
        """A worker whose answer is no answer is replaced; the query is stopped."""
        self._replace(worker)
        return QueryStopped("the query worker's answer could not be read; it was replaced")

    def _raise(self, error: EventgraphError | tuple[str, str], text: str) -> None:
        if isinstance(error, EventgraphError):
            raise error
        raise_error(*error, text)

    def _receive(self, worker: _Worker, text: str, spool: _Spool, deadline: float, timeout: float) -> Head:
        # The whole answer is read before the worker is released: a slow client then holds a
        # spool, not a worker, and the time limit covers everything up to the last byte, so a
        # query stopped by it is always answered 503, never a 200 cut short.
        head: Head | None = None
        while True:
            frame = self._frame(worker, deadline, timeout)
            tag, payload = frame[:1], frame[1:]
            if tag == _WHOLE:  # a small answer in one frame: head length, head, body
                size = int.from_bytes(payload[:4], "big")
                head = self._load(worker, payload[4 : 4 + size], Head)
                spool.whole = payload[4 + size :]
                self._release(worker)
                return head
            if tag == _CALLS:  # planned, with SERVICE clauses: for a worker that may call out
                job = self._load(worker, payload, Job)
                self._release(worker)
                raise _CallsOut(job)
            if tag == _HEAD:
                head = self._load(worker, payload, Head)
            elif tag == _CHUNK:
                spool.write(payload)
            else:  # done, or failed: either way the worker is free again
                error = self._error(worker, payload) if tag == _ERROR else None
                self._release(worker)
                if error is not None:
                    self._raise(error, text)
                assert head is not None
                return head

    def _release(self, worker: _Worker) -> None:
        """Back to the idle queue."""
        worker.idle_since = time.monotonic()
        self._idle.put(worker)

    def _reap(self) -> None:
        """Every few seconds: stop the workers beyond ``size`` that stayed idle for RETIRE_AFTER, and
        start one when the pool is short (after a pause in starts)."""
        while not self._closed:
            time.sleep(REAP_EVERY)
            if len(self._all) + self._starting < self.size:  # short of workers (a pause in starts ended)
                self._start_one(wait=False)
            if len(self._all) <= self.size:
                continue
            taken: list[_Worker] = []
            while True:
                try:
                    taken.append(self._idle.get_nowait())
                except queue.Empty:
                    break
            now = time.monotonic()
            for worker in sorted(taken, key=lambda w: w.idle_since, reverse=True):
                with self._lock:
                    retire = len(self._all) > self.size and now - worker.idle_since > RETIRE_AFTER
                    if retire:
                        worker.stop()  # reaped before it leaves the count: the cap holds at every moment
                        self._all.discard(worker)
                if not retire:
                    self._idle.put(worker)

    def _acquire(self, deadline: float, timeout: float) -> _Worker:
        while True:
            if not self._all and not self._starting:
                if self.outdated is not None:
                    raise WorkersUnavailable(self.outdated)
                if (pause := self._paused_until - time.monotonic()) > 0:
                    raise WorkersUnavailable(
                        f"no query worker could start ({START_FAILURES} in a row: see the server's log); "
                        f"the next try is in {math.ceil(pause)} s",
                        retry_after=math.ceil(pause),
                    )
            left = deadline - time.monotonic()
            try:
                worker = self._idle.get(timeout=max(0.0, min(left, GROW_AFTER)))
            except queue.Empty:
                if left <= GROW_AFTER:
                    if not self._all:
                        raise QueryTimeout(
                            f"no query worker was ready within {timeout:g} s ({self._starting} starting): try again "
                            "in a moment"
                        ) from None
                    raise QueryTimeout(
                        f"all {len(self._all)} query workers stayed busy for {timeout:g} s: try again later, "
                        "or raise the limit with --query-timeout / EVENTGRAPH_QUERY_TIMEOUT"
                    ) from None
                if not self._starting:  # heavy queries hold every worker: a light one must not wait
                    self._start_one(wait=False)  # (one start at a time: another would not come sooner)
                continue
            if worker.process.is_alive():
                return worker
            self._replace(worker)

    def _greet(self, worker: _Worker) -> bool:
        """Wait for a new worker's first frame: True if it runs this server's code.

        One that runs other code (upgraded on disk under the server) is stopped, and the pool starts
        no more: those it has serve on, and once none is left every query gets ``self.outdated``. One
        that dies before a word is stopped too; after START_FAILURES in a row, starts pause for
        START_PAUSE seconds (a broken install or a lack of memory is not tried again at once).
        """
        with self._lock:
            self._greeting.add(worker)
        try:
            frame = worker.receive(time.monotonic() + START_TIMEOUT)
        except (OSError, EOFError, ValueError):  # ValueError: close() closed the pipe meanwhile
            frame = b""
        finally:
            with self._lock:
                self._greeting.discard(worker)
        if frame is not None and frame[:1] == _HELLO and frame[1:] == self.fingerprint.encode():
            self._failed_starts = 0
            worker.idle_since = time.monotonic()
            return True
        worker.stop()
        if self._closed:  # stopped by close(), not a failed start
            return False
        if frame is not None and frame[:1] == _HELLO:
            if self.outdated is None:
                self.outdated = (
                    "the code on disk is not the code this server runs (it was upgraded or edited under the running "
                    "server): restart the server"
                )
                log.error("%s; the %d query worker(s) running its code serve on", self.outdated, len(self._all))
            return False
        self._failed(f"exit {worker.process.exitcode}" if frame is not None else f"silent for {START_TIMEOUT:g} s")
        return False

    def _failed(self, how: str) -> None:
        """Count a start that failed; after START_FAILURES in a row, pause the starts."""
        self._failed_starts += 1
        log.error("a query worker could not start (%s): its error, if any, is above", how)
        if self._failed_starts >= START_FAILURES:
            self._failed_starts = 0
            self._paused_until = time.monotonic() + START_PAUSE
            log.error(
                "%d query workers in a row could not start (was the code or its environment changed under the "
                "running server?): the next try is in %g s; the %d that run serve on",
                START_FAILURES,
                START_PAUSE,
                len(self._all),
            )

    def _start_one(self, *, wait: bool) -> None:
        """Start a worker, unless the pool is at its cap (counting those being started)."""
        with self._lock:
            if self._closed or self.outdated is not None or len(self._all) + self._starting >= self.cap:
                return
            if time.monotonic() < self._paused_until:
                return
            self._starting += 1

        def spawn() -> None:
            started = False
            try:
                try:
                    worker = _Worker(self._context, self._target, self.path, self.memory_mb, self.endpoints)
                except OSError as exc:  # no process or pipe to be had (EAGAIN, EMFILE): a failed start
                    self._failed(f"{type(exc).__name__}: {exc}")
                    return
                started = self._greet(worker)  # in the pool only once it has imported, and runs our code
                with self._lock:
                    if started and self._closed:
                        worker.stop()
                    elif started:
                        self._all.add(worker)
                        self._idle.put(worker)
            finally:
                with self._lock:
                    self._starting -= 1
            if not started and not self._closed and len(self._all) + self._starting < self.size:
                self._start_one(wait=False)  # tried again, until START_FAILURES in a row (then after a pause)

        if wait:
            spawn()
        else:
            threading.Thread(target=spawn, name="eventgraph-spawn", daemon=True).start()

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
            short = len(self._all) + self._starting < self.size
        worker.stop()
        if short:  # starting a process takes a while: beside the request, not in its way
            self._start_one(wait=False)

    def close(self) -> None:
        if self.calling is not None:
            self.calling.close()
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
            starting = list(self._greeting)
        for worker in starting:  # still importing (or hung there): killed, and their start ends at once
            worker.process.kill()
        for worker in workers:
            worker.conn.close()  # the worker sees the end of its pipe and leaves
        deadline = time.monotonic() + 0.5
        for worker in workers:  # one still starting (importing) has not read its pipe yet: killed
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(2)
        atexit.unregister(self.close)


class _CallsOut(Exception):
    """A worker without network planned a query with SERVICE clauses: ``job`` goes to one with."""

    def __init__(self, job: Job) -> None:
        super().__init__("the query calls SERVICE endpoints")
        self.job = job


def _text(task: Job | QueryRequest | UpdateRequest | ParseRequest) -> str:
    if isinstance(task, ParseRequest):
        return ""
    return task.text if isinstance(task, Job) else str(task.op.text)


def worker_count(threads: int, processes: int = 1) -> int:
    """As many workers as cores, at least two (a heavy query must not block a light one), at most
    ``threads``. With several server processes the cores are shared among them, at least one each
    (its pool still grows past it while a heavy query holds it): on two cores, two processes with one
    worker each answer more than with two each (bench/RESULTS.md, "Again with a socket per process")."""
    cores = os.cpu_count() or 2
    if processes > 1:
        return max(1, min(threads, cores // processes))
    return max(2, min(threads, cores))
