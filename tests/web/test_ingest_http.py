"""POST /documents: text, HTML or multipart files in, 201 with the IRI and the events out; the same
idempotency as the CLI; the token is required; queries see the new documents at once."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask.testing import FlaskClient

import service.pipeline  # noqa: F401  (the views load it on the first ingest: a broken import fails here)
from service.config import Settings
from service.store import Store
from service.web import create_app
from service.web.runtime import app_runtime
from tests.web.live import AUTH, TOKEN

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
TEXT = (
    "Masks for Wuhan\n\nFebruary 4, 2020\n\n"
    "On 3 February 2020 the city of Tokyo donated 10,000 masks to Wuhan. "
    "Beijing and Moscow signed a cooperation agreement in March 2020.\n"
)


def documents(client: FlaskClient) -> int:
    query = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a <https://w3id.org/eventgraph#Document> }"
    resp = client.get("/sparql", query_string={"query": query})
    return int(resp.get_json(force=True)["results"]["bindings"][0]["n"]["value"])


def test_ingest_http_text_is_created_then_unchanged_then_replaced(client: FlaskClient, web_settings: Settings) -> None:
    first = client.post("/documents?name=masks.txt", data=TEXT, content_type="text/plain", headers=AUTH)
    assert first.status_code == 201, first.get_data(as_text=True)
    body = first.get_json()
    assert body["status"] == "added" and body["id"] == "masks"
    assert body["iri"] == f"{web_settings.base_iri}id/document/masks" == first.headers["Location"]
    assert body["events"] and all(
        e["iri"].startswith(f"{web_settings.base_iri}id/event/masks-") for e in body["events"]
    )
    assert {"type", "trigger", "sentence"} <= set(body["events"][0])
    again = client.post("/documents?name=masks.txt", data=TEXT, content_type="text/plain", headers=AUTH)
    assert again.status_code == 200 and again.get_json()["status"] == "unchanged"
    assert sorted(e["iri"] for e in again.get_json()["events"]) == sorted(e["iri"] for e in body["events"])
    changed = client.post("/documents?name=masks.txt", data=TEXT + "More.\n", content_type="text/plain", headers=AUTH)
    assert changed.status_code == 200 and changed.get_json()["status"] == "replaced"
    assert documents(client) == 1  # and the query workers see it


def test_ingest_http_unnamed_body_is_named_by_its_content(client: FlaskClient) -> None:
    html = f"<html><head><title>Masks</title></head><body><article><p>{TEXT}</p></article></body></html>"
    first = client.post("/documents", data=html, content_type="text/html; charset=utf-8", headers=AUTH)
    assert first.status_code == 201, first.get_data(as_text=True)
    second = client.post("/documents", data=html, content_type="text/html; charset=utf-8", headers=AUTH)
    assert second.status_code == 200 and second.get_json()["id"] == first.get_json()["id"]


@pytest.mark.parametrize(
    ("disposition", "doc_id"),
    [
        ('attachment; filename="masks.txt"', "masks"),
        ("inline; FILENAME=tokyo.txt", "tokyo"),
        ('attachment; filename="a;b.txt"', "a_b"),  # a quoted ';' is part of the name
        ("attachment; filename*=UTF-8''wuhan%20aid.txt", "wuhan_aid"),  # RFC 6266 / 8187
        ('attachment; filename=""', None),  # no name: named by its content
    ],
)
def test_ingest_http_body_is_named_by_its_content_disposition(
    client: FlaskClient, disposition: str, doc_id: str | None
) -> None:
    headers = {**AUTH, "Content-Disposition": disposition}
    resp = client.post("/documents", data=TEXT, content_type="text/plain", headers=headers)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    got = resp.get_json()["id"]
    assert got == doc_id if doc_id else got.startswith("upload-")


def test_ingest_http_multipart_files(client: FlaskClient) -> None:
    files = {
        path.name: (io.BytesIO(path.read_bytes()), path.name, "text/plain") for path in sorted(SEEDS.glob("*.txt"))
    }
    resp = client.post("/documents", data=files, content_type="multipart/form-data", headers=AUTH)
    assert resp.status_code == 201
    statuses = [d["status"] for d in resp.get_json()["documents"]]
    assert statuses == ["added", "added"]
    assert documents(client) == 2


def test_ingest_http_needs_the_token_and_stores_nothing_without_it(client: FlaskClient) -> None:
    assert client.post("/documents", data=TEXT, content_type="text/plain").status_code == 401
    wrong = {"Authorization": "Bearer wrong"}
    assert client.post("/documents", data=TEXT, content_type="text/plain", headers=wrong).status_code == 403
    assert documents(client) == 0


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (b"%PDF-1.7 binary", "application/pdf", 422),  # a PDF is read; this one is damaged
        (b"{}", "application/json", 415),
        (b"", "text/plain", 422),
        (b"\x00\x01\x02binary\x00" * 20, "text/plain", 422),
    ],
)
def test_ingest_http_refusals(client: FlaskClient, data: bytes, content_type: str, status: int) -> None:
    resp = client.post("/documents", data=data, content_type=content_type, headers=AUTH)
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert documents(client) == 0


def test_ingest_http_a_form_of_too_many_parts_is_413_saying_so(client: FlaskClient) -> None:
    parts = {f"field{n}": "x" for n in range(1001)}  # fields: werkzeug leaves the files it made for file parts open
    resp = client.post("/documents", data=parts, content_type="multipart/form-data", headers=AUTH)
    assert resp.status_code == 413
    assert resp.get_data(as_text=True).startswith("a form of more than 1,000 parts, or with a field that is not a file")
    assert documents(client) == 0


def test_ingest_http_too_large_is_413(web_store: Store) -> None:
    settings = Settings(store=web_store.location, token=TOKEN, max_request_bytes=2000, max_document_bytes=1000)
    app = create_app(settings, store=web_store)
    try:
        client = app.test_client()
        resp = client.post(
            "/documents", data="word " * 500, content_type="text/plain", headers={**AUTH, "Accept": "application/json"}
        )
        assert resp.status_code == 413
        assert (
            resp.get_json()["error"]
            == "the request body is 2,500 bytes; at most 2,000 are accepted (EVENTGRAPH_MAX_REQUEST_BYTES)"
        )
        resp = client.post("/documents", data="word " * 300, content_type="text/plain", headers=AUTH)
        assert resp.status_code == 422 and "EVENTGRAPH_MAX_DOCUMENT_BYTES" in resp.get_data(as_text=True)
    finally:
        app_runtime(app).close()
