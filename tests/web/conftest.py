"""Fixtures of the web tests: an app over a fresh on-disk store (so queries go through the real
worker processes), the Flask client, and a real waitress server for the tests about the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from service.config import Settings
from service.store import Store, open_store
from service.web import create_app
from service.web.runtime import app_runtime
from service.web.sparql import evaluator_of
from tests.conftest import BACKENDS, start_oxigraph
from tests.web.live import TOKEN, LiveServer, free_port, hostile_extraction, load, sample_extraction


@pytest.fixture(scope="session")
def remote_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One real Oxigraph server for the web tests on the remote backend; each test empties it first."""
    return start_oxigraph(tmp_path_factory.mktemp("web-remote"))


@pytest.fixture(params=BACKENDS)
def web_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """The app's settings on each backend: a fresh on-disk store, or the shared server emptied."""
    if request.param == "remote":
        url = request.getfixturevalue("remote_url")
        requests.post(
            url.replace("/query", "/update"), data={"update": "DROP SILENT ALL"}, timeout=30
        ).raise_for_status()
        location = url
    else:
        location = str(tmp_path / "store")
    return Settings(store=location, base_iri="http://localhost:8000/", token=TOKEN, query_timeout=20)


@pytest.fixture
def web_store(web_settings: Settings) -> Iterator[Store]:
    store = open_store(web_settings.store)
    yield store
    store.close()


@pytest.fixture
def app(web_settings: Settings, web_store: Store) -> Iterator[Flask]:
    app = create_app(web_settings, store=web_store)
    yield app
    app_runtime(app).close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def loaded(app: Flask, web_settings: Settings, web_store: Store) -> Flask:
    """The app with the sample and the hostile documents stored."""
    load(web_store, web_settings.base_iri, sample_extraction(), hostile_extraction())
    evaluator_of(app).invalidate()
    return app


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real server over the sample document, shared by a module's tests (which must not write
    outside their own graphs)."""
    root = tmp_path_factory.mktemp("live")
    port = free_port()
    settings = Settings(
        store=str(root / "store"), base_iri=f"http://127.0.0.1:{port}/", token=TOKEN, query_timeout=20, threads=6
    )
    store = open_store(settings.store)
    load(store, settings.base_iri, sample_extraction())
    server = LiveServer(create_app(settings, store=store), port=port)
    yield server
    server.stop()
    store.close()
