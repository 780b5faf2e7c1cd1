"""Bytes → text: byte-order marks, UTF-8, declared and detected legacy encodings; binary refused.

The decoded text is returned exactly as the bytes say (only a leading byte-order mark is
dropped), so that character offsets computed later refer to what the author wrote.

Bytes that are not valid UTF-8 are read in the encoding the sender declares (a byte-order mark,
an HTTP ``charset`` parameter, an HTML ``<meta charset>``). Without a declaration an encoding is
guessed only when the result reads clearly as a text in it (:func:`_reads_clearly`): a Western
text whose accented letters sit inside words, or a text mostly in another script (Chinese,
Cyrillic…). Anything else — a few stray bytes in an English text, UTF-8 cut or mixed with another
encoding — is refused with the position of the first bad byte, never read as a garbled guess.
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

# A guessed (undeclared) legacy decoding must read clearly, see _garbled.
MIN_OTHER_SCRIPT = 10
MIN_OTHER_SHARE = 0.3
WESTERN_MARKS = frozenset("\u00a0‘’‚“”„–—…•€£¥¢©®™°«»§¶·¡¿ªº¹²³¼½¾×±µ‹›†‡‰´")
WESTERN_ONE_LETTER_WORDS = frozenset("àáèéòóùúÀÉ")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CUT_SEQUENCE = re.compile(rb"\xe2[\x80-\xbf](?![\x80-\xbf])|\xf0\x9f(?:[\x80-\xbf](?![\x80-\xbf])|(?![\x80-\xbf]))")
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
        first_bad = exc.start
    if declared and (text := _try_declared(data, declared)) is not None:
        return _checked(text)
    return _checked(_detect(data, first_bad))


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
    if _utf8_sequences(data) > 0 and _utf8_sequences(data) >= _bad_utf8_bytes(data):
        raise _damaged_utf8(exc.start)


def _damaged_utf8(at: int) -> DocumentRefused:
    return DocumentRefused(
        f"invalid UTF-8 at byte {at} in an otherwise UTF-8 file; repair it or save it again as UTF-8"
    )


def _utf8_sequences(data: bytes) -> int:
    """How many valid multi-byte UTF-8 sequences the bytes hold."""
    text = data.decode("utf-8", errors="surrogateescape")
    return sum(1 for ch in text if ord(ch) > 0x7F and not "\udc80" <= ch <= "\udcff")


def _bad_utf8_bytes(data: bytes) -> int:
    return sum(1 for ch in data.decode("utf-8", errors="surrogateescape") if "\udc80" <= ch <= "\udcff")


def _try_declared(data: bytes, declared: str) -> str | None:
    name = _WHATWG_ALIASES.get(declared.strip().lower(), declared.strip())
    try:
        codecs.lookup(name)
        return data.decode(name)
    except (LookupError, UnicodeDecodeError):
        return None


def _detect(data: bytes, first_bad: int) -> str:
    matches = [m for m in charset_normalizer.from_bytes(data) if not m.encoding.startswith(NEVER_DETECTED)]
    if not matches:
        raise DocumentRefused("undecodable: not UTF-8 and no known encoding reads it cleanly; save it as UTF-8")
    best = min(matches, key=lambda m: m.chaos)
    if best.chaos > MAX_CHAOS:
        raise DocumentRefused(f"encoding unclear (best guess {best.encoding} still reads as garbled); save it as UTF-8")
    tied = [m for m in matches if m.chaos <= best.chaos + 0.02]
    encoding = next((e for e in PREFERRED if any(e in m.could_be_from_charset for m in tied)), None)
    if encoding is None and best.coherence >= MIN_COHERENCE:
        encoding = best.encoding
    if encoding is None:
        raise DocumentRefused(f"encoding unclear (perhaps {best.encoding}, but not confidently); save it as UTF-8")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = None
    if text is not None and not _other_script(text) and (_utf8_sequences(data) or _CUT_SEQUENCE.search(data)):
        # A Latin legacy text practically never holds a valid multi-byte UTF-8 sequence ("Ã©" is
        # itself the sign of UTF-8 read as cp1252), nor the start of UTF-8 punctuation or an emoji
        # cut short ("â€", "ðŸ"): such bytes are UTF-8 damaged or mixed with another encoding.
        raise _damaged_utf8(first_bad)
    problem = "it has bytes that encoding does not define" if text is None else _garbled(text)
    if problem:
        raise DocumentRefused(
            f"not valid UTF-8 (byte {first_bad}) and no declared encoding, and guessing {encoding} "
            f"would garble it ({problem}); save it as UTF-8 or declare its charset"
        )
    return text  # type: ignore[return-value]  # None was refused above


def _garbled(text: str) -> str | None:
    """Why ``text`` (a guessed decoding) does not read clearly, or None when it does.

    It reads clearly when it is mostly in a script other than Latin (a Chinese or Russian text:
    at least :data:`MIN_OTHER_SCRIPT` letters, and :data:`MIN_OTHER_SHARE` of all letters), or
    when it is Latin and every character beyond ASCII is a Latin letter inside a word that also
    has ASCII letters (Zürich, São, café), a one-letter word of the Western languages (à, é) or
    typographic punctuation (“ ” – — … €).
    """
    letters = sum(1 for ch in text if ch.isalpha())
    other = _other_script(text)
    if other:
        if len(other) >= MIN_OTHER_SCRIPT and len(other) >= MIN_OTHER_SHARE * letters:
            return None
        return f"{len(other)} letters of another script among {letters - len(other)} Latin ones, first {other[0]!r}"
    for match in _NON_ASCII.finditer(text):
        ch = match.group()
        if ch in WESTERN_MARKS:
            continue
        word = _word_around(text, match.start())
        if ch.isalpha() and (word in WESTERN_ONE_LETTER_WORDS or any(c.isascii() for c in word)):
            continue
        return f"{ch!r} at character {match.start()}"
    return None


def _word_around(text: str, index: int) -> str:
    start, end = index, index + 1
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[start:end]


def _other_script(text: str) -> list[str]:
    """The letters of ``text`` that are not Latin."""
    return [ch for ch in text if ch.isalpha() and not _latin(ch)]


def _latin(ch: str) -> bool:
    return ord(ch) < 0x250 or 0x1E00 <= ord(ch) <= 0x1EFF


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
