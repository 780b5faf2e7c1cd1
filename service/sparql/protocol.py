"""SPARQL 1.1 Protocol requests → :class:`Operation`, without any web framework.

The web layer hands over plain values (method, query-string and form parameters as lists,
headers, body); this module decides what the client asked for or raises the error the
protocol prescribes (400 malformed, 415 wrong media type or charset).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from pyoxigraph import NamedNode
from werkzeug.http import parse_options_header

from service.errors import QueryError, UnsupportedMediaType
from service.sparql.conneg import FORMAT_NAMES, known_name

Params = Mapping[str, Sequence[str]]


class Headers(Protocol):
    """Request headers as this module reads them: a plain dict, or the web framework's own."""

    def get(self, key: str, /) -> str | None: ...


FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
# The parameters that name the dataset of a query, and of the WHERE clauses of an update.
DATASET_PARAMS = {
    "query": ("default-graph-uri", "named-graph-uri"),
    "update": ("using-graph-uri", "using-named-graph-uri"),
}
_HOW = (
    "send a query by GET ?query=…, or POST it as application/sparql-query or as "
    "application/x-www-form-urlencoded (query=…); an update by POST as application/sparql-update or form (update=…)"
)


@dataclass(frozen=True)
class Operation:
    """What one protocol request asks for.

    ``kind`` is ``query``, ``update`` or ``description`` (no operation: the service description).
    For an update, ``default_graphs``/``named_graphs`` come from using-graph-uri/using-named-graph-uri.
    """

    kind: str
    text: str = ""
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None

    @property
    def has_dataset(self) -> bool:
        """True when the request itself names graphs (then they replace the query's own dataset)."""
        return bool(self.default_graphs or self.named_graphs)


def media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    """(lower-case media type, parameters) of a Content-Type header."""
    if not content_type:
        return "", {}
    kind, params = parse_options_header(content_type)
    return kind.strip().lower(), {key.lower(): value for key, value in params.items()}


def parse_operation(method: str, args: Params, form: Params, headers: Headers, body: bytes) -> Operation:
    """Read a request to the SPARQL endpoint.

    :raises QueryError: malformed request (several queries, query and update together, update by GET…).
    :raises UnsupportedMediaType: a POST body of another media type, or not UTF-8.
    """
    if method in ("GET", "HEAD"):
        if "update" in args:
            raise QueryError("updates must be sent by POST (application/sparql-update, or form-encoded update=…)")
        if "query" not in args:
            return Operation("description", format=_format(args))
        return _build("query", _single(args, "query"), args)
    kind, params = media_type(headers.get("Content-Type"))
    if kind == FORM:
        merged = {**args, **form}
        if ("query" in merged) == ("update" in merged):
            raise QueryError(f"a form-encoded POST needs exactly one 'query' or 'update' parameter: {_HOW}")
        op = "query" if "query" in merged else "update"
        return _build(op, _single(merged, op), merged)
    if kind in (QUERY_TYPE, UPDATE_TYPE):
        charset = params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(f"{kind} bodies must be UTF-8, not {charset}")
        if "query" in args or "update" in args:
            raise QueryError(f"a {kind} POST carries the operation in its body, not in the URL")
        op = "query" if kind == QUERY_TYPE else "update"
        return _build(op, _decode(body), args)
    raise UnsupportedMediaType(f"cannot read a POST of type {kind or '(none)'}: {_HOW}")


def _build(kind: str, text: str, params: Params) -> Operation:
    if not text.strip():
        raise QueryError(f"the {kind} is empty")
    default, named = DATASET_PARAMS[kind]
    return Operation(
        kind,
        text,
        default_graphs=_iris(params, default),
        named_graphs=_iris(params, named),
        format=_format(params),
    )


def _single(params: Params, name: str) -> str:
    values = params.get(name) or [""]
    if len(values) > 1:
        raise QueryError(f"only one '{name}' parameter is allowed, {len(values)} were sent")
    return values[0]


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError(f"the request body is not valid UTF-8 (byte {exc.start})") from None


def _iris(params: Params, name: str) -> tuple[str, ...]:
    out = []
    for value in params.get(name, ()):
        try:
            out.append(NamedNode(value).value)
        except ValueError:
            raise QueryError(f"{name}={value!r} is not an absolute IRI") from None
    return tuple(out)


def _format(params: Params) -> str | None:
    values = params.get("format") or []
    if not values or not values[0]:
        return None
    name = values[0].strip().lower()
    if not known_name(name) and "/" not in name:
        raise QueryError(f"unknown format={values[0]!r}: use one of {', '.join(FORMAT_NAMES)} or a media type")
    return name
