"""A query worker's entry point whose first starts fail (for tests/sparql/test_evaluator.py): a
broken install or a lack of memory, as the pool sees them."""

from __future__ import annotations

import os
import time
from multiprocessing.connection import Connection
from pathlib import Path

from service.sparql.evaluator import _worker_main


def dies_at_first(conn: Connection, path: str | None, memory_mb: int, endpoints: tuple[str, ...] = ()) -> None:
    """Exits before a word for the first ``EG_TEST_FAILING_STARTS`` starts, counted in the file
    ``EG_TEST_STARTS`` (a dot a start); then a worker like any other."""
    counter = Path(os.environ["EG_TEST_STARTS"])
    started = len(counter.read_text()) if counter.exists() else 0
    with counter.open("a") as marks:
        marks.write(".")
    if started < int(os.environ["EG_TEST_FAILING_STARTS"]):
        os._exit(1)
    _worker_main(conn, path, memory_mb, endpoints)


def hangs_at_start(conn: Connection, path: str | None, memory_mb: int, endpoints: tuple[str, ...] = ()) -> None:
    """Never says a word, as a worker stuck in its imports (a hung file system)."""
    time.sleep(3600)
