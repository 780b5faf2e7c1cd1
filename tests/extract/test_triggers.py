"""Triggers: words typed into event types by their object, and the contexts that report no event."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from service.extract.triggers import inflect
from service.model import Extraction


def _types(run: Callable[..., Extraction], text: str) -> list[tuple[str, str]]:
    return [(e.type, e.trigger) for e in run(text).events]


def test_triggers_inflect_regular_verbs() -> None:
    assert inflect("donate") == {"donate", "donates", "donated", "donating"}
    assert inflect("ship") >= {"shipped", "shipping"}
    assert inflect("supply") >= {"supplies", "supplied", "supplying"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("China sent letters to Laos.", ("communication", "sent")),
        ("China sent a medical team to Laos.", ("deployment", "sent")),
        ("China sent 1,000 masks to Laos.", ("aid_delivery", "sent")),
        ("Beijing has held video conferences with Seoul.", ("meeting", "held")),
        ("China and Laos signed a memorandum of understanding.", ("cooperation_agreement", "signed")),
        ("NIA promotes regular joint border patrols with Laos.", ("joint_operation", "joint border patrols")),
        ("The Minister thanked China for its help.", ("statement_of_support", "thanked")),
        ("IOM called on other countries to adopt inclusive policies.", ("statement_of_support", "called on")),
        ("Beijing released policies on foreign-related work.", ("policy_measure", "released")),
        ("Japan pledged 300 million yen in emergency aid.", ("aid_pledge", "pledged")),
        (
            "NIA volunteered to provide assistance with pandemic-prevention materials.",
            ("aid_pledge", "volunteered to provide"),
        ),
        (
            "Turkish President Tayyip Erdogan spoke by phone with Shehbaz Sharif.",
            ("communication", "spoke by phone with"),
        ),
        (
            "IOM is working closely with the DSWD to manage evacuation centres.",
            ("joint_operation", "working closely with"),
        ),
    ],
)
def test_triggers_are_typed_by_word_and_object(
    run: Callable[..., Extraction], text: str, expected: tuple[str, str]
) -> None:
    assert _types(run, text)[:1] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Beijing has achieved major progress in its epidemic containment efforts.",
        "We must always put people first.",
        "We will continue to fulfil our responsibility as the capital.",
        "USAID remains committed to supporting the people of Nepal.",
        "China is ready to continue providing vaccines to developing countries.",
        "For more information, visit www.usaid.gov.",
        "This funding brings total U.S. assistance to nearly $5 million.",
        "Beijing is winning high praises from the international community.",
        "Donations of protective equipment can be reported to the crisis team.",
        "Commercial supplies of 10.5 million doses have been made to Brazil.",
    ],
)
def test_triggers_report_no_event_in_claims_intentions_and_decoys(run: Callable[..., Extraction], text: str) -> None:
    assert _types(run, text) == []


def test_triggers_purpose_infinitives_are_no_events_unless_a_verb_governs_them(run: Callable[..., Extraction]) -> None:
    assert _types(run, "Beijing has held video conferences to share its experience with Seoul.") == [
        ("meeting", "held")
    ]
    assert _types(run, "NIA took the initiative to send notes to 50 countries.") == [("communication", "send")]


def test_triggers_will_with_a_concrete_object_or_date_is_planned(run: Callable[..., Extraction]) -> None:
    (event,) = run("A Chinese medical expert team will leave for Vientiane next week.").events
    assert (event.type, event.planned) == ("deployment", True)


def test_triggers_main_verb_decides_and_nouns_in_its_object_fold_in(run: Callable[..., Extraction]) -> None:
    text = "Japan sent a message of sympathy to Nepal, expressing heartfelt condolences."
    assert _types(run, text) == [("communication", "sent")]
    text = "Cologne on Tuesday received a donation of 100,000 surgical masks from Beijing."
    assert _types(run, text) == [("aid_delivery", "received")]


def test_triggers_a_verbless_headline_is_no_event(run: Callable[..., Extraction]) -> None:
    title = "Supply of COVID-19 vaccines to partner countries"
    assert run(f"{title}\n\nIndia gifted doses to Nepal.", title=title).events[0].trigger == "gifted"
    assert len(run(f"{title}\n\nIndia gifted doses to Nepal.", title=title).events) == 1
