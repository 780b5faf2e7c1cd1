"""Every minted IRI resolves: HTML for browsers (escaped, with the event's evidence), RDF by conneg."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from service.config import Settings
from service.pipeline import ingest_paths
from service.rdf.iris import Iris
from service.store import Store, open_store
from service.web import create_app
from service.web.resources import href_for
from service.web.runtime import app_runtime
from tests.web.live import hostile_extraction, sample_extraction

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def path_of(iri: str, settings: Settings) -> str:
    return "/" + iri[len(settings.base_iri) :]


def event_iri(settings: Settings, n: int = 0, extraction=None) -> str:  # noqa: ANN001
    extraction = extraction or sample_extraction()
    e = extraction.events[n]
    return Iris(settings.base_iri).event(extraction.document.id, e.sentence_start, e.trigger_start, e.type)


def test_resources_event_page_shows_the_evidence_with_the_trigger_marked(loaded: Flask, web_settings: Settings) -> None:
    resp = loaded.test_client().get(path_of(event_iri(web_settings), web_settings), headers={"Accept": BROWSER})
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert 'On 3 February 2020 Tokyo <mark class="trigger">donated</mark> 10,000 masks to Wuhan.' in html
    assert 'href="/id/actor/Q1490"' in html and ">Tokyo</a>" in html  # local links, by label
    assert 'href="/id/document/sample"' in html
    assert "eg:AidDelivery" in html


def test_resources_pages_escape_everything(loaded: Flask, web_settings: Settings) -> None:
    client = loaded.test_client()
    event = client.get(
        path_of(event_iri(web_settings, 0, hostile_extraction()), web_settings), headers={"Accept": BROWSER}
    )
    html = event.get_data(as_text=True)
    assert "<script>alert" not in html and "<b>gloves" not in html
    assert (
        '&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; <mark class="trigger">donated</mark> &lt;b&gt;gloves' in html
    )
    document = client.get("/id/document/hostile", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "<script>alert" not in document and "<img src=x" not in document
    assert "&lt;img src=x onerror=alert(1)&gt;" in document


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", RdfFormat.TURTLE),
        ("application/ld+json", RdfFormat.JSON_LD),
        ("application/n-triples", RdfFormat.N_TRIPLES),
        ("application/rdf+xml", RdfFormat.RDF_XML),
        (None, RdfFormat.TURTLE),
    ],
)
def test_resources_rdf_by_content_negotiation(
    loaded: Flask, web_settings: Settings, accept: str | None, fmt: RdfFormat
) -> None:
    iri = event_iri(web_settings)
    headers = {"Accept": accept} if accept else {}
    resp = loaded.test_client().get(path_of(iri, web_settings), headers=headers)
    assert resp.status_code == 200
    assert resp.mimetype == fmt.media_type
    triples = list(parse(resp.data, fmt))
    subjects = {t.subject for t in triples}
    assert NamedNode(iri) in subjects
    assert NamedNode(iri + "/evidence") in subjects and NamedNode(iri + "/time") in subjects  # its parts too


def test_resources_format_parameter(loaded: Flask, web_settings: Settings) -> None:
    resp = loaded.test_client().get("/id/actor/Q1490?format=jsonld", headers={"Accept": BROWSER})
    assert resp.mimetype == "application/ld+json"
    assert loaded.test_client().get("/id/actor/Q1490?format=csv").status_code == 406


def test_resources_actor_and_document_pages(loaded: Flask) -> None:
    client = loaded.test_client()
    actor = client.get("/id/actor/Q1490", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "<h1>Tokyo</h1>" in actor
    assert 'href="http://www.wikidata.org/entity/Q1490"' in actor
    assert "Linked from" in actor and "/id/event/sample-" in actor
    document = client.get("/id/document/sample", headers={"Accept": BROWSER})
    assert document.status_code == 200 and "<h1>Masks for Wuhan</h1>" in document.get_data(as_text=True)


def test_resources_unknown_iri_is_404(loaded: Flask) -> None:
    assert loaded.test_client().get("/id/actor/nobody").status_code == 404
    assert loaded.test_client().get("/id/actor/nobody", headers={"Accept": BROWSER}).mimetype == "text/html"


def minted(store: Store, base: str) -> list[str]:
    """Every IRI under ``{base}id/`` that the store mentions as a subject or an object."""
    # The prefix is written as a term by pyoxigraph (never pasted as a string); a substitution would
    # not do on the remote backend, where it binds only what the pattern binds (see Store.query).
    rows = store.query(
        "SELECT DISTINCT ?x WHERE { { ?x ?p ?o } UNION { ?s ?p ?x } "
        f"FILTER(isIRI(?x) && STRSTARTS(STR(?x), {Literal(base + 'id/')})) }}"
    )
    return sorted(row["x"].value for row in rows)  # type: ignore[union-attr]


def test_resources_every_minted_iri_resolves(loaded: Flask, web_settings: Settings, web_store: Store) -> None:
    client = loaded.test_client()
    iris = minted(web_store, web_settings.base_iri)
    assert len(iris) > 20
    for iri in iris:
        for accept in ("text/turtle", BROWSER):
            resp = client.get(path_of(iri, web_settings), headers={"Accept": accept})
            assert resp.status_code == 200, (iri, accept)


@pytest.fixture(scope="module")
def seeded_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, Settings, Store]]:
    settings = Settings(store=str(tmp_path_factory.mktemp("seeded") / "store"), base_iri="http://localhost:8000/")
    store = open_store(settings.store)
    report = ingest_paths([SEEDS], store, settings)
    assert report.documents == 2
    app = create_app(settings, store=store)
    yield app, settings, store
    app_runtime(app).close()
    store.close()


def test_resources_every_iri_minted_from_the_seeds_resolves(seeded_app: tuple[Flask, Settings, Store]) -> None:
    app, settings, store = seeded_app
    client = app.test_client()
    iris = minted(store, settings.base_iri)
    assert any("/id/event/" in iri for iri in iris)
    for iri in iris:
        resp = client.get(path_of(iri, settings), headers={"Accept": BROWSER})
        assert resp.status_code == 200, iri
        assert "<script>" not in resp.get_data(as_text=True).split("</main>")[0].split("<main>")[1]


# ---- the human pages: actors, events, aid categories ------------------------------------------


def test_resources_actor_page_lists_its_events_by_date(loaded: Flask, web_settings: Settings) -> None:
    html = loaded.test_client().get("/id/actor/Q1490", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "<h1>Tokyo</h1>" in html
    assert 'href="https://www.wikidata.org/wiki/Q1490"' in html  # the Wikidata item, for a reader
    row = html.split(f'data-key="sample-{event_iri(web_settings).rsplit("-", 1)[1]}"')[1].split("</li>")[0]
    assert '<time datetime="2020-02-03">3 February 2020</time>' in row
    assert ">Aid delivery</a>" in row and "as agent" in row
    assert '<a href="/id/actor/Q11746">Wuhan</a> <span class="small muted">(recipient)</span>' in row
    assert "Aid: 10,000 masks (USD 5,000)" in row
    assert 'Tokyo <mark class="trigger">donated</mark> 10,000 masks' in row
    assert 'href="/documents/sample#s-' in row  # the sentence in the document
    # counts by type, a link to the timeline filtered on the actor, the raw triples behind a disclosure
    assert (
        '<a class="button timeline-link" href="/timeline?actor=http%3A%2F%2Flocalhost%3A8000%2Fid%2Factor%2FQ1490">'
        in html
    )
    assert html.index('<details class="raw"') < html.index("sem:hasActor")


def test_resources_actor_page_names_roles_and_undated_events(loaded: Flask) -> None:
    client = loaded.test_client()
    html = client.get("/id/actor/Q956", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "1 — 1 as agent" in html and ">March 2020</time>" in html and "Cooperation agreement" in html
    assert '<a href="/id/actor/Q649">Moscow</a> <span class="small muted">(agent)</span>' in html
    # the hostile document's actor: an undated event, every string escaped
    hostile = client.get("/id/actor/tokyo-i", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "<h1>Tokyo &lt;i&gt;</h1>" in hostile and ">undated</time>" in hostile
    assert "<script>alert" not in hostile and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in hostile


def test_resources_event_page_is_for_a_reader(loaded: Flask, web_settings: Settings) -> None:
    html = loaded.test_client().get(path_of(event_iri(web_settings), web_settings), headers={"Accept": BROWSER})
    text = html.get_data(as_text=True)
    assert '<time datetime="2020-02-03">3 February 2020</time>' in text and "precision: day" in text
    assert "<dt>Agents</dt>" in text and '<a href="/id/actor/Q1490">Tokyo</a>' in text
    assert "<dt>Recipients</dt>" in text and '<a href="/id/actor/Q11746">Wuhan</a>' in text
    assert "10,000 masks (USD 5,000)" in text and 'href="/category/masks"' in text
    assert 'href="/documents/sample#s-' in text and 'href="/id/document/sample"' in text
    assert 'href="/timeline?event=sample-' in text


def test_resources_category_page_lists_items_and_events(loaded: Flask) -> None:
    client = loaded.test_client()
    html = client.get("/category/masks", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "<h1>masks</h1>" in html and "1 in 1 events" in html
    assert '<time datetime="2020-02-03">3 February 2020</time>' in html and "Aid: 10,000 masks" in html
    assert "https://w3id.org/eventgraph/category/masks" in html
    turtle = client.get("/category/masks", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"
    assert NamedNode("https://w3id.org/eventgraph/category/masks") in {
        t.subject for t in parse(turtle.data, RdfFormat.TURTLE)
    }
    assert client.get("/category/no-such-thing", headers={"Accept": BROWSER}).status_code == 404


# ---- links: IRIs under the base IRI point at the host the page was asked from ----------------


def test_resources_href_rule() -> None:
    base = "https://data.example.org/eg/"
    assert href_for(base + "id/actor/Q956", base) == "/id/actor/Q956"
    assert href_for(base + "id/actor/Q956", base, "/mounted") == "/mounted/id/actor/Q956"
    assert href_for("https://w3id.org/eventgraph/category/masks", base) == "/category/masks"
    assert href_for("http://www.wikidata.org/entity/Q956", base) == "http://www.wikidata.org/entity/Q956"
    assert href_for("javascript:alert(1)", base) is None and href_for("urn:x:y", base) is None


def test_resources_links_follow_the_script_root(loaded: Flask) -> None:
    """Served under a path prefix (SCRIPT_NAME), links to IRIs keep the prefix and never name the base's host."""
    resp = loaded.test_client().get(
        "/id/actor/Q1490", headers={"Accept": BROWSER}, base_url="http://127.0.0.1:9000/eventgraph/"
    )
    html = resp.get_data(as_text=True)
    assert 'href="/eventgraph/id/event/sample-' in html and 'href="/eventgraph/id/actor/Q11746"' in html
    assert 'href="http://localhost:8000' not in html
