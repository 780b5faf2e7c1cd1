"""The JSON API behind the pages: events, actors, documents, stats, exports and its OpenAPI description.

Each view reads its arguments, calls one function of ``service.timeline`` and returns JSON;
errors become ``{"ok": false, "status": …, "error": …}`` in ``service.web.errors``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request, stream_with_context, url_for

from service.curation import openapi as curation_openapi
from service.errors import UserError
from service.timeline import documents, export, openapi
from service.timeline.actors import find_actors
from service.timeline.events import Finder
from service.timeline.filters import EventFilter, parse_cursor, parse_filter, parse_limit
from service.timeline.view import window_view
from service.web.runtime import runtime

bp = Blueprint("api", __name__, url_prefix="/api")


def _args() -> dict[str, list[str]]:
    """The query arguments; a filter listing more values than ``max_filter_values`` is refused."""
    args = request.args.to_dict(flat=False)
    limit = runtime().settings.max_filter_values
    for name, values in args.items():
        if len(values) > limit:
            raise UserError(
                f"{len(values)} values of {name}= were given; at most {limit} are allowed "
                "(EVENTGRAPH_MAX_FILTER_VALUES)"
            )
    return args


def _filter(args: dict[str, list[str]]) -> EventFilter:
    """The filters of ``args``; an actor given as a QID is looked up in the store (the actor linked to it)."""
    return parse_filter(args, runtime().store)


def _finder() -> Finder:
    rt = runtime()
    return Finder(rt.store, rt.iris, rt.search)


def _next_link(cursor: str | None) -> str | None:
    """This request's URL with the next page's cursor."""
    if cursor is None:
        return None
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"] + [("cursor", cursor)]
    return url_for("api.events") + "?" + urlencode(args)


@bp.get("/events")
def events() -> Response:
    """A page of events matching the filters."""
    args = _args()
    finder, f = _finder(), _filter(args)
    page = finder.page(f, parse_limit(args), parse_cursor(args))
    window = {"start": page.start.isoformat(), "end": page.end.isoformat()} if page.start and page.end else None
    body: dict[str, Any] = {"events": page.events, "next": page.next, "window": window}
    if f.q:  # how the words were looked up: the text index (ranked when no window is given), or a scan
        body["search"] = {"index": finder.search_note is None, "note": finder.search_note}
    return jsonify(body | {"links": {"next": _next_link(page.next)}})


@bp.get("/timeline")
def timeline_window() -> Response:
    """What the timeline draws for a window."""
    args = _args()
    return jsonify(window_view(_finder(), _filter(args), parse_limit(args, default=500)))


@bp.get("/events/histogram")
def histogram() -> Response:
    """Events per month (year) of the window."""
    return jsonify(_finder().histogram(_filter(_args())))


@bp.get("/events/<path:key>")
def event(key: str) -> Response:
    """One event by its key."""
    return jsonify(_finder().event(key))


@bp.get("/actors")
def actors() -> Response:
    """Actor autocomplete."""
    args = _args()
    only = _filter({"actor": args.get("actor", [])}).actors
    return jsonify({"actors": find_actors(runtime().store, request.args.get("q"), parse_limit(args, 20), only)})


@bp.get("/documents")
def document_list() -> Response:
    """The documents."""
    rt = runtime()
    return jsonify({"documents": documents.list_documents(rt.store, rt.iris)})


@bp.get("/documents/<path:doc_id>")
def document(doc_id: str) -> Response:
    """One document with its text cut into segments."""
    rt = runtime()
    doc: dict[str, Any] = documents.get_document(rt.store, rt.iris, doc_id)
    doc["segments"] = documents.segments_json(doc["segments"])
    return jsonify(doc)


@bp.get("/stats")
def stats() -> Response:
    """The dataset's figures."""
    rt = runtime()
    return jsonify(rt.stats())


def _download(chunks: Any, mimetype: str, filename: str) -> Response:
    resp = Response(stream_with_context(chunks), mimetype=mimetype)
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


@bp.get("/export/events.json")
def export_json() -> Response:
    """Export as event JSON."""
    f = _filter(_args())
    return _download(export.json_chunks(export.iter_events(_finder(), f), f), "application/json", "events.json")


@bp.get("/export/events.csv")
def export_csv() -> Response:
    """Export as CSV."""
    f = _filter(_args())
    return _download(export.csv_chunks(export.iter_events(_finder(), f)), "text/csv", "events.csv")


@bp.get("/export/timelinejs.json")
def export_timelinejs() -> Response:
    """Export as TimelineJS JSON."""
    f = _filter(_args())
    doc = export.timelinejs(export.iter_events(_finder(), f), "Eventgraph timeline")
    resp = jsonify(doc)
    resp.headers["Content-Disposition"] = 'attachment; filename="timelinejs.json"'
    return resp


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI description, the curation endpoints included."""
    return jsonify(curation_openapi.extend(openapi.describe(runtime().version)))
