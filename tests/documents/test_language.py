"""The language check: documents not in English are refused with the language named; English ones,
short ones and ones full of foreign names are not; a declared language is honoured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.documents import read_bytes, read_file
from service.documents.language import check, identify, language_name
from service.errors import DocumentRefused

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
ENGLISH_CORPUS = sorted((REPO / "tests" / "gold").rglob("*.txt")) + sorted((REPO / "seeds").glob("*.txt"))
PROSE = "On 3 March 2021, Japan donated 500 tents to Nepal. The Government of Nepal thanked Japan for the help.\n"


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("fr_communique.txt", "the text is French (fr); only English is supported"),
        ("zh_press_release.txt", "the text is Chinese (zh); only English is supported"),
    ],
)
def test_language_foreign_press_releases_are_refused_naming_the_language(limit: int, name: str, fragment: str) -> None:
    with pytest.raises(DocumentRefused) as caught:
        read_file(DATA / name, max_bytes=limit)
    message = str(caught.value)
    assert message.endswith(fragment) and name in message and "\n" not in message
    assert caught.value.status == 422


def test_language_no_english_document_of_the_gold_set_or_the_seeds_is_refused(limit: int) -> None:
    assert len(ENGLISH_CORPUS) >= 16
    for path in ENGLISH_CORPUS:
        doc = read_file(path, max_bytes=limit)
        assert doc.language == "en", path
        assert identify(doc.text).code == "en", path


@pytest.mark.parametrize(
    "text",
    [
        "Japan donated tents.",
        "Aid arrives in Rome\n\nMerci beaucoup.",
        "BEIJING, March 3, 2021 (Xinhua) -- China donates 500,000 doses of Sinopharm vaccine to Kyrgyzstan",
        "Participants: Wang Yi, Sergey Lavrov, Subrahmanyam Jaishankar, Retno Marsudi, Vivian Balakrishnan, "
        "Marise Payne, Mevlüt Çavuşoğlu, Jean-Yves Le Drian, Heiko Maas, Luigi Di Maio, Josep Borrell.",
        "Kyrgyz Republic, Kazakhstan, Tajikistan, Uzbekistan, Turkmenistan, Mongolia, Nepal, Bhutan, Bangladesh, "
        "Sri Lanka, Maldives, Myanmar, Lao PDR, Cambodia, Viet Nam, Timor-Leste",
        "Zürich, 4 March 2021\n\n" + PROSE.replace("tents", "tentes à São Paulo"),
        "北京 Beijing, 3 March 2021\n\n" + PROSE,  # a name in Chinese characters in an English text
        "MINISTRY OF FOREIGN AFFAIRS PRESS RELEASE NO. 45/2021 FOR IMMEDIATE RELEASE. " + PROSE.upper(),
    ],
    ids=["short", "short-foreign-phrase", "headline", "names", "list", "accents", "cjk-name", "capitals"],
)
def test_language_short_texts_and_english_with_many_names_are_kept(limit: int, text: str) -> None:
    assert read_bytes(text.encode(), name="a.txt", media_type=None, max_bytes=limit).language == "en"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            "El Ministerio de Asuntos Exteriores anunció el lunes que España enviará 500 tiendas de campaña y 20 "
            "toneladas de material médico a Nepal. La ayuda llegará a Katmandú la próxima semana.",
            "es",
        ),
        (
            "Das Auswärtige Amt teilte am Montag mit, dass Deutschland 500 Zelte und 20 Tonnen medizinisches "
            "Material nach Nepal schicken wird. Die Hilfe soll nächste Woche in Kathmandu ankommen.",
            "de",
        ),
        (
            "Министерство иностранных дел объявило, что Россия направит в Непал 500 палаток и 20 тонн медикаментов.",
            "ru",
        ),
        ("外務省は月曜日、日本がネパールにテント500張と医療物資20トンを送ると発表した。", "ja"),
    ],
    ids=["es", "de", "ru", "ja"],
)
def test_language_other_languages_are_named(text: str, code: str) -> None:
    with pytest.raises(DocumentRefused, match=rf"^the text is {language_name(code)} \({code}\); only English"):
        check(text)


def test_language_declared_in_a_sidecar_is_honoured(write, limit: int) -> None:
    french = (DATA / "fr_communique.txt").read_text(encoding="utf-8")
    path = write("fr.txt", french)
    write("fr.meta.json", json.dumps({"language": "en"}))  # the user says so: not second-guessed
    assert read_file(path, max_bytes=limit).language == "en"
    english = write("en.txt", "Aid arrives\n\n" + PROSE * 3)
    write("en.meta.json", json.dumps({"language": "fr-CA"}))
    with pytest.raises(DocumentRefused, match=r"declares its language as French \(fr-CA\) in its sidecar"):
        read_file(english, max_bytes=limit)


def test_language_declared_in_front_matter_or_html_is_honoured(limit: int) -> None:
    front = "---\nlanguage: de\n---\n" + PROSE * 3
    with pytest.raises(DocumentRefused, match=r"German \(de\) in its front matter"):
        read_bytes(front.encode(), name="a.md", media_type=None, max_bytes=limit)
    page = f'<html lang="en-GB"><head><title>Aid</title></head><body><article><p>{PROSE}</p></article></body></html>'
    assert read_bytes(page.encode(), name="a.html", media_type=None, max_bytes=limit).language == "en-GB"
    chinese = (DATA / "zh_press_release.txt").read_text(encoding="utf-8")
    page = f'<html lang="zh-CN"><body><article><p>{chinese}</p></article></body></html>'
    with pytest.raises(DocumentRefused, match=r"Chinese \(zh-CN\) in the page's lang attribute"):
        read_bytes(page.encode(), name="zh.html", media_type=None, max_bytes=limit)
    page = f"<html><body><article><p>{chinese}</p></article></body></html>"  # no lang: detected
    with pytest.raises(DocumentRefused, match=r"the text is Chinese \(zh\)"):
        read_bytes(page.encode(), name="zh.html", media_type=None, max_bytes=limit)


def test_language_check_can_be_left_out(limit: int) -> None:
    data = (DATA / "fr_communique.txt").read_bytes()
    assert read_bytes(data, name="fr.txt", media_type=None, max_bytes=limit, check_language=False).language == "en"
