"""Bytes → text: byte-order marks, UTF-8, declared and detected legacy encodings; binary refused.

The decoded text is returned exactly as the bytes say (only a leading byte-order mark is
dropped), so that character offsets computed later refer to what the author wrote.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from service.errors import DocumentRefused

# (offset, magic bytes, what it is): the formats people most often hand to a text tool by mistake.
SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "PNG image"),
    (0, b"\xff\xd8\xff", "JPEG image"),
    (0, b"GIF87a", "GIF image"),
    (0, b"GIF89a", "GIF image"),
    (0, b"II*\x00", "TIFF image"),
    (0, b"MM\x00*", "TIFF image"),
    (0, b"%PDF-", "PDF document"),
    (0, b"PK\x03\x04", "ZIP archive, or a .docx/.xlsx/.odt/.epub file"),
    (0, b"PK\x05\x06", "ZIP archive"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Microsoft Office document (.doc/.xls/.ppt)"),
    (0, b"{\\rtf", "RTF document"),
    (0, b"\x1f\x8b", "gzip archive"),
    (0, b"\xfd7zXZ\x00", "xz archive"),
    (0, b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (0, b"Rar!\x1a\x07", "RAR archive"),
    (0, b"\x7fELF", "ELF executable"),
    (0, b"\xca\xfe\xba\xbe", "Java class or Mach-O file"),
    (0, b"\xcf\xfa\xed\xfe", "Mach-O executable"),
    (0, b"SQLite format 3\x00", "SQLite database"),
    (0, b"RIFF", "RIFF media file (WAV, AVI or WebP)"),
    (0, b"OggS", "Ogg media file"),
    (0, b"ID3\x03", "MP3 audio"),
    (0, b"ID3\x04", "MP3 audio"),
    (4, b"ftyp", "MP4/QuickTime video or HEIC image"),
    (0, b"wOFF", "WOFF font"),
    (0, b"wOF2", "WOFF2 font"),
    (0, b"\x00asm", "WebAssembly module"),
)

# Checked longest first so that a UTF-32 LE mark is not taken for a UTF-16 LE one.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# When the detector finds several encodings equally plausible, these win, in this order:
# they are the legacy encodings press releases actually come in (Western, Chinese, Japanese,
# Korean, Cyrillic, Central European).
PREFERRED = ("cp1252", "gb18030", "cp932", "cp949", "big5", "cp1251", "cp1250")
# Detector verdicts never accepted: without a byte-order mark they turn Latin text into CJK soup.
NEVER_DETECTED = ("utf_16", "utf_32")
MAX_CHAOS = 0.1  # charset-normalizer's "mess" ratio above which a decoding is not trusted
MIN_COHERENCE = 0.2  # a language must be recognised for a non-preferred encoding to be trusted
MAX_CONTROL_RATIO = 0.01  # more control characters than this and it is not prose

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_WHATWG_ALIASES = {"iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252"}


def decode(data: bytes, *, declared: str | None = None) -> str:
    """Decode document bytes to text, or raise DocumentRefused saying why not.

    ``declared`` is a charset named by the sender (an HTTP parameter or an HTML ``<meta>``);
    it is tried after UTF-8, because mislabelled UTF-8 is far more common than real UTF-8
    look-alikes.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _checked(_strict(data[len(bom) :], encoding, "despite its byte-order mark"))
    _refuse_binary(data)
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        _refuse_damaged_utf8(data, exc)
    if declared and (text := _try_declared(data, declared)) is not None:
        return _checked(text)
    return _checked(_detect(data))


def binary_kind(data: bytes) -> str | None:
    """What a binary file looks like ("PNG image"), or None when the bytes may be text."""
    for offset, magic, kind in SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            return kind
    if b"\x00" in data:
        return "contains NUL bytes"
    return None


def _refuse_binary(data: bytes) -> None:
    kind = binary_kind(data)
    if kind is None:
        return
    hint = ""
    if kind == "contains NUL bytes" and data[1::2].count(0) > len(data) // 4:
        hint = "; if it is UTF-16 text, save it with a byte-order mark or as UTF-8"
    looks = kind if kind.startswith("contains") else f"looks like {kind}"
    raise DocumentRefused(f"binary file ({looks}), not a text or HTML document{hint}")


def _strict(data: bytes, encoding: str, context: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DocumentRefused(f"not valid {encoding} {context} (byte {exc.start}); save it as UTF-8") from None


def _refuse_damaged_utf8(data: bytes, exc: UnicodeDecodeError) -> None:
    # Mostly-valid UTF-8 with a few bad bytes must not be "detected" as cp1252: every accented
    # letter would silently become two wrong ones (é → Ã©).
    text = data.decode("utf-8", errors="surrogateescape")
    bad = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    if good > bad:
        raise DocumentRefused(
            f"invalid UTF-8 at byte {exc.start} in an otherwise UTF-8 file; repair it or save it again as UTF-8"
        )


def _try_declared(data: bytes, declared: str) -> str | None:
    name = _WHATWG_ALIASES.get(declared.strip().lower(), declared.strip())
    try:
        codecs.lookup(name)
        return data.decode(name)
    except (LookupError, UnicodeDecodeError):
        return None


def _detect(data: bytes) -> str:
    matches = [m for m in charset_normalizer.from_bytes(data) if not m.encoding.startswith(NEVER_DETECTED)]
    if not matches:
        raise DocumentRefused("undecodable: not UTF-8 and no known encoding reads it cleanly; save it as UTF-8")
    best = min(matches, key=lambda m: m.chaos)
    if best.chaos > MAX_CHAOS:
        raise DocumentRefused(f"encoding unclear (best guess {best.encoding} still reads as garbled); save it as UTF-8")
    tied = [m for m in matches if m.chaos <= best.chaos + 0.02]
    for encoding in PREFERRED:
        if any(encoding in m.could_be_from_charset for m in tied):
            return _strict(data, encoding, "throughout (detected from a sample)")
    if best.coherence >= MIN_COHERENCE:
        return _strict(data, best.encoding, "throughout (detected from a sample)")
    raise DocumentRefused(f"encoding unclear (perhaps {best.encoding}, but not confidently); save it as UTF-8")


def _checked(text: str) -> str:
    controls = _CONTROL.findall(text)
    if len(controls) > MAX_CONTROL_RATIO * len(text):
        first = _CONTROL.search(text)
        where = f"U+{ord(controls[0]):04X} at character {first.start() if first else 0}"
        raise DocumentRefused(
            f"{len(controls)} control characters in {len(text)} characters (first {where}): "
            "binary or corrupted, not a text document"
        )
    return text
