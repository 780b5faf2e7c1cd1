"""The store as the running service sees it: reads in query workers, writes flushed and announced.

Views, the timeline and the pages read the store with SPARQL they build from request values
(actors, dates, words to search, IRIs from the path). On an on-disk store those reads run in
the evaluator's workers, like a client's query: under the time and memory limits, never in the
server's process. Writes go to the read-write store the server holds; after each one the store
is flushed when enough is waiting (``OxigraphStore.maybe_flush``) — so a worker that reopens it
replays a short write-ahead log and a small MANIFEST, not the history of every write — and the
evaluator is told, so the next read sees the write.

A remote store evaluates queries itself and an in-memory store cannot leave this process:
their reads go to them directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO

from pyoxigraph import NamedNode, Quad, QueryResultsFormat, RdfFormat, parse, parse_query_results

from service.sparql.evaluator import Evaluator, WorkerPool
from service.sparql.results import Job
from service.store import QueryResult, Store, values_clause
from service.store.elsewhere import Elsewhere

INTERNAL_ROWS = 10_000_000  # reads the service builds bound their own size; this only stops runaways


class ServedStore:
    """A :class:`~service.store.Store` whose reads run through ``evaluator`` (when it isolates
    them) and whose writes flush the store and bump the evaluator's generation."""

    def __init__(self, store: Store, evaluator: Evaluator, timeout: float, memory_mb: int = 0) -> None:
        self.inner = store
        self.evaluator = evaluator
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.location = store.location
        self.read_only = store.read_only
        self.isolated = isinstance(evaluator, WorkerPool)

    def query(
        self,
        query: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        substitutions: dict[str, object] | None = None,
    ) -> QueryResult:
        if not self.isolated:
            return self.inner.query(
                query, default_graph=default_graph, named_graphs=named_graphs, substitutions=substitutions
            )
        text = query + values_clause(substitutions) if substitutions else query
        job = Job(
            text=text,
            default_graphs=None if default_graph is None else tuple(default_graph),
            named_graphs=None if named_graphs is None else tuple(named_graphs),
            use_query_dataset=False,
            base_iri=None,
            select_format="tsv",
            graph_format="ntriples",
            max_rows=INTERNAL_ROWS,
        )
        stream = self.evaluator.run(job, self.timeout)
        data = b"".join(stream.chunks)
        if stream.head.kind == "triples":
            return iter([q.triple for q in parse(data, format=RdfFormat.N_TRIPLES)])  # type: ignore[return-value]  # triples stand in for QueryTriples
        return parse_query_results(data, format=QueryResultsFormat.TSV)  # booleans too: "true"/"false"

    def replace_graph(self, graph: str, quads: Iterable[Quad], shared: Iterable[Quad] = ()) -> None:
        try:
            self.inner.replace_graph(graph, quads, shared)
        finally:
            self._written()

    def drop_graph(self, graph: str) -> bool:
        try:
            return self.inner.drop_graph(graph)
        finally:
            self._written()

    def update(self, update: str, *, network: bool = False, ports: Sequence[int] = ()) -> None:
        """A client's update or Graph Store write: in a process of its own, under the time and
        memory limits, and without network unless ``network`` (an allowed SERVICE call; then to
        ``ports`` only, the allowlist's), where the store allows it (an on-disk Oxigraph store)."""
        isolated = getattr(self.inner, "update_isolated", None)
        try:
            if self.isolated and isolated is not None:
                isolated(update, timeout=self.timeout, memory_mb=self.memory_mb, network=network, ports=ports)
            else:
                self.inner.update(update)
        finally:
            self._written()

    def bulk_add(self, quads: Iterable[Quad]) -> None:
        try:
            self.inner.bulk_add(quads)
        finally:
            self._written()

    def graphs(self) -> list[str]:
        if isinstance(self.inner, Elsewhere):  # a process that does not hold the store: ask a worker
            rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
            return [row[0].value for row in rows]  # type: ignore[union-attr]  # a SELECT gives solutions
        return self.inner.graphs()

    def has_graph(self, graph: str) -> bool:
        if isinstance(self.inner, Elsewhere):
            return bool(self.query(f"ASK {{ GRAPH {NamedNode(graph)} {{ }} }}"))
        return self.inner.has_graph(graph)

    def dump(self, output: IO[bytes], format: RdfFormat, graph: str | None = None) -> None:
        self.inner.dump(output, format, graph)

    def flush(self) -> None:
        flush = getattr(self.inner, "flush", None)
        if flush is not None:
            flush()

    def _flush_if_due(self) -> None:
        due = getattr(self.inner, "maybe_flush", None)
        if due is not None:
            due()

    def close(self) -> None:
        self.inner.close()

    def _written(self) -> None:
        # A reader that reopens the store replays what was written since the last flush: flushed
        # once enough is waiting (the store decides), so that the replay stays short.
        self._flush_if_due()
        self.evaluator.invalidate()
