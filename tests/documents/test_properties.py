"""Properties over arbitrary input: only DocumentRefused escapes, and valid text is kept exactly."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from service.documents import read_bytes
from service.errors import DocumentRefused

NAMES = st.sampled_from(["upload", "a.txt", "a.md", "a.html", "a.bin"])
MEDIA_TYPES = st.sampled_from([None, "text/plain", "text/html", "text/markdown; charset=utf-8", "image/png"])
# Header-like lines and markup mixed into random text, so that the scanners' branches are reached.
PIECES = st.sampled_from(
    [
        "Date: 2021-03-12\n",
        "Source: Xinhua\n",
        "By Jane Doe\n",
        "Author:\n",
        "03/04/2021\n",
        "BEIJING, March 3, 2021 (Xinhua) -- ",
        "---\n",
        "title: [x\n",
        "<html><body><p>",
        "</p>",
        "https://example.org/\n",
        "\r\n",
        "2020年7月21日\n",
    ]
)
# Text the reader must keep verbatim: no control characters (those are refused past a threshold).
PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufeff") | st.sampled_from(
    "\n\r\t\f "
)


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.binary(max_size=600) | st.lists(st.text() | PIECES, max_size=8).map(lambda xs: "".join(xs).encode()),
    name=NAMES,
    media_type=MEDIA_TYPES,
)
def test_properties_read_bytes_raises_only_document_refused(data: bytes, name: str, media_type: str | None) -> None:
    try:
        doc = read_bytes(data, name=name, media_type=media_type, max_bytes=500)
    except DocumentRefused as exc:
        assert "\n" not in str(exc) and str(exc)
    else:
        assert doc.text.strip() and doc.id and doc.origin


@settings(deadline=None, max_examples=150)
@given(
    text=st.lists(st.text(PRINTABLE) | PIECES.filter(lambda p: "<" not in p and "---" not in p), min_size=1).map(
        "".join
    )
)
def test_properties_valid_utf8_text_is_kept_exactly(text: str) -> None:
    assume(text.strip())
    assume(not text.startswith("---"))  # front matter is cut off by design
    # Random text is in no language (or in many): the language check is not what is tried here.
    doc = read_bytes(text.encode("utf-8"), name="a.txt", media_type="text/plain", max_bytes=10**6, check_language=False)
    assert doc.text == text
