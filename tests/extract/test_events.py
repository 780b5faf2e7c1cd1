"""Events: roles with the right direction, one event per action, ids, evidence offsets, confidence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from service.model import Event, Extraction


def _names(actors: tuple) -> list[str]:
    return [a.name for a in actors]


def test_events_receiving_makes_the_giver_the_agent(run: Callable[..., Extraction]) -> None:
    (event,) = run("Cologne on Tuesday received 100,000 surgical masks from Beijing.").events
    assert (_names(event.agents), _names(event.recipients)) == (["Beijing"], ["Cologne"])


def test_events_a_passive_takes_its_agent_from_by(run: Callable[..., Extraction]) -> None:
    (event,) = run(
        "A batch of 300,000 doses donated by the Chinese government to Mongolia arrived in Ulaanbaatar."
    ).events
    assert (event.type, _names(event.agents), _names(event.recipients)) == ("aid_delivery", ["China"], ["Mongolia"])
    assert _names(event.places) == ["Ulaanbaatar"]


def test_events_coordinated_verbs_share_the_subject_and_stay_two_events(run: Callable[..., Extraction]) -> None:
    text = "To date, NIA has provided medical masks worth 3 million yuan, and has given away 1,100 copies of a guide."
    provided, given = run(text, published=date(2020, 10, 20)).events
    assert (provided.trigger, given.trigger) == ("provided", "given away")
    assert _names(provided.agents) == _names(given.agents) == ["National Immigration Administration"]
    assert [a.item for a in given.aid] == ["guide"]


def test_events_one_sentence_can_hold_several_types(run: Callable[..., Extraction]) -> None:
    text = (
        "Cai Qi sent letters of support to 34 sister city leaders, "
        "and the city donated anti-epidemic materials to 48 sister cities."
    )
    letters, donated = run(text, source="Foreign Affairs Office of Beijing Municipal Government").events
    assert (letters.type, _names(letters.agents), [(a.name, a.count) for a in letters.recipients]) == (
        "communication",
        ["Cai Qi"],
        [("sister city leaders", 34)],
    )
    assert (donated.type, _names(donated.agents)) == ("aid_delivery", ["Beijing"])


def test_events_symmetric_events_keep_the_other_side_as_participants(run: Callable[..., Extraction]) -> None:
    (event,) = run("Cai Qi met with the executives of Comcast Corporation and Daimler via video conferencing.").events
    assert _names(event.agents) == ["Cai Qi"] and _names(event.participants) == ["Comcast", "Daimler AG"]


def test_events_evidence_is_verbatim_and_ids_are_stable(run: Callable[..., Extraction]) -> None:
    text = "Title line\n\nOn 3 March 2020, China donated 1,000 masks to Italy. Italy thanked China."
    first, second = run(text, id="doc-7").events
    assert (first.id, second.id) == ("doc-7-001", "doc-7-002")
    assert text[first.sentence_start : first.sentence_end] == first.sentence
    assert text[first.trigger_start : first.trigger_end] == first.trigger == "donated"
    assert [e.to_json() for e in run(text, id="doc-7").events] == [first.to_json(), second.to_json()]


def test_events_confidence_is_lower_without_an_agent_or_a_date_of_their_own(run: Callable[..., Extraction]) -> None:
    text = "On 3 March 2020, China donated 1,000 masks to Italy. A taskforce was set up to coordinate the response."
    donated, set_up = run(text).events
    assert set_up.type == "policy_measure" and set_up.agents == ()
    assert 0 < set_up.confidence < donated.confidence <= 1


def test_events_every_field_is_filled(run: Callable[..., Extraction]) -> None:
    (event,) = run("On 3 March 2020, China donated 1,000 masks to Italy.").events
    assert isinstance(event, Event)
    assert event.date.expression == "3 March 2020" and event.date.basis == "explicit" and event.date.precision == "day"
    assert event.aid[0].category == "masks" and not event.planned
