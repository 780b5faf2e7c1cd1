"""Protocol requests → Operation, and the errors the SPARQL 1.1 Protocol prescribes."""

from __future__ import annotations

import pytest

from service.errors import QueryError, UnsupportedMediaType
from service.sparql.protocol import Operation, media_type, parse_operation

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
QUERY = "application/sparql-query"


def test_protocol_get_query_with_dataset() -> None:
    op = parse_operation(
        "GET",
        {"query": ["ASK {}"], "default-graph-uri": ["http://g/1", "http://g/2"], "named-graph-uri": ["http://g/3"]},
        {},
        {},
        b"",
    )
    assert op == Operation("query", "ASK {}", ("http://g/1", "http://g/2"), ("http://g/3",))
    assert op.has_dataset


def test_protocol_get_without_operation_is_the_description() -> None:
    assert parse_operation("GET", {}, {}, {}, b"").kind == "description"
    assert parse_operation("GET", {"format": ["turtle"]}, {}, {}, b"").format == "turtle"


def test_protocol_form_post_takes_dataset_params_from_url_and_body() -> None:
    op = parse_operation("POST", {"default-graph-uri": ["http://g/1"]}, {"query": ["ASK {}"]}, FORM, b"")
    assert op.kind == "query" and op.default_graphs == ("http://g/1",)
    update = parse_operation("POST", {}, {"update": ["CLEAR ALL"], "using-graph-uri": ["http://g/2"]}, FORM, b"")
    assert update == Operation("update", "CLEAR ALL", ("http://g/2",), ())


def test_protocol_direct_posts() -> None:
    query = parse_operation("POST", {}, {}, {"Content-Type": "application/sparql-query"}, "ASK { 'é' }".encode())
    assert query.kind == "query" and query.text == "ASK { 'é' }"
    update = parse_operation(
        "POST",
        {"using-named-graph-uri": ["http://g"]},
        {},
        {"Content-Type": "application/sparql-update; charset=UTF-8"},
        b"CLEAR ALL",
    )
    assert update.kind == "update" and update.named_graphs == ("http://g",)


@pytest.mark.parametrize(
    ("method", "args", "form", "headers", "body", "error"),
    [
        ("GET", {"query": ["ASK {}", "ASK {}"]}, {}, {}, b"", QueryError),
        ("GET", {"update": ["CLEAR ALL"]}, {}, {}, b"", QueryError),
        ("GET", {"query": [""]}, {}, {}, b"", QueryError),
        ("POST", {}, {"query": ["ASK {}"], "update": ["CLEAR ALL"]}, FORM, b"", QueryError),
        ("POST", {}, {}, FORM, b"", QueryError),
        ("POST", {}, {"update": ["CLEAR NAMED", "CLEAR DEFAULT"]}, FORM, b"", QueryError),
        ("POST", {}, {}, {}, b"query=ASK%20%7B%7D", UnsupportedMediaType),
        ("POST", {}, {}, {"Content-Type": "text/plain"}, b"ASK {}", UnsupportedMediaType),
        ("POST", {}, {}, {"Content-Type": f"{QUERY}; charset=UTF-16"}, "ASK {}".encode("utf-16"), UnsupportedMediaType),
        ("POST", {}, {}, {"Content-Type": "application/sparql-query"}, b"ASK { '\xff' }", QueryError),
        ("POST", {"query": ["ASK {}"]}, {}, {"Content-Type": "application/sparql-query"}, b"ASK {}", QueryError),
        ("GET", {"query": ["ASK {}"], "named-graph-uri": ["no iri"]}, {}, {}, b"", QueryError),
        ("GET", {"query": ["ASK {}"], "format": ["yaml"]}, {}, {}, b"", QueryError),
    ],
)  # fmt: skip
def test_protocol_malformed_requests_are_refused(method, args, form, headers, body, error) -> None:  # noqa: ANN001
    with pytest.raises(error):
        parse_operation(method, args, form, headers, body)


def test_protocol_media_type_parameters() -> None:
    assert media_type('Application/SPARQL-Query; Charset="utf-8"') == ("application/sparql-query", {"charset": "utf-8"})
    assert media_type(None) == ("", {})
