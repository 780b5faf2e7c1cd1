"""HTML pages: main text and metadata through trafilatura."""

from __future__ import annotations

from datetime import date

import pytest

from service.documents import read_bytes, read_file
from service.documents.html import looks_like_html
from service.errors import DocumentRefused


def test_html_press_release_metadata(write, limit: int, press_release_html: str) -> None:
    doc = read_file(write("serbia.html", press_release_html), max_bytes=limit)
    assert (doc.title, doc.published, doc.author, doc.source, doc.url) == (
        "China sends medical team to Serbia",
        date(2020, 3, 21),
        "Li Wei",
        "Ministry of Foreign Affairs of the People's Republic of China",
        "https://www.example.org/news/2020/03/21/serbia.html",
    )
    assert (doc.id, doc.origin, doc.media_type, doc.language) == ("serbia", "serbia.html", "text/html", "en-GB")


def test_html_text_is_the_main_text_only(write, limit: int, press_release_html: str) -> None:
    text = read_file(write("serbia.htm", press_release_html), max_bytes=limit).text
    assert "BELGRADE, March 21 (Xinhua) -- A team of six Chinese medical experts" in text
    assert "Aleksandar Vučić welcomed the team" in text
    for furniture in ("Contact us", "All rights reserved", "analytics", "<p"):
        assert furniture not in text


def test_html_page_in_a_legacy_encoding_uses_its_meta_charset(limit: int, press_release_html: str) -> None:
    page = press_release_html.replace('charset="utf-8"', 'charset="windows-1252"').replace("Vučić", "Vucic")
    page = page.replace("arrived in Belgrade", "arrived in Belgrade – “Beograd” –")
    doc = read_bytes(page.encode("cp1252"), name="serbia.html", media_type=None, max_bytes=limit)
    assert "arrived in Belgrade – “Beograd” –" in doc.text


def test_html_broken_markup_still_yields_text(limit: int) -> None:
    broken = b"<html><body><p>Masks were <b>donated to <i>Italy</p><p>Second paragraph & more</body>"
    doc = read_bytes(broken, name="broken.html", media_type=None, max_bytes=limit)
    assert "Masks were donated to Italy" in doc.text and "Second paragraph & more" in doc.text


def test_html_fragment_without_a_page_around_it(limit: int) -> None:
    fragment = b"<p>China donated 100,000 masks to Italy on 3 March 2021.</p>"
    doc = read_bytes(fragment, name="fragment.html", media_type=None, max_bytes=limit)
    assert doc.text == "China donated 100,000 masks to Italy on 3 March 2021."


def test_html_xhtml_with_xml_declaration(limit: int) -> None:
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" lang="zh-CN">'
        "<head><title>Aid</title></head><body><p>" + "China sent aid to Italy. " * 4 + "</p></body></html>"
    )
    doc = read_bytes(
        page.encode(), name="aid.xhtml", media_type="application/xhtml+xml", max_bytes=limit, check_language=False
    )
    assert (doc.language, doc.media_type) == ("zh-CN", "text/html") and "China sent aid" in doc.text
    # and the declared language is honoured: the page says it is Chinese, so it is refused
    with pytest.raises(DocumentRefused, match=r"declares its language as Chinese \(zh-CN\) in the page's lang"):
        read_bytes(page.encode(), name="aid.xhtml", media_type="application/xhtml+xml", max_bytes=limit)


def test_html_without_main_text_refused(limit: int) -> None:
    page = b"<!DOCTYPE html><html><head><title>Empty</title></head><body><script>x()</script></body></html>"
    with pytest.raises(DocumentRefused, match=r"^empty\.html: no main text found in the HTML page$"):
        read_bytes(page, name="empty.html", media_type=None, max_bytes=limit)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!DOCTYPE html><html>", True),
        ("\n  <html lang='en'>", True),
        ("<head><title>x</title></head>", True),
        ("Aid arrives <html> is a tag", False),
        ("<p>just a paragraph</p>", False),
    ],
)
def test_html_sniffing(text: str, expected: bool) -> None:
    assert looks_like_html(text) is expected
