"""read_file / read_bytes / walk / doc_id_for: the public face of service.documents."""

from __future__ import annotations

import doctest
import os
from datetime import date
from pathlib import Path

import pytest

import service.documents
from service.documents import dates, doc_id_for, read_bytes, read_file, walk
from service.errors import DocumentRefused

PROSE = "The ministry said the donation of 200,000 masks would arrive next week and be handed to hospitals.\n"

SEED_EXPECTATIONS = {
    "000_9bb7eb15379a1141.txt": {
        "title": "Solidarity is the Most Powerful Weapon in the Fight against COVID-19",
        "published": date(2020, 10, 20),
        "source": "INP-WealthPk",
        "author": "ZHANG Runze and XIA Fei",
    },
    "004_0b827a61c6374308.txt": {
        "title": '"Frontline": Undertake foreign-related tasks in COVID-19 prevention and control '
        "with a strong sense of responsibility",
        "published": date(2020, 7, 21),
        "source": "Foreign Affairs Office of Beijing Municipal Government",
        "author": "Xiong Jiuling, Director General of the Office of the Foreign Affairs Committee",
    },
}


@pytest.mark.parametrize("name", sorted(SEED_EXPECTATIONS))
def test_read_seed_metadata(seeds_dir: Path, limit: int, name: str) -> None:
    doc = read_file(seeds_dir / name, max_bytes=limit)
    expected = SEED_EXPECTATIONS[name]
    assert (doc.title, doc.published, doc.source) == (expected["title"], expected["published"], expected["source"])
    assert doc.author is not None and doc.author.startswith(expected["author"])
    assert (doc.id, doc.origin, doc.language, doc.media_type, doc.url) == (
        name.removesuffix(".txt"),
        name,
        "en",
        "text/plain",
        None,
    )


@pytest.mark.parametrize("name", sorted(SEED_EXPECTATIONS))
def test_read_seed_text_verbatim(seeds_dir: Path, limit: int, name: str) -> None:
    path = seeds_dir / name
    assert read_file(path, max_bytes=limit).text == path.read_bytes().decode("utf-8")


def test_read_line_endings_and_trailing_spaces_kept(write, limit: int) -> None:
    content = "Title line  \r\nPublished: 12 March 2021\r\n\r\n" + PROSE.replace("\n", "\r\n") + "\r\n\r\n"
    doc = read_file(write("crlf.txt", content), max_bytes=limit)
    assert doc.text == content
    assert (doc.title, doc.published) == ("Title line", date(2021, 3, 12))


def test_read_bytes_matches_read_file(seeds_dir: Path, limit: int) -> None:
    path = seeds_dir / "004_0b827a61c6374308.txt"
    uploaded = read_bytes(path.read_bytes(), name=path.name, media_type="text/plain", max_bytes=limit)
    assert uploaded == read_file(path, max_bytes=limit)


def test_read_bytes_keeps_only_the_upload_base_name(limit: int) -> None:
    doc = read_bytes(
        b"Aid arrives\n\n" + PROSE.encode(), name="C:\\fakepath\\../notes/aid.txt", media_type=None, max_bytes=limit
    )
    assert (doc.origin, doc.id) == ("aid.txt", "aid")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "empty file"),
        (b"\xef\xbb\xbf", "empty file"),
        (b"  \n\t\r\n  \n", "only whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary file (looks like PNG image)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary file (looks like PDF document)"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "binary file (looks like ZIP archive"),
        (b"Aid arrives\x00\x00 in Rome", "binary file (contains NUL bytes)"),
        (bytes(range(0x80, 0x100)) * 4, "undecodable"),
        (b"abc\x01\x02\x03\x04def\x05", "control characters"),
    ],
    ids=["empty", "bom-only", "whitespace", "png", "pdf", "zip", "nul", "undecodable", "controls"],
)
def test_read_refusals_are_one_line(write, limit: int, content: bytes, fragment: str) -> None:
    path = write("bad.txt", content)
    for read in (
        lambda: read_file(path, max_bytes=limit),
        lambda: read_bytes(content, name="bad.txt", media_type=None, max_bytes=limit),
    ):
        with pytest.raises(DocumentRefused) as caught:
            read()
        message = str(caught.value)
        assert fragment in message and "bad.txt: " in message and "\n" not in message
        assert caught.value.status == 422


def test_read_binary_message_names_the_format(write, limit: int) -> None:
    path = write("picture.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(
        DocumentRefused, match=r"picture\.txt: binary file \(looks like PNG image\), not a text or HTML"
    ):
        read_file(path, max_bytes=limit)


def test_read_too_large_file_refused_from_its_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(12_300_000)  # sparse: the refusal must come from the size, not from reading
    with pytest.raises(DocumentRefused) as caught:
        read_file(path, max_bytes=5_000_000)
    assert str(caught.value) == f"{path}: 12.3 MB is over the 5 MB limit (EVENTGRAPH_MAX_DOCUMENT_BYTES)"


