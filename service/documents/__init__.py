"""Documents: files, uploaded bytes and web pages → :class:`service.model.Document`.

Decodes the bytes (UTF-8, UTF-16/32 with a byte-order mark, or a detected legacy encoding),
refuses what is not an English text document (empty, binary, too large, too long, undecodable,
in another language; a FIFO, socket or device; a symbolic link out of the folder being read)
with a one-line :class:`~service.errors.DocumentRefused`, and fills in title, date, source,
author, URL and language from, in rising order of authority: the text's own header lines, the
HTML page's or the PDF's metadata, YAML front matter, and a ``NAME.meta.json`` sidecar. A URL is
fetched (:mod:`~service.documents.url`: bounded in time and size) and read as the file it answers
with; its address is the document's URL and, reduced, its id.

``Document.text`` is the decoded text exactly as written — line endings, trailing spaces and
all; only a leading byte-order mark is dropped, and front matter is cut off — because event
offsets are character offsets into it. For HTML it is the page's extracted main text; for a PDF
its text layer (a scan without one is refused).

This package reads documents and nothing else. It must not import RDF libraries, the ontology mapping, the store,
the extractor, Flask, the web layer or the CLI.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import urlsplit

from service.documents import decode, html, language, meta, pdf, text, url
from service.documents.files import kind_of, open_regular
from service.errors import DocumentRefused, DocumentTooLong
from service.model import Document

__all__ = [
    "DEFAULT_MAX_CHARS",
    "DOCUMENT_SUFFIXES",
    "DocumentTooLong",
    "Refusal",
    "doc_id_for",
    "is_url",
    "read_bytes",
    "read_file",
    "read_url",
    "walk",
]

TEXT_SUFFIXES = {".txt": "text/plain", ".text": "text/plain", ".md": "text/markdown"}
HTML_SUFFIXES = frozenset({".html", ".htm"})
PDF_SUFFIXES = frozenset({".pdf"})
DOCUMENT_SUFFIXES = frozenset(TEXT_SUFFIXES) | HTML_SUFFIXES | PDF_SUFFIXES
_TEXT_TYPES = {"text/plain": "text/plain", "text/markdown": "text/markdown", "text/x-markdown": "text/markdown"}
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
is_url = url.is_url
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_ID = 100
# The extractor's time grows faster than the text's length: 1.7-5 s at 200,000 characters, 47 s
# at 990,000 (docs/reliability.md). EVENTGRAPH_MAX_DOCUMENT_CHARS, whose default this is.
DEFAULT_MAX_CHARS = 200_000


@dataclass(frozen=True)
class Refusal:
    """A path :func:`walk` found and will not read, with the one-line reason."""

    path: Path
    reason: str


def read_file(
    path: Path, *, max_bytes: int, max_chars: int = DEFAULT_MAX_CHARS, check_language: bool = True
) -> Document:
    """Read one document file (and its sidecar), or raise DocumentRefused naming the file.

    Only a regular file is opened (a symbolic link to one is followed): a FIFO, a socket or a
    device is refused without being opened, since reading one can block for ever.
    """
    path = Path(path)
    try:
        data = _read_limited(path, max_bytes)
        sidecar = meta.read_sidecar(path, max_bytes)
        return _build(
            data,
            name=path.name,
            media_type=None,
            overrides=sidecar,
            max_chars=max_chars,
            check_language=check_language,
        )
    except DocumentRefused as exc:
        raise type(exc)(f"{_one_line(str(path))}: {exc.message}") from None


def read_bytes(
    data: bytes,
    *,
    name: str,
    media_type: str | None,
    max_bytes: int,
    max_chars: int = DEFAULT_MAX_CHARS,
    check_language: bool = True,
) -> Document:
    """Read an uploaded document; ``name`` is the upload's file name, ``media_type`` its Content-Type."""
    name = _base_name(name)
    try:
        if len(data) > max_bytes:
            raise _too_large(len(data), max_bytes)
        return _build(
            data, name=name, media_type=media_type, overrides={}, max_chars=max_chars, check_language=check_language
        )
    except DocumentRefused as exc:
        raise type(exc)(f"{_one_line(name)}: {exc.message}") from None


