"""The one place where errors become HTTP answers.

Known errors map to their status; anything unknown is logged and answered 500, never 400.
The body suits the request: plain text on protocol endpoints, JSON on the API, HTML for pages.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from service.errors import EventgraphError


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _wants_html() -> bool:
    """Asked only when :func:`_wants_json` is False: the API's paths never get here."""
    best = request.accept_mimetypes.best_match(["text/html", "text/plain", "application/json"])
    return best == "text/html" and not request.path.startswith(("/sparql", "/graph-store"))


def error_response(status: int, message: str) -> Response:
    """Render an error for the current request in the form its client expects."""
    if _wants_json():
        resp = jsonify({"ok": False, "status": status, "error": message})
    elif _wants_html():
        resp = Response(render_template("error.html", status=status, message=message), mimetype="text/html")
    else:
        resp = Response(message + "\n", mimetype="text/plain")
    resp.status_code = status
    return resp


def too_large_message() -> str:
    """What a 413 from werkzeug's own limits says: which limit, and its value (werkzeug says neither)."""
    limit = request.max_content_length
    length = request.content_length
    body = f"the request body is over the {limit:,}-byte limit (EVENTGRAPH_MAX_REQUEST_BYTES)"
    if limit is not None and length is not None and length > limit:
        return f"the request body is {length:,} bytes; at most {limit:,} are accepted (EVENTGRAPH_MAX_REQUEST_BYTES)"
    form = (
        f"a form of more than {request.max_form_parts:,} parts, or with a field that is not a file over "
        f"{request.max_form_memory_size:,} bytes, is refused: send the files in several requests"
    )
    if request.mimetype not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return body  # a body sent without its length (chunked) that ran past the limit
    return form if length is not None else f"{body}, or {form}"


def init_app(app: Flask) -> None:
    @app.errorhandler(EventgraphError)
    def _known(exc: EventgraphError) -> Response:
        resp = error_response(exc.status, exc.message)
        if exc.retry_after is not None:
            resp.headers["Retry-After"] = str(exc.retry_after)
        return resp

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc: RequestEntityTooLarge) -> Response:
        return error_response(413, too_large_message())

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        resp = error_response(exc.code or 500, exc.description or exc.name)
        if exc.code == 405 and exc.valid_methods:  # type: ignore[attr-defined]  # MethodNotAllowed has it
            resp.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]  # MethodNotAllowed has it
        return resp

    @app.errorhandler(Exception)
    def _unknown(exc: Exception) -> Response:
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal error: the server logged the details")
