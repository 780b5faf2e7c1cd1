"""Routes that take a name never reach outside what they serve; every page sends the security headers;
nothing a request or a document says is reflected into a page unescaped. Against a real server, with
raw request paths (an HTTP client library would tidy the dot segments away)."""

from __future__ import annotations

import http.client
from collections.abc import Iterator

import pytest

from service.config import Settings
from service.store import open_store
from service.web import create_app
from tests.web.live import TOKEN, LiveServer, hostile_extraction, load, sample_extraction

# What a file outside the served space would show: the project's own files, or the system's.
SECRETS = ("[project]", "root:x:", "import ", "eventgraph =", "PRIVATE KEY")
TRAVERSALS = [
    "/vendor/../../pyproject.toml",
    "/vendor/..%2f..%2fpyproject.toml",
    "/vendor/%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/vendor/....//....//pyproject.toml",
    "/static/../../pyproject.toml",
    "/static/..%2f..%2f..%2fpyproject.toml",
    "/static/%2e%2e/%2e%2e/cli.py",
    "/documents/../../../../etc/passwd",
    "/documents/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/api/documents/..%2f..%2fetc%2fpasswd",
    "/api/queries/..%2f..%2fpyproject",
    "/api/queries/../../pyproject.toml",
    "/id/..%2f..%2f..%2fetc%2fpasswd",
    "/graph/..%2f..%2fetc%2fpasswd",
    "/api/events/..%2f..%2fetc%2fpasswd",
]
PAGES = ["/", "/timeline", "/documents", "/documents/hostile", "/sparql", "/api/events", "/no-such-page"]
HEADERS = {
    "Content-Security-Policy": "default-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("security")
    settings = Settings(store=str(root / "store"), base_iri="http://localhost:8000/", token=TOKEN, threads=4)
    store = open_store(settings.store)
    load(store, settings.base_iri, sample_extraction(), hostile_extraction())
    live = LiveServer(create_app(settings, store=store))
    yield live
    live.stop()
    store.close()


def raw_get(server: LiveServer, path: str, accept: str = "text/html") -> tuple[int, dict[str, str], str]:
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.putheader("Accept", accept)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


@pytest.mark.parametrize("path", TRAVERSALS)
def test_routes_no_name_reaches_outside_what_the_route_serves(server: LiveServer, path: str) -> None:
    status, _, body = raw_get(server, path, accept="*/*")
    assert status in (400, 404), (status, body[:200])
    assert not any(secret in body for secret in SECRETS), body[:300]


@pytest.mark.parametrize("path", PAGES)
def test_routes_every_answer_sends_the_security_headers(server: LiveServer, path: str) -> None:
    _, headers, _ = raw_get(server, path)
    for name, value in HEADERS.items():
        assert value in headers.get(name, ""), (path, name, headers.get(name))


@pytest.mark.parametrize(
    "path",
    ["/documents/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/id/event/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
     "/vendor/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/api/queries/%3Cscript%3E"],
)  # fmt: skip
def test_routes_a_name_in_the_path_is_never_reflected_as_markup(server: LiveServer, path: str) -> None:
    status, headers, body = raw_get(server, path)
    assert status in (400, 404)
    if headers.get("Content-Type", "").startswith("text/html"):
        assert "<script>" not in body and "<img" not in body, body[:300]


def test_routes_document_strings_are_escaped_on_every_page(server: LiveServer) -> None:
    for path in ("/documents", "/documents/hostile", "/id/document/hostile"):
        status, _, body = raw_get(server, path)
        assert status == 200, path
        assert "<script>alert(" not in body and "<img src=x" not in body, path
        assert "&lt;script&gt;" in body, path
