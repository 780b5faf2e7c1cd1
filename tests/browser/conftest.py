"""A live server for the browser tests: the seeds (and one hostile document) in an on-disk store,
served by waitress on a free port of 127.0.0.1 in a thread; and headless Debian Chromium."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from waitress import wasyncore
from waitress.server import create_server

from service import __version__
from service.config import Settings
from service.model import Actor, Document, Event, Extraction, TimeSpan
from service.rdf.iris import Iris
from service.rdf.mapping import document_quads
from service.store import Store, open_store
from service.web import create_app
from service.web.runtime import app_runtime

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
OUTPUT = REPO / "test-output"
HOSTILE_ID = "hostile"
HOSTILE_TITLE = "<script>alert('title')</script> Hostile title"


def hostile_extraction() -> Extraction:
    """A document whose title and text hold markup; one event read from it."""
    sentence = "On 5 May 2020 Tokyo <script>alert('text')</script> donated <b>gloves</b> to Beijing."
    text = f"<img src=x onerror=alert('img')>\n\n{sentence}"
    start = text.index(sentence)
    trigger = start + sentence.index("donated")
    doc = Document(id=HOSTILE_ID, text=text, title=HOSTILE_TITLE, published=date(2020, 5, 6))
    event = Event(
        id="e1", type="aid_delivery", trigger="donated", sentence=sentence,
        date=TimeSpan(date(2020, 5, 5), date(2020, 5, 5), "day", "5 May 2020"),
        agents=(Actor("Tokyo <script>", "city"),), recipients=(Actor("Beijing", "city", "Q956"),),
        sentence_start=start, sentence_end=start + len(sentence), trigger_start=trigger, trigger_end=trigger + 7,
    )  # fmt: skip
    return Extraction(doc, (event,))


def seed_store(path: Path, settings: Settings) -> Store:
    """The seeds through the real pipeline, and the hostile document through the mapping."""
    from service.pipeline import ingest_paths

    store = open_store(str(path))
    report = ingest_paths([SEEDS], store, settings)
    assert report.documents == 2 and not report.refused
    iris = Iris(settings.base_iri)
    quads, shared = document_quads(hostile_extraction(), iris, __version__)
    store.replace_graph(iris.document_graph(HOSTILE_ID), quads, shared)
    return store


class LiveServer:
    """waitress serving the app in a thread; ``stop`` closes every socket from the server's own loop."""

    def __init__(self, app: object) -> None:
        self.server = create_server(app, host="127.0.0.1", port=0, threads=4)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, name="live-server", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))
        self.thread.join(10)
        self.server.task_dispatcher.shutdown()  # the worker threads too


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a real server over the seeds."""
    root = tmp_path_factory.mktemp("live")
    settings = Settings(store=str(root / "store"), base_iri="http://localhost:8000/")
    store = seed_store(root / "store", settings)
    app = create_app(settings, store=store)
    server = LiveServer(app)
    yield server.url
    server.stop()
    app_runtime(app).close()  # the query workers
    store.close()


def watched_page(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh page whose dialogs (an alert would mean injected script ran) and script errors are kept in
    ``page.dialogs`` and ``page.errors`` for the test to check; the browser context is closed after."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=base_url)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()


@pytest.fixture
def page(browser: object, live_server: str) -> Iterator[object]:
    """A fresh page that fails the test on any dialog (an alert would mean injected script ran)."""
    yield from watched_page(browser, live_server)


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT
