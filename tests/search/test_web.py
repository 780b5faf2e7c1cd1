"""The index through the HTTP API and the pages: hostile words, highlighting, the writes that keep it
in step (POST /documents, a Graph Store DELETE) and those that make it stale (a SPARQL update)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from service.search import highlight
from service.timeline.filters import EventFilter
from service.web import create_app
from service.web.runtime import app_runtime
from tests.search.conftest import Indexed
from tests.web.live import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}
HOSTILE = [
    '"',
    '""',
    '"masks',
    "masks\"'",
    "*",
    "mask*",
    "NEAR(",
    "NEAR(masks gloves)",
    "OR",
    "masks OR gloves",
    "masks AND",
    "NOT masks",
    "text:masks",
    "^masks",
    "(masks",
    "{masks}",
    "[m]asks",
    "m?sks",
    "%",
    "_",
    "\\",
    "'; DROP TABLE own; --",
    '") } } DROP ALL ; #',
    "x\x00y",
    "masks\x1fthe",
    "m" * 200,
    "é",
    "<script>",
]


@pytest.fixture
def client(seeded_index: Indexed) -> Iterator[FlaskClient]:
    app = create_app(replace(seeded_index.settings, token=TOKEN, query_timeout=20), store=seeded_index.store)
    yield app.test_client()
    app_runtime(app).close()


def events(client: FlaskClient, q: str, extra: str = "") -> tuple[list[str], dict[str, object]]:
    resp = client.get(f"/api/events?q={quote(q)}&limit=1000{extra}")
    assert resp.status_code == 200, (q, resp.get_json())
    body = resp.get_json()
    return [e["iri"] for e in body["events"]], body["search"]


def test_hostile_words_are_searched_for_as_they_are(client: FlaskClient, seeded_index: Indexed) -> None:
    for q in HOSTILE:
        found, how = events(client, q)
        assert how == {"index": True, "note": None}, q
        assert sorted(found) == sorted(seeded_index.found(EventFilter(q=q.strip()), index=False)), q
    assert events(client, "masks")[0]  # and the same route does find what is there


def test_words_over_the_limit_are_refused_naming_it(client: FlaskClient) -> None:
    resp = client.get("/api/events?q=" + "m" * 10_000)
    assert resp.status_code == 400
    assert "at most 200" in resp.get_json()["error"]


def test_a_window_keeps_date_order_and_no_window_ranks(client: FlaskClient, seeded_index: Indexed) -> None:
    ranked, _ = events(client, "masks")
    dated, _ = events(client, "masks", "&start=2020-01-01&end=2020-12-31")
    assert sorted(ranked) == sorted(dated)
    assert dated == seeded_index.found(EventFilter(q="masks"), index=False)[: len(dated)]  # the scan's date order
    # Pages follow one another without gaps or repeats, in both orders.
    for extra in ("", "&start=2020-01-01&end=2020-12-31"):
        seen: list[str] = []
        url = f"/api/events?q=the&limit=7{extra}"
        while url:
            body = client.get(url).get_json()
            seen += [e["iri"] for e in body["events"]]
            url = body["links"]["next"]
        assert sorted(seen) == sorted(events(client, "the", extra)[0]) and len(seen) == len(set(seen))


def test_a_sparql_update_makes_the_index_stale_and_searches_scan(client: FlaskClient, seeded_index: Indexed) -> None:
    before, _ = events(client, "masks")
    resp = client.post(
        "/sparql", data={"update": "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> 'c' } }"}, headers=AUTH
    )
    assert resp.status_code == 204
    state = seeded_index.index.state()
    assert not state.usable and "SPARQL update" in state.reason
    found, how = events(client, "masks")
    assert sorted(found) == sorted(before)
    assert how["index"] is False and "eventgraph search rebuild" in str(how["note"])
    seeded_index.index.rebuild(seeded_index.store)
    assert events(client, "masks")[1]["index"] is True


def test_post_documents_and_graph_store_delete_keep_it_in_step(client: FlaskClient, seeded_index: Indexed) -> None:
    text = (
        "The Government of Japan sent 5,000 blankets and quokkablankets to Tonga on 18 January 2022 after the eruption."
    )
    resp = client.post("/documents?name=tonga.txt", data=text.encode(), content_type="text/plain", headers=AUTH)
    assert resp.status_code == 201
    found, how = events(client, "quokkablanket")
    assert found and how["index"] is True
    graph = resp.get_json()["graph"]
    assert client.delete(f"/graph-store?graph={quote(graph)}", headers=AUTH).status_code == 204
    found, how = events(client, "quokkablanket")
    assert found == [] and how["index"] is True
    assert seeded_index.index.differences(seeded_index.store) is None


def test_the_document_page_marks_the_words_escaped(client: FlaskClient, seeded_index: Indexed) -> None:
    iri = seeded_index.found(EventFilter(q="masks"))[0]
    doc_id = seeded_index.iris.doc_id_of(iri)
    html = client.get(f"/documents/{quote(doc_id or '', safe='')}?q=MASKS").get_data(as_text=True)
    assert '<mark class="hit">masks</mark>' in html
    hostile = client.get(f"/documents/{quote(doc_id or '', safe='')}?q=%3Cscript%3E").get_data(as_text=True)
    assert "<script>" not in hostile.split("<main", 1)[1] and "&lt;script&gt;" in hostile


def test_highlight_cuts_the_text_where_it_holds_the_words() -> None:
    assert highlight("Masks and more MASKS.", "masks") == [
        ("Masks", True),
        (" and more ", False),
        ("MASKS", True),
        (".", False),
    ]
    assert highlight("a.b", ".") == [("a", False), (".", True), ("b", False)]
    assert highlight("text", None) == [("text", False)]
    assert highlight("", "x") == []
