"""Whether a trigger reports an event: "needs" as a noun, ongoing acts ("continues to deliver")."""

from __future__ import annotations

from collections.abc import Callable

from service.model import Extraction


def _types(run: Callable[..., Extraction], text: str) -> list[tuple[str, str, bool]]:
    return [(e.type, e.trigger, e.planned) for e in run(text).events]


def test_needs_as_a_noun_is_no_modal(run: Callable[..., Extraction]) -> None:
    text = "Japan is deeply concerned about the growing humanitarian needs, and urges other donors to help Nepal."
    assert "urges" in [trigger for _, trigger, _ in _types(run, text)]


def test_needs_to_is_still_a_modal(run: Callable[..., Extraction]) -> None:
    assert _types(run, "Japan needs to send masks to Nepal.") == []


def test_an_ongoing_act_is_reported(run: Callable[..., Extraction]) -> None:
    found = _types(run, "The EU continues to deliver emergency assistance to Ukraine.")
    assert [(kind, planned) for kind, _, planned in found] == [("aid_delivery", False)]


def test_continuing_as_an_intention_is_not_reported(run: Callable[..., Extraction]) -> None:
    assert _types(run, "The EU will continue to deliver emergency assistance to Ukraine.") == []
    assert _types(run, "The EU is ready to continue to deliver emergency assistance to Ukraine.") == []


def test_a_plan_does_not_reach_a_coordinated_verb_with_its_own_auxiliary(run: Callable[..., Extraction]) -> None:
    text = "Australia is planning to deploy a medical team and is currently working with the Government of Indonesia."
    working = [e for e in run(text).events if e.trigger == "working with"]
    assert [e.planned for e in working] == [False]
