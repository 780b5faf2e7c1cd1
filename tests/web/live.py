"""A real server for the tests whose subject is the server: waitress on a free port of 127.0.0.1,
in a thread, serving ``create_app(...)``; stopping it closes its sockets and its query workers."""

from __future__ import annotations

import socket
import threading
from datetime import date

from flask import Flask
from waitress import wasyncore
from waitress.server import create_server

from service import __version__
from service.model import Actor, Aid, Document, Event, Extraction, Money, TimeSpan
from service.rdf.iris import Iris
from service.rdf.mapping import document_quads
from service.store import Store
from service.web.runtime import app_runtime

TOKEN = "test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """waitress serving ``app`` in a thread on ``port`` (0: any free port)."""

    def __init__(self, app: Flask, port: int = 0, threads: int = 6) -> None:
        self.app = app
        self.server = create_server(app, host="127.0.0.1", port=port, threads=threads)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, name="live-server", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        try:
            self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))
        except OSError:  # seen once in a full run: the trigger's pipe already closed; the join below still ends it
            wasyncore.close_all(self.server._map)
        self.thread.join(10)
        self.server.task_dispatcher.shutdown()
        app_runtime(self.app).close()


def sample_extraction(doc_id: str = "sample", title: str = "Masks for Wuhan") -> Extraction:
    """One small document with two events, built by hand (no extractor needed)."""
    sentence = "On 3 February 2020 Tokyo donated 10,000 masks to Wuhan."
    second = "Beijing and Moscow signed a cooperation agreement in March 2020."
    text = f"{title}\n\n{sentence} {second}"
    s1, s2 = text.index(sentence), text.index(second)
    t1, t2 = s1 + sentence.index("donated"), s2 + second.index("signed")
    doc = Document(id=doc_id, text=text, title=title, published=date(2020, 2, 4), source="Example Wire")
    events = (
        Event(
            id="e1", type="aid_delivery", trigger="donated", sentence=sentence,
            date=TimeSpan(date(2020, 2, 3), date(2020, 2, 3), "day", "3 February 2020"),
            agents=(Actor("Tokyo", "city", "Q1490"),), recipients=(Actor("Wuhan", "city", "Q11746"),),
            aid=(Aid("masks", "masks", 10000, "pieces", Money(5000, "USD")),),
            sentence_start=s1, sentence_end=s1 + len(sentence), trigger_start=t1, trigger_end=t1 + 7,
        ),
        Event(
            id="e2", type="cooperation_agreement", trigger="signed", sentence=second,
            date=TimeSpan(date(2020, 3, 1), date(2020, 3, 31), "month", "March 2020"),
            agents=(Actor("Beijing", "city", "Q956"), Actor("Moscow", "city", "Q649")),
            sentence_start=s2, sentence_end=s2 + len(second), trigger_start=t2, trigger_end=t2 + 6,
        ),
    )  # fmt: skip
    return Extraction(doc, events)


def hostile_extraction() -> Extraction:
    """A document whose title and sentence hold markup, to check that pages escape everything."""
    sentence = "Tokyo <script>alert('x')</script> donated <b>gloves</b> to Beijing."
    text = f"<img src=x onerror=alert(1)>\n\n{sentence}"
    start = text.index(sentence)
    trigger = start + sentence.index("donated")
    doc = Document(id="hostile", text=text, title="<script>alert('title')</script>")
    event = Event(
        id="e1", type="aid_delivery", trigger="donated", sentence=sentence,
        date=TimeSpan(None, None, "unknown"), agents=(Actor("Tokyo <i>", "city"),),
        sentence_start=start, sentence_end=start + len(sentence), trigger_start=trigger, trigger_end=trigger + 7,
    )  # fmt: skip
    return Extraction(doc, (event,))


def load(store: Store, base_iri: str, *extractions: Extraction) -> Iris:
    """Write extractions through the real mapping, as the pipeline does."""
    iris = Iris(base_iri)
    for extraction in extractions:
        quads, shared = document_quads(extraction, iris, __version__)
        store.replace_graph(iris.document_graph(extraction.document.id), quads, shared)
    return iris
