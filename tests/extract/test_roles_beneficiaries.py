"""Beneficiary populations, speakers of a transcript and people named by title or honorific."""

from __future__ import annotations

from collections.abc import Callable

from service.model import Extraction


def _roles(extraction: Extraction, role: str) -> list[list[str]]:
    return [[a.name for a in getattr(e, role)] for e in extraction.events]


def test_people_affected_in_named_countries_are_those_countries(run: Callable[..., Extraction]) -> None:
    text = (
        "The United States is now allocating an additional $17 million in life-saving aid to help people "
        "affected by both hurricanes in Guatemala, Honduras, and Nicaragua."
    )
    assert _roles(run(text), "recipients") == [["Guatemala", "Honduras", "Nicaragua"]]


def test_people_affected_stop_at_a_relative_clause(run: Callable[..., Extraction]) -> None:
    text = (
        "The United States is providing $250,000 in immediate assistance to support people affected by severe "
        "flooding in northeastern Bangladesh that have adversely affected people in India."
    )
    assert _roles(run(text), "recipients") == [["Bangladesh"]]


def test_those_most_affected_and_victims_of_a_national_disaster(run: Callable[..., Extraction]) -> None:
    assert _roles(run("The EU will channel emergency aid to those most affected in Indonesia."), "recipients") == [
        ["Indonesia"]
    ]
    assert _roles(
        run("The EU releases €1.5 million in emergency aid for victims of Indonesian earthquake."), "recipients"
    ) == [["Indonesia"]]


def test_standing_with_communities_of_a_country(run: Callable[..., Extraction]) -> None:
    text = "The United States stands with communities in Bangladesh as they recover from the flooding."
    assert _roles(run(text), "recipients") == [["Bangladesh"]]


def test_a_population_in_no_named_country_is_a_group_of_people(run: Callable[..., Extraction]) -> None:
    text = "The Australian Government is providing $3.4 million in assistance to help affected communities rebuild."
    (event,) = run(text).events
    assert [(a.name, a.kind, a.group) for a in event.recipients] == [("affected communities", "person", True)]
    storms = run("The team is bringing urgently needed assistance to communities affected by these storms.")
    assert _roles(storms, "recipients") == [["communities affected by these storms"]]


def test_generic_people_and_nested_purposes_are_no_recipients(run: Callable[..., Extraction]) -> None:
    text = "The city will provide necessary materials and assistance to help people solve various problems."
    assert _roles(run(text), "recipients") == [[]]


def test_the_speaker_of_a_transcript_turn_is_the_i_of_later_paragraphs(run: Callable[..., Extraction]) -> None:
    text = (
        "Penny Wong, Foreign Minister: We bring greetings from Australia.\n\n"
        "We spoke to Prime Minister Marape yesterday.\n\n"
        "Today I announce another $2.2 million for Papua New Guinea."
    )
    pledges = [e for e in run(text).events if e.type == "aid_pledge"]
    assert [[a.name for a in e.agents] for e in pledges] == [["Penny Wong"]]


def test_names_set_off_by_commas_after_a_title_and_after_an_honorific(run: Callable[..., Extraction]) -> None:
    meeting = run("The Japanese Ambassador to Nepal, Kenji Tanaka, attended the hand-over ceremony at the airport.")
    assert "Kenji Tanaka" in [a.name for e in meeting.events for a in e.agents]
    thanks = run("Dr. Saidaliev, the Director of the institute, sincerely thanked the U.S. government for its help.")
    assert [a.name for e in thanks.events for a in e.agents] == ["Saidaliev"]


def test_a_name_with_diacritics_before_a_title(run: Callable[..., Extraction]) -> None:
    text = "Janez Lenarčič, Commissioner for Crisis Management, said: “I am grateful to Italy for its generosity.”"
    assert "Janez Lenarčič" in [a.name for e in run(text).events for a in e.agents]


def test_an_unnamed_national_body_in_a_donors_release_is_the_host_country(run: Callable[..., Extraction]) -> None:
    text = (
        "USAID is supporting the Philippines after the typhoon. The United States stands with the Philippines. "
        "The United States and USAID thank the U.S. Embassy. "
        "The World Food Programme is providing 35 trucks to the Department of Social Welfare and Development."
    )
    extraction = run(text, source="USAID (via ReliefWeb)")
    trucks = [e for e in extraction.events if "trucks" in e.sentence]
    assert [a.name for e in trucks for a in e.recipients] == ["Philippines"]


def test_local_authorities_in_a_donors_release_are_the_host_country(run: Callable[..., Extraction]) -> None:
    text = (
        "The United States will provide $750,000 to Albania. Floods hit Albania last week. "
        "USAID maintained close contact with national and local authorities throughout the crisis."
    )
    extraction = run(text, source="U.S. Embassy in Albania")
    contact = [e for e in extraction.events if e.type == "communication"]
    assert [a.name for e in contact for a in e.recipients] == ["Albania"]


def test_local_authorities_stay_unresolved_without_a_publisher_state(run: Callable[..., Extraction]) -> None:
    text = "Turkish rescuers were deployed to Balochistan to help local authorities reach villages in Pakistan."
    extraction = run(text, source="Reuters")
    assert all(a.name != "Turkey" for e in extraction.events for a in e.recipients)


def test_a_roll_out_named_by_its_noun_and_a_ceremony_of_a_hand_over_are_no_acts(run: Callable[..., Extraction]) -> None:
    text = "Australia's support for the vaccine roll out in the Pacific has today provided 20,000 doses to Fiji."
    assert [e.type for e in run(text).events] == ["aid_delivery"]
    ceremony = run("The Ambassador spoke at the ceremony of the vaccines hand over in Bissau.")
    assert all(e.type != "aid_delivery" for e in ceremony.events)


def test_a_force_named_before_its_assets_gives_them_and_receives_nothing(run: Callable[..., Extraction]) -> None:
    text = "Australia has offered Australian Defence Force assets to assist the Indonesian Government."
    (event,) = run(text).events
    assert [a.name for a in event.recipients] == ["Indonesia"]
    (deployment,) = run("The ADF is providing three helicopters to support humanitarian activities.").events
    assert [a.name for a in deployment.agents] == ["Australian Defence Force"]
