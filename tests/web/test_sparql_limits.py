"""The limits of a real server on 127.0.0.1: the query time limit (a heavy query is stopped while
a light one is answered), the token on every write, and the SERVICE allowlist (nothing outside
it is contacted; an allowed endpoint cannot redirect the call elsewhere)."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from service.config import Settings
from service.store import open_store
from service.web import create_app
from tests.web.live import AUTH, TOKEN, LiveServer, free_port, load, sample_extraction

pytestmark = pytest.mark.server
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?q ?r ?s }"
LIGHT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


class Recorder:
    """A tiny SPARQL endpoint on 127.0.0.1 that records every request it gets; it can redirect instead."""

    def __init__(self, redirect_to: str | None = None) -> None:
        self.requests: list[str] = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's naming
                self.answer()

            def do_POST(self) -> None:  # noqa: N802
                self.answer()

            def answer(self) -> None:
                recorder.requests.append(f"{self.command} {self.path}")
                if redirect_to:
                    self.send_response(302)
                    self.send_header("Location", redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = json.dumps(
                    {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "remote"}}]}}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


@pytest.fixture(scope="module")
def remote() -> Iterator[Recorder]:
    recorder = Recorder()
    yield recorder
    recorder.stop()


@pytest.fixture(scope="module")
def outsider() -> Iterator[Recorder]:
    """An endpoint on 127.0.0.1 that is not on the allowlist."""
    recorder = Recorder()
    yield recorder
    recorder.stop()


@pytest.fixture(scope="module")
def bouncer(remote: Recorder) -> Iterator[Recorder]:
    recorder = Recorder(redirect_to=remote.url)
    yield recorder
    recorder.stop()


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory, remote: Recorder, bouncer: Recorder) -> Iterator[LiveServer]:
    """A server with a 2 s time limit that allows SERVICE calls to ``remote`` and ``bouncer`` only."""
    root: Path = tmp_path_factory.mktemp("strict")
    port = free_port()
    settings = Settings(
        store=str(root / "store"),
        base_iri=f"http://127.0.0.1:{port}/",
        token=TOKEN,
        query_timeout=2,
        service_allow=(remote.url, bouncer.url),
        threads=6,
    )
    store = open_store(settings.store)
    load(store, settings.base_iri, sample_extraction())
    server = LiveServer(create_app(settings, store=store), port=port)
    yield server
    server.stop()
    store.close()


def ask(server: LiveServer, query: str, **kwargs: object) -> requests.Response:
    return requests.post(server.url + "/sparql", data={"query": query}, timeout=120, **kwargs)  # type: ignore[arg-type]


def test_sparql_limits_heavy_query_is_stopped_while_a_light_one_is_answered(strict: LiveServer) -> None:
    with ThreadPoolExecutor(2) as pool:
        heavy = pool.submit(ask, strict, HEAVY)
        light = pool.submit(ask, strict, LIGHT)
        light_resp, heavy_resp = light.result(), heavy.result()
    assert light_resp.status_code == 200
    assert int(light_resp.json()["results"]["bindings"][0]["n"]["value"]) > 50
    assert heavy_resp.status_code == 503
    assert "--query-timeout" in heavy_resp.text and "EVENTGRAPH_QUERY_TIMEOUT" in heavy_resp.text
    assert ask(strict, LIGHT).status_code == 200  # and the server goes on


def test_sparql_limits_update_without_token_changes_nothing(strict: LiveServer) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = ask(strict, count).json()["results"]["bindings"][0]["n"]["value"]
    url = strict.url + "/sparql"
    refused = [
        requests.post(url, data="DROP ALL", headers={"Content-Type": "application/sparql-update"}, timeout=60),
        requests.post(url, data={"update": "DROP ALL"}, timeout=60),
        requests.post(url, data={"update": "DROP ALL"}, headers={"Authorization": "Bearer nope"}, timeout=60),
        requests.put(strict.url + "/graph-store?default", data="<a:b> <a:c> <a:d> .", timeout=60,
                     headers={"Content-Type": "text/turtle"}),
        requests.delete(strict.url + "/graph-store?graph=" + strict.url + "/graph/document/sample", timeout=60),
        requests.post(strict.url + "/documents", data="Some text.", headers={"Content-Type": "text/plain"}, timeout=60),
    ]  # fmt: skip
    assert [r.status_code for r in refused] == [401, 401, 403, 401, 401, 401]
    assert ask(strict, count).json()["results"]["bindings"][0]["n"]["value"] == before


@pytest.mark.parametrize(
    "target",
    ["{outsider}", "{remote}/../other", "http://localhost:{remote_port}/sparql", "http://[::1]:{remote_port}/sparql",
     "http://10.0.0.1/sparql", "http://192.168.1.1/sparql", "http://169.254.169.254/latest/meta-data/",
     "http://127.0.0.1:{server_port}/sparql"],
)  # fmt: skip
def test_sparql_limits_service_outside_the_allowlist_is_refused(
    strict: LiveServer, remote: Recorder, outsider: Recorder, target: str
) -> None:
    url = target.format(
        outsider=outsider.url,
        remote=remote.url,
        remote_port=remote.url.split(":")[2].split("/")[0],
        server_port=strict.url.rsplit(":", 1)[1],
    )
    seen = len(remote.requests)
    resp = ask(strict, f"SELECT * WHERE {{ SERVICE <{url}> {{ ?x ?y ?z }} }}")
    assert resp.status_code == 403
    assert "is not allowed" in resp.text and "--service-allow" in resp.text
    assert len(remote.requests) == seen and outsider.requests == []  # nothing was contacted


def test_sparql_limits_service_on_the_allowlist_is_called(strict: LiveServer, remote: Recorder) -> None:
    seen = len(remote.requests)
    resp = ask(strict, f"SELECT ?x WHERE {{ SERVICE <{remote.url}> {{ ?x ?y ?z }} }}")
    assert resp.status_code == 200
    assert resp.json()["results"]["bindings"] == [{"x": {"type": "literal", "value": "remote"}}]
    assert len(remote.requests) == seen + 1


def test_sparql_limits_allowed_endpoint_cannot_redirect_the_call(
    strict: LiveServer, remote: Recorder, bouncer: Recorder
) -> None:
    seen = len(remote.requests)
    resp = ask(strict, f"SELECT ?x WHERE {{ SERVICE <{bouncer.url}> {{ ?x ?y ?z }} }}")
    assert len(bouncer.requests) >= 1
    assert len(remote.requests) == seen  # pyoxigraph does not follow the redirect
    assert resp.status_code == 502
    assert "redirect" in resp.text


def test_sparql_limits_token_holder_may_write(strict: LiveServer) -> None:
    resp = requests.post(
        strict.url + "/sparql",
        data="INSERT DATA { GRAPH <http://ex/limits> { <http://ex/a> <http://ex/b> 1 } }",
        headers={**AUTH, "Content-Type": "application/sparql-update"},
        timeout=60,
    )
    assert resp.status_code == 204
    assert ask(strict, "ASK { GRAPH <http://ex/limits> { ?s ?p ?o } }").json()["boolean"] is True


def test_limits_no_worker_that_can_start_is_a_503_with_retry_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Query workers that die before their first word (a broken install, no memory): after three in a
    # row the pool pauses its starts, and a query is answered 503 with the pause's end as Retry-After.
    from service.web.sparql import evaluator_of
    from tests.sparql.failing_starts import dies_at_first

    monkeypatch.setenv("EG_TEST_STARTS", str(tmp_path / "starts"))
    monkeypatch.setenv("EG_TEST_FAILING_STARTS", "1000")
    store = open_store(str(tmp_path / "store"))
    app = create_app(Settings(store=store.location, base_iri="http://localhost:8000/", query_timeout=20), store=store)
    pool = evaluator_of(app)
    pool._target = dies_at_first  # type: ignore[attr-defined]
    try:
        answer = app.test_client().get("/sparql", query_string={"query": LIGHT}, headers={"Accept": "application/json"})
        assert answer.status_code == 503 and answer.json is not None
        assert "no query worker could start" in answer.json["error"]
        assert 1 <= int(answer.headers["Retry-After"]) <= 60
    finally:
        pool.close()
        store.close()
