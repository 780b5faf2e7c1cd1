"""YASGUI opens in headless Chromium at /sparql, under the page's CSP, with nothing loaded from
elsewhere, and runs a query against this server."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.live import LiveServer

pytestmark = pytest.mark.browser
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


def wait_until(page: object, predicate: str) -> None:
    # page.evaluate runs through the DevTools protocol, outside the page's CSP (wait_for_function
    # would need 'unsafe-eval', which the page rightly refuses).
    for _ in range(300):
        if page.evaluate(predicate):  # type: ignore[attr-defined]
            return
        page.wait_for_timeout(100)  # type: ignore[attr-defined]
    raise AssertionError(f"never true: {predicate}")


def test_sparql_editor_runs_a_query_in_chromium(browser: object, live: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    problems: list[str] = []
    elsewhere: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    def route(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(live.url):
            route.continue_()  # type: ignore[attr-defined]
        else:
            elsewhere.append(url)
            route.abort()  # type: ignore[attr-defined]

    page.route("**/*", route)
    try:
        page.goto(live.url + "/sparql")
        page.wait_for_selector(".yasqe .CodeMirror", timeout=30_000)
        wait_until(page, "() => !document.querySelector('#examples').disabled")  # the named queries are listed
        query = (
            "PREFIX eg: <https://w3id.org/eventgraph#>\n"
            "SELECT ?event ?trigger WHERE { ?event eg:evidence/eg:trigger ?trigger } ORDER BY ?trigger"
        )
        page.evaluate("q => { window.eventgraphYasgui.getTab().setQuery(q); }", query)
        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr table tbody tr", timeout=30_000)
        cells = page.inner_text(".yasr table tbody")
        page.select_option("#examples", index=1)  # a named query opens in a new tab
        wait_until(page, "() => window.eventgraphYasgui.getTab().getQuery().includes('#+ summary')")
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "sparql-editor.png"), full_page=True)
    finally:
        context.close()
    assert "donated" in cells and "signed" in cells
    assert elsewhere == []  # YASGUI comes from this server, not a CDN
    assert problems == []  # no CSP violation, no script error
