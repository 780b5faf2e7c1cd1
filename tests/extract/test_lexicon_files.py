"""The word lists of the gazetteer, aid and role rules as data: each file says what it holds, each list is there."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from service.extract import tables
from service.extract.gazetteer import AMBIGUOUS, COLUMNS, SCHEMA, TYPES, Gazetteer, normalise
from service.model import ACTOR_KINDS

REPO = Path(__file__).resolve().parents[2]
WORD_LISTS = ("aid_words.tsv", "role_words.tsv")


@pytest.mark.parametrize("name", ["ambiguous.tsv", "value_cues.tsv", *WORD_LISTS])
def test_lexicon_file_starts_with_a_comment_saying_what_it_holds(name: str) -> None:
    first = (tables.LEXICON / name).read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# ") and len(first) > 20


@pytest.mark.parametrize("name", WORD_LISTS)
def test_lexicon_word_lists_are_named_once_and_not_empty(name: str) -> None:
    rows = tables.read_tsv(name)
    names = [row["set"] for row in rows]
    assert len(names) == len(set(names))
    assert all(row["words"].split() for row in rows)


def test_lexicon_value_cues_are_of_known_kinds() -> None:
    kinds = {row["kind"] for row in tables.read_tsv("value_cues.tsv")}
    assert kinds == {"value", "filler", "part", "conversion"}


def test_lexicon_gazetteer_schema_is_a_valid_schema_of_the_model_kinds() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    text = (tables.LEXICON / "gazetteer.schema.json").read_text(encoding="utf-8")
    assert next(iter(json.loads(text))) == "$comment"  # JSON has no comments: the schema's own comment comes first
    assert tuple(SCHEMA["properties"]["kind"]["enum"]) == ACTOR_KINDS
    assert COLUMNS == ("qid", "name", "kind", "type", "aliases", "adjectives", "part_of", "note")
    assert TYPES[0] == "sovereign_state" and TYPES[-1] == "other"


def test_lexicon_ambiguous_forms_are_claimed_by_several_shipped_entries(gazetteer: Gazetteer) -> None:
    claimed = gazetteer.ambiguous_forms()
    assert AMBIGUOUS and all(normalise(form).casefold() in claimed for form in AMBIGUOUS)


def test_lexicon_files_are_package_data() -> None:
    globs = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    suffixes = {pattern.removeprefix("*") for pattern in globs["*"]}
    assert {path.suffix for path in tables.LEXICON.iterdir() if path.is_file()} <= suffixes
