"""Roles, types and actors as real press releases write them: accents, ambiguous names, acronyms longer
than their initials, bodies called by their last word, promises, purposes, requests and bulleted lines;
and the mapping of dependency relations to frame slots."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from spacy.tokens import Doc

from service.extract import dependencies
from service.extract.gazetteer import load_gazetteer
from service.extract.modality import modal
from service.extract.sentences import pipeline
from service.extract.work import Sentence, Trigger, Work
from service.model import Actor, Document, Event, Extraction


def _events(run: Callable[..., Extraction], text: str) -> list[Event]:
    return list(run(text, published=date(2021, 3, 5)).events)


def _names(actors: tuple[Actor, ...]) -> list[str]:
    return [a.name for a in actors]


def test_actors_a_name_written_with_diacritics_is_found(run: Callable[..., Extraction]) -> None:
    (event,) = _events(run, "Japan donated 500,000 doses of vaccine to Việt Nam on 3 March 2021.")
    assert _names(event.recipients) == ["Vietnam"]


def test_actors_an_ambiguous_name_is_the_sovereign_state(run: Callable[..., Extraction]) -> None:
    (event,) = _events(run, "The United States provided $1 million in assistance to Georgia on 3 March 2021.")
    assert [(a.name, a.kind) for a in event.recipients] == [("Georgia", "country")]


def test_actors_an_abbreviated_alias_takes_the_entry_name(run: Callable[..., Extraction]) -> None:
    (event,) = _events(run, "The U.S. Agency for International Development (USAID) is providing $100,000 to Brazil.")
    assert _names(event.agents) == ["United States Agency for International Development"]


def test_actors_an_acronym_longer_than_the_initials_takes_the_full_name(run: Callable[..., Extraction]) -> None:
    (event,) = _events(run, "Six Australian Medical Assistance Team (AUSMAT) specialists are currently in Dili.")
    assert (event.type, _names(event.agents)) == ("deployment", ["Australian Medical Assistance Team"])


def test_actors_a_body_called_by_its_last_word_is_the_one_named_before(run: Callable[..., Extraction]) -> None:
    text = (
        "The European Commission released EUR 1.5 million on 3 March 2021. "
        "In addition, the Commission is deploying a humanitarian expert to the area."
    )
    release, deployment = _events(run, text)
    assert _names(deployment.agents) == ["European Commission"]


def test_actors_partners_named_after_their_funder_are_the_recipients(run: Callable[..., Extraction]) -> None:
    (event,) = _events(run, "The U.S. government is supporting USAID partners CARE and Save the Children.")
    assert (event.type, _names(event.recipients)) == ("aid_delivery", ["CARE", "Save the Children"])


def test_roles_the_beneficiary_of_the_purpose_is_the_recipient(run: Callable[..., Extraction]) -> None:
    (event,) = _events(run, "Australia sent medical supplies on 3 March 2021 to help Fiji respond to the floods.")
    assert _names(event.recipients) == ["Fiji"]


def test_roles_the_requester_is_the_recipient_when_none_is_named(run: Callable[..., Extraction]) -> None:
    (event,) = _events(run, "In response to a request from Samoa, Australia has provided $50,000 in relief supplies.")
    assert (_names(event.agents), _names(event.recipients)) == (["Australia"], ["Samoa"])


def test_roles_the_owner_of_a_noun_trigger_over_its_amount(run: Callable[..., Extraction]) -> None:
    (event,) = _events(run, "This week, Australia's $80 million contribution to COVAX was confirmed.")
    assert (_names(event.agents), _names(event.recipients)) == (["Australia"], ["COVAX"])


def test_roles_the_owner_of_the_aid_that_arrived_gave_it(run: Callable[..., Extraction]) -> None:
    (event,) = _events(run, "On 3 March 2021, the second part of the EU's assistance to Albania arrived.")
    assert (event.type, _names(event.agents), _names(event.recipients)) == (
        "aid_delivery",
        ["European Union"],
        ["Albania"],
    )


def test_types_an_announced_giving_act_is_a_pledge_and_not_planned(run: Callable[..., Extraction]) -> None:
    (event,) = _events(run, "Australia will provide $155,000 to Samoa.")
    assert (event.type, event.planned, _names(event.recipients)) == ("aid_pledge", False, ["Samoa"])


def test_types_deliveries_that_arrived_are_one_aid_delivery(run: Callable[..., Extraction]) -> None:
    (event,) = _events(run, "On 22 June 2021, the first deliveries arrived in Azerbaijan, Belarus, and Ukraine.")
    assert event.type == "aid_delivery"


def test_types_despatched_teams_and_telephone_talks(run: Callable[..., Extraction]) -> None:
    (sent,) = _events(run, "Japan despatched a medical team to Nepal on 3 March 2021.")
    (talks,) = _events(run, "The Prime Minister of Japan held telephone talks with the Prime Minister of Nepal.")
    assert (sent.type, talks.type) == ("deployment", "communication")


def test_types_a_coordinated_delivery_is_a_joint_operation_only(run: Callable[..., Extraction]) -> None:
    (event,) = _events(run, "The EU is coordinating the delivery of assistance to 17 countries.")
    assert (event.type, _names(event.agents)) == ("joint_operation", ["European Union"])


def test_types_a_bulleted_noun_line_reports_no_event(run: Callable[..., Extraction]) -> None:
    text = "The EU delivered medical equipment on 3 March 2021.\n- Deliveries of medical equipment to Belarus\n"
    assert [e.trigger for e in _events(run, text)] == ["delivered"]


def test_types_a_capitalised_verb_inside_a_name_is_no_trigger(run: Callable[..., Extraction]) -> None:
    text = "The minister met the Emergency Medical Teams Coordination Cell in Suva on 3 March 2021."
    assert [e.type for e in _events(run, text)] == ["meeting"]


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        ("Australia will ", True),
        ("Australia will also ", True),
        ("Japan plans to ", True),
        ("The ship is expected to ", True),
        ("The EU pledged to ", True),
        ("The ministry said on Tuesday that the vaccines ", False),
        ("Japan ", False),
    ],
)
def test_modality_cues_before_the_trigger(before: str, expected: bool) -> None:
    text = before + "provide masks."
    doc = pipeline()(text)
    start = len(doc) - 3
    trigger = Trigger(
        doc[start].idx, doc[start].idx + len(doc[start]), start, start + 1, 0, "aid_delivery", "give", "x"
    )
    work = Work(document=Document(id="t", text=text), gazetteer=load_gazetteer(), doc=doc)
    assert modal(work, Sentence(0, 0, len(text), 0, len(doc), 0), trigger) is expected


def _tree(words: list[str], heads: list[int], deps: list[str]) -> Doc:
    doc = Doc(pipeline().vocab, words=words, heads=heads, deps=deps)
    for token in doc:
        token.pos_ = "VERB" if token.dep_ in ("ROOT", "xcomp", "conj") else "NOUN"
    return doc


def _trigger(index: int) -> Trigger:
    return Trigger(0, 0, index, index + 1, 0, "aid_delivery", "give", "donate")


def test_dependencies_a_controlled_verb_takes_the_subject_of_its_governor() -> None:
    # "Japan plans to donate masks to Nepal"
    doc = _tree(
        ["Japan", "plans", "to", "donate", "masks", "to", "Nepal"],
        [1, 1, 3, 1, 3, 6, 3],
        ["nsubj", "ROOT", "mark", "xcomp", "obj", "case", "obl"],
    )
    sentence = Sentence(0, 0, 0, 0, len(doc), 0)
    arguments = {slot: [t.text for t in tokens] for slot, tokens in dependencies._arguments(doc, _trigger(3), sentence)}
    assert arguments == {"object": ["masks"], "to": ["Nepal"], "subject": ["Japan"]}


def test_dependencies_the_agent_of_a_passive_is_the_by_slot() -> None:
    # "masks were delivered by the EU"
    doc = _tree(
        ["masks", "were", "delivered", "by", "the", "EU"],
        [2, 2, 2, 5, 5, 2],
        ["nsubj:pass", "aux:pass", "ROOT", "case", "det", "obl:agent"],
    )
    sentence = Sentence(0, 0, 0, 0, len(doc), 0)
    arguments = dict(dependencies._arguments(doc, _trigger(2), sentence))
    assert {slot: [t.text for t in tokens] for slot, tokens in arguments.items()} == {
        "passive_subject": ["masks"],
        "by": ["EU"],
    }


def test_dependencies_coordinated_arguments_are_all_taken() -> None:
    doc = _tree(["to", "Armenia", "and", "Georgia"], [1, 1, 3, 1], ["case", "ROOT", "cc", "conj"])
    assert [t.text for t in dependencies._coordinated(doc[1])] == ["Armenia", "Georgia"]


def _extract(run: Callable[..., Extraction], text: str, title: str | None = None) -> list[Event]:
    if title is None:
        return _events(run, text)
    return list(run(text, published=date(2021, 3, 5), title=title).events)


def test_roles_a_country_label_of_a_headline_is_the_receiver(run: Callable[..., Extraction]) -> None:
    title = "Ukraine: EU delivers additional assistance and rescue vehicles"
    (event,) = _extract(run, title, title)
    assert (_names(event.agents), _names(event.recipients)) == (["European Union"], ["Ukraine"])


def test_roles_people_of_a_country_stand_for_it(run: Callable[..., Extraction]) -> None:
    (event,) = _events(run, "The EU donated food to Albanian families on 3 March 2021.")
    assert _names(event.recipients) == ["Albania"]


def test_actors_a_national_society_is_an_organisation_of_its_own(run: Callable[..., Extraction]) -> None:
    (event,) = _events(
        run, "This follows the announcement of an initial $500,000 to the Indonesian Red Cross for food."
    )
    assert (event.type, _names(event.recipients)) == ("aid_pledge", ["Indonesian Red Cross"])


def test_actors_a_government_named_by_its_adjective_is_that_country(run: Callable[..., Extraction]) -> None:
    text = "In response to a request from the Samoan Government, Australia will provide $155,000."
    (event,) = _events(run, "The Samoan Government thanked Australia. " + text)[-1:]
    assert (_names(event.agents), _names(event.recipients)) == (["Australia"], ["Samoa"])


def test_actors_an_office_of_an_embassy_is_its_state_throughout(run: Callable[..., Extraction]) -> None:
    text = (
        "The Office of Military Cooperation of the U.S. Embassy in Dushanbe provided 1,000 masks on 3 March 2021. "
        "The Office of Military Cooperation also provided gloves on 4 March 2021."
    )
    assert [_names(e.agents) for e in _events(run, text)] == [["United States"], ["United States"]]


def test_roles_the_by_phrase_of_a_noun_trigger_names_its_giver(run: Callable[..., Extraction]) -> None:
    (event,) = _events(run, "In an immediate response, initial offers have been made by Belgium and Denmark.")
    assert (event.type, _names(event.agents)) == ("aid_delivery", ["Belgium", "Denmark"])


@pytest.mark.parametrize(
    "text",
    [
        "This brings our humanitarian aid for the earthquake response to $5 million.",
        "The funding will also support Syrian refugees sheltering in Lebanon.",
        "The EU donated 10 ambulances to Albania on 3 March 2021. This additional EU donation will help the hospitals.",
    ],
)
def test_types_totals_effects_and_re_mentions_are_no_new_events(run: Callable[..., Extraction], text: str) -> None:
    assert len(_events(run, text)) == (1 if "donated" in text else 0)


def test_types_meeting_a_standard_is_no_meeting(run: Callable[..., Extraction]) -> None:
    text = "All vaccines provided by Australia meet internationally accepted standards."
    assert "meeting" not in [e.type for e in _events(run, text)]


def test_types_planned_teams_and_promised_support(run: Callable[..., Extraction]) -> None:
    (team,) = _events(run, "Australia is planning to deploy a medical team to Indonesia.")
    (engineer,) = _events(run, "An Australian structural engineer will assist with damage assessments.")
    (support,) = _events(run, "Australia will also support the Government of Tonga in its recovery.")
    assert (team.type, team.planned, team.date.earliest, team.date.latest) == (
        "deployment",
        True,
        date(2021, 3, 5),
        date(2021, 4, 30),
    )
    assert (engineer.type, engineer.planned, _names(engineer.agents)) == ("deployment", True, ["Australia"])
    assert (support.type, _names(support.recipients)) == ("aid_pledge", ["Tonga"])


def test_roles_i_is_the_person_quoted_and_a_relative_clause_keeps_its_own_subject(
    run: Callable[..., Extraction],
) -> None:
    text = (
        '"I thank the states that have offered assistance so far." said Commissioner for Humanitarian Aid and '
        "Crisis Management Christos Stylianides."
    )
    thanks, offer = _events(run, text)
    assert (_names(thanks.agents), _names(offer.agents)) == (["Christos Stylianides"], [])


def test_actors_a_headline_verb_and_an_aid_acronym_are_no_organisations(run: Callable[..., Extraction]) -> None:
    (event,) = _events(run, "U.S. Government Donates 600 Sets of Personal Protective Equipment (PPE) to Uzbekistan")
    assert (_names(event.agents), _names(event.recipients)) == (["United States"], ["Uzbekistan"])


def test_aid_what_the_money_is_for_is_no_item(run: Callable[..., Extraction]) -> None:
    (event,) = _events(run, "Australia provided $500,000 to the Red Cross for food and blankets on 3 March 2021.")
    assert [a.item for a in event.aid] == ["funds"]


def test_actors_the_publisher_called_by_its_head_word(run: Callable[..., Extraction]) -> None:
    text = "The Council today adopted a decision to provide up to 3 billion euros of macro-financial assistance."
    (event,) = run(text, published=date(2020, 5, 20), source="Council of the European Union (via ReliefWeb)").events
    assert (event.type, _names(event.agents)) == ("aid_pledge", ["Council of the European Union"])


def test_dependencies_a_relative_clause_takes_its_antecedent_and_the_name_on_the_aid() -> None:
    # "EU assistance that was mobilised": the antecedent is the passive subject, "EU" on it is the giver
    doc = _tree(
        ["EU", "assistance", "that", "was", "mobilised"],
        [1, 1, 4, 4, 1],
        ["compound", "ROOT", "nsubj:pass", "aux:pass", "acl:relcl"],
    )
    trigger = Trigger(0, 0, 4, 5, 0, "aid_delivery", "give", "mobilise", passive=True)
    arguments = dependencies._arguments(doc, trigger, Sentence(0, 0, 0, 0, len(doc), 0))
    assert [(slot, [t.text for t in tokens]) for slot, tokens in arguments] == [
        ("passive_subject", ["assistance"]),
        ("by", ["EU"]),
    ]


def test_actors_an_honorific_after_a_portfolio_is_no_person(run: Callable[..., Extraction]) -> None:
    text = (
        "Minister for Foreign Affairs The Hon Julie Bishop visited Tonga on 3 March 2021. "
        "The additional funding to the UN will provide shelter."
    )
    names = {a.name for e in _events(run, text) for a in e.agents + e.recipients}
    assert "The Hon" not in names


def test_actors_the_publisher_named_by_its_head_word_alone(run: Callable[..., Extraction]) -> None:
    text = "COVID-19: Council adopts EUR 3 billion assistance package to support neighbouring partners"
    (event,) = run(text, published=date(2020, 5, 20), source="Council of the European Union (via ReliefWeb)").events
    assert (event.type, _names(event.agents)) == ("aid_pledge", ["Council of the European Union"])
