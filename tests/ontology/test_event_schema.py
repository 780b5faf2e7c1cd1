"""ontology/event.schema.json: a valid JSON Schema that the model's event JSON satisfies."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from service.model import ACTOR_KINDS, EVENT_TYPES, PRECISIONS, Extraction

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "ontology" / "event.schema.json"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_event_schema_is_a_valid_draft_2020_12_schema(validator: Draft202012Validator) -> None:
    assert validator.schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_event_schema_accepts_a_hand_built_extraction(validator: Draft202012Validator, golden) -> None:
    extraction, _ = golden
    errors = [e.message for e in validator.iter_errors(extraction.to_json())]
    assert errors == []


def test_event_schema_golden_file_is_what_the_model_writes(golden) -> None:
    extraction, data = golden
    assert extraction.to_json()["events"] == data["events"]


def test_event_schema_enums_match_the_model(validator: Draft202012Validator) -> None:
    defs = validator.schema["$defs"]
    assert defs["event"]["properties"]["type"]["enum"] == list(EVENT_TYPES)
    assert defs["actor"]["properties"]["kind"]["enum"] == list(ACTOR_KINDS)
    assert defs["timeSpan"]["properties"]["precision"]["enum"] == list(PRECISIONS)


def test_event_schema_allows_extra_fields(validator: Draft202012Validator, golden) -> None:
    extraction, _ = golden
    data = extraction.to_json()
    data["extractor"] = {"version": "x"}
    data["events"][0]["note"] = "extra"
    assert validator.is_valid(data)


def _break(data: dict, path: tuple, value: object) -> dict:
    broken = copy.deepcopy(data)
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return broken


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("events", 0, "type"), "riot"),
        (("events", 0, "aid", 1, "value", "currency"), "yuan"),
        (("events", 0, "aid", 0, "quantity"), -1),
        (("events", 0, "confidence"), 1.5),
        (("events", 1, "agents", 0, "wikidata"), "https://www.wikidata.org/wiki/Q956"),
        (("events", 1, "agents", 0, "kind"), "planet"),
        (("events", 2, "date", "precision"), "week"),
        (("events", 2, "date", "earliest"), "March 2020"),
        (("events", 2, "offsets", "sentence"), [5]),
        (("published",), "20 October 2020"),
    ],
)
def test_event_schema_rejects_malformed_fields(validator: Draft202012Validator, golden, path, value) -> None:
    extraction: Extraction = golden[0]
    assert not validator.is_valid(_break(extraction.to_json(), path, value))


@pytest.mark.parametrize("field", ["doc", "published", "events"])
def test_event_schema_requires_the_fixed_top_level_fields(validator: Draft202012Validator, golden, field) -> None:
    data = golden[0].to_json()
    del data[field]
    assert not validator.is_valid(data)
