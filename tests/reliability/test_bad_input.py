"""Bad input: a batch of hostile or broken documents, and abusive SPARQL. Each bad input gets a clear
answer; the good ones around it go in; nothing else changes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import requests

from service.config import Settings
from service.pipeline import ingest_paths
from service.rdf.validate import validate_store
from service.store import Store, open_store
from service.web import create_app
from tests.conftest import SEEDS
from tests.web.live import LiveServer, load, sample_extraction

GOOD = "On 3 March 2021, Japan donated 500 tents to Nepal. The Government of Nepal thanked Japan for the help."


def _write_batch(folder: Path) -> dict[str, str]:
    """Files a careless or hostile sender produces, and what must become of each (ok or refused)."""
    folder.mkdir()
    files: dict[str, tuple[bytes, str]] = {
        "empty.txt": (b"", "refused"),
        "blank.txt": (b" \n\t\n   \n", "refused"),
        "binary.txt": (bytes(range(256)) * 64, "refused"),
        "disguised.txt": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "refused"),  # a PNG named .txt
        "too-large.txt": (("word " * 10_000).encode(), "refused"),
        "latin-1.txt": (
            ("Zürich, 4 March 2021\n\n" + GOOD.replace("tents", "tentes à São Paulo")).encode("latin-1"),
            "ok",
        ),
        "utf-16.txt": (GOOD.encode("utf-16"), "ok"),
        "cp1252-quotes.txt": (("\u201cAid\u201d \u2013 " + GOOD).encode("cp1252"), "ok"),
        "broken.html": (b"<html><head><title>Aid <b>for</title><body><p>" + GOOD.encode() + b"<div><p><table>", "ok"),
        # a few stray control characters in a long text are kept; a text made of them is refused
        "control-chars.txt": (("Title\x07\x1b[31m\n\n" + (GOOD + " ") * 12 + "\x0b\x0c\x1f\x7f").encode(), "ok"),
        "mostly-control.txt": (("\x07\x1b\x0b" * 20 + GOOD).encode(), "refused"),
        "nul-bytes.txt": (("Title\x00\n\n" + GOOD).encode(), "refused"),  # NUL: not a text file
        "odd-dates.txt": (
            b"Date: 2021-03-10\n\nOn 31 February 2021, Japan donated 500 tents to Nepal. In 1066 and in 2999 "
            b"nothing happened. On 30 February, Nepal thanked Japan. On 0 March 2021 Japan sent masks to Nepal.",
            "ok",
        ),
    }
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    return {name: fate for name, (_, fate) in files.items()}


def test_bad_input_batch_refuses_each_bad_file_with_a_reason_and_keeps_the_rest(tmp_path: Path) -> None:
    fates = _write_batch(tmp_path / "batch")
    settings = Settings(store=str(tmp_path / "store"), base_iri="http://localhost:8000/", max_document_bytes=40_000)
    store = open_store(settings.store)
    try:
        report = ingest_paths([tmp_path / "batch", SEEDS], store, settings)
        refused = {Path(o.origin).name: o.reason for o in report.refused}
        assert set(refused) == {name for name, fate in fates.items() if fate == "refused"}
        assert all(reason and "\n" not in reason for reason in refused.values()), refused
        assert report.documents == sum(fate == "ok" for fate in fates.values()) + 2  # the seeds too
        assert validate_store(store).conforms
        # "31 February", "1066", "2999": no event dated after its document's publication unless planned
        late = _rows(
            store,
            "PREFIX eg: <https://w3id.org/eventgraph#> PREFIX schema: <http://schema.org/> "
            "SELECT ?e WHERE { GRAPH ?g { ?e eg:latest ?latest ; eg:planned false . "
            "?d a eg:Document ; schema:datePublished ?published } FILTER(?latest > ?published) }",
        )
        assert late == []
    finally:
        store.close()


def _rows(store: Store, query: str) -> list[str]:
    # Consumed and dropped here, in this thread: pyoxigraph's result objects may not be freed elsewhere.
    return [str(row[0]) for row in store.query(query)]  # type: ignore[index, union-attr]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> LiveServer:
    root = tmp_path_factory.mktemp("abuse")
    settings = Settings(
        store=str(root / "store"), base_iri="http://localhost:8000/", query_timeout=3, max_result_rows=1000, threads=4
    )
    store = open_store(settings.store)
    load(store, settings.base_iri, sample_extraction())
    live = LiveServer(create_app(settings, store=store))
    yield live
    live.stop()
    store.close()


def _ask(server: LiveServer, query: str) -> requests.Response:
    return requests.post(
        server.url + "/sparql", data=query.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=60
    )


def _alive(server: LiveServer) -> bool:
    resp = _ask(server, "ASK { ?s ?p ?o }")
    return resp.status_code == 200 and resp.json()["boolean"] is True


@pytest.mark.parametrize(
    ("query", "statuses"),
    [
        ("SELECT * WHERE { ?s ?p }", {400}),  # malformed
        ("SELECT * WHERE " + "{ " * 20_000 + "?s ?p ?o" + " }" * 20_000, {400}),  # deeply nested
        ("ASK { FILTER(" + "(" * 20_000 + "1" + ")" * 20_000 + ") }", {400}),  # deeply nested expression
        ("SELECT * WHERE { " + "OPTIONAL { ?s ?p ?o } " * 3000 + "}", {400, 413, 503}),  # long
        ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }", {200, 503}),  # billions of rows
        ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }", {503}),
    ],
    ids=["malformed", "nested", "nested-expression", "long", "rows", "count"],
)
def test_bad_input_abusive_sparql_gets_a_clear_answer_and_the_server_goes_on(
    server: LiveServer, query: str, statuses: set[int]
) -> None:
    resp = _ask(server, query)
    assert resp.status_code in statuses, resp.text[:300]
    if resp.status_code == 200:
        # the cross product is cut at the row cap, and the answer says so
        assert len(resp.json()["results"]["bindings"]) <= 1000
    else:
        assert resp.text.strip() and "Traceback" not in resp.text and len(resp.text.splitlines()) <= 6
    assert _alive(server)


def test_bad_input_dates_in_a_document_never_break_the_published_date(tmp_path: Path) -> None:
    from service.documents import read_bytes

    doc = read_bytes(b"Date: 31.02.2021\n\nJapan donated tents.", name="x.txt", media_type=None, max_bytes=1000)
    assert doc.published is None  # no such day: unknown, not guessed
    doc = read_bytes(b"Date: 2021-03-10\n\nJapan donated tents.", name="x.txt", media_type=None, max_bytes=1000)
    assert doc.published == date(2021, 3, 10)
