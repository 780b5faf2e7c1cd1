"""Conditional reads (RFC 9110 §13, RFC 9111): every read answered from the embedded store carries an
``ETag`` made of the store's generation, and a repeated request whose ``If-None-Match`` names it is
answered ``304 Not Modified`` before any view runs — no query is evaluated, no page rendered.

The tag is weak (``W/"…"``: the same answer may be compressed differently on the way) and covers what
the answer depends on: the server's run (a random epoch: generations restart at 0 with the process), the
store's generation (every write through this server bumps it, and the embedded store has no other
writer: its lock keeps other processes out; the server processes of one run share the epoch and the
generation), the method-independent request target (path and query string), the scheme, host and
script root it was sent to (a query's base IRI and the endpoint's own IRI come from them) and the
``Accept`` header (``Vary: Accept``). ``If-None-Match: *`` is answered 304 only once the view has
answered 200. A query whose answer may change with the store unchanged (SERVICE, ``NOW()``,
``RAND()``, ``UUID()``, ``STRUUID()``: its worker says so) gets no tag and ``Cache-Control: no-store``.
``Cache-Control: no-cache`` lets browsers and proxies keep the answer and ask again each time, which
costs one 304.

A remote store may be written by others, so no tag is made for it: its answers say ``no-cache`` only.
Writes, the static files (Flask tags those itself) and answers other than 200 are left as they are.
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, g, request
from werkzeug.http import parse_set_header

from service.store.remote import RemoteStore
from service.web.runtime import runtime

_READS = frozenset({"GET", "HEAD"})


def init_app(app: Flask, store: object) -> None:
    """Tag the reads of ``app`` (untagged when ``store`` is a remote store)."""
    tagged = not isinstance(store, RemoteStore)
    app.extensions["eventgraph.etags"] = tagged

    @app.before_request
    def not_modified() -> Response | None:
        if not tagged or request.method not in _READS or _untagged_endpoint():
            return None
        tag = g.etag = current_tag()  # before the view: a write during it must not change the tag it gets
        asked = request.environ.get("HTTP_IF_NONE_MATCH", "")
        if asked and tag in _tags(asked):
            resp = Response(status=304)
            _headers(resp, tag)
            return resp
        return None

    @app.after_request
    def tag_answer(resp: Response) -> Response:
        if request.method not in _READS or _untagged_endpoint() or resp.status_code != 200:
            return resp
        if g.get("untagged"):
            return resp
        if tagged and "ETag" not in resp.headers:
            tag = g.get("etag") or current_tag()
            if request.environ.get("HTTP_IF_NONE_MATCH", "").strip() == "*":
                # "*" matches any current representation: known only now that there is one (a 404
                # or a refused query is answered as it is, RFC 9110 §13.1.2)
                resp.close()
                resp = Response(status=304)
            _headers(resp, tag)
        elif not tagged:
            resp.headers.setdefault("Cache-Control", "no-cache")
        return resp


def untagged(resp: Response) -> None:
    """``resp`` may differ from one request to the next with the store unchanged: no entity tag,
    and no cache keeps it."""
    g.untagged = True
    resp.headers["Cache-Control"] = "no-store"


def current_tag() -> str:
    """The weak entity tag of the current request against the store's current generation."""
    rt = runtime()
    environ = request.environ  # the target as received, the host and root it was sent to, and Accept
    target = (
        f"{environ.get('wsgi.url_scheme', '')}://{environ.get('HTTP_HOST', '')}{environ.get('SCRIPT_NAME', '')}"
        f"{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}\n{environ.get('HTTP_ACCEPT', '')}"
    )
    digest = hashlib.blake2b(target.encode("utf-8"), digest_size=10).hexdigest()
    return f'W/"{rt.epoch}-{rt.evaluator.generation}-{digest}"'


def _headers(resp: Response, tag: str) -> None:
    headers = resp.headers
    headers["ETag"] = tag
    headers["Cache-Control"] = "no-cache"
    vary = headers.get("Vary")
    if vary is None:
        headers["Vary"] = "Accept"
    elif vary != "Accept" and "accept" not in parse_set_header(vary) and vary.strip() != "*":  # case-blind
        headers["Vary"] = f"{vary}, Accept"


def _tags(header: str) -> set[str]:
    """The entity tags an ``If-None-Match`` names (weak comparison: ``W/`` is ignored on both sides)."""
    tags = {t.strip() for t in header.split(",") if t.strip()}
    return tags | {t[2:] if t.startswith("W/") else f"W/{t}" for t in tags}


def _untagged_endpoint() -> bool:
    """The static files (tagged by Flask from their contents) and the vendored front-end packages."""
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static") or endpoint.startswith("assets.")
