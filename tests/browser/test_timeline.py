"""The timeline in headless Chromium against the real server over the seeds.

Every test also checks that no dialog opened (an alert would mean a document's markup ran
as script) and that the page raised no JavaScript error.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest
import requests

from .conftest import HOSTILE_ID

pytestmark = pytest.mark.browser

SEED = "000_9bb7eb15379a1141"


def wait_until(page, script: str, timeout: float = 10.0) -> None:  # noqa: ANN001
    """Poll ``script`` until it is true. (``page.wait_for_function`` compiles its predicate in the
    page, which the Content Security Policy forbids; ``evaluate`` goes through the debugger.)"""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"timed out waiting for {script}"
        page.wait_for_timeout(50)


def open_timeline(page, url: str = "/timeline") -> None:  # noqa: ANN001
    page.goto(url)
    page.wait_for_selector("#timeline-app[data-ready=true]", timeout=15000)
    wait_until(page, "!document.getElementById('status').textContent.startsWith('Loading')")


def drawn_keys(page) -> set[str]:  # noqa: ANN001
    return set(page.eval_on_selector_all(".vis-item[data-key]", "els => els.map(e => e.dataset.key)"))


def clean(page) -> None:  # noqa: ANN001
    assert page.dialogs == [], page.dialogs
    assert page.errors == [], page.errors


def api(live_server: str, path: str) -> dict:
    resp = requests.get(live_server + path, timeout=10)
    resp.raise_for_status()
    return resp.json()


def test_timeline_draws_the_seed_events(page, live_server: str, output_dir: Path) -> None:  # noqa: ANN001
    open_timeline(page)
    expected = {e["key"] for e in api(live_server, "/api/events?limit=1000")["events"] if e["date"]["earliest"]}
    assert len(expected) > 40
    assert drawn_keys(page) == expected
    assert page.locator(".vis-item.uncertain").count() > 0  # uncertain dates are drawn as hatched ranges
    assert "events in view" in page.text_content("#status")
    page.screenshot(path=str(output_dir / "timeline.png"))
    clean(page)


def settle_on(page, expected: set[str], timeout: float = 10.0) -> set[str]:  # noqa: ANN001
    """The keys drawn once they equal ``expected`` (or whatever is drawn when time runs out)."""
    deadline = time.monotonic() + timeout
    while drawn_keys(page) != expected and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    return drawn_keys(page)


def test_timeline_filter_narrows_the_events(page, live_server: str) -> None:  # noqa: ANN001
    open_timeline(page)
    before = drawn_keys(page)
    page.select_option("#f-doc", SEED)
    of_seed = {e["key"]: e["type"] for e in api(live_server, f"/api/events?doc={SEED}&limit=1000")["events"]}
    assert settle_on(page, set(of_seed)) == set(of_seed) and len(of_seed) < len(before)
    assert f"doc={SEED}" in page.url
    page.uncheck("#f-types input[value=communication]")
    others = {k for k, kind in of_seed.items() if kind != "communication"}
    assert settle_on(page, others) == others and others < set(of_seed)
    assert "type=" in page.url and "type=communication" not in page.url
    clean(page)


def test_timeline_click_shows_the_evidence(page, live_server: str, output_dir: Path) -> None:  # noqa: ANN001
    open_timeline(page, f"/timeline?doc={SEED}&group=type")
    item = page.locator(".vis-item[data-key]").first
    key = item.get_attribute("data-key")
    item.click()
    page.wait_for_selector("#detail:not([hidden]) blockquote.evidence mark")
    event = api(live_server, f"/api/events/{key}")
    assert page.text_content("#detail blockquote.evidence") == event["sentence"]
    assert page.text_content("#detail blockquote.evidence mark") == event["trigger"]
    assert f"event={key}" in page.url
    page.screenshot(path=str(output_dir / "timeline-detail.png"))
    editor = page.get_attribute("#detail a:has-text('SPARQL query about it')", "href")
    assert editor.startswith("/sparql#query=") and quote_plus(event["iri"]) in editor
    assert page.get_attribute("#detail a:has-text('RDF of this event')", "href") == event["links"]["rdf"]
    page.click("#detail a:has-text('Read in the document')")
    page.wait_for_url(f"**/documents/{SEED}#s-*")
    anchor = urlsplit(page.url).fragment
    assert page.locator(f"#{anchor}").text_content() == event["sentence"]
    page.screenshot(path=str(output_dir / "document.png"))
    clean(page)


def test_timeline_shared_url_restores_the_view(page, browser, live_server: str) -> None:  # noqa: ANN001
    open_timeline(page, f"/timeline?doc={SEED}")
    page.fill("#f-q", "nia")
    page.select_option("#f-group", "type")
    listed = api(live_server, f"/api/events?doc={SEED}&q=nia")["events"]
    settle_on(page, {e["key"] for e in listed})
    page.locator(".vis-item[data-key]").first.click()
    page.wait_for_selector("#detail:not([hidden]) blockquote.evidence")
    shared = page.url
    assert "q=nia" in shared and "group=type" in shared and "event=" in shared and "from=" in shared

    other = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        restored = other.new_page()
        open_timeline(restored, shared)
        assert restored.input_value("#f-q") == "nia"
        assert restored.input_value("#f-group") == "type"
        assert restored.input_value("#f-doc") == SEED
        assert settle_on(restored, {e["key"] for e in listed}) == {e["key"] for e in listed}
        restored.wait_for_selector("#detail:not([hidden]) blockquote.evidence")
        assert restored.text_content("#detail h2") == page.text_content("#detail h2")
        assert restored.locator(".vis-labelset .vis-label").count() == len({e["type"] for e in listed})
        args, again = parse_qs(urlsplit(shared).query), parse_qs(urlsplit(restored.url).query)
        assert (again["from"], again["to"], again["event"]) == (args["from"], args["to"], args["event"])
    finally:
        other.close()
    clean(page)


def test_timeline_hostile_strings_stay_text(page, live_server: str, output_dir: Path) -> None:  # noqa: ANN001
    event = api(live_server, f"/api/events?doc={HOSTILE_ID}")["events"][0]
    open_timeline(page, f"/timeline?doc={HOSTILE_ID}&event={event['key']}")
    page.wait_for_selector("#detail:not([hidden]) blockquote.evidence")
    assert "<script>alert('text')</script>" in page.text_content("#detail blockquote.evidence")
    assert "Tokyo <script>" in page.text_content(".vis-item[data-key]")
    assert page.locator("#detail script, .vis-item script, #detail b").count() == 0
    page.goto(f"/documents/{HOSTILE_ID}")
    assert "<script>alert('title')</script>" in page.text_content("h1")
    assert "<img src=x onerror=alert('img')>" in page.text_content(".doc-text")
    assert page.locator(".doc-text img, .doc-text script, h1 script").count() == 0
    page.screenshot(path=str(output_dir / "document-hostile.png"))
    clean(page)


def test_timeline_landing_page_links_everything(page, live_server: str, output_dir: Path) -> None:  # noqa: ANN001
    page.goto("/")
    stats = api(live_server, "/api/stats")
    figures = page.eval_on_selector_all(".figure .n", "els => els.map(e => e.textContent.trim())")
    assert f"{stats['counts']['events']:,}" in figures and f"{stats['counts']['documents']:,}" in figures
    for href in ("/timeline", "/documents", "/sparql", "/api/queries", "/api/openapi.json"):
        assert page.locator(f"main a[href='{href}']").count() >= 1, href
    page.screenshot(path=str(output_dir / "index.png"), full_page=True)
    page.click("main a[href='/timeline']")
    page.wait_for_selector("#timeline-app[data-ready=true]")
    clean(page)
