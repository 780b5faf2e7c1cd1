"""The W3C SPARQL 1.1 Graph Store HTTP Protocol tests (graph-store-protocol/manifest*.ttl), against
a real server.

The manifest's ``/gsp`` endpoint is this server's ``/graph-store`` (indirect identification), and
``/gsp/…`` its ``/graph/…`` (direct identification: the graph IRI is ``{base}graph/…``). Writes
carry the token. Bodies are compared as graphs (isomorphism), headers by value.
"""

from __future__ import annotations

import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

from tests.protocol.conftest import reset
from tests.protocol.manifest import Case, Request, manifest_cases
from tests.web.live import AUTH, LiveServer

pytestmark = pytest.mark.server
CASES = manifest_cases("graph-store-protocol/manifest.ttl")
# Deliberate deviations from the suite, with the reason: none at present.
XFAIL: dict[str, str] = {}


def _params() -> list[object]:
    return [
        pytest.param(c, id=c.id, marks=[pytest.mark.xfail(reason=XFAIL[c.id], strict=True)] if c.id in XFAIL else [])
        for c in CASES
    ]


def endpoint_path(path: str) -> str:
    if path == "/gsp" or path.startswith("/gsp?"):
        return "/graph-store" + path[len("/gsp") :]
    assert path.startswith("/gsp/"), path
    return "/graph/" + path[len("/gsp/") :]


def send(server: LiveServer, request: Request, variables: dict[str, str]) -> requests.Response:
    path = request.path
    body = request.body
    for name, value in variables.items():
        path = path.replace(name, value)
        body = body.replace(name.encode(), value.encode()) if body is not None else None
    url = server.url + endpoint_path(path)
    prepared = requests.Request(request.method, url, headers={**request.headers, **AUTH}, data=body).prepare()
    prepared.url = url  # exactly as written: the suite checks percent-encoding
    with requests.Session() as session:
        return session.send(prepared, timeout=60, allow_redirects=False)


def check(resp: requests.Response, request: Request, variables: dict[str, str]) -> None:
    expected = request.expected
    assert expected.allows(resp.status_code), f"{resp.status_code} not in {expected.statuses}: {resp.text[:300]}"
    for name, value in expected.headers.items():
        assert resp.headers.get(name, "").replace(" ", "").lower() == value.replace(" ", "").lower(), name
    if expected.location:
        assert resp.headers.get("Location"), "a Location header is expected"
        variables[expected.location] = resp.headers["Location"]
    if expected.body is not None and request.method != "HEAD":
        got = Graph().parse(data=resp.content, format="turtle")
        want = Graph().parse(data=expected.body, format="turtle")
        assert isomorphic(got, want), resp.text


@pytest.mark.parametrize("case", _params())
def test_w3c_graph_store(server: LiveServer, case: Case) -> None:
    reset(server)
    variables: dict[str, str] = {}
    for request in case.requests:
        check(send(server, request, variables), request, variables)
