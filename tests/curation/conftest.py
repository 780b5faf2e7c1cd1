"""Fixtures of the curation tests: a real server over a fresh on-disk store holding the sample
document (hand-made events, written by the real mapping), and helpers to call its API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from service.config import Settings
from service.store import Store, open_store
from service.web import create_app
from tests.web.live import AUTH, TOKEN, LiveServer, free_port, load, sample_extraction


class Api:
    """The server's JSON API, as another tool would call it."""

    def __init__(self, server: LiveServer, store: Store, settings: Settings) -> None:
        self.url = server.url
        self.store = store
        self.settings = settings

    def get(self, path: str, **params: Any) -> Any:
        resp = requests.get(self.url + path, params=params, timeout=30)
        assert resp.status_code == 200, resp.text
        return resp.json()

    def post(self, path: str, body: Any, *, status: int = 201, headers: dict[str, str] | None = None) -> Any:
        resp = requests.post(self.url + path, json=body, headers=AUTH if headers is None else headers, timeout=60)
        assert resp.status_code == status, resp.text
        return resp.json()

    def events(self) -> dict[str, dict[str, Any]]:
        """The events /api/events lists, by trigger."""
        return {e["trigger"]: e for e in self.get("/api/events", limit=1000)["events"]}


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    port = free_port()
    settings = Settings(
        store=str(tmp_path / "store"),
        base_iri=f"http://127.0.0.1:{port}/",
        token=TOKEN,
        query_timeout=20,
        threads=4,
        curator="Test Analyst",
    )
    store = open_store(settings.store)
    load(store, settings.base_iri, sample_extraction())
    server = LiveServer(create_app(settings, store=store), port=port)
    yield Api(server, store, settings)
    server.stop()
    store.close()
