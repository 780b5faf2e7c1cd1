"""Security headers on every answer, and the token check for writes."""

from __future__ import annotations

import hmac

from flask import Flask, Response, request

from service.errors import Forbidden, Unauthorized
from service.web.runtime import runtime

# Pages load scripts and styles from this server only (vendor files come from npm at set-up).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)


HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def init_app(app: Flask) -> None:
    @app.after_request
    def _headers(resp: Response) -> Response:
        # Those a view did not set itself, added in one pass (werkzeug's setdefault scans the list
        # for each name: five scans an answer, on every answer).
        present = {name.lower() for name in resp.headers.keys()}  # noqa: SIM118 - Headers iterates pairs
        resp.headers.extend([(name, value) for name, value in HEADERS if name.lower() not in present])
        return resp


def check_token() -> None:
    """Refuse the request unless it carries the configured bearer token.

    :raises Unauthorized: no token sent (or writes disabled because none is configured).
    :raises Forbidden: a wrong token.
    """
    expected = runtime().settings.token
    if not expected:
        raise Forbidden("this server is read-only: start it with --token-file PATH or EVENTGRAPH_TOKEN to allow writes")
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise Unauthorized("writes need a token: send 'Authorization: Bearer <token>'")
    if not hmac.compare_digest(header[len("Bearer ") :].strip().encode(), expected.encode()):
        raise Forbidden("wrong token")
