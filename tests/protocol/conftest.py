"""A real server for the W3C suites: waitress on 127.0.0.1, its base IRI the server's own URL (so
that direct graph identification and Location headers resolve), a token for the writes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from service.config import Settings
from service.store import open_store
from service.web import create_app
from tests.web.live import AUTH, TOKEN, LiveServer, free_port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    port = free_port()
    settings = Settings(
        store=str(tmp_path_factory.mktemp("w3c") / "store"),
        base_iri=f"http://127.0.0.1:{port}/",
        token=TOKEN,
        query_timeout=30,
    )
    store = open_store(settings.store)
    live = LiveServer(create_app(settings, store=store), port=port)
    yield live
    live.stop()
    store.close()


def reset(server: LiveServer) -> None:
    """An empty store before each test case: the cases create and drop graphs of the same names."""
    resp = requests.post(
        server.url + "/sparql",
        data="DROP ALL",
        headers={**AUTH, "Content-Type": "application/sparql-update"},
        timeout=60,
    )
    assert resp.status_code == 204, resp.text
