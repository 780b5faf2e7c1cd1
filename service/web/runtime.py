"""What every view needs, attached once to the app (``app.extensions["eventgraph"]``)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from service.config import Settings
from service.rdf.iris import Iris
from service.store import Store


@dataclass
class Runtime:
    settings: Settings
    store: Store
    iris: Iris
    version: str


def runtime() -> Runtime:
    """The running app's Runtime."""
    return current_app.extensions["eventgraph"]
