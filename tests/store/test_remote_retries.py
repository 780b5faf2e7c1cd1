"""A remote store's writes that are not safe to repeat are sent once; reads and the idempotent
graph replacement are retried. Checked against a real HTTP server on 127.0.0.1 that answers 503."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from service.errors import StoreUnavailable
from service.store.remote import RemoteStore


class Unavailable(BaseHTTPRequestHandler):
    """Answers every request 503 and counts them by kind."""

    counts: dict[str, int] = {}

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        kind = "drop-insert" if body.startswith("DROP SILENT GRAPH") else self.command + " " + self.path.split("?")[0]
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def unavailable() -> Iterator[str]:
    Unavailable.counts = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), Unavailable)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/query"
    server.shutdown()
    server.server_close()


def test_remote_an_update_is_sent_once_when_the_store_answers_503(unavailable: str) -> None:
    store = RemoteStore(unavailable)
    with pytest.raises(StoreUnavailable, match="503"):
        store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert Unavailable.counts == {"POST /update": 1}


def test_remote_reads_and_whole_graph_replacements_are_retried(unavailable: str) -> None:
    store = RemoteStore(unavailable)
    with pytest.raises(StoreUnavailable):
        store.query("ASK { ?s ?p ?o }")
    assert Unavailable.counts["POST /query"] > 1
    g = NamedNode("urn:g")
    with pytest.raises(StoreUnavailable):
        store.replace_graph("urn:g", [Quad(NamedNode("urn:a"), NamedNode("urn:b"), Literal("c"), g)])
    assert Unavailable.counts["drop-insert"] > 1
