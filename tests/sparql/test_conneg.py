"""One negotiator over pyoxigraph's formats."""

from __future__ import annotations

import pytest
from pyoxigraph import QueryResultsFormat, RdfFormat

from service.errors import NotAcceptable
from service.sparql.conneg import GRAPH_FORMATS, RESULT_FORMATS, by_name, choose, content_type, html_preferred

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, QueryResultsFormat.JSON),
        ("", QueryResultsFormat.JSON),
        ("*/*", QueryResultsFormat.JSON),
        ("application/sparql-results+xml", QueryResultsFormat.XML),
        ("text/xml", QueryResultsFormat.XML),
        ("application/json", QueryResultsFormat.JSON),
        ("text/csv;q=0.5, text/tab-separated-values", QueryResultsFormat.TSV),
        ("text/*", QueryResultsFormat.CSV),
        ("text/turtle, */*;q=0.1", QueryResultsFormat.JSON),
        (BROWSER, QueryResultsFormat.XML),
    ],
)
def test_conneg_chooses_result_formats(accept: str | None, expected: QueryResultsFormat) -> None:
    assert choose(accept, RESULT_FORMATS, QueryResultsFormat.JSON) == expected


def test_conneg_chooses_graph_formats_with_aliases() -> None:
    assert choose("application/x-turtle", GRAPH_FORMATS, RdfFormat.TURTLE) == RdfFormat.TURTLE
    assert choose("application/json", GRAPH_FORMATS, RdfFormat.TURTLE) == RdfFormat.JSON_LD
    assert choose("text/plain", GRAPH_FORMATS, RdfFormat.TURTLE) == RdfFormat.N_TRIPLES
    assert choose("application/*", GRAPH_FORMATS, RdfFormat.TURTLE) == RdfFormat.N_TRIPLES


def test_conneg_not_acceptable_lists_what_is() -> None:
    with pytest.raises(NotAcceptable) as info:
        choose("image/png, text/html;q=0", RESULT_FORMATS, QueryResultsFormat.JSON)
    assert "application/sparql-results+json, application/sparql-results+xml, text/csv" in info.value.message
    with pytest.raises(NotAcceptable):
        choose("*/*;q=0", RESULT_FORMATS, QueryResultsFormat.JSON)


def test_conneg_format_names_and_media_types() -> None:
    assert by_name("tsv", RESULT_FORMATS) == QueryResultsFormat.TSV
    assert by_name("application/sparql-results+xml", RESULT_FORMATS) == QueryResultsFormat.XML
    with pytest.raises(NotAcceptable, match="turtle"):
        by_name("csv", GRAPH_FORMATS)


def test_conneg_html_is_preferred_by_browsers_only() -> None:
    assert html_preferred(BROWSER, GRAPH_FORMATS)
    assert not html_preferred("text/turtle, text/html;q=0.5", GRAPH_FORMATS)
    assert not html_preferred("*/*", GRAPH_FORMATS)
    assert not html_preferred(None, GRAPH_FORMATS)


def test_conneg_content_type_adds_the_charset_to_text_types() -> None:
    assert content_type(RdfFormat.TURTLE) == "text/turtle; charset=utf-8"
    assert content_type(RdfFormat.N_TRIPLES) == "application/n-triples"
    assert content_type(QueryResultsFormat.CSV) == "text/csv; charset=utf-8"
