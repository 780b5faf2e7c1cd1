"""The HTML pages around the timeline: the landing page, the documents, and the site's icon.

Every string that comes from a document reaches the page through Jinja's autoescaping;
nothing is marked safe.
"""

from __future__ import annotations

import base64

from flask import Blueprint, Response, render_template, request

from service.model import EVENT_TYPES
from service.search import highlight
from service.timeline.documents import get_document, list_documents
from service.timeline.filters import MAX_QUERY_CHARS
from service.timeline.labels import type_label
from service.web.runtime import runtime

bp = Blueprint("pages", __name__)

# The site's icon (the brand's two dots, 32×32 PNG in an ICO), kept in the code so that an installed
# wheel serves it too: browsers ask for /favicon.ico on every page that names no icon.
FAVICON = base64.b64decode(
    "AAABAAEAICAAAAEAIAA7AQAAFgAAAIlQTkcNChoKAAAADUlIRFIAAAAgAAAAIAgGAAAAc3p69AAAAQJJREFUeNpjYBgFo2Cw"
    "A82I4wJAXADE64H4PRD/h+L3UDGQnACtLG5AsxQXfg9VK0Atyw2A+DwRFqNjkB4Dalj+ngzLkUPDgJJgP0+B5WDsVXTh/P//"
    "//uBGETDAExMAZ8DGii1vHL6nf+fvv75P/vqkf9uGyb8l55XDsYgNkgMCN4DcQIu37+n1PKPP7+hWIyOQXIgNRiOgGYnsi13"
    "yT0H9jk+y5EdAQ0JBWQHrKfEAQu3PQMHMSHLYRgaHf3IDqAo+K8/+EKU79FC4TyyAyhKfCBArOUwDAKDygEDHgUDnggHPBsO"
    "bEE04EXxoKiMBrw6HhQNkkHRJBsUjdJRMAroBQD6osf/o16rdQAAAABJRU5ErkJggg=="
)


@bp.app_template_filter("type_label")
def _type_label(name: str) -> str:
    return type_label(name)


@bp.app_template_filter("marked")
def _marked(text: str, words: str | None) -> list[tuple[str, bool]]:
    """(piece, matched) of a document's text for ``words``: the template wraps matched pieces in
    ``<mark>``, every piece autoescaped."""
    return highlight(text, words)


@bp.app_template_filter("thousands")
def _thousands(n: int) -> str:
    return f"{n:,}"


@bp.app_template_filter("safe_url")
def _safe_url(url: str | None) -> str | None:
    """A document's URL only when it is http(s): a ``javascript:`` link from a document must not be clickable."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


@bp.get("/")
def index() -> str:
    """The landing page: the dataset's figures and where to go next."""
    rt = runtime()
    return render_template("index.html", stats=rt.stats(), event_types=EVENT_TYPES)


@bp.get("/documents")
def documents() -> str:
    """The list of documents."""
    rt = runtime()
    return render_template("documents.html", documents=list_documents(rt.store, rt.iris))


@bp.get("/documents/<path:doc_id>")
def document(doc_id: str) -> str:
    """One document's text with its event mentions highlighted."""
    rt = runtime()
    words = (request.args.get("q") or "").strip()[:MAX_QUERY_CHARS] or None  # the search that led here, marked
    return render_template("document.html", doc=get_document(rt.store, rt.iris, doc_id), q=words)


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The site's icon; a day in the browser's cache."""
    resp = Response(FAVICON, mimetype="image/vnd.microsoft.icon")
    resp.cache_control.public = True
    resp.cache_control.max_age = 86400
    return resp
