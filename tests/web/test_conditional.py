"""Conditional reads: an ETag on every read of the embedded store, 304 Not Modified for a repeated request
without evaluating anything, a new tag after any write; no tag on a remote store (others may write it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from service.config import Settings
from service.store import Store, open_store
from service.web import create_app
from service.web.runtime import app_runtime
from tests.web.live import TOKEN, load, sample_extraction

BASE = "http://localhost:8000/"

READS = [
    "/api/events?limit=5",
    "/api/timeline?start=2020-01-01&end=2021-12-31",
    "/api/stats",
    "/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%20GRAPH%20%3Fg%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20%7D",
    "/documents",
    "/",
]


class Counting:
    """Counts the work that reaches the query workers (every read of the store and every client query runs
    there: the evaluator's ``run`` and ``query``)."""

    def __init__(self, app: Flask) -> None:
        self.evaluator = app_runtime(app).evaluator
        self.calls = 0
        self._saved = {name: getattr(self.evaluator, name) for name in ("run", "query")}

    def __enter__(self) -> Counting:
        for name, method in self._saved.items():
            setattr(self.evaluator, name, self._counted(method))
        return self

    def _counted(self, method: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return method(*args, **kwargs)

        return counted

    def __exit__(self, *exc: object) -> None:
        for name, method in self._saved.items():
            setattr(self.evaluator, name, method)


def _app(location: str) -> tuple[Flask, Store]:
    store = open_store(location)
    load(store, BASE, sample_extraction())
    settings = Settings(store=location, base_iri=BASE, token=TOKEN, query_timeout=20)
    return create_app(settings, store=store), store


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[tuple[Flask, FlaskClient]]:
    app, store = _app(str(tmp_path / "store"))
    yield app, app.test_client()
    app_runtime(app).close()
    store.close()


@pytest.fixture
def remote(remote_url: str) -> Iterator[FlaskClient]:
    requests.post(remote_url.replace("/query", "/update"), data={"update": "DROP SILENT ALL"}, timeout=30)
    app, store = _app(remote_url)
    yield app.test_client()
    app_runtime(app).close()
    store.close()


@pytest.mark.parametrize("path", READS)
def test_conditional_a_repeated_read_is_304_without_evaluating(embedded: tuple[Flask, FlaskClient], path: str) -> None:
    app, client = embedded
    client.get(path, headers={"Accept": "application/json"})  # the landing page's figures are cached after this
    with Counting(app) as evaluated:
        first = client.get(path, headers={"Accept": "application/json"})
    assert first.status_code == 200
    cached = path in ("/", "/api/stats")  # the dataset figures are kept per generation
    assert evaluated.calls > 0 or cached, "the read must reach the workers, or this test proves nothing"
    tag = first.headers["ETag"]
    assert tag.startswith('W/"') and first.headers["Cache-Control"] == "no-cache" and "Accept" in first.vary
    with Counting(app) as counting:
        again = client.get(path, headers={"Accept": "application/json", "If-None-Match": tag})
        stripped = client.get(path, headers={"Accept": "application/json", "If-None-Match": tag[2:]})
    assert [again.status_code, stripped.status_code] == [304, 304]
    assert again.data == b"" and again.headers["ETag"] == tag
    assert counting.calls == 0, "a 304 must be answered without reading the store"
    star = client.get(path, headers={"Accept": "application/json", "If-None-Match": "*"})
    assert star.status_code == 304 and star.data == b"" and star.headers["ETag"] == tag  # there is an answer
    other = client.get(path, headers={"Accept": "text/csv, */*;q=0.1", "If-None-Match": tag})
    assert other.status_code != 304  # another Accept is another answer


def test_conditional_any_write_changes_the_tag(embedded: tuple[Flask, FlaskClient]) -> None:
    _, client = embedded
    before = client.get("/api/events?limit=5").headers["ETag"]
    posted = client.post(
        "/documents",
        data=b"On 3 March 2021, Japan donated 1,000 masks to Nepal.",
        headers={"Content-Type": "text/plain", "Authorization": f"Bearer {TOKEN}"},
        query_string={"name": "fresh.txt"},
    )
    assert posted.status_code in (200, 201), posted.data
    after = client.get("/api/events?limit=5", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["ETag"] != before
    update = client.post(
        "/sparql",
        data={"update": "INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert update.status_code in (200, 204), update.data
    assert client.get("/api/events?limit=5").headers["ETag"] != after.headers["ETag"]


def test_conditional_a_remote_store_is_never_tagged(remote: FlaskClient) -> None:
    resp = remote.get("/api/events?limit=5")
    assert resp.status_code == 200 and "ETag" not in resp.headers and resp.headers["Cache-Control"] == "no-cache"
    assert remote.get("/api/events?limit=5", headers={"If-None-Match": "*"}).status_code == 200


def test_conditional_errors_and_writes_carry_no_tag(embedded: tuple[Flask, FlaskClient]) -> None:
    _, client = embedded
    assert "ETag" not in client.get("/api/events?limit=0").headers  # a 400 names the limit, untagged
    assert "ETag" not in client.post("/documents", data=b"x", headers={"Content-Type": "text/plain"}).headers


def test_conditional_the_tag_follows_the_host_and_root(embedded: tuple[Flask, FlaskClient]) -> None:
    """The answer depends on the host and root it is asked at (base IRI, the endpoint's own IRI):
    so does its tag, and another host's tag is not a match (reported: one tag for both)."""
    _, client = embedded
    path = "/sparql?query=SELECT%20(%3C%3E%20AS%20%3Fb)%20%7B%7D"
    here = client.get(path, headers={"Accept": "text/csv"})
    there = client.get(path, headers={"Accept": "text/csv", "Host": "evil.example"})
    rooted = client.get(path, headers={"Accept": "text/csv"}, environ_overrides={"SCRIPT_NAME": "/eg"})
    assert here.data != there.data and here.headers["ETag"] != there.headers["ETag"]
    assert rooted.headers["ETag"] not in (here.headers["ETag"], there.headers["ETag"])
    crossed = client.get(path, headers={"Accept": "text/csv", "If-None-Match": there.headers["ETag"]})
    assert crossed.status_code == 200 and crossed.data == here.data


def test_conditional_a_star_matches_only_an_answer(embedded: tuple[Flask, FlaskClient]) -> None:
    """``If-None-Match: *`` is true only when there is a current representation (RFC 9110 §13.1.2):
    a missing resource or a refused query is answered as it is (reported: both were 304)."""
    _, client = embedded
    star = {"If-None-Match": "*"}
    assert client.get("/id/event/does-not-exist", headers=star).status_code == 404
    assert client.get("/sparql?query=SELECT%20WHERE", headers=star).status_code == 400
    assert client.get("/api/events?limit=0", headers=star).status_code == 400


@pytest.mark.parametrize("function", ["NOW()", "RAND()", "UUID()", "STRUUID()", "now()"])
def test_conditional_an_answer_that_changes_by_itself_is_never_tagged(
    embedded: tuple[Flask, FlaskClient], function: str
) -> None:
    """NOW(), RAND(), UUID(), STRUUID() (and SERVICE) answer differently with the store unchanged:
    no tag, no 304, and no cache keeps them (reported: a 304 for a changed answer)."""
    _, client = embedded
    query = {"query": f"SELECT ({function} AS ?v) WHERE {{}}"}
    first = client.get("/sparql", query_string=query, headers={"Accept": "text/csv"})
    assert first.status_code == 200 and "ETag" not in first.headers
    assert first.headers["Cache-Control"] == "no-store"
    plain = client.get("/sparql", query_string={"query": "SELECT ?v WHERE { BIND(1 AS ?v) }"})
    assert "ETag" in plain.headers and plain.headers["Cache-Control"] == "no-cache"  # the rest stays tagged
    starred = client.get("/sparql", query_string=query, headers={"Accept": "text/csv", "If-None-Match": "*"})
    assert starred.status_code == 200
