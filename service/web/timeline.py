"""The timeline page: the shell that ``static/timeline.js`` fills from ``/api/events``."""

from __future__ import annotations

from flask import Blueprint, render_template

from service.model import EVENT_TYPES
from service.timeline.documents import list_documents
from service.timeline.events import Finder
from service.timeline.labels import type_label
from service.web.runtime import runtime

bp = Blueprint("timeline", __name__)


@bp.get("/timeline")
def timeline() -> str:
    """The timeline shell, with the event types, documents, extent and base IRI for the script.

    The script maps IRIs under the base IRI to paths on the server that served the page, so the
    links work on whatever host and port it is served.
    """
    rt = runtime()
    extent = Finder(rt.store, rt.iris).extent()
    config = {
        "types": [{"key": t, "label": type_label(t)} for t in EVENT_TYPES],
        "documents": [{"id": d["id"], "title": d["title"] or d["id"]} for d in list_documents(rt.store, rt.iris)],
        "extent": {"first": extent[0].isoformat(), "last": extent[1].isoformat()} if extent else None,
        "base": rt.iris.base,
    }
    return render_template("timeline.html", config=config)
