"""Actors: gazetteer names and QIDs, acronyms the text defines, groups, references, officials, people."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from service.extract.actors import learn_acronyms
from service.extract.gazetteer import Gazetteer
from service.model import Actor, Event, Extraction


def _event(run: Callable[..., Extraction], text: str, **metadata: str) -> Event:
    (event,) = run(text, **metadata).events
    return event


def _names(actors: tuple[Actor, ...]) -> list[str]:
    return [a.name for a in actors]


def test_actors_gazetteer_names_with_qids_and_every_list_member(run: Callable[..., Extraction]) -> None:
    event = _event(run, "NIA is regularly exchanging information with Mongolia, Russia and Viet Nam.")
    assert _names(event.agents) == ["National Immigration Administration"]
    assert [(a.name, a.wikidata) for a in event.recipients] == [
        ("Mongolia", "Q711"),
        ("Russia", "Q159"),
        ("Vietnam", "Q881"),
    ]


def test_actors_acronyms_defined_in_the_text_are_learned(gazetteer: Gazetteer) -> None:
    learned = learn_acronyms("the Zanzibar Relief Coordination Agency (ZRCA) said; ZRCA then sent teams.", gazetteer)
    assert learned["ZRCA"].name == "Zanzibar Relief Coordination Agency"


def test_actors_an_unknown_acronym_names_its_organisation(run: Callable[..., Extraction]) -> None:
    text = "The Zanzibar Relief Coordination Agency (ZRCA) was set up in May. ZRCA donated 500 tents to Pemba Island."
    donated = [e for e in run(text).events if e.type == "aid_delivery"][0]
    assert _names(donated.agents) == ["Zanzibar Relief Coordination Agency"]
    assert donated.agents[0].mention == "ZRCA"


def test_actors_groups_keep_their_counts(run: Callable[..., Extraction]) -> None:
    event = _event(run, "The city donated anti-epidemic materials to 48 sister cities in 23 countries.")
    (group,) = event.recipients
    assert (group.name, group.group, group.count, group.kind) == ("sister cities", True, 48, "city")
    assert [(p.name, p.count) for p in event.places] == [("countries", 23)]


def test_actors_approximate_groups_and_departments_of_countries(run: Callable[..., Extraction]) -> None:
    event = _event(
        run,
        "We recommended online services to more than 100 Chinese embassies.",
        source="Beijing Foreign Affairs Office",
    )
    assert [(a.name, a.count, a.approximate, a.kind) for a in event.recipients] == [
        ("Chinese embassies", 100, True, "organisation")
    ]
    event = _event(
        run, "NIA took the initiative to send notes to the immigration and border control departments of 50 countries."
    )
    assert [(a.name, a.count, a.kind) for a in event.recipients] == [
        ("immigration and border control departments", 50, "organisation")
    ]


def test_actors_we_is_the_authors_organisation_and_a_wire_story_has_none(run: Callable[..., Extraction]) -> None:
    text = "We promptly released policies on foreign-related work."
    event = _event(run, text, source="Foreign Affairs Office of Beijing Municipal Government")
    assert _names(event.agents) == ["Foreign Affairs Office of the People's Government of Beijing Municipality"]
    assert _event(run, text, source="INP-WealthPk", author="ZHANG Runze and XIA Fei").agents == ()


def test_actors_the_city_is_the_city_the_document_is_about(run: Callable[..., Extraction]) -> None:
    text = "Beijing held a forum on trade. Beijing thanked Seoul for its help, and the city donated masks to Seoul."
    donated = [e for e in run(text).events if e.type == "aid_delivery"][0]
    assert [(a.name, a.wikidata) for a in donated.agents] == [("Beijing", "Q956")]


def test_actors_officials_and_ministries_stand_for_their_state(run: Callable[..., Extraction]) -> None:
    event = _event(run, "The Chinese side provided 50,000 medical masks to the Lao Ministry of Health.")
    assert (_names(event.agents), _names(event.recipients)) == (["China"], ["Laos"])
    event = _event(run, "The Government of Japan dispatched a medical team to Nepal.")
    assert _names(event.agents) == ["Japan"]
    event = _event(run, "The aid was handed over to the Ministry of Emergency Situations of the Kyrgyz Republic.")
    assert _names(event.recipients) == ["Kyrgyzstan"]


def test_actors_named_people_stay_people_and_their_titles_are_folded_in(run: Callable[..., Extraction]) -> None:
    text = (
        "Subsequently, XU Gansu, Vice-Minister of Ministry of Public Security and Director of NIA, sent letters "
        "to Russia."
    )
    event = _event(run, text, published=date(2020, 10, 20))
    assert [(a.name, a.kind) for a in event.agents] == [("Xu Ganlu", "person")]
    assert _names(event.recipients) == ["Russia"]


def test_actors_people_named_after_a_title_are_found_again_by_surname(run: Callable[..., Extraction]) -> None:
    text = "Spokesperson Tan Jiayi told reporters about the plan. Tan also thanked the Lao government for its support."
    (event,) = run(text).events
    assert (_names(event.agents), _names(event.recipients)) == (["Tan Jiayi"], ["Laos"])


def test_actors_they_and_the_two_sides_resolve(run: Callable[..., Extraction]) -> None:
    text = (
        "Recently, the leaders of Kazakhstan and Mongolia have replied letters to NIA. "
        "They also highly appreciated the cooperation carried out by NIA.\n"
        "The Chinese Foreign Minister held a telephone conversation with the Nepali Foreign Minister. "
        "The two ministers exchanged views on the epidemic."
    )
    replied, appreciated, call, views = run(text, published=date(2020, 10, 20)).events
    assert _names(appreciated.agents) == ["Kazakhstan", "Mongolia"] and _names(appreciated.recipients) == [
        "National Immigration Administration"
    ]
    assert sorted(_names(views.agents)) == ["China", "Nepal"]


def test_actors_member_states_of_an_organisation_are_the_organisation(run: Callable[..., Extraction]) -> None:
    event = _event(run, "China donated vaccines to the ASEAN Member States.")
    assert _names(event.recipients) == ["Association of Southeast Asian Nations"]
