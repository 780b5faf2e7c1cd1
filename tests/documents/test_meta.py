"""Sidecar ``NAME.meta.json`` files and YAML front matter override the guessed metadata."""

from __future__ import annotations

import json
from datetime import date

import pytest

from service.documents import read_bytes, read_file
from service.errors import DocumentRefused

ARTICLE = (
    "Aid arrives in Rome\nPublished: 12 March 2021\nBy Jane Doe\n\n"
    "The ministry said the donation of 200,000 masks would arrive next week and be handed to hospitals.\n"
)


def test_meta_sidecar_overrides_the_guess(write, limit: int) -> None:
    path = write("rome.txt", ARTICLE)
    write(
        "rome.meta.json",
        json.dumps(
            {
                "id": "rome-2021",
                "title": "Masks for Rome",
                "published": "2021-03-11",
                "source": "Ministry of Foreign Affairs",
                "url": "https://example.org/rome",
                "language": "en-GB",
            }
        ),
    )
    doc = read_file(path, max_bytes=limit)
    assert (doc.id, doc.title, doc.published, doc.source, doc.url, doc.language) == (
        "rome-2021",
        "Masks for Rome",
        date(2021, 3, 11),
        "Ministry of Foreign Affairs",
        "https://example.org/rome",
        "en-GB",
    )
    assert doc.author == "Jane Doe"  # not in the sidecar: the guess stays
    assert doc.text == ARTICLE and doc.origin == "rome.txt"


def test_meta_sidecar_null_clears_a_guess(write, limit: int) -> None:
    path = write("rome.txt", ARTICLE)
    write("rome.meta.json", '{"author": null, "published": "2021-03-12T08:30:00Z"}')
    doc = read_file(path, max_bytes=limit)
    assert (doc.author, doc.published) == (None, date(2021, 3, 12))


def test_meta_sidecar_beside_html(write, limit: int, press_release_html: str) -> None:
    path = write("serbia.html", press_release_html)
    write("serbia.meta.json", '{"source": "Xinhua"}')
    assert read_file(path, max_bytes=limit).source == "Xinhua"


@pytest.mark.parametrize(
    ("sidecar", "fragment"),
    [
        (b'{"title": "x",}', "invalid JSON at line 1 column 15"),
        (b'["title"]', "expected a JSON object"),
        (b'{"titel": "x"}', "unknown key 'titel'; accepted keys are id, title"),
        (b'{"published": "March 3"}', "published 'March 3' is not an ISO 8601 date"),
        (b'{"published": "2021-02-30"}', "is not an ISO 8601 date"),
        (b'{"url": "example.org/x"}', "url 'example.org/x' is not an http(s) URL"),
        (b'{"id": "a b"}', "id 'a b' is not an id"),
        (b'{"language": "English!"}', "is not a language tag"),
        (b'{"title": {"en": "x"}}', "title must be a string"),
        (b'{"title": "caf\xe9"}', "not UTF-8"),
    ],
)
def test_meta_bad_sidecar_refused(write, limit: int, sidecar: bytes, fragment: str) -> None:
    path = write("rome.txt", ARTICLE)
    write("rome.meta.json", sidecar)
    with pytest.raises(DocumentRefused) as caught:
        read_file(path, max_bytes=limit)
    message = str(caught.value)
    assert message.startswith(f"{path}: sidecar rome.meta.json: ") and fragment in message and "\n" not in message


def test_meta_front_matter_overrides_and_is_cut_from_the_text(limit: int) -> None:
    body = "\n" + ARTICLE
    content = "---\ntitle: Masks for Rome\ndate: 2021-03-11\nauthor: [Jane Doe, John Roe]\ntags: [aid]\n---\n" + body
    doc = read_bytes(content.encode(), name="rome.md", media_type=None, max_bytes=limit)
    assert doc.text == body
    assert (doc.title, doc.published, doc.author) == ("Masks for Rome", date(2021, 3, 11), "Jane Doe, John Roe")


def test_meta_sidecar_wins_over_front_matter(write, limit: int) -> None:
    path = write("rome.md", "---\ntitle: From front matter\nsource: Xinhua\n---\n" + ARTICLE)
    write("rome.meta.json", '{"title": "From the sidecar"}')
    doc = read_file(path, max_bytes=limit)
    assert (doc.title, doc.source) == ("From the sidecar", "Xinhua")


