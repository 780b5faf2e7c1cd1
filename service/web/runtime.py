"""What lives as long as the app, built by the app factory and attached once to it
(``app.extensions["eventgraph"]``): settings, the store, the query workers, the caches of the
dataset's figures. Blueprints only use it; :meth:`Runtime.close` ends it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from service.config import Settings
from service.rdf.iris import Iris
from service.sparql.evaluator import Evaluator
from service.sparql.void import StatsCache
from service.store import Store
from service.timeline.stats import CachedStats


@dataclass
class Runtime:
    settings: Settings
    store: Store  # a ServedStore: reads in the query workers, writes flushed and announced
    iris: Iris
    version: str
    evaluator: Evaluator
    void_stats: StatsCache = field(default_factory=StatsCache)  # VoID counts, per store generation
    timeline_stats: CachedStats = field(default_factory=CachedStats)  # landing page and /api/stats

    def stats(self) -> dict[str, Any]:
        """The dataset's figures for the landing page and /api/stats, recounted after writes."""
        return self.timeline_stats.get(self.store, self.iris, self.evaluator.generation)

    def close(self) -> None:
        """Stop the query workers (the store is its opener's to close)."""
        self.evaluator.close()


def app_runtime(app: Flask) -> Runtime:
    """The Runtime of ``app`` (outside a request: the CLI, tests)."""
    rt: Runtime = app.extensions["eventgraph"]
    return rt


def runtime() -> Runtime:
    """The running app's Runtime."""
    rt: Runtime = current_app.extensions["eventgraph"]
    return rt
