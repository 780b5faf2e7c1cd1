"""Highlighting in headless Chromium: the words searched for are marked in the detail panel's
evidence and, through its link, in the document page; hostile words stay text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import requests

from service.config import Settings
from service.pipeline import ingest_paths
from service.store import open_store
from service.web import create_app
from service.web.runtime import app_runtime
from tests.browser.conftest import LiveServer, watched_page
from tests.browser.test_timeline import clean, open_timeline
from tests.conftest import SEEDS

pytestmark = pytest.mark.browser
SEED = "000_9bb7eb15379a1141"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root: Path = tmp_path_factory.mktemp("search-live")
    settings = Settings(store=str(root / "store"), base_iri="http://localhost:8000/")
    store = open_store(settings.store)
    assert not ingest_paths([SEEDS], store, settings).refused
    app = create_app(settings, store=store)
    live = LiveServer(app)
    yield live.url
    live.stop()
    app_runtime(app).close()
    store.close()


@pytest.fixture
def page(browser: object, server: str) -> Iterator[object]:
    yield from watched_page(browser, server)


def test_the_detail_panel_and_the_document_mark_the_words(page, server: str) -> None:  # noqa: ANN001
    body = requests.get(f"{server}/api/events?doc={SEED}&q=NIA", timeout=10).json()
    assert body["search"]["index"] is True
    event = body["events"][0]
    open_timeline(page, f"/timeline?doc={SEED}&q=NIA&event={quote(event['key'])}")
    page.wait_for_selector("#detail:not([hidden]) blockquote.evidence mark.hit")
    marks = page.eval_on_selector_all("#detail blockquote.evidence mark.hit", "els => els.map(e => e.textContent)")
    assert marks and all(m.lower() == "nia" for m in marks)
    assert page.text_content("#detail blockquote.evidence") == event["sentence"]  # marks add no text
    page.click("#detail a:has-text('Read in the document')")
    page.wait_for_url(f"**/documents/{SEED}**")
    assert urlsplit(page.url).query == "q=NIA", page.url
    in_text = page.eval_on_selector_all(".doc-text mark.hit", "els => els.map(e => e.textContent)")
    assert in_text and all(m.lower() == "nia" for m in in_text)
    clean(page)


def test_hostile_words_are_marked_as_text(page, server: str) -> None:  # noqa: ANN001
    words = "<img src=x onerror=alert(1)>"
    open_timeline(page, f"/timeline?doc={SEED}&q={quote(words)}")
    page.goto(f"/documents/{SEED}?q={quote(words)}")
    assert page.locator(".doc-text img, main img").count() == 0
    assert words in page.text_content("main")  # the legend names them, as text
    clean(page)