def read_url(
    address: str,
    *,
    max_bytes: int,
    timeout: float,
    max_chars: int = DEFAULT_MAX_CHARS,
    check_language: bool = True,
) -> Document:
    """Fetch a web page, PDF or text over HTTP(S) and read it, or raise DocumentRefused naming the URL.

    The document's id comes from the address (:func:`~service.documents.url.doc_id_for_url`), so
    ingesting it again finds it; its URL is where the answer came from at last (after redirects),
    its source the site's name, else the host; title and date are the page's or the PDF's.
    """
    label = _one_line(address.strip())
    try:
        fetched = url.fetch(address, max_bytes=max_bytes, timeout=timeout)
        if not fetched.data:
            raise DocumentRefused("the server sent an empty answer")
        name = PurePath(urlsplit(fetched.final_url).path).name or "index.html"
        document = _build(
            fetched.data,
            name=name,
            media_type=fetched.media_type,
            overrides={"url": fetched.final_url},
            max_chars=max_chars,
            check_language=check_language,
            default_id=url.doc_id_for_url(address),
        )
    except DocumentRefused as exc:
        raise type(exc)(f"{label}: {exc.message}") from None
    return replace(document, origin=label, source=document.source or urlsplit(fetched.final_url).hostname)


def walk(
    paths: Iterable[Path], *, follow_symlinks: bool = False, skipped: list[Path] | None = None
) -> Iterator[Path | Refusal]:
    """The document files named or contained in ``paths``, each once, in a stable order.

    Directories are walked recursively in sorted order, skipping hidden entries, sidecars and
    files whose extension is not a document's. A file named explicitly is yielded whatever its
    extension (unless it is a sidecar), and so is a path that does not exist, so that reading
    it reports the problem. Raises DocumentRefused when a directory cannot be listed.

    Inside a directory, what has a document's extension but must not be read is yielded as a
    :class:`Refusal`: a FIFO, socket or device (reading one can block for ever), a broken
    symbolic link, and — unless ``follow_symlinks`` — a symbolic link whose target lies outside
    the directory named (``notes.txt -> /etc/passwd``), or a document whose sidecar is one.
    Symbolic links to directories are descended only with ``follow_symlinks`` (each real
    directory once, so a loop ends).

    Files inside a directory whose extension is not a document's are appended to ``skipped``
    when it is given (hidden files and sidecars are not: they are never documents).
    """
    seen: set[str] = set()
    for path in map(Path, paths):
        if path.is_dir():
            found: Iterable[Path | Refusal] = _walk_dir(path, follow_symlinks, skipped)
        else:
            found = [] if meta.is_sidecar(path) else [path]
        for item in found:
            key = os.path.abspath(item.path if isinstance(item, Refusal) else item)
            if key not in seen:
                seen.add(key)
                yield item


