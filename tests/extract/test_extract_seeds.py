"""The seeds, read as the issue's "Done when" asks: events with sound dates, actors with QIDs, aid with quantities."""

from __future__ import annotations

from datetime import date

from service.model import Event, Extraction, Money


def _in(extraction: Extraction, words: str, kind: str) -> list[Event]:
    return [e for e in extraction.events if words in e.sentence and e.type == kind]


def test_extract_seeds_004_beijing_receives_donations_from_sister_cities(seed_004: Extraction) -> None:
    (event,) = _in(seed_004, "donations to us", "aid_delivery")
    assert [(a.name, a.group, a.kind) for a in event.agents] == [("sister cities", True, "city")]
    # "donations to us at both the city and district levels": "us" is the city here, not the office
    assert [(a.name, a.wikidata, a.mention) for a in event.recipients] == [("Beijing", "Q956", "us")]
    items = {a.item: a for a in event.aid}
    assert (items["masks"].quantity, items["masks"].approximate) == (100000, True)
    assert items["protective gowns"].quantity == 5000
    assert (items["gloves"].quantity, items["gloves"].unit) == (10000, "pairs")
    assert items["thermal imagers"].quantity == 40
    assert (event.date.earliest, event.date.latest, event.date.expression) == (
        date(2020, 1, 1),
        date(2020, 7, 21),
        "As of now",
    )
    (letters,) = _in(seed_004, "letters of support from 24 sister cities", "communication")
    assert [(a.name, a.count) for a in letters.agents] == [("sister cities", 24)]
    assert [(a.name, a.wikidata) for a in letters.recipients] == [("Beijing", "Q956")]


def test_extract_seeds_004_we_is_the_foreign_affairs_office(seed_004: Extraction) -> None:
    assert seed_004.author_actor is not None
    assert seed_004.author_actor.name == "Foreign Affairs Office of the People's Government of Beijing Municipality"
    released = _in(seed_004, "We promptly released policies", "policy_measure")[0]
    assert [(a.name, a.mention) for a in released.agents] == [(seed_004.author_actor.name, "We")]


def test_extract_seeds_004_groups_keep_their_counts(seed_004: Extraction) -> None:
    (donated,) = _in(seed_004, "the city donated anti-epidemic materials", "aid_delivery")
    assert [(a.name, a.count) for a in donated.recipients] == [("sister cities", 48)]
    assert [(a.name, a.wikidata) for a in donated.agents] == [("Beijing", "Q956")]
    (recommended,) = _in(seed_004, "more than 100 Chinese embassies", "communication")
    assert [(a.name, a.count, a.approximate) for a in recommended.recipients] == [("Chinese embassies", 100, True)]


def test_extract_seeds_000_nia_provides_materials_and_guides(seed_000: Extraction) -> None:
    provided, given = _in(seed_000, "To date, NIA has provided", "aid_delivery")
    assert [a.name for a in provided.agents] == ["National Immigration Administration"]
    (materials,) = [a for a in provided.aid if a.item == "materials"]
    assert (materials.value, materials.approximate, materials.quantity) == (Money(3_000_000, "CNY"), True, None)
    (guide,) = [a for a in given.aid if a.unit == "copies"]
    assert (guide.quantity, guide.approximate) == (1100, True)


def test_extract_seeds_000_notes_to_fifty_countries_and_letters_to_each_state(seed_000: Extraction) -> None:
    (notes,) = _in(seed_000, "send notes to the immigration", "communication")
    assert [(a.name, a.count, a.group) for a in notes.recipients] == [
        ("immigration and border control departments", 50, True)
    ]
    assert (notes.date.earliest, notes.date.latest) == (date(2020, 1, 1), date(2020, 3, 31))
    (letters,) = _in(seed_000, "sent letters to leaders", "communication")
    assert [a.wikidata for a in letters.recipients[:5]] == ["Q159", "Q232", "Q813", "Q863", "Q881"]
    # the body under the gazetteer's canonical name, the seed's own words as its mention (guidelines, rule 39)
    assert (
        "Regional Anti-Terrorist Structure",
        "Regional Counter-Terrorism Structure of the Shanghai Cooperation Organization",
    ) in [(a.name, a.mention) for a in letters.recipients]
    assert [a.name for a in letters.agents] == ["Xu Ganlu"]


def test_extract_seeds_000_dates_are_sound(seed_000: Extraction) -> None:
    published = date(2020, 10, 20)
    assert all(e.date.latest is not None and e.date.latest <= published for e in seed_000.events)
    (replied,) = _in(seed_000, "Recently, the leaders", "communication")
    assert replied.date.latest == published and date(2020, 9, 1) <= replied.date.earliest < published
    assert not any(e.planned for e in seed_000.events)


def test_extract_seeds_are_deterministic(seed_000: Extraction, seed_004: Extraction) -> None:
    from service.extract import extract

    again = extract(seed_004.document)
    assert [e.to_json() for e in again.events] == [e.to_json() for e in seed_004.events]
    assert [e.id for e in seed_000.events] == [
        f"000_9bb7eb15379a1141-{n:03d}" for n in range(1, len(seed_000.events) + 1)
    ]
