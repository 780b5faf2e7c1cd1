"""Trigger verbs inflected by lemminflect: irregular forms come from its tables, not from a list in the code."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from service.extract import PIPELINE, tables, triggers
from service.extract.gazetteer import Gazetteer
from service.extract.work import Work
from service.model import Document

# A trigger verb whose participle is irregular and appears in no list of the code ("lent").
LEND = {"rule": "lend-aid", "type": "aid_delivery", "verb": "lend", "object": "aid", "frame": "give", "confidence": 0.8}


def test_lexicon_triggers_inflect_irregular_and_doubled_forms() -> None:
    assert triggers.inflect("send") >= {"send", "sends", "sent", "sending"}
    assert triggers.inflect("give") >= {"gave", "given", "giving"}
    assert triggers.inflect("transfer") >= {"transferred", "transferring"}
    assert triggers.participles("lend") == {"lent"} and triggers.participles("donate") == {"donated"}
    assert triggers.inflect("vaxinate") >= {"vaxinates", "vaxinated", "vaxinating"}  # a verb no table has: by rule


def _clear() -> None:
    for cached in (triggers._matcher, triggers.verb_forms, tables._rules_by_name):
        cached.cache_clear()


@pytest.fixture
def lend_rule(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    rules = (LEND, *tables.trigger_rules())
    monkeypatch.setattr(tables, "trigger_rules", lambda: rules)
    _clear()
    yield
    _clear()


def _triggers(gazetteer: Gazetteer, text: str) -> dict[str, bool]:
    work = Work(document=Document(id="t", text=text, published=date(2021, 5, 18)), gazetteer=gazetteer)
    for component in PIPELINE[: PIPELINE.index(triggers.find_triggers) + 1]:
        work = component(work)
    return {work.text[t.start : t.end]: t.passive for t in work.triggers}


@pytest.mark.usefixtures("lend_rule")
def test_lexicon_triggers_an_irregular_participle_of_an_added_verb_is_passive(gazetteer: Gazetteer) -> None:
    assert not "lent".endswith(("ed", "en"))  # only the verb's own participles make it a passive
    assert _triggers(gazetteer, "Ten ventilators were lent to Italy by Japan.") == {"lent": True}
    assert _triggers(gazetteer, "Japan lent ten ventilators to Italy.") == {"lent": False}
