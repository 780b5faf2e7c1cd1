"""The W3C SPARQL 1.1 Protocol test suite (sparql11/protocol/manifest.ttl), run request by request
against a real server.

Adaptations the manifest itself asks for: the endpoint path ``/sparql/`` becomes this server's
``/sparql``. One deployment choice: updates need the token, so every request carries
``Authorization: Bearer <token>`` (without it an update is 401 and changes nothing; see
tests/web/test_sparql_limits.py).
"""

from __future__ import annotations

import pytest
import requests
from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, parse, parse_query_results

from tests.protocol.conftest import reset
from tests.protocol.manifest import Case, Request, manifest_cases
from tests.web.live import AUTH, LiveServer

pytestmark = pytest.mark.server
CASES = manifest_cases("protocol/manifest.ttl")
# Deliberate deviations from the suite, with the reason: none at present.
XFAIL: dict[str, str] = {}


def _params() -> list[object]:
    return [
        pytest.param(c, id=c.id, marks=[pytest.mark.xfail(reason=XFAIL[c.id], strict=True)] if c.id in XFAIL else [])
        for c in CASES
    ]


def send(server: LiveServer, request: Request) -> requests.Response:
    path = request.path.replace("/sparql/", "/sparql", 1)
    prepared = requests.Request(
        request.method, server.url + path, headers={**request.headers, **AUTH}, data=request.body
    ).prepare()
    prepared.url = server.url + path  # exactly as written: the suite's own percent-encoding
    with requests.Session() as session:
        return session.send(prepared, timeout=60, allow_redirects=False)


def load_graph_data(server: LiveServer, case: Case) -> None:
    for file, graph in case.graph_data:
        resp = requests.put(
            server.url + "/graph-store",
            params={"graph": graph},
            data=file.read_bytes(),
            headers={**AUTH, "Content-Type": "application/n-triples"},
            timeout=60,
        )
        assert resp.status_code in (201, 204), resp.text


def check(resp: requests.Response, request: Request) -> None:
    expected = request.expected
    assert expected.allows(resp.status_code), f"{resp.status_code} not in {expected.statuses}: {resp.text[:500]}"
    media_type = resp.headers.get("Content-Type", "").split(";")[0].strip()
    if expected.format in ("boolean", "tabular"):
        fmt = QueryResultsFormat.from_media_type(media_type)
        assert fmt is not None, f"not a SPARQL results format: {media_type}"
        result = parse_query_results(resp.content, fmt)
        if expected.format == "boolean":
            assert isinstance(result, QueryBoolean)
            if expected.boolean is not None:
                assert bool(result) is expected.boolean
        else:
            assert isinstance(result, QuerySolutions)
            list(result)
    elif expected.format == "RDF":
        fmt = RdfFormat.from_media_type(media_type)
        assert fmt is not None, f"not an RDF format: {media_type}"
        list(parse(resp.content, fmt))


@pytest.mark.parametrize("case", _params())
def test_w3c_protocol(server: LiveServer, case: Case) -> None:
    reset(server)
    load_graph_data(server, case)
    for request in case.requests:
        check(send(server, request), request)
