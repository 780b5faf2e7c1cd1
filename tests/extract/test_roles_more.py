"""Roles the genre writes in less obvious ways: possessed officials, donor adjectives, illustrative
"including" lists, product names inside aid items, and nouns that look like verbs."""

from __future__ import annotations

from collections.abc import Callable

from service.model import Actor, Event, Extraction


def _events(run: Callable[..., Extraction], text: str) -> list[Event]:
    return list(run(text).events)


def _names(actors: tuple[Actor, ...]) -> list[str]:
    return [a.name for a in actors]


def test_roles_a_countrys_official_stands_for_the_country(run: Callable[..., Extraction]) -> None:
    (call,) = _events(run, "Turkey's president spoke by phone with Pakistan's prime minister on 29 August 2022.")
    assert (_names(call.agents), _names(call.recipients)) == (["Turkey"], ["Pakistan"])
    (thanks,) = _events(run, "Pakistan's foreign ministry thanked Turkey for its help on 31 August 2022.")
    assert (_names(thanks.agents), _names(thanks.recipients)) == (["Pakistan"], ["Turkey"])


def test_roles_a_counterpart_stands_for_the_country_of_its_adjective(run: Callable[..., Extraction]) -> None:
    (call,) = _events(
        run, "The Chinese foreign minister spoke by phone with his Kyrgyz counterpart on 10 February 2021."
    )
    assert (_names(call.agents), _names(call.recipients)) == (["China"], ["Kyrgyzstan"])


def test_roles_a_donor_adjective_names_the_giver(run: Callable[..., Extraction]) -> None:
    (event,) = _events(run, "A U.S.-funded field hospital was handed over to Nepal on 3 March 2021.")
    assert [(a.name, a.wikidata) for a in event.agents] == [("United States", "Q30")]
    assert _names(event.recipients) == ["Nepal"]
    (plain,) = _events(run, "A field hospital was handed over to Nepal on 3 March 2021.")
    assert plain.agents == ()  # nothing names the giver: nothing is invented


def test_roles_an_including_list_takes_the_slot_of_what_it_illustrates(run: Callable[..., Extraction]) -> None:
    (flown,) = _events(
        run,
        "Several other countries, including China, the United Arab Emirates and the United States, have flown in aid.",
    )
    assert _names(flown.agents) == ["China", "United Arab Emirates", "United States"]
    (donated,) = _events(run, "Wuhan donated masks to several partners, including Osaka and Busan, on 3 March 2020.")
    assert (_names(donated.agents), _names(donated.recipients)) == (["Wuhan"], ["Osaka", "Busan"])


def test_roles_a_maker_named_in_an_aid_item_is_not_an_actor(run: Callable[..., Extraction]) -> None:
    (event,) = _events(
        run, "On 3 June 2022 the United States donated 3.2 million doses of Pfizer COVID-19 vaccine to Bangladesh."
    )
    assert _names(event.recipients) == ["Bangladesh"]
    assert [(a.item, a.quantity, a.unit) for a in event.aid] == [("Pfizer COVID-19 vaccine", 3_200_000, "doses")]


def test_roles_supplies_after_an_adjective_is_a_noun_and_provide_with_gives_the_items(
    run: Callable[..., Extraction],
) -> None:
    (event,) = _events(
        run,
        "Last year, China provided Kyrgyzstan with more than 30 tons of medical supplies, including test kits "
        "and ventilators.",
    )
    assert (event.trigger, _names(event.agents), _names(event.recipients)) == ("provided", ["China"], ["Kyrgyzstan"])
    assert [(a.item, a.quantity, a.unit, a.approximate) for a in event.aid][0] == (
        "medical supplies",
        30,
        "tonnes",
        True,
    )
    assert {a.item for a in event.aid} >= {"test kits", "ventilators"}


def test_roles_announced_aid_is_a_pledge_and_standing_with_is_support(run: Callable[..., Extraction]) -> None:
    (pledge,) = _events(
        run, "On 23 June 2022 the United States announced $12 million in humanitarian assistance for Bangladesh."
    )
    assert pledge.type == "aid_pledge"
    (support,) = _events(
        run, '"The United States stands with the people of Bangladesh," the Ambassador said on 23 June 2022.'
    )
    assert (support.type, _names(support.agents), _names(support.recipients)) == (
        "statement_of_support", ["United States"], ["Bangladesh"],
    )  # fmt: skip


def test_roles_an_including_list_of_items_leaves_the_counted_recipients(run: Callable[..., Extraction]) -> None:
    (event,) = _events(
        run,
        "Since 2020, KOICA has provided aid to 120 countries, including diagnostic kits and protective equipment.",
    )
    assert [(a.name, a.count) for a in event.recipients] == [("countries", 120)]


def test_roles_a_partner_named_at_the_opening_joins_every_verb(run: Callable[..., Extraction]) -> None:
    events = _events(
        run,
        "Together with the World Health Organization (WHO), IOM conducted health screening for 3,000 people last week "
        "and distributed 20,000 face masks.",
    )
    assert [_names(e.participants) for e in events] == [["World Health Organization"]] * 2
