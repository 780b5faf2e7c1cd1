"""HTML pages: the main text and the page's metadata, both from trafilatura.

For a page, the document's text is trafilatura's extracted main text (navigation, footers and
scripts removed); event offsets refer to that text, not to the markup.
"""

from __future__ import annotations

import re
from typing import Any

import trafilatura
from trafilatura.settings import Document

from service.documents.dates import parse_iso
from service.errors import DocumentRefused

# Only dates the page states in its markup; the "extensive" search reads free text for dates.
DATE_PARAMS = {"extensive_search": False, "original_date": True}
_HTML_ROOT = re.compile(r"<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE)
_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")


def looks_like_html(text: str) -> bool:
    """True when the text starts like a web page (used when neither name nor type says)."""
    head = text[:1024].lstrip().lower()
    return head.startswith("<") and bool(_HTML_ROOT.search(head))


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag within its first 4 KB."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def extract(source: str) -> tuple[str, dict[str, Any]]:
    """(main text, metadata) of an HTML page; DocumentRefused when there is no main text."""
    # lxml rejects an encoding declaration in an already-decoded string; it says nothing we need.
    markup = _XML_DECLARATION.sub("", source, count=1)
    if not _HTML_ROOT.search(markup[:4096]):
        markup = f"<html><body>{markup}</body></html>"  # a fragment: trafilatura wants a page
    result = trafilatura.bare_extraction(
        markup, with_metadata=True, include_comments=False, date_extraction_params=DATE_PARAMS
    )
    # Without as_dict=True the result is a Document, or None when nothing was extracted.
    if not isinstance(result, Document) or not result.text or not result.text.strip():
        raise DocumentRefused("no main text found in the HTML page")
    text = result.text
    found: dict[str, Any] = {
        "title": _clean(result.title),
        "published": parse_iso(result.date) if result.date else None,
        "author": _clean(result.author),
        "source": _clean(result.sitename),
        "url": result.url if result.url and result.url.startswith(("http://", "https://")) else None,
    }
    if lang := _LANG.search(source[:4096]):
        found["language"] = lang.group(1)
    return text, {key: value for key, value in found.items() if value is not None}


def _clean(value: str | None) -> str | None:
    return " ".join(value.split()) or None if value else None
