"""Curation over HTTP against a real server: every operation changes /api/events at once and
is listed in the event's history; undo; bad input is a 4xx naming the problem; writes need the token."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.curation.conftest import Api
from tests.web.live import AUTH


def _correct(api: Api, key: str, operation: str, values: dict[str, Any], note: str | None = None) -> Any:
    return api.post(f"/api/curation/events/{key}", {"operation": operation, "values": values, "note": note})


def test_curation_each_operation_shows_at_once_and_in_history(api: Api) -> None:
    donated = api.events()["donated"]
    before = len(api.events())

    # retype: the extracted event leaves the view, its curated copy (a new key) takes its place
    done = _correct(api, donated["key"], "retype", {"type": "aid_pledge"}, note="announced, not delivered")
    assert done["correction"]["status"] == "applied" and done["correction"]["curator"] == "Test Analyst"
    shown = api.events()
    assert len(shown) == before and shown["donated"]["type"] == "aid_pledge"
    key = shown["donated"]["key"]
    assert key != donated["key"] and done["event"]["key"] == key

    # fix the donor: by the actor's IRI (as the autocomplete gives it), then add one by its QID
    tokyo = donated["agents"][0]
    _correct(api, key, "remove_actor", {"role": "agents", "actor": {"iri": tokyo["iri"]}})
    _correct(
        api, key, "add_actor", {"role": "agents", "actor": {"name": "Japan", "kind": "country", "wikidata": "Q17"}}
    )
    event = api.get(f"/api/events/{key}")
    assert [(a["name"], a["wikidata"]) for a in event["agents"]] == [("Japan", "Q17")]

    # the date, the aid quantity, a new aid item, a place
    _correct(api, key, "set_date", {"earliest": "2020-02-01", "latest": "2020-02-29", "precision": "month"})
    _correct(api, key, "set_aid", {"item": "masks", "aid": {"item": "masks", "quantity": 20000, "unit": "pieces"}})
    _correct(api, key, "add_aid", {"aid": {"item": "gloves", "quantity": 500}})
    _correct(
        api, key, "set_actors", {"role": "places", "actors": [{"name": "Wuhan", "kind": "city", "wikidata": "Q11746"}]}
    )
    event = api.get(f"/api/events/{key}")
    assert event["date"]["earliest"] == "2020-02-01" and event["date"]["precision"] == "month"
    assert [(a["item"], a["quantity"]) for a in event["aid"]] == [("masks", 20000), ("gloves", 500)]
    assert [p["name"] for p in event["places"]] == ["Wuhan"]
    _correct(api, key, "remove_aid", {"item": "gloves"})
    assert [a["item"] for a in api.get(f"/api/events/{key}")["aid"]] == ["masks"]

    # the history lists every change, by whom and when, for the curated key and the extracted one alike
    history = api.get(f"/api/curation/events/{key}")["corrections"]
    assert [c["operation"] for c in history] == [
        "retype", "remove_actor", "add_actor", "set_date", "set_aid", "add_aid", "set_actors", "remove_aid",
    ]  # fmt: skip
    assert all(c["curator"] == "Test Analyst" and c["time"].endswith("Z") and c["status"] == "applied" for c in history)
    assert history[0]["note"] == "announced, not delivered"
    assert api.get(f"/api/curation/events/{donated['key']}")["corrections"] == history

    # the timeline window, the stats and the exports show the curated view too
    window = api.get("/api/timeline", start="2020-01-01", end="2020-12-31")
    assert {e["key"] for e in window["events"]} == {e["key"] for e in api.events().values()}
    assert api.get("/api/stats")["counts"]["events"] == before
    exported = api.get("/api/export/events.json")["events"]
    assert [e["type"] for e in exported if e["trigger"] == "donated"] == ["aid_pledge"]


def test_curation_reject_and_undo(api: Api) -> None:
    signed = api.events()["signed"]
    done = _correct(api, signed["key"], "reject", {}, note="not an agreement")
    assert done["event"] is None and "signed" not in api.events()
    assert api.get("/api/stats")["counts"]["events"] == 1
    # a rejected event cannot be corrected further until the rejection is undone
    refused = api.post(
        f"/api/curation/events/{signed['key']}", {"operation": "retype", "values": {"type": "meeting"}}, status=400
    )
    assert "rejected" in refused["error"]
    undone = api.post(f"/api/curation/undo/{done['correction']['id']}", None, status=200)
    assert undone["correction"]["status"] == "undone" and undone["event"]["key"] == signed["key"]
    assert api.events()["signed"]["key"] == signed["key"]
    history = api.get(f"/api/curation/events/{signed['key']}")["corrections"]
    assert [(c["operation"], c["status"]) for c in history] == [("reject", "undone")]
    # undoing twice says so
    again = api.post(f"/api/curation/undo/{done['correction']['id']}", None, status=400)
    assert "undone already" in again["error"]


def test_curation_undo_rebuilds_the_curated_copy(api: Api) -> None:
    donated = api.events()["donated"]
    first = _correct(api, donated["key"], "retype", {"type": "aid_pledge"})
    second = _correct(api, donated["key"], "set_date", {"earliest": "2020-02-10", "latest": "2020-02-10"})
    api.post(f"/api/curation/undo/{first['correction']['id']}", None, status=200)
    event = api.events()["donated"]
    assert event["type"] == "aid_delivery" and event["date"]["earliest"] == "2020-02-10"
    api.post(f"/api/curation/undo/{second['correction']['id']}", None, status=200)
    event = api.events()["donated"]
    assert event["key"] == donated["key"]  # nothing applied any more: the extracted event is shown again
    assert event["date"] == donated["date"]


def test_curation_add_event_from_a_sentence(api: Api) -> None:
    doc = api.get("/api/documents/sample")
    text, sentence = doc["text"], "On 3 February 2020 Tokyo donated 10,000 masks to Wuhan."
    start = text.index(sentence)
    body = {
        "sentence": [start, start + len(sentence)],
        "event": {
            "type": "communication",
            "trigger": "donated",
            "agents": [{"name": "Tokyo", "kind": "city", "wikidata": "Q1490"}],
            "date": {"earliest": "2020-02-03", "latest": "2020-02-03"},
        },
        "note": "the missed note",
        "curator": "Another Analyst",
    }
    done = api.post("/api/curation/documents/sample", body)
    assert done["correction"]["operation"] == "add_event" and done["correction"]["curator"] == "Another Analyst"
    added = done["event"]
    assert added["type"] == "communication" and added["sentence"] == sentence
    assert text[added["offsets"]["trigger"][0] : added["offsets"]["trigger"][1]] == "donated"
    listed = api.get("/api/events", limit=1000)["events"]
    assert added["key"] in {e["key"] for e in listed} and len(listed) == 3
    assert [e["type"] for e in api.get("/api/documents/sample")["events"]].count("communication") == 1
    history = api.get(f"/api/curation/events/{added['key']}")["corrections"]
    assert [(c["operation"], c["note"]) for c in history] == [("add_event", "the missed note")]


def _op(operation: str, **values: Any) -> dict[str, Any]:
    return {"operation": operation, "values": values}


AGENT = {"role": "agents"}
MONEY = {"item": "money", "value": {"amount": 5, "currency": "dollars"}}


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"operation": "explode"}, 400, "unknown operation"),
        ({"values": {}}, 400, "'operation' is required"),
        (_op("retype", type="party"), 400, "'type' must be one of"),
        (_op("add_actor", role="donors", actor={"name": "X"}), 400, "'role' must be"),
        (_op("add_actor", **AGENT, actor={"name": "X", "wikidata": "148"}), 400, "Wikidata"),
        (_op("add_actor", **AGENT, actor={"iri": "http://elsewhere.example/x"}), 400, "not an actor"),
        (_op("add_actor", **AGENT, actor={"kind": "city"}), 400, "'name' is required"),
        (_op("set_date", earliest="2020-03-01", latest="2020-02-01"), 400, "after 'latest'"),
        (_op("set_date", earliest="March"), 400, "'earliest' must be a date"),
        (_op("add_aid", aid={"item": "masks", "quantity": -3}), 400, "'quantity'"),
        (_op("add_aid", aid=MONEY), 400, "ISO 4217"),
        ({"operation": "reject", "note": "x" * 3000}, 400, "'note' is longer"),
        ({"operation": "add_event"}, 400, "through its document"),
    ],
)
def test_curation_bad_input_is_a_4xx_naming_the_problem(
    api: Api, body: dict[str, Any], status: int, words: str
) -> None:
    key = api.events()["donated"]["key"]
    before = api.get("/api/curation/corrections")
    answer = api.post(f"/api/curation/events/{key}", body, status=status)
    assert answer["ok"] is False and words in answer["error"]
    assert api.get("/api/curation/corrections") == before  # nothing recorded


def test_curation_bad_targets_and_bodies(api: Api) -> None:
    api.post("/api/curation/events/sample-0123456789ab", {"operation": "reject"}, status=404)
    api.post("/api/curation/events/nonsense", {"operation": "reject"}, status=404)
    api.post("/api/curation/undo/sample-0123456789ab", None, status=404)
    api.post("/api/curation/documents/nowhere", {"sentence": [0, 5], "event": {"type": "visit"}}, status=404)
    bad_span = api.post(
        "/api/curation/documents/sample", {"sentence": [5, 99999], "event": {"type": "visit"}}, status=400
    )
    assert "'sentence'" in bad_span["error"]
    key = api.events()["donated"]["key"]
    text = requests.post(
        f"{api.url}/api/curation/events/{key}",
        data="reject",
        headers={**AUTH, "Content-Type": "text/plain"},
        timeout=30,
    )
    assert text.status_code == 415
    assert api.get("/api/curation/corrections", status="orphan") == {"corrections": []}
    listing = requests.get(f"{api.url}/api/curation/corrections", params={"status": "lost"}, timeout=30)
    assert listing.status_code == 400 and "'status'" in listing.json()["error"]


def test_curation_writes_need_the_token(api: Api) -> None:
    key = api.events()["donated"]["key"]
    body = {"operation": "reject"}
    api.post(f"/api/curation/events/{key}", body, status=401, headers={})
    api.post(f"/api/curation/events/{key}", body, status=403, headers={"Authorization": "Bearer wrong"})
    api.post("/api/curation/documents/sample", {"sentence": [0, 5], "event": {"type": "visit"}}, status=401, headers={})
    assert "donated" in api.events() and api.get("/api/curation/corrections") == {"corrections": []}


@pytest.mark.parametrize(
    "path",
    [
        "/api/curation/events/..%2f..%2fetc%2fpasswd",
        "/api/curation/events/../../pyproject.toml",
        "/api/curation/corrections?document=..%2f..%2fetc%2fpasswd",
    ],
)
def test_curation_names_in_paths_reach_nothing_else(api: Api, path: str) -> None:
    resp = requests.get(api.url + path, timeout=30)
    assert resp.status_code in (200, 404) and "root:" not in resp.text and "[project]" not in resp.text
    for post in ("/api/curation/events/..%2f..%2fetc%2fpasswd", "/api/curation/undo/..%2f..%2fetc%2fpasswd"):
        answer = requests.post(api.url + post, json={"operation": "reject"}, headers=AUTH, timeout=30)
        assert answer.status_code == 404 and answer.json()["ok"] is False


def test_curation_page_lists_corrections_and_escapes_them(api: Api) -> None:
    key = api.events()["donated"]["key"]
    api.post(
        f"/api/curation/events/{key}",
        {"operation": "retype", "values": {"type": "visit"}, "note": "<script>alert(1)</script>"},
    )
    page = requests.get(f"{api.url}/curation", timeout=30)
    assert page.status_code == 200 and "retype" in page.text and "Test Analyst" in page.text
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "Content-Security-Policy" in page.headers
    none = requests.get(f"{api.url}/curation", params={"status": "orphan"}, timeout=30)
    assert "No corrections with this status" in none.text
    bad = requests.get(f"{api.url}/curation", params={"status": "lost"}, timeout=30)
    assert bad.status_code == 400


def test_curation_search_finds_the_curated_events(api: Api) -> None:
    """With the text index beside the store, a search finds a corrected event (its curated copy)
    and an added one, never the superseded original."""
    from service.search import index_for

    index = index_for(api.settings, api.store.location)
    assert index is not None
    index.rebuild(api.store)
    found = api.get("/api/events", q="Tokyo")["events"]
    assert [e["trigger"] for e in found] == ["donated"]
    key = found[0]["key"]
    done = api.post(f"/api/curation/events/{key}", {"operation": "retype", "values": {"type": "visit"}})
    found = api.get("/api/events", q="Tokyo")["events"]
    assert [(e["key"], e["type"]) for e in found] == [(done["event"]["key"], "visit")]
    text = api.get("/api/documents/sample")["text"]
    sentence = "Beijing and Moscow signed a cooperation agreement in March 2020."
    start = text.index(sentence)
    body = {"sentence": [start, start + len(sentence)], "event": {"type": "meeting", "agents": [{"name": "Zanzibar"}]}}
    added = api.post("/api/curation/documents/sample", body)
    assert [e["key"] for e in api.get("/api/events", q="Zanzibar")["events"]] == [added["event"]["key"]]
