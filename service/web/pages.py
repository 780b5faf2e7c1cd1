"""The HTML pages around the timeline: the landing page and the documents.

Every string that comes from a document reaches the page through Jinja's autoescaping;
nothing is marked safe.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from service.model import EVENT_TYPES
from service.timeline.documents import get_document, list_documents
from service.web.runtime import runtime

bp = Blueprint("pages", __name__)


def type_label(name: str) -> str:
    """``aid_delivery`` → ``Aid delivery``."""
    return name.replace("_", " ").capitalize()


@bp.app_template_filter("type_label")
def _type_label(name: str) -> str:
    return type_label(name)


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
    return render_template("document.html", doc=get_document(rt.store, rt.iris, doc_id))
