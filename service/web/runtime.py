"""What lives as long as the app, built by the app factory and attached once to it
(``app.extensions["eventgraph"]``): settings, the store, the query workers, the process that
extracts posted documents, the caches of the dataset's figures. Blueprints only use it;
:meth:`Runtime.close` ends it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, TypeVar

from flask import Flask, current_app
from werkzeug.sansio.utils import get_current_url

from service.config import Settings, without_secrets
from service.extraction_process import ExtractionProcess
from service.rdf.iris import Iris
from service.search import TextIndex
from service.sparql.evaluator import Evaluator
from service.sparql.served import ServedStore
from service.sparql.stats import dataset_stats
from service.timeline.stats import timeline_stats

T = TypeVar("T")


class GenerationCache(Generic[T]):
    """A value computed once per store generation (every write through this server bumps it) and
    at most ``ttl`` seconds old (a remote store may be written by others): counting the dataset's
    figures scans the whole store, which takes seconds at 100,000 events."""

    def __init__(self, compute: Callable[[], T], ttl: float = 30.0) -> None:
        self.compute = compute
        self.ttl = ttl
        self._lock = threading.Lock()
        self._entry: tuple[int, float, T] | None = None

    def get(self, generation: int) -> T:
        with self._lock:  # one count at a time: concurrent visits wait for it rather than repeat it
            entry = self._entry
            if entry is None or entry[0] != generation or time.monotonic() - entry[1] > self.ttl:
                entry = self._entry = (generation, time.monotonic(), self.compute())
            return entry[2]


@dataclass
class Runtime:
    settings: Settings
    store: ServedStore  # reads in the query workers, writes flushed and announced
    iris: Iris
    version: str
    evaluator: Evaluator
    search: TextIndex | None = None  # the text index beside the store, when it has one
    extractor: ExtractionProcess | None = None  # reads and extracts posted documents (None: in this process)
    epoch: str = ""  # the run's part of every entity tag (shared by the server processes of one run)
    # What a query worker is given with a request: the settings without the secrets (the write
    # token, a remote store's credentials), which no worker needs — a worker parses hostile text.
    query_settings: Settings = field(init=False, repr=False)
    _counts: GenerationCache[dict[str, int]] = field(init=False, repr=False)
    _figures: GenerationCache[dict[str, Any]] = field(init=False, repr=False)
    url_root: Callable[[str, str, str], str] = field(init=False, repr=False)  # the endpoint's root for a host

    def __post_init__(self) -> None:
        self.query_settings = without_secrets(self.settings)
        # The Host header is the client's: a bounded number of roots is kept.
        self.url_root = lru_cache(maxsize=256)(_url_root)
        self._counts = GenerationCache(lambda: dataset_stats(self.store))
        self._figures = GenerationCache(lambda: timeline_stats(self.store, self.iris))

    def counts(self) -> dict[str, int]:
        """The dataset's counts (quads, graphs, documents, events, actors, aid items) for VoID."""
        return self._counts.get(self.evaluator.generation)

    def stats(self) -> dict[str, Any]:
        """The dataset's figures for the landing page and /api/stats."""
        return self._figures.get(self.evaluator.generation)

    def writing(self, what: str) -> None:
        """Before a write the text index does not follow (a SPARQL update, a Graph Store write):
        mark it stale, so that searches scan the store until `eventgraph search rebuild`."""
        if self.search is not None:
            self.search.mark_stale(f"{what} changed the store after it was built")

    def close(self) -> None:
        """Stop the query workers and the process that extracts posted documents (the store is its
        opener's to close)."""
        self.evaluator.close()
        if self.extractor is not None:
            self.extractor.close()


def _url_root(scheme: str, host: str, root_path: str) -> str:
    return get_current_url(scheme, host, root_path)


def app_runtime(app: Flask) -> Runtime:
    """The Runtime of ``app`` (outside a request: the CLI, tests)."""
    rt: Runtime = app.extensions["eventgraph"]
    return rt


def runtime() -> Runtime:
    """The running app's Runtime."""
    rt: Runtime = current_app.extensions["eventgraph"]
    return rt
