"""Encodings: UTF-8 (± BOM), UTF-16/32 with a BOM, detected legacy encodings; binary refused."""

from __future__ import annotations

import codecs

import pytest

from service.documents import read_bytes, read_file
from service.documents.decode import binary_kind, decode
from service.errors import DocumentRefused

WESTERN = (
    "Aid arrives in Zürich\nPublished: 12 March 2021\n\n"
    "Le café est très bon à Paris, où l'hôpital a reçu 500 masques — “merci”, a dit la directrice.\n"
)
CHINESE = "北京市人民政府外事办公室向意大利捐赠了十万只口罩。\n中国与意大利合作抗击疫情，双方表示将继续加强合作。\n"
JAPANESE = "東京都は北京市に医療物資を寄贈しました。マスク十万枚と防護服五千着が届きました。\n"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (WESTERN, "cp1252"),
        (WESTERN.replace("—", "-").replace("“", '"').replace("”", '"'), "latin-1"),
        (CHINESE, "gb18030"),
        (CHINESE, "gbk"),
        (JAPANESE, "shift_jis"),
        ("Россия направила гуманитарную помощь в Италию и Сербию, сообщил министр.\n", "cp1251"),
    ],
)
def test_decode_legacy_encodings(write, limit: int, text: str, encoding: str) -> None:
    # These texts are French, Chinese, Japanese, Russian: read here for their encoding alone.
    doc = read_file(write("legacy.txt", text.encode(encoding)), max_bytes=limit, check_language=False)
    assert doc.text == text


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + WESTERN.encode("utf-8"),
        WESTERN.encode("utf-16"),
        codecs.BOM_UTF16_BE + WESTERN.encode("utf-16-be"),
        WESTERN.encode("utf-32"),
    ],
    ids=["utf-8-bom", "utf-16", "utf-16-be", "utf-32"],
)
def test_decode_byte_order_marks_are_stripped(limit: int, data: bytes) -> None:
    doc = read_bytes(data, name="bom.txt", media_type=None, max_bytes=limit, check_language=False)
    assert doc.text == WESTERN and doc.title == "Aid arrives in Zürich"


def test_decode_utf16_without_bom_is_refused_with_a_hint() -> None:
    with pytest.raises(DocumentRefused, match="save it with a byte-order mark"):
        decode(WESTERN.encode("utf-16-le"))


def test_decode_damaged_utf8_is_not_taken_for_cp1252() -> None:
    good = ("Café crème, Zürich, São Paulo. " * 10).encode("utf-8")
    with pytest.raises(DocumentRefused, match=f"invalid UTF-8 at byte {len(good)} in an otherwise UTF-8 file"):
        decode(good + b"\xff and more")


def test_decode_declared_charset_is_used() -> None:
    assert decode("Zürich – Genève".encode("cp1252"), declared="windows-1252") == "Zürich – Genève"
    assert decode("Zürich – Genève".encode("cp1252"), declared="iso-8859-1") == "Zürich – Genève"  # as browsers do


def test_decode_charset_parameter_of_an_upload(limit: int) -> None:
    text = "Genève\n\nLa Suisse a envoyé 20 tonnes de matériel médical à l'hôpital régional.\n"
    doc = read_bytes(
        text.encode("latin-1"),
        name="g.txt",
        media_type="text/plain; charset=ISO-8859-1",
        max_bytes=limit,
        check_language=False,
    )
    assert doc.text == text


def test_decode_unclear_encoding_refused() -> None:
    with pytest.raises(DocumentRefused, match="encoding unclear.*save it as UTF-8"):
        decode("Ελλάδα βοήθεια".encode("cp1253"))


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n", "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (b"GIF89a\x01\x00", "GIF image"),
        (b"%PDF-1.4", "PDF document"),
        (b"\x1f\x8b\x08\x00", "gzip archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Microsoft Office document (.doc/.xls/.ppt)"),
        (b"\x7fELF\x02\x01", "ELF executable"),
        (b"\x00\x00\x00\x18ftypmp42", "MP4/QuickTime video or HEIC image"),
        (b"Plain text, no magic", None),
    ],
)
def test_decode_binary_kind(data: bytes, kind: str | None) -> None:
    assert binary_kind(data) == kind


def test_decode_a_few_control_characters_are_kept() -> None:
    text = "Aid arrives\x0b in Rome.\x1a\n" + "The masks were handed to hospitals. " * 10 + "\f\n"
    assert decode(text.encode()) == text


def test_decode_many_control_characters_refused() -> None:
    with pytest.raises(
        DocumentRefused, match=r"^12 control characters in 60 characters \(first U\+0007 at character 5\)"
    ):
        decode(b"Aid: \x07\x07\x07\x07\x07\x07\x07\x07\x07\x07\x07\x07" + b"x" * 43)


def test_decode_mislabelled_utf8_is_still_utf8() -> None:
    assert decode("Zürich".encode(), declared="windows-1252") == "Zürich"


ENGLISH = b"The Ministry of Foreign Affairs said on Monday that 500 tents were sent to Nepal by air. " * 5


@pytest.mark.parametrize(
    ("stray", "fragment"),
    [
        (b"\x80\x81", "guessing cp1251 would garble it"),  # read as Cyrillic "ЂЃ" before
        (b"\xff", "guessing cp1252 would garble it ('\u00ff'"),
        (b"\xd0\xd1\xd2", "would garble it ('\u00d0'"),
        (b"\x9d", "would garble it"),
    ],
    ids=["cp1251", "y-umlaut", "eth", "undefined"],
)
def test_decode_stray_bytes_in_an_english_text_are_refused_not_guessed(stray: bytes, fragment: str) -> None:
    with pytest.raises(DocumentRefused) as caught:
        decode(ENGLISH + stray + b" More text here.")
    message = str(caught.value)
    assert message.startswith(f"not valid UTF-8 (byte {len(ENGLISH)}) and no declared encoding")
    assert fragment in message and message.endswith("save it as UTF-8 or declare its charset")


@pytest.mark.parametrize(
    "data",
    [
        ENGLISH + b"don\xe2\x80t",  # a curly apostrophe cut short
        ENGLISH + b"\xf0\x9f\x98 ",  # an emoji cut short
        ENGLISH + "\u2019".encode() + b" and caf\xe9",  # UTF-8 and Latin-1 in one file
    ],
    ids=["cut-quote", "cut-emoji", "mixed"],
)
def test_decode_cut_or_mixed_utf8_is_refused(data: bytes) -> None:
    with pytest.raises(DocumentRefused, match=r"^invalid UTF-8 at byte \d+ in an otherwise UTF-8 file"):
        decode(data)


def test_decode_clear_single_byte_western_text_is_still_read() -> None:
    assert decode(ENGLISH + b"caf\xe9 in Z\xfcrich, \x93quoted\x94 \x96 \xe0 la carte").endswith(
        "café in Zürich, “quoted” – à la carte"
    )


def test_decode_declared_charset_reads_what_a_guess_would_refuse() -> None:
    data = ENGLISH + b"\x80\x81"
    assert decode(data, declared="windows-1251").endswith("ЂЃ")
    assert read_bytes(data, name="a.txt", media_type="text/plain; charset=windows-1251", max_bytes=10**6).text
