"""Corrections survive re-extraction: a new extractor output for the same text, and an edited text.

Applied corrections stay applied on the new events, one the new extraction already agrees with is
marked so, one whose sentence is gone is an orphan, nothing is lost; the document and its
corrections are written in one transaction.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
import requests

import service.extract
from service import curation
from service.config import Settings
from service.model import Actor, Aid, Event, Extraction, Money, TimeSpan
from service.pipeline import ingest_document
from service.rdf.iris import Iris
from service.store import Store
from service.timeline.events import Finder
from service.timeline.filters import EventFilter
from tests.curation.conftest import Api
from tests.web.live import sample_extraction

V1 = """Relief for the islands

Wellington, 12 March 2021

New Zealand donated 5,000 tents to Tonga on 10 March 2021.

Japan sent a medical team to Fiji on 11 March 2021.

Australia pledged 2 million dollars to Samoa.

The foreign ministers of Fiji and Tonga met in Suva on 9 March 2021.
"""
# A paragraph added before everything (every offset moves) and the pledge's sentence deleted.
V2 = V1.replace(
    "Wellington, 12 March 2021\n\n", "Wellington, 12 March 2021\n\nA cyclone hit the region last week.\n\n"
).replace("Australia pledged 2 million dollars to Samoa.\n\n", "")


def _post(api: Api, text: str) -> Any:
    resp = requests.post(
        f"{api.url}/documents", params={"name": "islands.txt"}, data=text.encode(), timeout=120,
        headers={"Authorization": f"Bearer {api.settings.token}", "Content-Type": "text/plain"},
    )  # fmt: skip
    assert resp.status_code in (200, 201), resp.text
    return resp.json()


def _correct(api: Api, key: str, operation: str, values: dict[str, Any]) -> Any:
    return api.post(f"/api/curation/events/{key}", {"operation": operation, "values": values})["correction"]


def test_reattach_after_the_text_is_edited_over_http(api: Api) -> None:
    """The real extractor, a real server: the document is re-posted with its text edited."""
    assert _post(api, V1)["status"] == "added"
    events = api.events()
    assert {"donated", "sent", "pledged", "met"} <= set(events)
    made = [
        _correct(
            api, events["donated"]["key"], "set_aid", {"item": "tents", "aid": {"item": "tents", "quantity": 6000}}
        ),
        _correct(api, events["sent"]["key"], "add_actor", {"role": "recipients", "actor": {"wikidata": "Q712"}}),
        _correct(api, events["pledged"]["key"], "set_date", {"earliest": "2021-03-12", "latest": "2021-03-12"}),
        _correct(api, events["met"]["key"], "reject", {}),
    ]
    assert [c["status"] for c in made] == ["applied"] * 4
    assert api.get("/api/curation/orphans") == {"corrections": []}

    assert _post(api, V2)["status"] == "replaced"
    after = api.events()
    assert "pledged" not in after and "met" not in after  # the pledge's sentence is gone; the meeting still rejected
    assert [(a["item"], a["quantity"]) for a in after["donated"]["aid"]] == [("tents", 6000)]
    assert "Fiji" in [a["name"] for a in after["sent"]["recipients"]]
    assert after["donated"]["iri"] == made[0]["curated_event"]  # the curated copy keeps its IRI
    # the curated copies keep their keys across the re-extraction
    keys_before = {c["curated_event"] for c in made}
    listed = api.get("/api/curation/corrections")["corrections"]
    assert {c["curated_event"] for c in listed} == keys_before and len(listed) == 4  # nothing lost
    by_op = {c["operation"]: c for c in listed}
    assert by_op["set_aid"]["status"] == by_op["add_actor"]["status"] == by_op["reject"]["status"] == "applied"
    assert by_op["set_date"]["status"] == "orphan"
    # re-attached anchors follow the text; the orphan keeps the sentence it was made on
    doc = api.get("/api/documents/islands")["text"]
    s, e = by_op["set_aid"]["anchor"]["sentence"]
    assert (
        doc[s:e] == "New Zealand donated 5,000 tents to Tonga on 10 March 2021."
        and s > made[0]["anchor"]["sentence"][0]
    )
    orphans = api.get("/api/curation/orphans")["corrections"]
    assert [(c["operation"], c["anchor"]["text"]) for c in orphans] == [
        ("set_date", "Australia pledged 2 million dollars to Samoa.")
    ]
    gone = by_op["set_date"]["curated_event"].rsplit("/", 1)[1]
    refused = api.post(f"/api/curation/events/{gone}", {"operation": "reject"}, status=404)
    assert "orphans" in refused["error"]
    page = requests.get(f"{api.url}/curation", params={"status": "orphan"}, timeout=30)
    assert page.status_code == 200 and "Australia pledged 2 million dollars to Samoa." in page.text
    assert "New Zealand donated" not in page.text  # only the orphans
    # the history of an event lists its corrections after the re-extraction too
    assert [c["operation"] for c in api.get(f"/api/curation/events/{after['sent']['key']}")["corrections"]] == [
        "add_actor"
    ]

    # the sentence comes back: the orphan finds its event again
    assert _post(api, V1)["status"] == "replaced"
    assert api.get("/api/curation/orphans") == {"corrections": []}
    assert api.events()["pledged"]["date"]["earliest"] == "2021-03-12"


def _variant(extraction: Extraction) -> Extraction:
    """What another extractor version reads from the same text: the donation is now a pledge (what the
    analyst said), the agreement's trigger is the same, and a third event is new."""
    donated, signed = extraction.events
    extra = replace(signed, id="e3", type="meeting", trigger="Beijing", trigger_start=signed.sentence_start,
                    trigger_end=signed.sentence_start + 7, agents=(), date=TimeSpan(None, None, "unknown"))  # fmt: skip
    return replace(extraction, events=(replace(donated, type="aid_pledge", confidence=0.4), signed, extra))


