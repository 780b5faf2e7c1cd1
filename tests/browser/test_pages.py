"""The server-rendered pages in headless Chromium against the real server over the seeds: the actor
page with its dated events and its timeline link, the event page, and every link of the pages
answering on a server whose address is not the base IRI's.

The live server serves the base IRI ``http://localhost:8000/`` on a free port of 127.0.0.1, so a
link that named the base IRI's host would point at another server.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, quote, urldefrag, urlsplit

import pytest
import requests

pytestmark = pytest.mark.browser

BASE = "http://localhost:8000/"
BEIJING = BASE + "id/actor/Q956"
SEED = "004_0b827a61c6374308"
# Seed 004 tells of it: "A medical team from Beijing was sent to the frontline in Guinea, ..."
KNOWN_SENTENCE = "A medical team from Beijing was sent to the frontline in Guinea"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def clean(page) -> None:  # noqa: ANN001
    assert page.dialogs == [], page.dialogs
    assert page.errors == [], page.errors


def wait_until(page, script: str, timeout: float = 10.0) -> None:  # noqa: ANN001
    """Poll ``script`` until it is true (``wait_for_function`` would need eval, which the CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"timed out waiting for {script}"
        page.wait_for_timeout(50)


def api(live_server: str, path: str) -> dict:
    resp = requests.get(live_server + path, timeout=10)
    resp.raise_for_status()
    return resp.json()


def events_of(live_server: str, actor: str) -> list[dict]:
    return api(live_server, "/api/events?limit=1000&actor=" + quote(actor, safe=""))["events"]


def test_pages_actor_page_lists_its_dated_events(page, live_server: str) -> None:  # noqa: ANN001
    events = events_of(live_server, BEIJING)
    known = [e for e in events if e["type"] == "deployment" and KNOWN_SENTENCE in e["sentence"]]
    assert len(known) == 1, [e["sentence"][:60] for e in events]
    event = known[0]
    page.goto("/id/actor/Q956")
    assert page.text_content("h1") == "Beijing"
    assert page.locator("a.wikidata").get_attribute("href") == "https://www.wikidata.org/wiki/Q956"
    row = page.locator(f'li.event-row[data-key="{event["key"]}"]')
    assert row.count() == 1
    assert row.locator("time").get_attribute("datetime") == event["date"]["earliest"]
    assert row.locator("time").text_content() == f"{event['date']['earliest']} – {event['date']['latest']}"
    assert row.locator("a.chip").text_content() == "Deployment"
    assert "as agent" in row.text_content()
    assert row.locator("mark.trigger").text_content() == event["trigger"]
    # every event of the actor, in date order; the raw triples folded away
    keys = page.eval_on_selector_all("li.event-row", "els => els.map(e => e.dataset.key)")
    assert sorted(keys) == sorted(e["key"] for e in events)
    dates = page.eval_on_selector_all("li.event-row time", "els => els.map(e => e.getAttribute('datetime') || '~')")
    assert dates == sorted(dates)
    assert not page.locator("details.raw").evaluate("d => d.open")
    assert not page.locator("details.raw table.props").first.is_visible()
    clean(page)


def test_pages_actor_timeline_link_filters_on_the_actor(page, live_server: str) -> None:  # noqa: ANN001
    page.goto("/id/actor/Q956")
    page.click("a.timeline-link")
    page.wait_for_selector("#timeline-app[data-ready=true]", timeout=15000)
    wait_until(page, "!document.getElementById('status').textContent.startsWith('Loading')")
    assert parse_qs(urlsplit(page.url).query)["actor"] == [BEIJING]
    expected = {e["key"] for e in events_of(live_server, BEIJING) if e["date"]["earliest"]}
    drawn: set[str] = set()
    deadline = time.monotonic() + 10
    while drawn != expected and time.monotonic() < deadline:
        page.wait_for_timeout(50)
        drawn = set(page.eval_on_selector_all(".vis-item[data-key]", "els => els.map(e => e.dataset.key)"))
    assert drawn == expected and len(expected) > 5
    clean(page)


def test_pages_event_page_is_for_a_reader(page, live_server: str) -> None:  # noqa: ANN001
    event = next(e for e in events_of(live_server, BEIJING) if KNOWN_SENTENCE in e["sentence"])
    page.goto(f"/id/event/{event['key']}")
    text = page.text_content("main")
    assert f"precision: {event['date']['precision']}" in text
    agents = page.eval_on_selector_all("dt:text('Agents') + dd a", "els => els.map(a => a.textContent)")
    assert "Beijing" in agents
    assert page.text_content("blockquote.sentence").startswith(KNOWN_SENTENCE)
    href = page.locator(".evidence-panel a").first.get_attribute("href")
    assert href == f"/documents/{SEED}#s-{event['offsets']['sentence'][0]}"
    clean(page)


def links_of(page, url: str) -> list[str]:  # noqa: ANN001
    page.goto(url)
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    return hrefs


def test_pages_every_link_answers_on_a_non_default_port(page, live_server: str) -> None:  # noqa: ANN001
    """Served on another port than the base IRI's, every link to this server answers 200 and none
    names the base IRI's host."""
    assert urlsplit(live_server).port != 8000
    event = next(e for e in events_of(live_server, BEIJING) if KNOWN_SENTENCE in e["sentence"])
    pages = ["/id/actor/Q956", f"/id/event/{event['key']}", "/documents", f"/documents/{SEED}"]
    own: set[str] = set()
    for url in pages:
        for href in links_of(page, url):
            assert not href.startswith(BASE), (url, href)  # the base IRI's host: another server
            if href.startswith(live_server + "/"):
                own.add(urldefrag(href)[0])
    iri_links = {h for h in own if urlsplit(h).path.startswith(("/id/", "/category/"))}
    assert any("/id/actor/" in h for h in iri_links) and any("/id/event/" in h for h in iri_links)
    assert any("/id/document/" in h for h in iri_links) and any("/category/" in h for h in iri_links)
    for href in sorted(own):
        resp = requests.get(href, headers={"Accept": BROWSER_ACCEPT}, timeout=30)
        assert resp.status_code == 200, href
    clean(page)


def test_pages_ask_for_no_missing_file(page, live_server: str) -> None:  # noqa: ANN001
    """No page load meets a 404: the icon is named and served."""
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    for url in ("/", "/id/actor/Q956", "/documents"):
        page.goto(url)
        page.wait_for_load_state("load")
    icon = requests.get(live_server + "/favicon.ico", timeout=10)
    assert icon.status_code == 200 and icon.headers["Content-Type"] == "image/vnd.microsoft.icon"
    assert page.locator("link[rel=icon]").get_attribute("href") == "/favicon.ico"
    assert failed == []
    clean(page)