def doc_id_for(path: PurePath | str) -> str:
    """The document id for a file: its stem, reduced to ``[A-Za-z0-9._-]``.

    >>> doc_id_for(Path("seeds/004_0b827a61c6374308.txt"))
    '004_0b827a61c6374308'
    >>> doc_id_for("Café du Monde.html")
    'Cafe_du_Monde'
    """
    stem = PurePath(_base_name(str(path))).stem
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", stem) if not unicodedata.combining(ch))
    safe = _ID_UNSAFE.sub("_", folded).strip("._-")
    digest = hashlib.sha256(stem.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    if not any(ch.isalnum() for ch in safe):
        return f"doc_{digest}"  # nothing readable survived (a name in another script)
    return safe if len(safe) <= MAX_ID else f"{safe[: MAX_ID - 13]}_{digest}"


def _build(
    data: bytes,
    *,
    name: str,
    media_type: str | None,
    overrides: dict[str, Any],
    max_chars: int = DEFAULT_MAX_CHARS,
    check_language: bool = True,
    default_id: str | None = None,
) -> Document:
    if not data:
        raise DocumentRefused("empty file")
    declared_type, charset = _parse_media_type(media_type)
    kind = _kind(name, declared_type)
    if kind == pdf.MEDIA_TYPE or (kind is None and pdf.is_pdf(data)):
        body, found = pdf.extract(data, max_chars=max_chars)
        return _finish(
            body,
            {**text.guess(body), **found},
            overrides=overrides,
            where="in its sidecar",
            name=name,
            media_type=pdf.MEDIA_TYPE,
            max_chars=max_chars,
            check_language=check_language,
            default_id=default_id,
        )
    if charset is None and kind != "text/plain":
        charset = html.declared_charset(data)
    content = decode.decode(data, declared=charset)
    if not content:
        raise DocumentRefused("empty file (only a byte-order mark)")
    if not content.strip():
        raise DocumentRefused("contains only whitespace, no text")
    if kind is None:
        kind = "text/html" if html.looks_like_html(content) else "text/plain"
    front: dict[str, Any] = {}
    if kind == "text/html":
        body, found = html.extract(content)
    else:
        front, body = meta.split_front_matter(content)
        if not body.strip():
            raise DocumentRefused("no text after the front matter")
        found = {**text.guess(body), **front}
    where = "in its front matter" if front.get("language") else "in the page's lang attribute"
    return _finish(
        body,
        found,
        overrides=overrides,
        where=where,
        name=name,
        media_type=kind,
        max_chars=max_chars,
        check_language=check_language,
        default_id=default_id,
    )


def _finish(
    body: str,
    found: dict[str, Any],
    *,
    overrides: dict[str, Any],
    where: str,
    name: str,
    media_type: str,
    max_chars: int,
    check_language: bool,
    default_id: str | None,
) -> Document:
    """The document of a read text: its length checked, the overrides applied, its language told."""
    if len(body) > max_chars:
        raise _too_long(len(body), max_chars)
    found = {**found, **overrides}
    if check_language:
        where = "in its sidecar" if overrides.get("language") else where
        found["language"] = language.check(body, found.get("language"), where=where)
    return _document(body, found, name=name, media_type=media_type, default_id=default_id)


def _document(
    body: str, found: dict[str, Any], *, name: str, media_type: str, default_id: str | None = None
) -> Document:
    return Document(
        id=found.get("id") or default_id or doc_id_for(name),
        text=body,
        title=found.get("title"),
        published=found.get("published"),
        source=found.get("source"),
        url=found.get("url"),
        author=found.get("author"),
        language=found.get("language") or "en",
        origin=name,
        media_type=media_type,
    )


def _kind(name: str, declared_type: str | None) -> str | None:
    """The media type the name or the sender states; None when the content must tell."""
    if declared_type in _HTML_TYPES:
        return "text/html"
    if declared_type in _TEXT_TYPES:
        return _TEXT_TYPES[declared_type]
    if declared_type == pdf.MEDIA_TYPE:
        return pdf.MEDIA_TYPE
    suffix = PurePath(name).suffix.lower()
    if suffix in PDF_SUFFIXES:
        return pdf.MEDIA_TYPE
    return "text/html" if suffix in HTML_SUFFIXES else TEXT_SUFFIXES.get(suffix)


def _parse_media_type(media_type: str | None) -> tuple[str | None, str | None]:
    if not media_type:
        return None, None
    kind, *params = media_type.split(";")
    charset = next((p.split("=", 1)[1].strip(" \"'") for p in params if p.strip().lower().startswith("charset=")), None)
    return kind.strip().lower() or None, charset or None


def _read_limited(path: Path, max_bytes: int) -> bytes:
    """The file's bytes; a file over the limit is refused before it is read."""
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > max_bytes:
                raise _too_large(size, max_bytes)
            data = fh.read(max_bytes + 1)  # st_size can be stale (a growing file)
    except FileNotFoundError:
        broken = os.path.islink(path)
        raise DocumentRefused("broken symbolic link" if broken else "no such file") from None
    except IsADirectoryError:
        raise DocumentRefused("is a directory, not a document file") from None
    except PermissionError:
        raise DocumentRefused("cannot read it (permission denied)") from None
    except OSError as exc:
        raise DocumentRefused(f"cannot read it ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes)
    return data


def _too_long(length: int, limit: int) -> DocumentTooLong:
    return DocumentTooLong(
        f"its text is {length:,} characters, over the {limit:,}-character limit (EVENTGRAPH_MAX_DOCUMENT_CHARS)"
    )


def _too_large(size: int, limit: int) -> DocumentRefused:
    shown, shown_limit = _size(size), _size(limit)
    if shown == shown_limit:  # 5,000,001 bytes must not read "5 MB is over the 5 MB limit"
        shown, shown_limit = f"{size:,} bytes", f"{limit:,} bytes"
    return DocumentRefused(f"{shown} is over the {shown_limit} limit (EVENTGRAPH_MAX_DOCUMENT_BYTES)")


def _size(n: int) -> str:
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def _walk_dir(root: Path, follow_symlinks: bool, skipped: list[Path] | None = None) -> list[Path | Refusal]:
    def fail(exc: OSError) -> None:
        raise DocumentRefused(f"{exc.filename}: cannot list the directory ({exc.strerror or exc})")

    real_root = os.path.realpath(root)
    visited = {real_root}
    found: list[Path | Refusal] = []
    others: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=fail, followlinks=follow_symlinks):
        kept = []
        for d in dirnames:
            sub = Path(dirpath, d)
            if d.startswith("."):
                continue
            if sub.is_symlink():
                real = os.path.realpath(sub)
                if not follow_symlinks:
                    if not _inside(real, real_root):
                        found.append(Refusal(sub, _outside(sub, real, root, "directory")))
                    continue  # one inside is walked as itself
                if real in visited:
                    continue
                visited.add(real)
            kept.append(d)
        dirnames[:] = kept
        for filename in filenames:
            file = Path(dirpath, filename)
            if filename.startswith(".") or meta.is_sidecar(file):
                continue
            if file.suffix.lower() not in DOCUMENT_SUFFIXES:
                others.append(file)
                continue
            found.append(_check_entry(file, root, real_root, follow_symlinks))
    if skipped is not None:
        skipped.extend(sorted(others, key=lambda path: path.relative_to(root).parts))
    return sorted(found, key=lambda item: (item.path if isinstance(item, Refusal) else item).relative_to(root).parts)


def _check_entry(file: Path, root: Path, real_root: str, follow_symlinks: bool) -> Path | Refusal:
    """``file`` when it may be read, else a Refusal saying why (see :func:`walk`)."""
    try:
        mode = os.stat(file).st_mode
    except FileNotFoundError:
        target = os.readlink(file) if file.is_symlink() else "nothing"
        return Refusal(file, _one_line(f"{file}: broken symbolic link (to {target})"))
    except OSError as exc:
        return Refusal(file, f"{_one_line(str(file))}: cannot read it ({exc.strerror or exc})")
    if not stat.S_ISREG(mode):
        return Refusal(file, f"{_one_line(str(file))}: not a regular file: it is {kind_of(mode)}, which is never read")
    if not follow_symlinks:
        for path, what in ((file, "file"), (meta.sidecar_path(file), "sidecar")):
            if path.is_symlink() and not _inside(real := os.path.realpath(path), real_root):
                return Refusal(file, _outside(path, real, root, what))
    return file


def _inside(real: str, real_root: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _outside(link: Path, real: str, root: Path, what: str) -> str:
    return _one_line(
        f"{link}: symbolic link to a {what} outside {root} ({real}), not followed; --follow-symlinks allows it"
    )


def _base_name(name: str) -> str:
    """The last component of an upload name (browsers may send ``C:\\fakepath\\x.txt``)."""
    return re.split(r"[/\\]", name.strip())[-1] or "upload"


def _one_line(label: str) -> str:
    return label.replace("\n", " ").replace("\r", " ")
