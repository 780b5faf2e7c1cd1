"""PDF documents: the text layer and the document information, read with pypdf.

A PDF's text is what its text layer holds, page after page, separated by a blank line; event
offsets refer to that text. A PDF without one (a scan) is refused: reading it needs OCR, which
this service does not do. So is an encrypted PDF that opens only with a password, and one that
pypdf cannot parse. Title, author and creation date come from the document information
dictionary when it has them; the text's own header lines fill what it lacks.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import date, datetime
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from service.errors import DocumentRefused

MAGIC = b"%PDF-"
MEDIA_TYPE = "application/pdf"
# Titles that producers write in place of one: "Microsoft Word - minutes.docx", "untitled".
_NOT_A_TITLE = re.compile(
    r"(?:^microsoft \w+ - |^untitled$|^document\d*$|\.(?:docx?|odt|rtf|pdf|pptx?|xlsx?|indd|pages)$)", re.IGNORECASE
)

# pypdf reports what it repairs in damaged files through logging; a reader of many PDFs does not
# want a line per repaired cross-reference table on its console.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def is_pdf(data: bytes) -> bool:
    """True when the bytes start like a PDF (used when neither the name nor the sender says)."""
    return data[:1024].lstrip().startswith(MAGIC)


def extract(data: bytes, *, max_chars: int) -> tuple[str, dict[str, Any]]:
    """(text, metadata) of a PDF, or DocumentRefused with the one-line reason it cannot be read.

    Text extraction stops as soon as the text is longer than ``max_chars``: the caller refuses
    such a document anyway, and a long PDF would take long to read to the end.
    """
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        _decrypt(reader)
        pages: list[str] = []
        length = 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            length += len(pages[-1]) + 2
            if length > max_chars:
                break
        info = _info(reader)
    except DocumentRefused:
        raise
    except FileNotDecryptedError:
        raise _encrypted() from None
    except DependencyError:  # AES-encrypted, and no cryptography package to decrypt it with
        raise DocumentRefused(
            "encrypted PDF that this installation cannot decrypt (AES needs the cryptography package); "
            "save an unencrypted copy and ingest that"
        ) from None
    except Exception as exc:  # pypdf raises many kinds on malformed input; each means a damaged file
        raise DocumentRefused(f"damaged PDF that cannot be read ({_reason(exc)})") from None
    text = "\n\n".join(page.strip("\n") for page in pages)
    if not any(ch.isalnum() for ch in text):
        count = len(reader.pages)
        what = "its page has" if count == 1 else f"its {count} pages have"
        raise DocumentRefused(
            f"PDF without a text layer ({what} no text: a scan?); run OCR on it first (e.g. ocrmypdf) and ingest that"
        )
    return text, info


def _decrypt(reader: PdfReader) -> None:
    """Open an encrypted PDF with the empty password (copy-protected files have one), or refuse."""
    if reader.is_encrypted and not reader.decrypt(""):
        raise _encrypted()


def _encrypted() -> DocumentRefused:
    return DocumentRefused("encrypted PDF that needs a password; save an unencrypted copy and ingest that")


def _info(reader: PdfReader) -> dict[str, Any]:
    """Title, author and publication date from the document information, where usable."""
    try:
        meta = reader.metadata
    except Exception:  # a damaged information dictionary: the text is still worth reading
        return {}
    if meta is None:
        return {}
    found: dict[str, Any] = {}
    title = _clean(meta.get("/Title"))
    if title and not _NOT_A_TITLE.search(title):
        found["title"] = title
    if author := _clean(meta.get("/Author")):
        found["author"] = author
    try:
        created = meta.creation_date
    except Exception:  # a malformed date string ("D:2021-13-45")
        created = None
    if isinstance(created, datetime):
        found["published"] = created.date()
    elif isinstance(created, date):
        found["published"] = created
    return found


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.replace("\x00", "").split()) or None


def _reason(exc: Exception) -> str:
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message}"[:160] if message else type(exc).__name__
