"""The driver of a batch ingest: plan the run, start or join the Dask cluster, load the shards.

Loading: a shard whose documents the store has never seen (no graph of theirs exists, none came
earlier in the run) is queued for the bulk loader, which takes the queued shards' files in one
call once enough quads wait, or at the end; any other shard is written one transaction per
document (``replace_graph``), as the sequential ingest writes. On a remote store every shard takes
the per-document path. Each loaded shard is recorded in the run folder; after a complete run the
folder is removed.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, RdfFormat, parse

from service.batch.shards import (
    Entry,
    ShardIndex,
    input_key,
    loaded_shards,
    mark_loaded,
    open_run,
    read_index,
    run_folder,
    shard_path,
)
from service.config import Settings, without_secrets
from service.documents import Refusal
from service.errors import EventgraphError
from service.pipeline import IngestReport, Outcome, Source, document_inputs, documents_written, stored_checksums
from service.store import Store
from service.store.oxigraph import MEMORY, OxigraphStore

BATCH_SIZE = 16  # documents per task and shard (~30k quads for documents of 3,000 words)
BULK_QUADS = 10_000_000  # quads of new documents queued before the bulk loader is called (~2 GB of N-Quads)
INSTALL = "pip install 'eventgraph[batch]'"


class BatchUnavailable(EventgraphError):
    """Dask is not installed, or the cluster cannot be reached."""


@dataclass
class WorkerFigures:
    documents: int = 0
    seconds: float = 0.0
    shards: int = 0

    @property
    def rate(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


@dataclass
class BatchProgress:
    """What the driver knows while the run goes on; handed to the progress callback."""

    documents: int  # inputs in all (refusals found while walking included)
    shards: int
    run_dir: Path
    resumed_shards: int = 0  # shards found finished when the run started (a resumed run)
    done_documents: int = 0
    done_shards: int = 0
    loaded_shards: int = 0
    bulk_loads: int = 0
    hook_seconds: float = 0.0  # spent in pipeline.documents_written (indexes kept in step with the store)
    workers: dict[str, WorkerFigures] = field(default_factory=dict)

    def worker_line(self) -> str:
        parts = [
            f"w{i} {figures.rate:.1f}/s" for i, figures in enumerate(self.workers.values(), 1) if figures.documents
        ]
        return " ".join(parts)


@dataclass
class BatchReport(IngestReport):
    progress: BatchProgress | None = None
    failed_shards: int = 0  # batches whose task failed (their documents are reported refused)


def _dask() -> Any:
    try:
        import distributed
    except ImportError:
        raise BatchUnavailable(
            f"--workers and --cluster need Dask distributed, which is not installed: {INSTALL}"
        ) from None
    return distributed


@contextmanager
def _client(workers: int | None, cluster: str | None) -> Iterator[Any]:
    distributed = _dask()
    if cluster:
        try:
            # Dask's own connect timeout (30 s; DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT or Dask's config files).
            client = distributed.Client(cluster)
        except (OSError, TimeoutError) as exc:
            raise BatchUnavailable(f"cannot reach the Dask scheduler at {cluster}: {exc}") from None
        try:
            yield client
        finally:
            client.close()
        return
    local = distributed.LocalCluster(
        n_workers=workers or 1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        memory_limit=0,  # no pausing or spilling: a worker holds one batch at a time
    )
    try:
        with distributed.Client(local) as client:
            yield client
    finally:
        local.close()


def ingest_batch(
    paths: Iterable[Source],
    store: Store,
    settings: Settings,
    *,
    workers: int | None = None,
    cluster: str | None = None,
    batch_size: int = BATCH_SIZE,
    follow_symlinks: bool = False,
    progress: Callable[[BatchProgress], None] | None = None,
    on_start: Callable[[BatchProgress], None] | None = None,
) -> BatchReport:
    """Ingest every document under ``paths`` on a Dask cluster (see the module's docstring).

    :raises BatchUnavailable: Dask is not installed, or the scheduler cannot be reached.
    """
    _dask()  # say it before any work when Dask is missing
    started = time.perf_counter()
    report = BatchReport()
    items: list[Path | str] = []
    for item in document_inputs(paths, follow_symlinks=follow_symlinks, skipped=report.skipped):
        if isinstance(item, Refusal):
            report.outcomes.append(Outcome(item.path.name, "refused", reason=item.reason))
        else:
            items.append(item.absolute() if isinstance(item, Path) else item)
    key, _ = input_key(items, settings, batch_size)
    run_dir = run_folder(settings, key)
    batches, _resumed = open_run(run_dir, key, items, batch_size)
    loaded = loaded_shards(run_dir)
    found = {n: read_index(run_dir, n) for n in range(len(batches))}
    finished = {n: index for n, index in found.items() if index is not None}
    state = BatchProgress(len(items) + len(report.outcomes), len(batches), run_dir, resumed_shards=len(finished))
    state.done_documents = len(report.outcomes) + sum(len(batches[n]) for n in finished)
    state.done_shards = len(finished)
    if on_start:
        on_start(state)
    loader = _Loader(store, settings, run_dir, state, report)
    for number, earlier in sorted(finished.items()):
        if number in loaded:
            state.loaded_shards += 1
            loader.count(earlier)
        else:
            loader.add(earlier)
    pending = [n for n in range(len(batches)) if n not in finished]
    # Workers never open the store nor serve anything: they get no credentials or token.
    for_workers = without_secrets(settings)
    if pending:
        with _client(workers, cluster) as client:
            known = stored_checksums(store)
            known_future = client.scatter([known], broadcast=True)[0] if known else {}
            from service.batch.work import extract_batch

            futures = {
                client.submit(
                    extract_batch,
                    n,
                    batches[n],
                    str(run_dir),
                    for_workers,
                    known_future,
                    key=f"eventgraph-shard-{n}-{key[:12]}",
                ): n
                for n in pending
            }
            distributed = _dask()
            for future in distributed.as_completed(futures):
                number = futures[future]
                try:
                    index: ShardIndex = future.result()
                except Exception as exc:  # the task failed on every worker it was given (a worker died)
                    report.failed_shards += 1
                    reason = f"its batch failed on the cluster ({type(exc).__name__}: {' '.join(str(exc).split())})"
                    index = ShardIndex(
                        number, "", 0.0, tuple(Entry(Path(i).name, "refused", reason=reason) for i in batches[number])
                    )
                    loader.count(index)
                    state.done_documents += index.documents
                    state.done_shards += 1
                    if progress:
                        progress(state)
                    continue
                figures = state.workers.setdefault(index.worker, WorkerFigures())
                figures.documents += index.documents
                figures.seconds += index.seconds
                figures.shards += 1
                state.done_documents += index.documents
                state.done_shards += 1
                loader.add(index)
                if progress:
                    progress(state)
    loader.finish()
    if progress:
        progress(state)
    if not report.failed_shards:
        shutil.rmtree(run_dir, ignore_errors=True)
    report.progress = state
    report.elapsed = time.perf_counter() - started
    return report


def load_shards(store: Store, settings: Settings, run_dir: Path, indexes: Sequence[ShardIndex]) -> BatchReport:
    """Load finished shards of ``run_dir`` into the store as the driver does (the benchmark's entry)."""
    report = BatchReport()
    state = BatchProgress(sum(i.documents for i in indexes), len(indexes), run_dir)
    loader = _Loader(store, settings, run_dir, state, report)
    for index in indexes:
        loader.add(index)
    loader.finish()
    report.progress = state
    return report


class _Loader:
    """Loads finished shards into the store and turns their entries into outcomes."""

    def __init__(self, store: Store, settings: Settings, run_dir: Path, state: BatchProgress, report: BatchReport):
        self.store = store
        self.settings = settings
        self.run_dir = run_dir
        self.state = state
        self.report = report
        self.bulk = isinstance(store, OxigraphStore)
        self.seen: set[str] = set()  # document graphs written (or queued) in this run
        self.queue: list[ShardIndex] = []
        self.queued_quads = 0

    def count(self, index: ShardIndex, written: dict[str, str] | None = None) -> None:
        """Add the shard's outcomes to the report; ``written`` maps a graph to added/replaced."""
        for e in index.entries:
            if e.status == "extracted":
                status = (written or {}).get(e.graph or "", "added")
                self.report.outcomes.append(Outcome(e.origin, status, e.doc_id, e.iri, events=e.events, quads=e.quads))
            elif e.status == "unchanged":
                self.report.outcomes.append(Outcome(e.origin, "unchanged", e.doc_id, e.iri))
            else:
                self.report.outcomes.append(Outcome(e.origin, "refused", reason=e.reason))
        if written is None:  # loaded by an earlier run: its documents are in the store already
            self.seen.update(e.graph for e in index.entries if e.graph)

    def add(self, index: ShardIndex) -> None:
        graphs = [e.graph for e in index.entries if e.status == "extracted" and e.graph]
        if not graphs:
            self._done([index], {})
            return
        new = (
            self.bulk
            and len(set(graphs)) == len(graphs)
            and not any(g in self.seen for g in graphs)
            and not any(self.store.has_graph(g) for g in graphs)
        )
        if not new:
            self.flush()  # an earlier copy of one of its documents may wait in the queue
            self.seen.update(graphs)
            self._per_document(index)
            return
        self.seen.update(graphs)
        self.queue.append(index)
        self.queued_quads += sum(e.quads for e in index.entries)
        if self.queued_quads >= BULK_QUADS:
            self.flush()

    def flush(self) -> None:
        """Bulk-load the queued shards in one call of the bulk loader."""
        if not self.queue:
            return
        queue, self.queue, self.queued_quads = self.queue, [], 0
        graphs = [e.graph for index in queue for e in index.entries if e.status == "extracted" and e.graph]
        assert isinstance(self.store, OxigraphStore)
        self.store.bulk_load_documents(graphs, [shard_path(self.run_dir, index.number) for index in queue])
        self._written(graphs)
        self.state.bulk_loads += 1
        self._done(queue, {})

    def _per_document(self, index: ShardIndex) -> None:
        quads = iter(parse(path=str(shard_path(self.run_dir, index.number)), format=RdfFormat.N_QUADS))
        written: dict[str, str] = {}
        for e in index.entries:
            if e.status != "extracted" or not e.graph:
                continue
            mine = [next(quads) for _ in range(e.quads)]
            node = NamedNode(e.graph)
            local = [q for q in mine if q.graph_name == node]
            shared = [q for q in mine if q.graph_name != node]
            written[e.graph] = "replaced" if self.store.has_graph(e.graph) else "added"
            self.store.replace_graph(e.graph, local, shared)
        self._written(list(written))
        if isinstance(self.store, OxigraphStore) and self.store.location != MEMORY:
            self.store.maybe_flush()
        self._done([index], written)

    def _written(self, graphs: list[str]) -> None:
        started = time.perf_counter()
        documents_written(self.store, self.settings, graphs)
        self.state.hook_seconds += time.perf_counter() - started

    def _done(self, indexes: Sequence[ShardIndex], written: dict[str, str]) -> None:
        mark_loaded(self.run_dir, [index.number for index in indexes])
        for index in indexes:
            self.count(index, written)
            self.state.loaded_shards += 1

    def finish(self) -> None:
        self.flush()
