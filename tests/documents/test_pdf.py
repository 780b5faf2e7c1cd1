"""PDF documents: a text layer is read (with the document information's title and date), a scan
without one, an encrypted file and a damaged one are refused in one line.

The PDFs are built here, byte by byte (``make_pdf``): a real text layer in Helvetica, a real
cross-reference table, so that pypdf reads them as it reads any producer's file. Other test
modules import ``make_pdf``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from service.documents import read_bytes, read_file, walk
from service.errors import DocumentRefused

ARTICLE = [
    "Japan sends relief supplies to Tonga\n"
    "The Government of Japan decided to provide emergency relief goods to the Kingdom of Tonga.\n"
    "The supplies, including 2,000 water containers and 500 tents, were handed over on Monday.",
    "The Japan International Cooperation Agency will deliver the goods through the Tonga government.\n"
    "Japan will continue to support the people of Tonga in their recovery from the eruption.",
]


def make_pdf(pages: list[str], *, info: dict[str, str] | None = None) -> bytes:
    """A valid PDF whose pages carry ``pages`` as text (one text line per line), or no text at all
    for an empty string (a blank page: what a scan without OCR looks like to a text reader)."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for text in pages:
        lines = []
        for row, line in enumerate(text.splitlines()):
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            lines.append(f"BT /F1 10 Tf 40 {760 - 14 * row} Td ({escaped}) Tj ET")
        stream = "\n".join(lines).encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % content
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    trailer_info = b""
    if info:
        entries = " ".join(f"/{key} ({value})" for key, value in info.items()).encode("latin-1")
        objects.append(b"<< " + entries + b" >>")
        trailer_info = b" /Info %d 0 R" % len(objects)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_info, xref)
    return bytes(out)


def encrypted(data: bytes, password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_the_builder_makes_a_pdf_pypdf_reads() -> None:
    reader = PdfReader(io.BytesIO(make_pdf(ARTICLE, info={"Title": "T"})))
    assert len(reader.pages) == 2 and "water containers" in reader.pages[0].extract_text()
    assert reader.metadata is not None and reader.metadata.title == "T"


def test_pdf_text_and_metadata_are_read(write: Callable[..., Path], limit: int) -> None:
    path = write(
        "tonga.pdf",
        make_pdf(
            ARTICLE,
            info={
                "Title": "Emergency relief goods for Tonga",
                "Author": "MOFA",
                "CreationDate": "D:20220118093000+09'00'",
            },
        ),
    )
    doc = read_file(path, max_bytes=limit)
    assert doc.media_type == "application/pdf" and doc.id == "tonga" and doc.origin == "tonga.pdf"
    assert doc.title == "Emergency relief goods for Tonga" and doc.author == "MOFA"
    assert doc.published == date(2022, 1, 18)
    assert "2,000 water containers and 500 tents" in doc.text
    assert doc.text.index("500 tents") < doc.text.index("Japan International Cooperation Agency")  # page order


def test_pdf_without_metadata_takes_the_title_from_its_first_line(limit: int) -> None:
    doc = read_bytes(make_pdf(ARTICLE), name="upload.pdf", media_type="application/pdf", max_bytes=limit)
    assert doc.title == "Japan sends relief supplies to Tonga" and doc.published is None


def test_pdf_a_producer_s_file_name_is_not_taken_for_a_title(limit: int) -> None:
    data = make_pdf(ARTICLE, info={"Title": "Microsoft Word - tonga_final.docx"})
    doc = read_bytes(data, name="x.pdf", media_type=None, max_bytes=limit)
    assert doc.title == "Japan sends relief supplies to Tonga"


def test_pdf_is_told_by_its_bytes_when_neither_name_nor_type_says(limit: int) -> None:
    doc = read_bytes(make_pdf(ARTICLE), name="download", media_type=None, max_bytes=limit)
    assert doc.media_type == "application/pdf" and "500 tents" in doc.text


def test_pdf_a_sidecar_overrides_its_metadata(write: Callable[..., Path], limit: int) -> None:
    path = write("tonga.pdf", make_pdf(ARTICLE, info={"Title": "Old title"}))
    write(
        "tonga.meta.json",
        '{"title": "Relief for Tonga", "published": "2022-01-20", "url": "https://example.org/t.pdf"}',
    )
    doc = read_file(path, max_bytes=limit)
    assert (doc.title, doc.published, doc.url) == ("Relief for Tonga", date(2022, 1, 20), "https://example.org/t.pdf")


def test_pdf_a_scan_without_a_text_layer_is_refused_with_the_reason(write: Callable[..., Path], limit: int) -> None:
    path = write("scan.pdf", make_pdf(["", ""]))
    with pytest.raises(DocumentRefused) as caught:
        read_file(path, max_bytes=limit)
    message = caught.value.message
    assert message == (
        f"{path}: PDF without a text layer (its 2 pages have no text: a scan?); "
        "run OCR on it first (e.g. ocrmypdf) and ingest that"
    )


def test_pdf_an_encrypted_file_is_refused_unless_its_password_is_empty(limit: int) -> None:
    with pytest.raises(DocumentRefused) as caught:
        read_bytes(encrypted(make_pdf(ARTICLE), "secret"), name="locked.pdf", media_type=None, max_bytes=limit)
    assert caught.value.message == (
        "locked.pdf: encrypted PDF that needs a password; save an unencrypted copy and ingest that"
    )
    # Copy protection only (an owner password, an empty user password): readable as any PDF.
    doc = read_bytes(encrypted(make_pdf(ARTICLE), ""), name="protected.pdf", media_type=None, max_bytes=limit)
    assert "500 tents" in doc.text


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog",  # cut off after a few bytes
        make_pdf(ARTICLE)[:300],  # cut off in the middle of the objects
        b"%PDF-1.7\n" + bytes(range(256)) * 8,  # a header and noise
    ],
    ids=["truncated-header", "truncated-body", "noise"],
)
def test_pdf_a_damaged_file_is_refused_in_one_line(data: bytes, limit: int) -> None:
    with pytest.raises(DocumentRefused) as caught:
        read_bytes(data, name="broken.pdf", media_type=None, max_bytes=limit)
    message = caught.value.message
    assert message.startswith("broken.pdf: ") and "\n" not in message
    assert "damaged PDF that cannot be read (" in message


def test_pdf_over_the_character_limit_is_refused_naming_the_setting(limit: int) -> None:
    with pytest.raises(DocumentRefused) as caught:
        read_bytes(make_pdf(ARTICLE * 3), name="long.pdf", media_type=None, max_bytes=limit, max_chars=300)
    assert "over the 300-character limit (EVENTGRAPH_MAX_DOCUMENT_CHARS)" in caught.value.message


def test_pdf_files_are_found_in_folders(write: Callable[..., Path]) -> None:
    pdf = write("folder/a.pdf", make_pdf(ARTICLE))
    write("folder/b.docx", b"PK\x03\x04")
    skipped: list[Path] = []
    assert list(walk([pdf.parent], skipped=skipped)) == [pdf]
    assert skipped == [pdf.parent / "b.docx"]
