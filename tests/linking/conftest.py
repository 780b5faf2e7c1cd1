"""Fixtures of the linking tests: a local server replaying Wikidata's recorded answers, and a
small graph whose actors have no QID."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from service import __version__
from service.model import Actor, Aid, Document, Event, Extraction, TimeSpan
from service.rdf.iris import Iris
from service.rdf.mapping import document_quads
from service.store import Store, open_store

REPO = Path(__file__).resolve().parents[2]
RECORDED = REPO / "tests" / "data" / "wikidata" / "wbsearchentities"
BASE = "http://localhost:8000/"
UNLINKED = (
    Actor("Viet Nam", "country"),
    Actor("Kyrgyz Republic", "country"),
    Actor("Guinea", "country"),
    Actor("Georgia", "country"),
    Actor("World Health Organisation", "organisation"),
    Actor("Leading Group for Improving Beijing's Role as an International Exchange Center", "organisation"),
)
LINKED = Actor("Russia", "country", "Q159")


@dataclass
class Replay:
    """The replay server's URL and what it was asked."""

    url: str
    searches: list[str] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)
    maxlag: list[str] = field(default_factory=list)


def recorded_answer(params: dict[str, list[str]]) -> tuple[int, dict[str, object]]:
    """The recorded answer to a wbsearchentities request; an empty result for an unrecorded name."""
    if params.get("action") != ["wbsearchentities"] or params.get("format") != ["json"]:
        return 400, {"error": {"code": "badvalue", "info": 'Unrecognized value for parameter "action".'}}
    term = params.get("search", [""])[0]
    path = RECORDED / (re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-") + ".json")
    if path.is_file():
        return 200, json.loads(path.read_text(encoding="utf-8"))
    return 200, {"searchinfo": {"search": term}, "search": [], "success": 1}


@pytest.fixture
def replay() -> Iterator[Replay]:
    """A real HTTP server on 127.0.0.1 answering as Wikidata's api.php from the recorded files."""
    state = Replay(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            parts = urlsplit(self.path)
            params = parse_qs(parts.query)
            state.searches += params.get("search", [])
            state.agents.append(self.headers.get("User-Agent", ""))
            state.maxlag += params.get("maxlag", [])
            status, body = recorded_answer(params) if parts.path == "/w/api.php" else (404, {})
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/w/api.php"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def unlinked_extraction() -> Extraction:
    """One aid delivery from Russia (linked by the gazetteer) to six actors without a QID."""
    document = Document(id="linking-1", text="y" * 100, title="Linking sample", published=date(2020, 5, 1))
    event = Event(
        id="e1",
        type="aid_delivery",
        trigger="sent",
        sentence="Russia sent masks.",
        date=TimeSpan(date(2020, 5, 1), date(2020, 5, 1), "day"),
        agents=(LINKED,),
        recipients=UNLINKED,
        aid=(Aid("masks", "masks", quantity=1000, unit="pieces"),),
        sentence_start=0,
        sentence_end=18,
        trigger_start=7,
        trigger_end=11,
    )
    return Extraction(document, (event,))


def fill(store: Store) -> Store:
    iris = Iris(BASE)
    extraction = unlinked_extraction()
    quads, shared = document_quads(extraction, iris, __version__)
    store.replace_graph(iris.document_graph(extraction.document.id), quads, shared)
    return store


@pytest.fixture
def iris() -> Iris:
    return Iris(BASE)


@pytest.fixture
def unlinked_store() -> Iterator[Store]:
    store = fill(open_store(":memory:"))
    yield store
    store.close()


@pytest.fixture
def unlinked_dir(tmp_path: Path) -> str:
    """An on-disk store with the unlinked sample (closed, for the CLI)."""
    location = str(tmp_path / "store")
    fill(open_store(location)).close()
    return location


@pytest.fixture
def dead_url() -> str:
    """An api.php URL on a loopback port nothing listens on."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/w/api.php"
