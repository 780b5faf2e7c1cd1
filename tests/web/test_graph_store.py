"""The Graph Store HTTP Protocol: indirect (?graph=, ?default) and direct (/graph/…) identification,
every method, content negotiation, and writes that need the token and change nothing when refused."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pyoxigraph import RdfFormat, parse

from service.config import Settings
from tests.web.live import AUTH

TURTLE = "text/turtle; charset=utf-8"
DATA = '@prefix ex: <http://ex/> . ex:a ex:p ex:b ; ex:name "A" . ex:b ex:p [ ex:q 1 ] .'
GRAPH = "/graph-store?graph=http%3A%2F%2Fex%2Fg"


def triples(resp) -> int:  # noqa: ANN001
    return len(list(parse(resp.data, RdfFormat.from_media_type(resp.mimetype))))  # type: ignore[arg-type]


def test_graph_store_put_get_post_delete(client: FlaskClient) -> None:
    assert client.get(GRAPH).status_code == 404
    assert client.put(GRAPH, data=DATA, content_type=TURTLE, headers=AUTH).status_code == 201
    got = client.get(GRAPH, headers={"Accept": "text/turtle"})
    assert got.status_code == 200 and got.content_type == TURTLE and triples(got) == 4
    assert (
        client.put(GRAPH, data="<http://ex/x> <http://ex/p> 2 .", content_type=TURTLE, headers=AUTH).status_code == 204
    )
    assert triples(client.get(GRAPH)) == 1
    more = '<http://ex/y> <http://ex/p> "3" .'
    assert client.post(GRAPH, data=more, content_type="application/n-triples", headers=AUTH).status_code == 204
    assert triples(client.get(GRAPH, headers={"Accept": "application/n-triples"})) == 2
    head = client.head(GRAPH, headers={"Accept": "application/ld+json"})
    assert head.status_code == 200 and head.content_type == "application/ld+json" and head.data == b""
    assert client.delete(GRAPH, headers=AUTH).status_code == 204
    assert client.get(GRAPH).status_code == 404
    assert client.head(GRAPH).status_code == 404
    assert client.delete(GRAPH, headers=AUTH).status_code == 404


def test_graph_store_default_graph(client: FlaskClient) -> None:
    assert triples(client.get("/graph-store?default")) == 0
    assert client.put("/graph-store?default", data=DATA, content_type=TURTLE, headers=AUTH).status_code in (200, 204)
    assert triples(client.get("/graph-store?default")) == 4
    assert client.delete("/graph-store?default", headers=AUTH).status_code == 204
    assert triples(client.get("/graph-store?default")) == 0


@pytest.mark.parametrize(
    ("media_type", "body"),
    [
        (TURTLE, "@prefix ex: <http://ex/> . ex:a ex:p ."),
        ("application/n-triples", "<http://ex/a> <http://ex/p> ."),
        ("application/rdf+xml", "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Desc"),
        ("application/ld+json", '{"@id": "http://ex/a", "http://ex/p": '),
    ],
)
def test_graph_store_broken_body_is_400_and_changes_nothing(client: FlaskClient, media_type: str, body: str) -> None:
    assert client.put(GRAPH, data=DATA, content_type=TURTLE, headers=AUTH).status_code == 201
    for method in (client.put, client.post):
        resp = method(GRAPH, data=body, content_type=media_type, headers=AUTH)
        assert resp.status_code == 400, resp.data
        assert "not valid" in resp.get_data(as_text=True)
    assert triples(client.get(GRAPH)) == 4


def test_graph_store_refuses_other_media_types_with_415(client: FlaskClient) -> None:
    resp = client.put(GRAPH, data="a,b", content_type="text/csv", headers=AUTH)
    assert resp.status_code == 415
    assert "text/turtle" in resp.get_data(as_text=True)


def test_graph_store_writes_need_the_token(client: FlaskClient) -> None:
    assert client.put(GRAPH, data=DATA, content_type=TURTLE).status_code == 401
    assert client.post(GRAPH, data=DATA, content_type=TURTLE, headers={"Authorization": "Bearer x"}).status_code == 403
    assert client.delete("/graph-store?default").status_code == 401
    assert client.get(GRAPH).status_code == 404


def test_graph_store_post_creates_a_graph_and_says_where(client: FlaskClient, web_settings: Settings) -> None:
    resp = client.post("/graph-store", data=DATA, content_type=TURTLE, headers=AUTH)
    assert resp.status_code == 201
    location = resp.headers["Location"]
    assert location.startswith(f"{web_settings.base_iri}graph/upload/")
    assert triples(client.get("/graph-store", query_string={"graph": location})) == 4
    direct = location[len(web_settings.base_iri) - 1 :]
    assert triples(client.get(direct, headers={"Accept": "application/n-triples"})) == 4


def test_graph_store_multipart_post_merges_every_part(client: FlaskClient) -> None:
    files = {
        "a": (io.BytesIO(b'<http://ex/s> <http://ex/p> "1" .'), "a.nt", "application/n-triples"),
        "b": (io.BytesIO(b"<http://ex/s> <http://ex/p> 2 ."), "b.ttl", "text/turtle"),
    }
    resp = client.post(GRAPH, data=files, content_type="multipart/form-data", headers=AUTH)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert triples(client.get(GRAPH)) == 2


def test_graph_store_direct_identification_of_document_graphs(loaded: Flask) -> None:
    client = loaded.test_client()
    resp = client.get("/graph/document/sample", headers={"Accept": "application/n-triples"})
    assert resp.status_code == 200 and triples(resp) > 20
    page = client.get("/graph/document/sample", headers={"Accept": "text/html"})
    assert page.mimetype == "text/html" and "id/document/sample" in page.get_data(as_text=True)
    hostile = client.get("/graph/document/hostile", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<script>alert" not in hostile and "&lt;script&gt;" in hostile
    assert client.get("/graph/document/missing").status_code == 404
    assert client.get("/graph-store").status_code == 400
