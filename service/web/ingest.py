"""HTTP ingest: POST /documents with a text or HTML body, or multipart files (token required).

Answers 201 with the new document's IRI and its events, 200 when the document was already
stored (unchanged: not extracted again) or replaced; the same idempotency as ``eventgraph ingest``.
A body's document id comes from ``?name=`` or the Content-Disposition file name, else from a
hash of the body, so posting the same body twice stores it once.

A multipart request is all or nothing: every part is read and extracted first, and if one is
refused the answer names the part and the reason and nothing is stored (422; 413 for a text
over EVENTGRAPH_MAX_DOCUMENT_CHARS; ``service.pipeline.ingest_uploads``).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, jsonify, request
from werkzeug.http import parse_options_header

from service.errors import QueryError, UnsupportedMediaType
from service.web.runtime import runtime
from service.web.security import check_token

if TYPE_CHECKING:
    from service.pipeline import Outcome

bp = Blueprint("ingest", __name__)
DOCUMENT_TYPES = {
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
}


@bp.post("/documents")
def ingest() -> Response:
    check_token()
    # Documents are read and extracted by rt.extractor, a process of their own; with an in-memory
    # store (tests), in this process. This one writes what comes back.
    from service.pipeline import IN_PROCESS, ingest_uploads

    rt = runtime()
    outcomes = ingest_uploads(_uploads(), rt.store, rt.settings, rt.extractor or IN_PROCESS)
    views = [outcome_view(o) for o in outcomes]
    added = any(o.status == "added" for o in outcomes)
    body: dict[str, Any] = views[0] if request.mimetype != "multipart/form-data" else {"documents": views}
    resp = jsonify(body)
    resp.status_code = 201 if added else 200
    if added and len(outcomes) == 1 and outcomes[0].iri:
        resp.headers["Location"] = outcomes[0].iri
    return resp


def _uploads() -> list[tuple[str, str | None, bytes]]:
    """(name, media type, bytes) of each document in the request."""
    if request.mimetype == "multipart/form-data":
        files = [(f.filename or key, f.content_type, f.read()) for key, f in request.files.items(multi=True)]
        if not files:
            raise QueryError("the multipart request holds no file: send each document as a file part")
        return files
    if request.mimetype not in DOCUMENT_TYPES:
        accepted = ", ".join([*DOCUMENT_TYPES, "multipart/form-data"])
        raise UnsupportedMediaType(f"cannot ingest {request.mimetype or '(no type)'}: send one of {accepted}")
    data = request.get_data()
    name = request.args.get("name") or _disposition_name() or _hashed_name(data, DOCUMENT_TYPES[request.mimetype])
    return [(name, request.content_type, data)]


def _disposition_name() -> str | None:
    """The file name of the Content-Disposition header (``filename*=`` decoded too), if it names one."""
    _, params = parse_options_header(request.headers.get("Content-Disposition"))
    return params.get("filename") or None


def _hashed_name(data: bytes, suffix: str) -> str:
    return f"upload-{hashlib.sha256(data).hexdigest()[:16]}{suffix}"


def outcome_view(outcome: Outcome) -> dict[str, Any]:
    """One document's answer: status, id, IRI, graph and events (as event JSON with their IRIs)."""
    from service.pipeline import stored_events  # loaded already: the ingest that made the outcome

    rt = runtime()
    iris = rt.iris
    doc_id = outcome.doc_id or ""
    view: dict[str, Any] = {
        "status": outcome.status,
        "id": doc_id,
        "iri": outcome.iri,
        "graph": iris.document_graph(doc_id),
    }
    if outcome.extraction is not None:
        view["events"] = [
            {"iri": iris.event(doc_id, e.sentence_start, e.trigger_start, e.type), **e.to_json()}
            for e in outcome.extraction.events
        ]
    else:  # unchanged: not extracted again; the stored events, by IRI
        view["events"] = [{"iri": iri} for iri in stored_events(rt.store, iris, doc_id)]
    return view
