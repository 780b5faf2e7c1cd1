"""text.guess: metadata from the header and footer lines of plain-text articles."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from service.documents.dates import parse_date_line
from service.documents.text import guess

PROSE = (
    "The ministry said the donation of 200,000 masks would arrive next week and be handed to hospitals "
    "in the region. More aid is planned for the coming months."
)


def test_text_seed_000_publisher_title_date_author(seeds_dir: Path) -> None:
    found = guess((seeds_dir / "000_9bb7eb15379a1141.txt").read_text(encoding="utf-8"))
    assert found == {
        "source": "INP-WealthPk",
        "title": "Solidarity is the Most Powerful Weapon in the Fight against COVID-19",
        "published": date(2020, 10, 20),
        "author": "ZHANG Runze and XIA Fei",
    }


def test_text_seed_004_labels_and_trailing_author(seeds_dir: Path) -> None:
    found = guess((seeds_dir / "004_0b827a61c6374308.txt").read_text(encoding="utf-8"))
    assert found["title"].startswith('"Frontline": Undertake foreign-related tasks')
    assert found["published"] == date(2020, 7, 21)
    assert found["source"] == "Foreign Affairs Office of Beijing Municipal Government"
    assert found["author"].startswith("Xiong Jiuling, Director General of the Office")
    assert "url" not in found


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "Aid arrives in Rome\nPublished: 12 March 2021\nBy Jane Doe",
            {"published": "2021-03-12", "author": "Jane Doe"},
        ),
        ("Aid arrives in Rome\nPublished 12 March 2021", {"published": "2021-03-12"}),
        (
            "Aid arrives in Rome\n\nPosted on 2021-03-12 | By Jane Doe",
            {"published": "2021-03-12", "author": "Jane Doe"},
        ),
        ("Aid arrives in Rome\nSource: Xinhua\nDate: 2021-03-12", {"source": "Xinhua", "published": "2021-03-12"}),
        ("Aid arrives in Rome\nPublished by Xinhua", {"source": "Xinhua"}),
        ("Aid arrives in Rome\nTuesday, October 20, 2020", {"published": "2020-10-20"}),
        ("Aid arrives in Rome\nhttps://example.org/news/1", {"url": "https://example.org/news/1"}),
        ("Aid arrives in Rome\nSource: https://example.org/n/2", {"url": "https://example.org/n/2"}),
        ("Title: Aid arrives in Rome\nXinhua\nAuthor: Jane Doe", {"author": "Jane Doe"}),
        ("Aid arrives in Rome\nAuthor:\nJane Doe", {"author": "Jane Doe"}),
        (
            "# Aid arrives in Rome\n\n*By Jane Doe*\n\n_12 March 2021_",
            {"published": "2021-03-12", "author": "Jane Doe"},
        ),
        ("Aid arrives in Rome\n2021年3月12日", {"published": "2021-03-12"}),
        ("Aid arrives in Rome\n03/04/2021", {}),  # day and month could be either way round
        ("Aid arrives in Rome\n13/04/2021", {"published": "2021-04-13"}),
        ("Aid arrives in Rome\nDate: 12.03.2021", {"published": "2021-03-12"}),  # dots: day first
        ("Aid arrives in Rome\nDate: 31.02.2021", {}),  # no such day
        ("Aid arrives in Rome\nPress Release No. 45/2021\nFOR IMMEDIATE RELEASE", {}),
        ("Aid arrives in Rome\nUpdated: March 3, 2021", {}),  # an update is not the publication
    ],
)
def test_text_header_styles(header: str, expected: dict[str, str]) -> None:
    found = guess(f"{header}\n\n{PROSE}")
    assert found.get("title") == "Aid arrives in Rome"
    assert {k: str(v) for k, v in found.items() if k != "title"} == expected


@pytest.mark.parametrize(
    ("header", "source", "title"),
    [
        (
            "Ministry of External Affairs\nGovernment of India\n\nPress Release\n\nSupply of vaccines to partners",
            "Ministry of External Affairs",
            "Supply of vaccines to partners",
        ),
        (
            "U.S. Agency for International Development\nOffice of Press Relations\n\nFOR IMMEDIATE RELEASE\n"
            "Thursday, June 23, 2022\n\nUNITED STATES PROVIDES $12 MILLION FOR BANGLADESH",
            "U.S. Agency for International Development",
            "UNITED STATES PROVIDES $12 MILLION FOR BANGLADESH",
        ),
        # A title that names a ministry but reads as a sentence stays the title.
        (
            "Ministry of Civil Defence (EMERCOM of Russia)\n\nRussian Emergencies Ministry delivers aid to Tajikistan",
            "Ministry of Civil Defence (EMERCOM of Russia)",
            "Russian Emergencies Ministry delivers aid to Tajikistan",
        ),
    ],
)
def test_text_issuing_bodies_above_the_title(header: str, source: str, title: str) -> None:
    found = guess(f"{header}\n\n{PROSE}")
    assert (found.get("source"), found.get("title")) == (source, title)


@pytest.mark.parametrize(
    ("first_line", "expected"),
    [
        (f"BEIJING, March 3 (Xinhua) -- {PROSE}", {"source": "Xinhua"}),  # no year: no date
        (f"BEIJING, March 3, 2021 (Xinhua) -- {PROSE}", {"source": "Xinhua", "published": "2021-03-03"}),
        (f"(Reuters) - {PROSE}", {"source": "Reuters"}),
        (f"LONDON (Reuters) - {PROSE}", {"source": "Reuters"}),
        (f"GENEVA, 3 March 2021 -- {PROSE}", {"published": "2021-03-03"}),
        (f"BEIJING : {PROSE}", {}),
    ],
)
def test_text_datelines_fill_gaps(first_line: str, expected: dict[str, str]) -> None:
    found = guess(f"Aid arrives in Rome\n\n{first_line}")
    assert {k: str(v) for k, v in found.items() if k != "title"} == expected


def test_text_labels_win_over_dateline() -> None:
    found = guess(f"Aid arrives\nSource: Ministry of Health\nDate: 2021-03-01\n\nROME, March 3, 2021 (ANSA) - {PROSE}")
    assert (found["source"], found["published"]) == ("Ministry of Health", date(2021, 3, 1))


def test_text_footer_labels_used_when_header_is_silent() -> None:
    found = guess(f"Aid arrives in Rome\n\n{PROSE}\n\n{PROSE}\n\nSource: Xinhua\nURL: https://example.org/a")
    assert (found["source"], found["url"]) == ("Xinhua", "https://example.org/a")


def test_text_dates_in_prose_are_never_the_publication_date() -> None:
    body = f"On October 20, 2020 the team left. {PROSE}\n\nBy 2021, more than 100 countries had received aid."
    assert "published" not in guess(f"Aid arrives in Rome\n\n{body}")
    assert guess(body) == {}


def test_text_prose_byline_is_not_an_author() -> None:
    found = guess(f"Aid arrives in Rome\nBy the end of March the masks had arrived\n\n{PROSE}")
    assert "author" not in found


def test_text_language_switcher_and_page_furniture_ignored() -> None:
    found = guess(f"English\nTopics:\nAid arrives in Rome\nfontSize: big middle small\n\n{PROSE}")
    assert found == {"title": "Aid arrives in Rome"}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("October 20, 2020", date(2020, 10, 20)),
        ("2020-07-21", date(2020, 7, 21)),
        ("2020-03-21T09:00:00+08:00", date(2020, 3, 21)),
        ("20 Oct 2020 10:32 GMT", date(2020, 10, 20)),
        ("March 3", None),
        ("2020", None),
        ("COVID-19", None),
        ("Issue 7, 2020", None),
        ("2020-02-30", None),
        ("We and 92% of", None),
    ],
)
def test_dates_parse_date_line(line: str, expected: date | None) -> None:
    assert parse_date_line(line) == expected
