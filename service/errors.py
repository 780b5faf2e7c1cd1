"""The errors the core raises; each edge (CLI, HTTP) translates them in one place.

Every class carries the HTTP status it maps to. Messages are one line and say what
to do next.
"""

from __future__ import annotations


class EventgraphError(Exception):
    """Base class of every error the project raises on purpose."""

    status: int = 500

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after  # seconds, for a 503 that knows when to try again (Retry-After)

    def __str__(self) -> str:
        return self.message


class UserError(EventgraphError):
    """The request or command is wrong; nothing was changed."""

    status = 400


class DocumentRefused(UserError):
    """A document cannot be read (empty, binary, too large, undecodable)."""

    status = 422


class QueryError(UserError):
    """A SPARQL query or update is malformed or not allowed."""

    status = 400


class QueryTimeout(EventgraphError):
    """A query ran past the time limit and was stopped."""

    status = 503


class Forbidden(EventgraphError):
    """A write without a valid token, or a SERVICE call outside the allowlist."""

    status = 403


class Unauthorized(EventgraphError):
    """A write without any token."""

    status = 401


class NotFound(EventgraphError):
    status = 404


class PayloadTooLarge(UserError):
    status = 413


class DocumentTooLong(DocumentRefused, PayloadTooLarge):
    """A document whose text is longer than the extractor accepts (EVENTGRAPH_MAX_DOCUMENT_CHARS)."""

    status = 413


class NotAcceptable(UserError):
    status = 406


class UnsupportedMediaType(UserError):
    status = 415


class StoreUnavailable(EventgraphError):
    """The store cannot be opened or reached (locked, unwritable, disk full, remote down)."""

    status = 503
