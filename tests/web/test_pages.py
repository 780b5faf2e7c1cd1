"""The HTML pages: landing figures and links, the timeline shell, documents with highlighted mentions, escaping."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.config import Settings
from service.model import Extraction
from service.store import Store, open_store
from service.web import create_app

from ..timeline.graphs import BASE, extraction_a, extraction_b, load


def hostile_url() -> Extraction:
    """extraction_a with a document URL that would run script if it were linked."""
    x = extraction_a()
    return Extraction(replace(x.document, id="doc-js", url="javascript:alert(1)"), x.events)


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    store = open_store(":memory:")
    load(store, extraction_a(), extraction_b(), hostile_url())
    yield create_app(Settings(store=":memory:", base_iri=BASE), store=store)
    store.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Scripts(HTMLParser):
    """Collects the script elements of a page and the text inside them."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(data)


def scripts_of(html: str) -> Scripts:
    parser = Scripts()
    parser.feed(html)
    return parser


def test_pages_index_shows_figures_and_links(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    for href in ('href="/timeline"', 'href="/sparql"', 'href="/api/queries"', 'href="/documents"'):
        assert href in html
    assert re.search(r'class="n">9</span><span class="l">events', html)
    assert re.search(r'class="n">3</span><span class="l">documents', html)
    assert "2019-01-01 – 2021-12-31" in html


def test_pages_timeline_is_a_shell_for_vis_timeline(client: FlaskClient) -> None:
    resp = client.get("/timeline")
    html = resp.get_data(as_text=True)
    parsed = scripts_of(html)
    scripts = [s["src"] for s in parsed.scripts]
    assert scripts == ["/static/dom.js", "/vendor/vis-timeline.js", "/static/timeline.js", "/static/curation.js"]
    assert parsed.inline == []  # the CSP allows no inline script
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    assert 'value="aid_delivery"' in html and "Aid delivery" in html


def test_pages_escape_document_strings_everywhere(client: FlaskClient) -> None:
    for url in ("/documents", "/documents/doc%20b%2F%3Cx%3E", "/timeline"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert" in html or "\\u003cscript\\u003ealert" in html, url
        assert all(s.get("src") for s in scripts_of(html).scripts), url


def test_pages_documents_lists_every_document(client: FlaskClient) -> None:
    html = client.get("/documents").get_data(as_text=True)
    assert html.count('<a href="/documents/') == 3
    assert 'href="/documents/doc%20b/%3Cx%3E"' in html or 'href="/documents/doc%20b%2F%3Cx%3E"' in html


def test_pages_document_highlights_each_mention(client: FlaskClient) -> None:
    html = client.get("/documents/doc-a").get_data(as_text=True)
    anchors = re.findall(r'<span class="evidence" id="(s-\d+)">', html)
    assert len(anchors) == 3
    links = re.findall(r'<a class="trigger t-(\w+)" href="(/timeline\?event=[^"]+)"', html)
    assert sorted(t for t, _ in links) == ["aid_delivery", "communication", "meeting"]
    assert ">sent letters</a>" in html


def test_pages_document_url_only_linked_when_http(client: FlaskClient) -> None:
    html = client.get("/documents/doc-js").get_data(as_text=True)
    assert "javascript:" not in html


def test_pages_unknown_document_is_a_404_page(client: FlaskClient) -> None:
    resp = client.get("/documents/nothing", headers={"Accept": "text/html"})
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    assert "nothing" in resp.get_data(as_text=True)


def test_pages_seed_documents_render(seeded: tuple[Settings, Store]) -> None:
    settings, store = seeded
    client = create_app(settings, store=store).test_client()
    index = client.get("/").get_data(as_text=True)
    assert "Solidarity is the Most Powerful Weapon" not in index  # the landing page shows figures, not titles
    listing = client.get("/documents").get_data(as_text=True)
    assert "Solidarity is the Most Powerful Weapon in the Fight against COVID-19" in listing
    html = client.get("/documents/000_9bb7eb15379a1141").get_data(as_text=True)
    assert len(re.findall(r'class="trigger t-', html)) > 5


def test_pages_favicon_is_served_and_named(client: FlaskClient) -> None:
    resp = client.get("/favicon.ico")
    assert resp.status_code == 200 and resp.mimetype == "image/vnd.microsoft.icon"
    assert resp.data[:4] == b"\x00\x00\x01\x00" and b"PNG" in resp.data[:40]  # an ICO holding a PNG
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/").get_data(as_text=True)


def test_pages_document_links_its_linked_data_page(client: FlaskClient) -> None:
    html = client.get("/documents").get_data(as_text=True)
    first = re.search(r'href="/documents/([^"#]+)"', html)
    assert first is not None
    page = client.get(f"/documents/{first.group(1)}").get_data(as_text=True)
    link = re.search(r'href="(/id/document/[^"]+)">linked data</a>', page)
    assert link is not None and client.get(link.group(1), headers={"Accept": "text/html"}).status_code == 200
