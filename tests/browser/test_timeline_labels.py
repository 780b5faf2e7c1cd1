"""The timeline's labels, its uncertain dates and its links, in headless Chromium over the seeds.

Labels say who did what (built by ``service.timeline.labels``, the same in the API and the
page), uncertain events are labelled points over a light band at every zoom, and every link of
the detail panel answers on the server that served the page, which is not the base IRI's host.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
import requests

from .test_timeline import api, clean, open_timeline, wait_until

pytestmark = pytest.mark.browser

BASE_IRI = "http://localhost:8000/"  # the live server's base IRI (tests/browser/conftest.py)
SEED_004 = "004_0b827a61c6374308"
# The README's example event of seed 004: 24 sister cities gave Beijing masks, gowns, gloves, imagers.
SISTER_CITIES_AID = "24 sister cities → Beijing · ~100,000 masks, 5,000 protective gowns +2 more"

POINT_LABELS = """els => els.map(e => ({
  key: e.dataset.key,
  uncertain: e.classList.contains('uncertain'),
  label: (e.querySelector('.item-label') || {textContent: ''}).textContent,
  width: (e.querySelector('.item-label') || {getBoundingClientRect: () => ({width: 0})}).getBoundingClientRect().width,
}))"""


def points(page) -> list[dict]:  # noqa: ANN001
    return page.eval_on_selector_all(".vis-item.vis-point[data-key]", POINT_LABELS)


def dated_events(live_server: str) -> dict[str, dict]:
    return {e["key"]: e for e in api(live_server, "/api/events?limit=1000")["events"] if e["date"]["earliest"]}


def certain(event: dict) -> bool:
    d = event["date"]
    return d["precision"] == "day" and d["earliest"] == d["latest"]


def test_timeline_labels_name_actors_and_aid(page, live_server: str, output_dir: Path) -> None:  # noqa: ANN001
    open_timeline(page)
    events = dated_events(live_server)
    drawn = {p["key"]: p["label"] for p in points(page)}
    assert set(drawn) == set(events)
    assert SISTER_CITIES_AID in drawn.values()
    triggers = {e["trigger"].lower() for e in events.values()}
    for key, label in drawn.items():
        assert label == events[key]["label"], key  # the page shows the API's label
        assert label.lower() not in triggers and " · " in label, label  # never a bare verb
        assert not label.endswith(": " + events[key]["trigger"]), label
    # the detail panel's title and the item's tooltip say the same
    key = next(k for k, label in drawn.items() if label == SISTER_CITIES_AID)
    page.click(f".vis-item.vis-point[data-key='{key}'] .item-label")
    page.wait_for_selector("#detail:not([hidden]) blockquote.evidence")
    assert page.text_content("#detail h2") == SISTER_CITIES_AID
    page.screenshot(path=str(output_dir / "timeline-labels.png"))
    clean(page)


def bands(page) -> dict[str, dict]:  # noqa: ANN001
    return {
        b["key"]: b
        for b in page.eval_on_selector_all(
            ".vis-item.vis-background.band",  # vis-timeline puts a background item's data attributes on its content
            "els => els.map(e => { const r = e.getBoundingClientRect(); return "
            "{key: e.querySelector('[data-band]').dataset.band, left: r.left, right: r.right, height: r.height}; })",
        )
    }


def dots(page) -> dict[str, float]:  # noqa: ANN001
    """Each drawn point's key → the x of its day (vis-timeline starts the point's box there, dot centred on it)."""
    return page.eval_on_selector_all(
        ".vis-item.vis-point[data-key]",
        "els => Object.fromEntries(els.map(e => [e.dataset.key, e.getBoundingClientRect().left]))",
    )


@pytest.mark.parametrize(
    "window",
    [
        "",  # the page's first view: the extent of the events, January to October 2020
        "?from=2019-12-01&to=2020-12-31",
        "?from=2012-01-01&to=2027-12-31",  # sixteen years: the seeds' spans are a few pixels wide
    ],
)
def test_timeline_uncertain_events_are_labelled_points_over_bands(
    page,  # noqa: ANN001
    live_server: str,
    output_dir: Path,
    window: str,
) -> None:
    open_timeline(page, "/timeline" + window)
    events = dated_events(live_server)
    uncertain = {k for k, e in events.items() if not certain(e)}
    assert len(uncertain) > 40  # the seeds' dates are ranges: "as of now", since the outbreak
    drawn = {p["key"]: p for p in points(page)}
    assert set(drawn) == set(events)  # every event is a point, none clustered away
    assert page.locator(".vis-item.vis-range[data-key]").count() == 0  # no event drawn as a bar
    assert {k for k, p in drawn.items() if p["uncertain"]} == uncertain
    for key in uncertain:  # every label whole and readable, however narrow the span
        assert drawn[key]["label"] == events[key]["label"]
        assert drawn[key]["width"] >= 0.8 * 5 * len(events[key]["label"]), (key, drawn[key])
    spans = bands(page)
    assert set(spans) == uncertain  # each uncertain event has its band; no band for a day
    x = dots(page)
    for key in uncertain:
        band = spans[key]
        assert band["height"] > 100  # a background band, the height of the timeline
        # the point sits at the latest day: the band's right edge is the end of that day
        day = (band["right"] - band["left"]) / (
            (_day(events[key]["date"]["latest"]) - _day(events[key]["date"]["earliest"])) + 1
        )
        assert abs(x[key] - (band["right"] - day)) <= max(day, 2) + 2, (key, x[key], band)
    key_text = " ".join(page.text_content("#date-key").split())
    assert "known to the day" in key_text and "uncertain" in key_text and "band" in key_text
    assert "latest" in key_text
    page.screenshot(path=str(output_dir / f"timeline-uncertain{len(window)}.png"))
    clean(page)


def _day(iso: str) -> int:
    from datetime import date

    return date.fromisoformat(iso).toordinal()


def test_timeline_selected_event_band_stands_out(page, live_server: str) -> None:  # noqa: ANN001
    events = dated_events(live_server)
    key = next(k for k, e in events.items() if e["label"] == SISTER_CITIES_AID)
    open_timeline(page, f"/timeline?event={key}")
    page.wait_for_selector("#detail:not([hidden]) blockquote.evidence")
    wait_until(page, f"!!document.querySelector(\".band.active [data-band='{key}']\")")
    assert page.locator(".band.active").count() == 1
    page.click("#detail .close")
    wait_until(page, "!document.querySelector('.band.active')")
    clean(page)


def test_timeline_detail_links_answer_on_the_serving_host(page, live_server: str) -> None:  # noqa: ANN001
    served = urlsplit(live_server)
    assert f"{served.scheme}://{served.netloc}/" != BASE_IRI  # served elsewhere than the base IRI
    events = [e for e in dated_events(live_server).values() if e["document"]["id"] == SEED_004]
    assert events
    checked = 0
    for event in events[:8] + [e for e in events if e["label"] == SISTER_CITIES_AID]:
        open_timeline(page, f"/timeline?event={event['key']}")
        page.wait_for_selector("#detail:not([hidden]) blockquote.evidence")
        hrefs = page.eval_on_selector_all("#detail a[href]", "els => els.map(a => a.href)")
        actors = [a for role in ("agents", "recipients", "participants", "places") for a in event[role]]
        # the event, its document (page and IRI), each actor: all linked
        assert len(hrefs) >= 5 + len(actors), hrefs
        for href in hrefs:
            assert not href.startswith(BASE_IRI), href
            if href.startswith("https://www.wikidata.org/wiki/Q"):
                continue  # an actor's Wikidata item: outside this server, never fetched by the tests
            assert urlsplit(href).netloc == served.netloc, href
            resp = requests.get(urldefrag(href).url, timeout=10, headers={"Accept": "text/html"})
            assert resp.status_code == 200, (href, resp.status_code)
            checked += 1
        for a in actors:
            local = "/" + a["iri"][len(BASE_IRI) :]
            assert page.locator(f"#detail .actors a[href='{local}']").count() >= 1, a
    assert checked > 40
    clean(page)
