"""Evaluate one query on a pyoxigraph store and write its results, capped, in the chosen format.

Used by the query workers and by the in-process path alike. The result is first written in a
line format (TSV for solutions, N-Triples for triples) by pyoxigraph, counting lines as they
come: past the row cap the writer stops the serialisation, which stops the lazy evaluation.
Then the kept lines are parsed back and written in the requested format, in chunks. Each pass
runs in native code (about 1.4× the cost of serialising directly, against about 10× for
iterating rows in Python), and the status of the answer is known before its first byte.

A SELECT whose own top-level ``LIMIT`` is within the cap (``Job.bounded``: the timeline's windows,
most lookups) cannot pass it, so it is written once, in the requested format, without the line
pass. A small graph (a DESCRIBE of one resource, a CONSTRUCT of a few triples: up to
``SMALL_GRAPH`` triples and within the cap) is taken whole first and written once in the requested
format: for a few dozen triples, three passes cost more than reading them into Python once.
"""

from __future__ import annotations

import functools
import io
import itertools
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import IO, cast

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    parse,
    parse_query_results,
    serialize,
)

from service.sparql.conneg import FORMAT_NAMES
from service.store import QueryResult

CHUNK = 64 * 1024
KEEP_IN_MEMORY = 16 * 1024 * 1024  # a longer capped result waits in a temporary file
SMALL_GRAPH = 256  # triples a graph answer may have to be written in one pass


@dataclass(frozen=True)
class Job:
    """One query to evaluate, as sent to a worker (picklable plain values)."""

    text: str
    default_graphs: Sequence[str] | None  # None: the union of all graphs (or the query's FROM)
    named_graphs: Sequence[str] | None
    use_query_dataset: bool  # the query has FROM/FROM NAMED and the request named no graphs
    base_iri: str | None
    select_format: str  # a key of FORMAT_NAMES
    graph_format: str
    max_rows: int
    bounded: bool = False  # a SELECT whose own top-level LIMIT is within max_rows: no row count needed
    calls_out: bool = False  # has SERVICE clauses: evaluating it again calls their endpoints again
    volatile: bool = False  # its answer may differ with the store unchanged (SERVICE, NOW, RAND, UUID, STRUUID)


@dataclass(frozen=True)
class Head:
    """What the web layer needs before the first byte: the media type and whether rows were cut."""

    media_type: str
    kind: str  # "solutions", "boolean" or "triples"
    truncated: bool = False
    volatile: bool = False  # the job's: such an answer gets no entity tag


class _Enough(Exception):
    """Raised from inside pyoxigraph's serialiser to stop it once the cap is passed."""


class _LineCounter(io.RawIOBase):
    """A sink that keeps what pyoxigraph writes (in memory, on disk past a few megabytes) and
    stops it once more than ``limit`` lines came; ``cut`` is where the ``limit``-th line ends."""

    def __init__(self, limit: int) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=KEEP_IN_MEMORY)  # noqa: SIM115 - see close()
        self.limit = limit
        self.lines = 0
        self.size = 0
        self.cut: int | None = None

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]  # pyoxigraph writes bytes only
        self.file.write(data)
        lines = data.count(b"\n")
        if self.cut is None and self.lines + lines >= self.limit:
            end = -1
            for _ in range(self.limit - self.lines):
                end = data.index(b"\n", end + 1)
            self.cut = self.size + end + 1
        self.lines += lines
        self.size += len(data)
        if self.lines > self.limit:
            raise _Enough
        return len(data)

    def kept(self) -> IO[bytes]:
        """The first ``limit`` lines, as a file to read from the start."""
        if self.lines > self.limit and self.cut is not None:
            self.file.truncate(self.cut)
        self.file.seek(0)
        return self.file

    def kept_input(self) -> bytes | IO[bytes]:
        """The first ``limit`` lines for a parser: the bytes themselves while they are in memory (one
        read, where pyoxigraph reads a file in small pieces, each a call back into Python), else the file."""
        kept = self.kept()
        return kept.read() if self.size <= KEEP_IN_MEMORY else kept

    def close(self) -> None:
        self.file.close()
        super().close()


def _default_graphs(names: Sequence[str] | None) -> list[NamedNode | BlankNode | DefaultGraph] | None:
    return None if names is None else [NamedNode(n) for n in names]


def _named_graphs(names: Sequence[str] | None) -> list[NamedNode | BlankNode] | None:
    return None if names is None else [NamedNode(n) for n in names]


