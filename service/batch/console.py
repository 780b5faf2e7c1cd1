"""The batch ingest on a terminal: a progress bar (or a line every few seconds when the output is
not a terminal) with each worker's throughput, and the run's figures at the end."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable

import click

from service.batch.run import BatchProgress, BatchReport, ingest_batch
from service.config import Settings
from service.pipeline import Source
from service.store import Store

LINE_EVERY = 10.0  # seconds between progress lines when standard error is not a terminal


def run_batch(
    paths: Iterable[Source],
    store: Store,
    settings: Settings,
    workers: int | None,
    cluster: str | None,
    batch_size: int,
    *,
    quiet: bool = False,
    follow_symlinks: bool = False,
) -> BatchReport:
    """Run :func:`ingest_batch`, showing its progress on standard error."""
    terminal = sys.stderr.isatty() and not quiet
    with click.progressbar(length=1, label="extracting", file=sys.stderr, hidden=not terminal) as bar:
        shown: dict[str, int] = {"documents": 0}
        last_line = [time.monotonic()]

        def on_start(state: BatchProgress) -> None:
            bar.length = max(state.documents, 1)
            where = cluster or f"a local cluster of {workers or 1} worker process{'es' if (workers or 1) > 1 else ''}"
            if not quiet:
                click.echo(
                    f"batch: {state.documents} documents in {state.shards} shards on {where}; "
                    f"run folder {state.run_dir}",
                    err=True,
                )
                if state.resumed_shards:
                    click.echo(
                        f"resuming: {state.resumed_shards} of {state.shards} shards were extracted before "
                        "and are not extracted again",
                        err=True,
                    )
            bar.update(state.done_documents - shown["documents"])
            shown["documents"] = state.done_documents

        def progress(state: BatchProgress) -> None:
            bar.update(state.done_documents - shown["documents"])
            shown["documents"] = state.done_documents
            bar.label = f"{state.done_shards}/{state.shards} shards, {state.loaded_shards} loaded {state.worker_line()}"
            now = time.monotonic()
            if not terminal and not quiet and now - last_line[0] >= LINE_EVERY:
                last_line[0] = now
                click.echo(_line(state), err=True)

        report = ingest_batch(
            paths,
            store,
            settings,
            workers=workers,
            cluster=cluster,
            batch_size=batch_size,
            follow_symlinks=follow_symlinks,
            progress=progress,
            on_start=on_start,
        )
    state = report.progress
    if state is not None and not quiet:
        for number, (name, figures) in enumerate(state.workers.items(), 1):
            click.echo(
                f"worker {number} ({name}): {figures.documents} documents in {figures.shards} shards, "
                f"{figures.rate:.2f} documents/s",
                err=True,
            )
        click.echo(
            f"shards: {state.shards} ({state.resumed_shards} from before), {state.loaded_shards} loaded, "
            f"{state.bulk_loads} bulk load{'s' if state.bulk_loads != 1 else ''}",
            err=True,
        )
    if report.failed_shards:
        click.echo(
            f"warning: {report.failed_shards} shards failed on the cluster (their documents are listed as refused); "
            f"the run folder {state.run_dir if state else ''} is kept: run the same command again to retry them",
            err=True,
        )
    return report


def _line(state: BatchProgress) -> str:
    return (
        f"batch: {state.done_documents}/{state.documents} documents, {state.done_shards}/{state.shards} shards "
        f"extracted, {state.loaded_shards} loaded {state.worker_line()}"
    ).rstrip()
