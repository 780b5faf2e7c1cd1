"""Fixtures of the named-query tests: a small hand-made graph, the seeds' graph, an app over it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests

from service import __version__
from service.config import Settings
from service.model import Actor, Aid, Document, Event, Extraction, Money, TimeSpan
from service.rdf.iris import Iris
from service.rdf.mapping import document_quads
from service.store import Store, open_store

REPO = Path(__file__).resolve().parents[2]
BASE = "http://localhost:8000/"
NIA = Actor("National Immigration Administration", "organisation", mention="NIA")
RUSSIA = Actor("Russia", "country", "Q159")
KAZAKHSTAN = Actor("Kazakhstan", "country", "Q232")
BEIJING = Actor("Beijing", "city", "Q956")
TOKYO = Actor("Tokyo", "city", "Q1490")


def _event(n: int, type: str, earliest: date, latest: date, precision: str, **roles: Any) -> Event:
    """An event on sentence ``n`` of the sample document (offsets only need to differ)."""
    return Event(
        id=f"e{n}",
        type=type,
        trigger=roles.pop("trigger", "provided"),
        sentence=f"Sentence {n}.",
        date=TimeSpan(earliest, latest, precision, roles.pop("expression", None), roles.pop("basis", "explicit")),
        sentence_start=n * 20,
        sentence_end=n * 20 + 12,
        trigger_start=n * 20 + 2,
        trigger_end=n * 20 + 6,
        **roles,
    )


def sample_extraction() -> Extraction:
    """Four events: NIA's aid to Kazakhstan and Russia, its letter to Russia, Tokyo's masks to Beijing."""
    document = Document(id="sample-1", text="x" * 200, title="Sample", published=date(2020, 10, 20))
    reagents = Aid("virus detection reagents", "test_kits", value=Money(3_000_000, "CNY"), approximate=True)
    masks = Aid("masks", "masks", quantity=100_000, unit="pieces", approximate=True)
    gloves = Aid("pairs of gloves", "gloves", quantity=10_000, unit="pairs")
    return Extraction(
        document,
        (
            _event(1, "aid_delivery", date(2020, 1, 1), date(2020, 10, 20), "range", agents=(NIA,),
                   recipients=(KAZAKHSTAN, RUSSIA), aid=(reagents,), expression="To date"),
            _event(2, "communication", date(2020, 3, 1), date(2020, 3, 31), "month", agents=(NIA,),
                   recipients=(RUSSIA,), trigger="sent"),
            _event(3, "aid_delivery", date(2020, 7, 21), date(2020, 7, 21), "day", agents=(TOKYO,),
                   recipients=(BEIJING,), aid=(masks, gloves)),
            _event(4, "aid_delivery", date(2020, 2, 1), date(2020, 2, 29), "month", agents=(TOKYO,),
                   recipients=(BEIJING,), aid=(Aid("masks", "masks", quantity=20_000, unit="pieces"),)),
        ),
    )  # fmt: skip


def load_extraction(store: Store, extraction: Extraction, base: str = BASE) -> None:
    iris = Iris(base)
    quads, shared = document_quads(extraction, iris, __version__)
    store.replace_graph(iris.document_graph(extraction.document.id), quads, shared)


@pytest.fixture
def sample_store() -> Iterator[Store]:
    """The sample extraction in a fresh in-memory store."""
    store = open_store(":memory:")
    load_extraction(store, sample_extraction())
    yield store
    store.close()


@pytest.fixture(scope="session", params=("embedded", "remote"))
def sample_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, oxigraph_server_factory: Any
) -> Iterator[Store]:
    """The sample extraction on each backend: in memory, and on a real Oxigraph server (read only)."""
    if request.param == "remote":
        store = open_store(oxigraph_server_factory(tmp_path_factory.mktemp("sample-remote")))
    else:
        store = open_store(":memory:")
    load_extraction(store, sample_extraction())
    yield store
    store.close()


@pytest.fixture(scope="session")
def seeds_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of an on-disk store holding the seeds, ingested once through the pipeline."""
    from service.pipeline import ingest_paths

    settings = Settings(store=str(tmp_path_factory.mktemp("seeds") / "store"), base_iri=BASE)
    store = open_store(settings.store)
    try:
        report = ingest_paths([REPO / "seeds"], store, settings)
    finally:
        store.close()
    assert report.documents == 2 and not report.refused
    return settings


@pytest.fixture(scope="session")
def seeds(seeds_settings: Settings) -> Iterator[Store]:
    """The seeds' store, opened read-only (tests only read it)."""
    store = open_store(seeds_settings.store, read_only=True)
    yield store
    store.close()


def solutions(result: Any) -> list[dict[str, str | None]]:
    """Solutions as dicts of plain values (IRI or lexical form)."""
    names = [v.value for v in result.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in result]


@pytest.fixture
def rows() -> Any:
    """``rows(result)``: a query result's solutions as dicts of plain values."""
    return solutions


DATA = REPO / "tests" / "data" / "wikidata"
WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"


def oxigraph_binary() -> str:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        pytest.skip("the oxigraph server binary is missing (pip install oxigraph)")
    return binary


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def wikidata_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The query URL of a real `oxigraph serve` on 127.0.0.1 holding a small Wikidata-like dataset."""
    binary, location = oxigraph_binary(), tmp_path_factory.mktemp("wikidata")
    subprocess.run([binary, "load", "--location", str(location), "--file", str(DATA / "countries.ttl")], check=True)
    port = free_port()
    server = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(400):
            try:  # a new connection each time: an idle keep-alive connection to this server goes bad
                requests.get(url, params={"query": "ASK {}"}, headers={"Connection": "close"}, timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        else:
            pytest.fail("the oxigraph server did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def dead_endpoint() -> str:
    """The URL of a SPARQL endpoint that is down: a loopback port nothing listens on."""
    return f"http://127.0.0.1:{free_port()}/query"


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An on-disk store holding the sample extraction (closed: open it read-only)."""
    location = str(tmp_path_factory.mktemp("sample") / "store")
    store = open_store(location)
    load_extraction(store, sample_extraction())
    store.close()
    return location


# Parameters that make every non-federated query answer something on the sample graph.
E1 = Iris(BASE).event("sample-1", 20, 22, "aid_delivery")
SAMPLE_PARAMS: dict[str, dict[str, str]] = {
    "actor_events": {"actor": "Q159"},
    "cooperation_partners": {"actor": "Q159"},
    "actor_documents": {"actor": "Q956"},
    "aid_between": {"donor": "Q1490", "recipient": "Q956"},
    "event_description": {"event": E1},
    "events_in_window": {"start": "2020-07-01", "end": "2020-07-31"},
}


@pytest.fixture(scope="session")
def sample_params() -> dict[str, dict[str, str]]:
    return SAMPLE_PARAMS


@pytest.fixture(scope="session")
def sample_event() -> str:
    """The IRI of the sample's first event (NIA's aid worth 3,000,000 CNY)."""
    return E1
