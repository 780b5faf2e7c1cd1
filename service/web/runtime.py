"""What every view needs, attached once to the app (``app.extensions["eventgraph"]``)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from service.config import Settings
from service.rdf.iris import Iris
from service.sparql.evaluator import Evaluator
from service.store import Store


@dataclass
class Runtime:
    settings: Settings
    store: Store  # a ServedStore: reads in the query workers, writes flushed and announced
    iris: Iris
    version: str
    evaluator: Evaluator


def runtime() -> Runtime:
    """The running app's Runtime."""
    return current_app.extensions["eventgraph"]