def evaluate(store: Store, job: Job) -> QueryResult:
    """Run ``job`` on a pyoxigraph store; the default graph is the union of all graphs unless
    the request or the query (FROM) names graphs.

    :raises SyntaxError: from pyoxigraph, on a malformed query.
    """
    union = job.default_graphs is None and not job.use_query_dataset
    return store.query(
        job.text,
        base_iri=job.base_iri,
        use_default_graph_as_union=union,
        default_graph=_default_graphs(job.default_graphs),
        named_graphs=_named_graphs(job.named_graphs),
    )


def write_result(result: QueryResult, job: Job, emit: Callable[[Head], None], out: Callable[[bytes], None]) -> None:
    """Serialise ``result`` for ``job``: call ``emit`` once with the head, then ``out`` per chunk."""
    if job.volatile:
        emit = functools.partial(_volatile, emit)
    if isinstance(result, QueryBoolean):
        fmt = _result_format(job.select_format)
        emit(Head(fmt.media_type, "boolean"))
        data = result.serialize(format=fmt)
        assert data is not None  # no output given: serialize returns the bytes
        out(data)
        return
    if isinstance(result, QuerySolutions):
        fmt = _result_format(job.select_format)
        if job.bounded:  # the query's own LIMIT keeps it within the cap: one pass, in the requested format
            data = result.serialize(format=fmt)  # as bytes: no call back into Python per piece
            assert data is not None
            emit(Head(fmt.media_type, "solutions", False))
            for start in range(0, len(data), CHUNK):
                out(data[start : start + CHUNK])
            return
        with _LineCounter(job.max_rows + 1) as counter:  # + the header line
            truncated = _fill(lambda: result.serialize(_sink(counter), QueryResultsFormat.TSV))
            emit(Head(fmt.media_type, "solutions", truncated))
            if fmt == QueryResultsFormat.TSV:
                _chunks(counter.kept(), out)
            else:
                sink = _Chunker(out)
                parse_query_results(counter.kept_input(), QueryResultsFormat.TSV).serialize(_sink(sink), fmt)
                sink.flush()
        return
    _write_triples(result, job, emit, out)


def _volatile(emit: Callable[[Head], None], head: Head) -> None:
    emit(replace(head, volatile=True))


def _write_triples(result: QueryTriples, job: Job, emit: Callable[[Head], None], out: Callable[[bytes], None]) -> None:
    fmt = FORMAT_NAMES[job.graph_format]
    assert isinstance(fmt, RdfFormat)
    small = min(SMALL_GRAPH, job.max_rows)
    first = list(itertools.islice(result, small + 1))
    if len(first) <= small:  # the whole answer, within the cap: one pass
        emit(Head(fmt.media_type, "triples", False))
        if fmt.supports_datasets:
            data = serialize([Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in first], None, fmt)
        else:
            data = serialize(first, None, fmt)
        assert data is not None  # no output given: serialize returns the bytes
        out(data)
        return
    rest = itertools.chain(first, result)
    with _LineCounter(job.max_rows) as counter:
        truncated = _fill(lambda: serialize(rest, _sink(counter), RdfFormat.N_TRIPLES))
        emit(Head(fmt.media_type, "triples", truncated))
        if fmt == RdfFormat.N_TRIPLES:
            _chunks(counter.kept(), out)
            return
        triples: Iterable[Quad] = parse(counter.kept_input(), RdfFormat.N_TRIPLES)
        if fmt.supports_datasets:
            triples = (Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples)
        sink = _Chunker(out)
        serialize(triples, _sink(sink), fmt)
        sink.flush()


def _sink(stream: io.RawIOBase) -> IO[bytes]:
    """``stream`` as pyoxigraph's stubs type an output (IO[bytes]); pyoxigraph itself only calls write()."""
    return cast(IO[bytes], stream)


def _fill(run: Callable[[], object]) -> bool:
    """Run a serialisation into a line counter; True when it was stopped at the cap."""
    try:
        run()
    except _Enough:
        return True
    return False


def _result_format(name: str) -> QueryResultsFormat:
    fmt = FORMAT_NAMES[name]
    assert isinstance(fmt, QueryResultsFormat)
    return fmt


def _chunks(source: IO[bytes], out: Callable[[bytes], None]) -> None:
    while chunk := source.read(CHUNK):
        out(chunk)


class _Chunker(io.RawIOBase):
    """A sink that passes pyoxigraph's output on in chunks of about ``CHUNK`` bytes."""

    def __init__(self, out: Callable[[bytes], None]) -> None:
        self.out = out
        self.pending = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]  # pyoxigraph writes bytes only
        self.pending += data
        if len(self.pending) >= CHUNK:
            self.out(bytes(self.pending))
            self.pending.clear()
        return len(data)

    def flush(self) -> None:
        if self.pending:
            self.out(bytes(self.pending))
            self.pending.clear()
