"""The query editor at /sparql in headless Chromium, 1400×900, over the seeds: it opens on a short
query that runs as it stands, shows literals as values (no datatype IRIs in the cells), keeps the
results table within the page, and opens the named queries with their defaults bound."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from service.rdf.iris import Iris
from service.web.editor import STARTER

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 1400, 900
BEIJING = Iris("http://localhost:8000/").actor("Beijing", "Q956")


@pytest.fixture
def editor(browser: object, live_server: str) -> Iterator[object]:
    """The editor page, loaded; fails the test on a dialog (injected script) or a script error."""
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, base_url=live_server)  # type: ignore[attr-defined]
    page = context.new_page()
    problems: list[str] = []
    page.on("dialog", lambda dialog: (problems.append("dialog: " + dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto("/sparql")
    page.wait_for_selector(".yasqe .CodeMirror", timeout=30_000)
    wait_until(page, "() => !document.querySelector('#examples').disabled")  # the configuration came
    yield page
    context.close()
    assert problems == []


def wait_until(page: object, predicate: str) -> None:
    # page.evaluate runs outside the page's CSP (wait_for_function would need 'unsafe-eval').
    for _ in range(300):
        if page.evaluate(predicate):  # type: ignore[attr-defined]
            return
        page.wait_for_timeout(100)  # type: ignore[attr-defined]
    raise AssertionError(f"never true: {predicate}")


def run_current_tab(page: object) -> list[dict[str, str]]:
    """Press the visible run button; the rows of the table drawn, as header → cell text."""
    page.locator(".tabPanel.active .yasqe_queryButton").click()  # type: ignore[attr-defined]
    page.wait_for_selector(".tabPanel.active .yasr table tbody tr td:nth-child(2)", timeout=30_000)  # type: ignore[attr-defined]
    rows: list[dict[str, str]] = page.evaluate(  # type: ignore[attr-defined]
        """() => {
          const table = document.querySelector('.tabPanel.active .yasr table');
          const heads = Array.from(table.querySelectorAll('thead th')).map((th) => th.textContent.trim());
          return Array.from(table.querySelectorAll('tbody tr')).map((tr) =>
            Object.fromEntries(Array.from(tr.children).map((td, i) => [heads[i] || '#', td.textContent.trim()])));
        }"""
    )
    return rows


def widths(page: object) -> dict[str, float]:
    """How wide the page and the visible results are, against the viewport."""
    found: dict[str, float] = page.evaluate(  # type: ignore[attr-defined]
        """() => {
          const table = document.querySelector('.tabPanel.active .yasr table');
          const box = table.closest('.yasr').getBoundingClientRect();
          return {viewport: window.innerWidth, page: document.documentElement.scrollWidth,
                  table: table.getBoundingClientRect().width, results_right: box.right};
        }"""
    )
    return found


def test_editor_opens_on_a_runnable_query_and_shows_a_table_of_values(editor: object, output_dir: Path) -> None:
    query = editor.evaluate("() => window.eventgraphYasgui.getTab().getQuery()")  # type: ignore[attr-defined]
    assert query.strip() == STARTER.strip() and query.count("PREFIX") == 2  # not a wall of prefixes
    rows = run_current_tab(editor)
    editor.screenshot(path=str(output_dir / "sparql-editor-first-query.png"), full_page=True)  # type: ignore[attr-defined]
    assert list(rows[0])[1:] == ["date", "donor", "recipient", "item", "quantity", "unit"]
    masks = [r for r in rows if r["item"] == "masks" and r["recipient"] == "Beijing" and "sister" in r["donor"]]
    assert [(r["quantity"], r["date"]) for r in masks] == [("100000", "2020-01-01")]  # values, not "100000"^^<…>
    cells = editor.evaluate(  # type: ignore[attr-defined]
        "() => Array.from(document.querySelectorAll('.tabPanel.active .yasr tbody td')).map((td) => td.innerText)"
    )
    assert cells and not [c for c in cells if "^^" in c or "XMLSchema#" in c or c.startswith('"')]
    typed = editor.evaluate(  # type: ignore[attr-defined]
        "() => Array.from(document.querySelectorAll('.tabPanel.active .yasr tbody td .literal')).map((e) => e.title)"
    )
    assert {"xsd:date", "xsd:decimal"} <= set(typed)  # the datatype is one hover away
    size = widths(editor)
    assert size["table"] <= size["viewport"] and size["page"] <= size["viewport"], size


def test_editor_named_query_runs_with_its_default_and_fits_the_page(editor: object, output_dir: Path) -> None:
    editor.select_option("#examples", label="The documents that mention an actor")  # type: ignore[attr-defined]
    wait_until(editor, "() => window.eventgraphYasgui.getTab().getQuery().includes('#+ summary')")
    rows = run_current_tab(editor)
    # the default actor (Q956, Beijing) is bound: its two documents (a seed and the hostile one),
    # not every actor-document pair
    assert [r["_actor_iri"] for r in rows] == [f"<{BEIJING}>"] * 2
    assert {r["documentId"] for r in rows} == {"004_0b827a61c6374308", "hostile"}
    editor.select_option("#examples", label="Every event of an actor")  # type: ignore[attr-defined]  # 11 columns
    wait_until(editor, "() => window.eventgraphYasgui.getTab().getQuery().includes('Every event of an actor')")
    rows = run_current_tab(editor)
    editor.screenshot(path=str(output_dir / "sparql-editor-wide-result.png"), full_page=True)  # type: ignore[attr-defined]
    assert rows and {r["_actor_iri"] for r in rows} == {f"<{Iris('http://localhost:8000/').actor('China', 'Q148')}>"}
    size = widths(editor)
    assert size["page"] <= size["viewport"] and size["results_right"] <= size["viewport"], size


def test_editor_sends_a_query_by_get_and_a_long_one_by_post(editor: object) -> None:
    """A GET can be answered by any server process and revalidated with its ETag; a query whose URL
    would be too long for proxies on the way goes by POST, and both are answered."""

    def sent_with(query: str) -> tuple[str, int, list[dict[str, str]]]:
        editor.evaluate("(q) => { window.eventgraphYasgui.getTab().setQuery(q); }", query)  # type: ignore[attr-defined]
        with editor.expect_response(lambda r: "/sparql" in r.url and "editor.json" not in r.url) as answer:  # type: ignore[attr-defined]
            rows = run_current_tab(editor)
        return answer.value.request.method, answer.value.status, rows

    method, status, rows = sent_with(STARTER)
    assert (method, status) == ("GET", 200) and rows
    long_query = STARTER + "\n# " + "x" * 7000 + "\n"  # a comment: the same query, a long text
    method, status, rows = sent_with(long_query)
    assert (method, status) == ("POST", 200) and rows