def _ingest(
    store: Store, settings: Settings, extraction: Extraction, title: str, monkeypatch: pytest.MonkeyPatch
) -> str:
    # The pipeline imports the extractor where it extracts (service.pipeline.extract_document).
    monkeypatch.setattr(
        service.extract, "extract", lambda document, gazetteer=None: replace(extraction, document=document)
    )
    return ingest_document(replace(extraction.document, title=title), store, settings).status


def _view(store: Store, iris: Iris) -> dict[str, dict[str, Any]]:
    return {e["trigger"]: e for e in Finder(store, iris).page(EventFilter(), 100).events}


def test_reattach_a_new_extractor_output_for_the_same_text(
    settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On both backends: the pipeline's re-ingest re-attaches, marks agreement, keeps every record."""
    iris = Iris(settings.base_iri)
    first = sample_extraction()
    assert _ingest(store, settings, first, "v1", monkeypatch) == "added"
    view = _view(store, iris)
    donated, signed = view["donated"]["key"], view["signed"]["key"]
    curation.correct(store, iris, donated, "retype", {"type": "aid_pledge"}, note="a pledge")
    curation.correct(store, iris, donated, "set_aid", {"item": "masks", "aid": {"item": "masks", "quantity": 12000}})
    curation.correct(store, iris, signed, "add_actor", {"role": "agents", "actor": {"name": "Minsk", "kind": "city"}})
    before = {c.iri: c for c in curation.corrections(store, iris)}

    assert _ingest(store, settings, _variant(first), "v2", monkeypatch) == "replaced"
    after = {c.iri: c for c in curation.corrections(store, iris)}
    assert set(after) == set(before)  # nothing lost
    status = {c.operation: c.status for c in after.values()}
    assert status == {"retype": "agrees", "set_aid": "applied", "add_actor": "applied"}
    view = _view(store, iris)
    assert set(view) == {"donated", "signed", "Beijing"}  # the new event is there, uncorrected
    assert view["donated"]["type"] == "aid_pledge" and view["donated"]["aid"][0]["quantity"] == 12000
    assert "Minsk" in [a["name"] for a in view["signed"]["agents"]]
    # the retype's event has a new IRI (its type is in it): the corrections now point at it
    new_iri = iris.event("sample", *[(e.sentence_start, e.trigger_start, e.type) for e in _variant(first).events][0])
    assert {c.target for c in after.values() if c.operation != "add_actor"} == {new_iri}
    superseded = store.query(f"ASK {{ GRAPH ?g {{ <{new_iri}> <https://w3id.org/eventgraph#supersededBy> ?c }} }}")
    assert bool(superseded)


def test_reattach_failure_leaves_the_document_and_its_corrections_as_they_were(
    settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    iris = Iris(settings.base_iri)
    first = sample_extraction()
    _ingest(store, settings, first, "v1", monkeypatch)
    key = _view(store, iris)["donated"]["key"]
    curation.correct(store, iris, key, "retype", {"type": "visit"})
    graphs = {g: _dump(store, g) for g in (iris.document_graph("sample"), iris.curation_graph("sample"))}

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("the rebuild failed half-way")

    monkeypatch.setattr(curation.curate, "rebuild", broken)
    with pytest.raises(RuntimeError):
        _ingest(store, settings, _variant(first), "v2", monkeypatch)
    assert {g: _dump(store, g) for g in graphs} == graphs
    assert _view(store, iris)["donated"]["type"] == "visit"


def _dump(store: Store, graph: str) -> set[str]:
    rows = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return {f"{r['s']} {r['p']} {r['o']}" for r in rows}  # type: ignore[union-attr]


def test_reattach_unit_find_prefers_offsets_then_text_then_trigger_and_type() -> None:
    from service.curation.build import anchor_of, find

    doc = sample_extraction().document
    donated, signed = sample_extraction().events
    anchor = anchor_of(donated)
    # the same sentence further on (a paragraph added before it): found by its text
    moved = replace(donated, sentence_start=donated.sentence_start + 10, sentence_end=donated.sentence_end + 10,
                    trigger_start=donated.trigger_start + 10, trigger_end=donated.trigger_end + 10)  # fmt: skip
    text = doc.text[: donated.sentence_start] + "0123456789" + doc.text[donated.sentence_start :]
    assert find(text, anchor, [("a", signed), ("b", moved)], set()) == (("b", moved), True)
    # taken already by another correction's event: not found, but the sentence is there
    assert find(text, anchor, [("b", moved)], {"b"}) == (None, True)
    # the sentence gone
    gone = doc.text.replace(donated.sentence, "")
    assert find(gone, anchor, [("a", signed)], set()) == (None, False)
    # a retyped event in the same sentence is found by its trigger; another trigger of the type by its type
    retyped = replace(donated, type="aid_pledge")
    assert find(doc.text, anchor, [("c", retyped)], set())[0] == ("c", retyped)
    other = replace(donated, trigger="masks", trigger_start=donated.trigger_start + 15)
    assert find(doc.text, anchor, [("d", other)], set())[0] == ("d", other)
    assert find(doc.text, anchor, [("e", replace(other, type="visit"))], set()) == (None, True)


def test_reattach_aid_and_actor_models_roundtrip() -> None:
    """The operations keep what the event JSON says (a group's count, an aid value)."""
    from service.curation import operations

    event = sample_extraction().events[0]
    group = operations.check_actor({"name": "sister cities", "kind": "city", "group": True, "count": 24})
    after = operations.apply(event, "add_actor", {"role": "agents", "actor": group})
    assert after is not None and after.agents[-1] == Actor("sister cities", "city", None, True, 24, False)
    value = operations.check_aid({"item": "funds", "value": {"amount": 5, "currency": "EUR"}})
    after = operations.apply(event, "add_aid", {"aid": value})
    assert after is not None and after.aid[-1] == Aid("funds", None, None, None, Money(5.0, "EUR"))
    assert operations.apply(event, "remove_aid", {"item": "nothing"}) == event
    assert isinstance(event, Event)


def test_reattach_after_a_write_that_bypassed_the_pipeline(settings: Settings, store: Store) -> None:
    """A batch writes document graphs itself, then calls ``documents_written``: the corrections of
    those documents re-attach to the events now stored."""
    from service import __version__
    from service.pipeline import documents_written
    from service.rdf.mapping import document_quads

    iris = Iris(settings.base_iri)
    first = sample_extraction()
    quads, shared = document_quads(first, iris, __version__)
    store.replace_graph(iris.document_graph("sample"), quads, shared)
    view = _view(store, iris)
    curation.correct(store, iris, view["donated"]["key"], "retype", {"type": "aid_pledge"})
    curation.correct(store, iris, view["signed"]["key"], "reject", {})
    second = _variant(first)
    quads, shared = document_quads(second, iris, __version__)
    store.replace_graph(iris.document_graph("sample"), quads, shared)  # as a bulk load would: corrections not seen
    documents_written(store, settings, [iris.document_graph("sample")])
    status = {c.operation: c.status for c in curation.corrections(store, iris)}
    assert status == {"retype": "agrees", "reject": "applied"}
    view = _view(store, iris)
    assert set(view) == {"donated", "Beijing"} and view["donated"]["type"] == "aid_pledge"
    new_iri = iris.event("sample", second.events[0].sentence_start, second.events[0].trigger_start, "aid_pledge")
    assert view["donated"]["iri"] == new_iri  # every correction of it agrees: the extracted event shows as it is
