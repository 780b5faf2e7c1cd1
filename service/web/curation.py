"""Curation over HTTP: correct an event, add a missed one, undo, and read the history (JSON).

Writes need the token, as every write; each view reads the JSON body, calls one function of
``service.curation`` and answers with the correction and the event as the curated view now
shows it. The curator is the body's ``curator``, else the server's ``EVENTGRAPH_CURATOR``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from service import curation
from service.errors import UnsupportedMediaType, UserError
from service.web.runtime import runtime
from service.web.security import check_token

bp = Blueprint("curation", __name__, url_prefix="/api/curation")
pages_bp = Blueprint("curation_pages", __name__)


def _body() -> dict[str, Any]:
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(f"send the correction as application/json, not {request.mimetype or '(no type)'}")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise UserError("the body must be a JSON object")
    return data


def _curator(data: dict[str, Any]) -> Any:
    return data.get("curator") or runtime().settings.curator


def _event_view(iri: str | None) -> dict[str, Any] | None:
    """The event as the curated view shows it now (None when it is not in the view)."""
    if not iri:
        return None
    rt = runtime()
    return curation.view_event(rt.store, rt.iris, iri)


def _answer(correction: curation.Correction, status: int) -> Response:
    rt = runtime()
    if rt.search is not None:  # the text index holds the curated events by their curation graph
        rt.search.refresh(rt.store, [rt.iris.curation_graph(correction.doc_id)])
    # The event as it now shows: its curated copy, else the extracted event (no change left), else none (rejected).
    event = _event_view(correction.curated) or _event_view(correction.target)
    resp = jsonify({"correction": correction.to_json(rt.iris), "event": event})
    resp.status_code = status
    return resp


@bp.post("/events/<path:key>")
def correct(key: str) -> Response:
    """Apply one correction to an event (``operation``, ``values``, ``note``, ``curator``)."""
    check_token()
    data = _body()
    operation = data.get("operation")
    if not isinstance(operation, str):
        raise UserError(f"'operation' is required: one of {', '.join(curation.OPERATIONS)}")
    rt = runtime()
    done = curation.correct(
        rt.store, rt.iris, key, operation, data.get("values"), curator=_curator(data), note=data.get("note")
    )
    return _answer(done, 201)


@bp.get("/events/<path:key>")
def history(key: str) -> Response:
    """The corrections of an event: who changed what, when, and where each stands."""
    rt = runtime()
    found = curation.history(rt.store, rt.iris, key)
    return jsonify({"event": key, "corrections": [c.to_json(rt.iris) for c in found]})


@bp.post("/documents/<path:doc_id>")
def add_event(doc_id: str) -> Response:
    """Add an event the extractor missed: ``sentence`` [start, end] and ``event`` {type, roles, date, aid}."""
    check_token()
    data = _body()
    rt = runtime()
    done = curation.add_event(
        rt.store,
        rt.iris,
        doc_id,
        data.get("sentence"),
        data.get("event"),
        curator=_curator(data),
        note=data.get("note"),
    )
    return _answer(done, 201)


@bp.post("/undo/<path:key>")
def undo(key: str) -> Response:
    """Undo a correction (kept, marked undone, no longer applied)."""
    check_token()
    rt = runtime()
    return _answer(curation.undo(rt.store, rt.iris, key), 200)


@bp.get("/corrections")
def corrections() -> Response:
    """Every correction, or those of ``document=`` / with ``status=``."""
    rt = runtime()
    docs = request.args.getlist("document")
    if len(docs) > rt.settings.max_filter_values:
        raise UserError(f"at most {rt.settings.max_filter_values} documents (EVENTGRAPH_MAX_FILTER_VALUES)")
    status = _status()
    found = curation.corrections(rt.store, rt.iris, docs or None)
    return jsonify({"corrections": [c.to_json(rt.iris) for c in found if status is None or c.status == status]})


def _status() -> str | None:
    status = request.args.get("status")
    if status is not None and status not in curation.STATUSES:
        raise UserError(f"'status' must be one of {', '.join(curation.STATUSES)}")
    return status


@pages_bp.get("/curation")
def corrections_page() -> str:
    """The corrections as a page: orphans first, each with its sentence, change, curator and note."""
    rt = runtime()
    status = _status()
    found = [
        c.to_json(rt.iris) for c in curation.corrections(rt.store, rt.iris) if status is None or c.status == status
    ]
    found.sort(key=lambda c: (c["status"] != "orphan", c["document"], c["sequence"]))
    return render_template("curation.html", corrections=found, status=status)


@bp.get("/orphans")
def orphans() -> Response:
    """Corrections whose event or sentence is gone from their re-extracted document, for review."""
    rt = runtime()
    return jsonify({"corrections": [c.to_json(rt.iris) for c in curation.orphans(rt.store, rt.iris)]})
