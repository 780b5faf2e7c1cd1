"""Documents on the web: one HTTP(S) GET, bounded in time and size, refused in one line.

Only what the readers can read is downloaded: an HTML page, a PDF or plain text. Any other
type, an HTTP error, a host that cannot be reached and a body over the size limit are each a
:class:`~service.errors.DocumentRefused` naming the URL's problem — never a traceback.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from service import __version__
from service.errors import DocumentRefused

ACCEPTED_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/pdf", "text/plain", "text/markdown"})
# Types servers give anything they do not know; the body then says whether it is a PDF or a page.
_UNTYPED = frozenset({"", "application/octet-stream", "binary/octet-stream", "application/x-download"})
_URL = re.compile(r"\Ahttps?://", re.IGNORECASE)
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_ID = 100
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    """A downloaded body, with the URL it came from at last (after redirects) and its Content-Type."""

    url: str
    final_url: str
    media_type: str | None
    data: bytes


def is_url(text: str) -> bool:
    """True for an ``http://`` or ``https://`` address (what ingest fetches instead of opening)."""
    return bool(_URL.match(text))


def doc_id_for_url(url: str) -> str:
    """A document id for a URL: host, path and query reduced to ``[A-Za-z0-9._-]``.

    >>> doc_id_for_url("https://www.example.org/news/2021/aid.html?lang=en")
    'www.example.org_news_2021_aid.html_lang_en'
    """
    parts = urlsplit(url.strip())
    readable = f"{parts.netloc.lower()}{parts.path}" + (f"?{parts.query}" if parts.query else "")
    safe = _ID_UNSAFE.sub("_", readable).strip("._-")
    if len(safe) <= MAX_ID:
        return safe
    digest = hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:12]
    return f"{safe[: MAX_ID - 13]}_{digest}"


def fetch(url: str, *, max_bytes: int, timeout: float) -> Fetched:
    """GET ``url``: the body of an HTML page, PDF or text, or DocumentRefused saying what went wrong.

    ``timeout`` bounds the connection, each wait for data and the whole download (so a server
    that trickles bytes cannot hold the reader); ``max_bytes`` bounds the body, checked against
    Content-Length before anything is read, then while reading.
    """
    url = url.strip()
    try:
        host = urlsplit(url).hostname
    except ValueError as exc:  # "http://[::1": an address urllib cannot split
        raise DocumentRefused(f"not a valid URL ({exc})") from None
    if not host:
        raise DocumentRefused("not a URL with a host name")
    deadline = time.monotonic() + timeout
    headers = {
        "User-Agent": f"eventgraph/{__version__}",
        "Accept": "text/html, application/xhtml+xml, application/pdf;q=0.9, text/plain;q=0.8",
    }
    try:
        with requests.get(url, headers=headers, timeout=(timeout, timeout), stream=True) as resp:
            if resp.status_code >= 400:
                reason = f" {resp.reason}" if resp.reason else ""
                raise DocumentRefused(f"the server answered HTTP {resp.status_code}{reason}")
            media_type = resp.headers.get("Content-Type")
            kind = (media_type or "").split(";")[0].strip().lower()
            if kind not in ACCEPTED_TYPES and kind not in _UNTYPED:
                raise DocumentRefused(
                    f"the server answered with {kind}, not an HTML page, a PDF or plain text; nothing was read"
                )
            declared = resp.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise too_large(int(declared), max_bytes)
            body = bytearray()
            for chunk in resp.iter_content(CHUNK):
                body += chunk
                if len(body) > max_bytes:
                    raise too_large(None, max_bytes)
                if time.monotonic() > deadline:
                    raise _slow(timeout)
            return Fetched(url, resp.url or url, media_type or None, bytes(body))
    except requests.exceptions.Timeout:
        raise _slow(timeout) from None
    except requests.exceptions.SSLError as exc:
        raise DocumentRefused(f"no trusted HTTPS connection to {host} ({_cause(exc)})") from None
    except requests.exceptions.ConnectionError as exc:
        raise DocumentRefused(f"cannot reach {host} ({_cause(exc)})") from None
    except requests.exceptions.TooManyRedirects:
        raise DocumentRefused("too many redirects") from None
    except requests.exceptions.RequestException as exc:  # an invalid URL, a bad header, a broken chunked body
        raise DocumentRefused(f"cannot fetch it ({_cause(exc)})") from None


def too_large(size: int | None, limit: int) -> DocumentRefused:
    said = f"{size:,} bytes, " if size is not None else ""
    return DocumentRefused(
        f"the answer is {said}over the {limit:,}-byte limit (EVENTGRAPH_MAX_DOCUMENT_BYTES); nothing was read"
    )


def _slow(timeout: float) -> DocumentRefused:
    return DocumentRefused(f"no complete answer within {timeout:g} s (EVENTGRAPH_FETCH_TIMEOUT)")


def _cause(exc: Exception) -> str:
    """The innermost reason of a requests error, short: "Connection refused", "Name or service not known"."""
    text = " ".join(str(exc).split())
    for pattern in (r"\[Errno -?\d+\] ([^'\")\]]+)", r"Failed to resolve '[^']*' \(([^)]*)\)", r"SSLError\((.*?)\)"):
        if match := re.search(pattern, text):
            return match.group(1).strip().rstrip(".")
    return text[:160] or type(exc).__name__
