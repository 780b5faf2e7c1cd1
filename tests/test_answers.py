"""What a process that parses clients' text answers is read with (service.answers): only the classes
the reader allows, then exactly the types it expects, at a bounded size."""

from __future__ import annotations

import pickle
from dataclasses import replace
from datetime import date

import pytest

from service.answers import NODES, NotAnAnswer, checked, classes, load_answer
from service.model import Actor, Document, Event, Extraction, TimeSpan
from service.sparql.results import Job
from tests.hostile import gadget, memo_bomb

EVENT = Event(
    "e1", "aid_delivery", "delivered", "Japan delivered vaccines.", TimeSpan(date(2021, 5, 3), date(2021, 5, 3)),
    agents=(Actor("Japan", "country", "Q17"),),
)  # fmt: skip
EXTRACTION = Extraction(Document("d", "Japan delivered vaccines.", published=date(2021, 5, 3)), (EVENT,))


def test_answers_a_real_extraction_passes_as_it_is() -> None:
    back = load_answer(pickle.dumps(EXTRACTION), classes([Extraction, Document, Event, Actor, TimeSpan, date]))
    assert checked(back, Extraction) == EXTRACTION
    assert checked(("text", 2, True), tuple[str, int, bool]) == ("text", 2, True)
    assert checked(Job("ASK {}", ["g"], None, False, None, "json", "turtle", 10), Job).default_graphs == ["g"]


@pytest.mark.parametrize(
    "bad",
    [
        replace(EXTRACTION, events=(replace(EVENT, agents=(Actor("Japan", ("a", "tuple"), "Q17"),)),)),  # type: ignore[arg-type]
        replace(EXTRACTION, document=replace(EXTRACTION.document, title=memo_bomb())),  # type: ignore[arg-type]
        replace(EXTRACTION, events=(replace(EVENT, confidence=float("nan")),)),
        replace(EXTRACTION, events=(replace(EVENT, sentence_start=2**70),)),
        replace(EXTRACTION, events=(replace(EVENT, planned=1),)),  # type: ignore[arg-type]
        replace(EXTRACTION, events=[EVENT]),  # type: ignore[arg-type]
    ],
    ids=["kind-a-tuple", "title-a-memo-bomb", "nan", "huge-int", "int-for-bool", "list-for-tuple"],
)
def test_answers_a_value_of_another_type_anywhere_is_refused(bad: Extraction) -> None:
    with pytest.raises(NotAnAnswer):
        checked(bad, Extraction)


def test_answers_an_extra_attribute_or_a_bare_instance_is_refused() -> None:
    extra = replace(EXTRACTION)
    object.__setattr__(extra, "status", 200)
    with pytest.raises(NotAnAnswer, match="as this version makes it"):
        checked(extra, Extraction)
    with pytest.raises(NotAnAnswer):
        checked(Extraction.__new__(Extraction), Extraction)


def test_answers_parts_shared_over_and_over_are_counted_as_a_tree() -> None:
    # A pickle refers back to what it built: a million references to one event is a frame of about
    # 2 MB and over a million events to map.
    events: tuple[Event, ...] = (EVENT,)
    for _ in range(20):
        events = events + events
    shared = replace(EXTRACTION, events=events)
    assert len(pickle.dumps(shared)) < 10_000_000
    with pytest.raises(NotAnAnswer, match=f"over {NODES:,} values"):
        checked(shared, Extraction)


def test_answers_names_outside_the_allowed_are_never_resolved(tmp_path) -> None:  # noqa: ANN001
    marker = tmp_path / "ran"
    for module, name in (("service.model", "Document.__init__.__builtins__.get"), ("builtins", "eval")):
        with pytest.raises(pickle.UnpicklingError):
            load_answer(gadget(module, name, "eval", f"open({str(marker)!r}, 'w')"), classes([Document]))
    assert not marker.exists()