def test_read_bytes_too_large(limit: int) -> None:
    with pytest.raises(DocumentRefused, match=r"^up\.txt: 101 bytes is over the 100 bytes limit"):
        read_bytes(b"x" * 101, name="up.txt", media_type=None, max_bytes=100)


def test_read_too_large_by_one_byte_says_exact_sizes(write) -> None:
    path = write("edge.txt", b"a" * 5_001)
    with pytest.raises(DocumentRefused, match=r"5,001 bytes is over the 5,000 bytes limit"):
        read_file(path, max_bytes=5_000)


def test_read_exactly_at_the_limit_accepted(write) -> None:
    content = "Aid\n\n" + "x" * 95
    assert read_file(write("fits.txt", content), max_bytes=100).text == content


def test_read_missing_file_and_directory(tmp_path: Path, limit: int) -> None:
    with pytest.raises(DocumentRefused, match=r"nope\.txt: no such file$"):
        read_file(tmp_path / "nope.txt", max_bytes=limit)
    with pytest.raises(DocumentRefused, match="is a directory"):
        read_file(tmp_path, max_bytes=limit)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_read_unreadable_file(write, limit: int) -> None:
    path = write("secret.txt", "Aid\n\n" + PROSE)
    path.chmod(0)
    try:
        with pytest.raises(DocumentRefused, match="permission denied"):
            read_file(path, max_bytes=limit)
    finally:
        path.chmod(0o644)


def test_read_other_extension_is_sniffed(write, limit: int, press_release_html: str) -> None:
    assert read_file(write("page.dat", press_release_html), max_bytes=limit).media_type == "text/html"
    plain = read_file(write("NOTES", "Aid arrives\n\n" + PROSE), max_bytes=limit)
    assert (plain.media_type, plain.title, plain.id) == ("text/plain", "Aid arrives", "NOTES")


def test_read_markdown_media_type(write, limit: int) -> None:
    doc = read_file(write("note.md", "# Aid arrives in Rome\n\n" + PROSE), max_bytes=limit)
    assert (doc.media_type, doc.title) == ("text/markdown", "Aid arrives in Rome")


def test_read_bytes_declared_media_type_wins_over_name(limit: int, press_release_html: str) -> None:
    as_html = read_bytes(
        press_release_html.encode(), name="x.txt", media_type="text/html; charset=utf-8", max_bytes=limit
    )
    as_text = read_bytes(press_release_html.encode(), name="x.html", media_type="text/plain", max_bytes=limit)
    assert (as_html.media_type, as_text.media_type) == ("text/html", "text/plain")
    assert as_text.text == press_release_html


def test_walk_recurses_sorted_and_skips_hidden_and_sidecars(write, tmp_path: Path) -> None:
    for name in [
        "b.txt",
        "a.md",
        "sub/z.html",
        "sub/c.htm",
        "sub/deeper/d.text",
        "A.TXT",
        "b.meta.json",
        "notes.docx",
        ".hidden.txt",
        ".git/x.txt",
        "sub/.cache/y.txt",
        "sub/e.meta.json",
    ]:
        write(name, "x")
    found = [p.relative_to(tmp_path).as_posix() for p in walk([tmp_path])]
    assert found == ["A.TXT", "a.md", "b.txt", "sub/c.htm", "sub/deeper/d.text", "sub/z.html"]


def test_walk_explicit_files_dedupe_and_missing(write, tmp_path: Path) -> None:
    other = write("data.csv", "x")
    doc = write("dir/one.txt", "x")
    sidecar = write("dir/one.meta.json", "{}")
    missing = tmp_path / "missing.txt"
    found = list(walk([other, tmp_path / "dir", doc, sidecar, missing]))
    assert found == [other, doc, missing]


def test_walk_is_deterministic(seeds_dir: Path) -> None:
    first = list(walk([seeds_dir]))
    assert first == list(walk([seeds_dir])) and [p.name for p in first] == sorted(SEED_EXPECTATIONS)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("seeds/004_0b827a61c6374308.txt", "004_0b827a61c6374308"),
        ("report 2021 (final).html", "report_2021_final"),
        ("Café du Monde.md", "Cafe_du_Monde"),
        ("a.b.txt", "a.b"),
        ("-odd-.txt", "odd"),
    ],
)
def test_doc_id_for_sanitises_the_stem(name: str, expected: str) -> None:
    assert doc_id_for(Path(name)) == expected


def test_doc_id_for_names_without_ascii_get_a_stable_digest() -> None:
    first, second = doc_id_for("北京.txt"), doc_id_for("上海.txt")
    assert first.startswith("doc_") and first != second and first == doc_id_for(Path("x/北京.txt"))


def test_doc_id_for_long_names_are_capped() -> None:
    ident = doc_id_for("a" * 300 + ".txt")
    assert len(ident) == 100 and ident != doc_id_for("a" * 299 + ".txt")


def test_documents_doctests() -> None:
    for module in (service.documents, dates):
        assert doctest.testmod(module).failed == 0