def test_meta_front_matter_crlf(limit: int) -> None:
    content = "---\r\npublished: 2021-03-11\r\n---\r\n" + ARTICLE.replace("\n", "\r\n")
    doc = read_bytes(content.encode(), name="rome.txt", media_type=None, max_bytes=limit)
    assert doc.published == date(2021, 3, 11) and doc.text == ARTICLE.replace("\n", "\r\n")


def test_meta_bad_front_matter_refused(limit: int) -> None:
    content = "---\ntitle: [unclosed\n---\n" + ARTICLE
    with pytest.raises(DocumentRefused, match=r"^rome\.txt: front matter is not valid YAML at line \d+"):
        read_bytes(content.encode(), name="rome.txt", media_type=None, max_bytes=limit)


def test_meta_front_matter_with_a_bad_value_refused(limit: int) -> None:
    content = "---\npublished: last Tuesday\n---\n" + ARTICLE
    with pytest.raises(DocumentRefused, match="front matter: published 'last Tuesday' is not an ISO 8601 date"):
        read_bytes(content.encode(), name="rome.txt", media_type=None, max_bytes=limit)


def test_meta_leading_rule_that_is_not_front_matter_is_text(limit: int) -> None:
    content = "---\nJust a paragraph between rules.\n---\n" + ARTICLE
    doc = read_bytes(content.encode(), name="rome.txt", media_type=None, max_bytes=limit)
    assert doc.text == content


def test_meta_front_matter_only_refused(limit: int) -> None:
    with pytest.raises(DocumentRefused, match="no text after the front matter"):
        read_bytes(b"---\ntitle: x\n---\n\n", name="rome.md", media_type=None, max_bytes=limit)


@pytest.mark.parametrize(
    ("sidecar", "fragment"),
    [
        (b'{"author": ["Jane Doe", 3]}', "author must be a string, not list"),
        (b'{"source": true}', "source must be a string, not bool"),
        (b'{"published": 20210311}', "published 20210311 is not an ISO 8601 date"),
        (b'{"id": "' + b"a" * 101 + b'"}', "is not an id (letters, digits"),
        (b'{"url": "ftp://example.org/x"}', "url 'ftp://example.org/x' is not an http(s) URL"),
        (b'"rome"', "expected a JSON object with keys id, title, published"),
    ],
)
def test_meta_sidecar_schema_refusals_name_the_file_and_the_key(
    write, limit: int, sidecar: bytes, fragment: str
) -> None:
    path = write("rome.txt", ARTICLE)
    write("rome.meta.json", sidecar)
    with pytest.raises(DocumentRefused) as caught:
        read_file(path, max_bytes=limit)
    message = str(caught.value)
    assert message.startswith(f"{path}: sidecar rome.meta.json: ") and fragment in message and "\n" not in message


def test_meta_sidecar_values_are_normalised(write, limit: int) -> None:
    path = write("rome.txt", ARTICLE)
    write("rome.meta.json", '{"id": " rome-1 ", "title": "  Masks\\n for   Rome ", "source": 10, "language": " en "}')
    doc = read_file(path, max_bytes=limit)
    assert (doc.id, doc.title, doc.source, doc.language) == ("rome-1", "Masks for Rome", "10", "en")


def test_meta_front_matter_impossible_yaml_date_is_one_line(limit: int) -> None:
    content = "---\npublished: 2021-02-30\n---\n" + ARTICLE
    with pytest.raises(DocumentRefused, match=r"^rome\.txt: front matter holds a date that does not exist") as caught:
        read_bytes(content.encode(), name="rome.txt", media_type=None, max_bytes=limit)
    assert "\n" not in str(caught.value)


def test_meta_front_matter_yaml_dates_are_read_as_written(limit: int) -> None:
    content = "---\ntitle: 2021-03-11\npublished: 2021-03-11 08:30:00\nurl: 12\n---\n" + ARTICLE
    with pytest.raises(DocumentRefused, match="front matter: url 12 is not an http"):
        read_bytes(content.encode(), name="rome.txt", media_type=None, max_bytes=limit)
    doc = read_bytes(content.replace("url: 12\n", "").encode(), name="rome.txt", media_type=None, max_bytes=limit)
    assert (doc.title, doc.published) == ("2021-03-11", date(2021, 3, 11))


def test_meta_schema_is_a_valid_schema_of_the_fields() -> None:
    from jsonschema import Draft202012Validator

    from service.documents import meta

    Draft202012Validator.check_schema(meta.SCHEMA)
    assert meta.FIELDS == ("id", "title", "published", "source", "url", "author", "language")
    assert all("x-error" in spec for spec in meta.SCHEMA["properties"].values())
