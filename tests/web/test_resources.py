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
from service.web.sparql import evaluator_of
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
    evaluator_of(app).close()
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
