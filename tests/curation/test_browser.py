"""Curation in Chromium: reject an event, retype one, fix a donor and a date, change an aid
quantity in the timeline's detail panel, add a missed event from the document page; the timeline
and /api/events show the curated values at once and the history lists each change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import watched_page
from tests.curation.conftest import Api
from tests.web.live import TOKEN


@pytest.fixture
def page(browser: Any, api: Api) -> Iterator[Any]:
    yield from watched_page(browser, api.url)


def _open(page: Any, key: str) -> None:
    page.goto(f"/timeline?event={key}")
    page.wait_for_selector("#timeline-app[data-ready=true]", timeout=15000)
    page.wait_for_selector("#detail:not([hidden]) #curate")


def wait_until(page: Any, expression: str) -> None:
    """Wait for a condition, polled by time: requestAnimationFrame stalls in a headless page that draws nothing."""
    page.wait_for_function(expression, polling=100, timeout=15000)


def _shown(page: Any, selector: str) -> None:
    page.wait_for_selector(selector, timeout=15000)


def test_curation_in_the_browser(page: Any, api: Api) -> None:
    events = api.events()
    donated, signed = events["donated"], events["signed"]
    _open(page, donated["key"])
    page.fill("#cur-token", TOKEN)
    page.fill("#cur-name", "Browser Analyst")
    page.click("#cur-start")

    # retype: the panel shows the curated copy, the timeline draws it
    page.fill("#cur-note", "announced, not delivered")
    page.select_option("#cur-type", "aid_pledge")
    page.click("#cur-retype")
    _shown(page, "#detail .chip.t-aid_pledge")
    key = api.events()["donated"]["key"]
    assert key != donated["key"] and f"event={key}" in page.url
    _shown(page, f".vis-item[data-key='{key}']")

    # fix the donor: Tokyo out, Beijing in (picked with the autocomplete: its QID is kept)
    page.click("[data-role=agents] button[aria-label='Remove Tokyo']")
    _shown(page, "#cur-history li:nth-child(2)")
    page.fill("#cur-add-agents", "Beij")
    page.click("#cur-add-agents-list li[data-iri]")
    _shown(page, "#cur-history li:nth-child(3)")
    assert page.text_content("[data-role=agents] > ul > li > span") == "Beijing"

    # the date, and the aid quantity
    page.fill("#cur-earliest", "2020-02-01")
    page.fill("#cur-latest", "2020-02-05")
    page.select_option("#cur-precision", "range")
    page.click("#cur-date")
    _shown(page, "#cur-history li:nth-child(4)")
    assert page.input_value("#cur-earliest") == "2020-02-01"
    page.fill("#cur-item-0", "face masks")
    page.fill("#cur-qty-0", "20000")
    page.click("#cur-save-aid-0")
    _shown(page, "#cur-history li:nth-child(5)")
    assert page.input_value("#cur-qty-0") == "20000"

    event = api.get(f"/api/events/{key}")
    assert event["type"] == "aid_pledge"
    assert [(a["name"], a["wikidata"]) for a in event["agents"]] == [("Beijing", "Q956")]
    assert (event["date"]["earliest"], event["date"]["latest"], event["date"]["precision"]) == (
        "2020-02-01", "2020-02-05", "range",
    )  # fmt: skip
    assert [(a["item"], a["quantity"], a["unit"]) for a in event["aid"]] == [("face masks", 20000, "pieces")]
    history = page.locator("#cur-history li").all_text_contents()
    assert len(history) == 5 and "Browser Analyst" in history[0] and "announced, not delivered" in history[0]
    assert [c["operation"] for c in api.get(f"/api/curation/events/{key}")["corrections"]] == [
        "retype", "remove_actor", "add_actor", "set_date", "set_aid",
    ]  # fmt: skip

    # undo the date from the history
    page.click("#cur-history li:nth-child(4) button.undo")
    wait_until(page, "() => document.querySelector('#cur-history li:nth-child(4)')?.className === 'status-undone'")
    assert api.get(f"/api/events/{key}")["date"]["earliest"] == donated["date"]["earliest"]

    # reject the other event: it leaves the timeline
    _open(page, signed["key"])
    page.click("#cur-reject")
    wait_until(page, f"() => !document.querySelector(\".vis-item[data-key='{signed['key']}']\")")
    assert "signed" not in api.events()

    # add a missed event from the document page: select its sentence
    page.goto("/documents/sample")
    _shown(page, "#cur-add")
    doc = api.get("/api/documents/sample")
    assert page.evaluate("() => document.querySelector('.doc-text').textContent") == doc["text"]
    sentence = "Beijing and Moscow signed a cooperation agreement in March 2020."
    start = doc["text"].index(sentence)
    page.evaluate(
        """([start, end]) => {
            const root = document.querySelector('.doc-text');
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            const range = document.createRange();
            let pos = 0, node;
            while ((node = walker.nextNode())) {
                const len = node.textContent.length;
                if (pos <= start && start < pos + len) range.setStart(node, start - pos);
                if (pos < end && end <= pos + len) range.setEnd(node, end - pos);
                pos += len;
            }
            const sel = window.getSelection();
            sel.removeAllRanges();
            sel.addRange(range);
            root.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
        }""",
        [start, start + len(sentence)],
    )
    _shown(page, "#add-type")
    page.select_option("#add-type", "meeting")
    page.fill("#add-trigger", "signed")
    page.fill("#add-pick-agents", "Beij")
    page.click("#add-pick-agents-list li[data-iri]")
    _shown(page, "#add-agents li")
    page.fill("#add-note", "a meeting the extractor missed")
    with page.expect_navigation():
        page.click("#add-save")
    added = [e for e in api.get("/api/events", limit=100)["events"] if e["type"] == "meeting"]
    assert len(added) == 1 and added[0]["sentence"] == sentence and added[0]["trigger"] == "signed"
    assert [a["name"] for a in added[0]["agents"]] == ["Beijing"]
    history = api.get(f"/api/curation/events/{added[0]['key']}")["corrections"]
    assert [(c["operation"], c["note"], c["curator"]) for c in history] == [
        ("add_event", "a meeting the extractor missed", "Browser Analyst")
    ]
    assert page.dialogs == [] and page.errors == []
