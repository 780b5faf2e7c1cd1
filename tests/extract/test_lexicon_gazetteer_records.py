"""Gazetteer records checked against ``lexicon/gazetteer.schema.json``: one-line errors naming file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.errors import UserError
from service.extract.gazetteer import read_entries


def _jsonl(tmp_path: Path, *records: object) -> Path:
    path = tmp_path / "mine.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("record", "words"),
    [
        (["Acme", "company"], "each line must be a JSON object with the keys qid, name, kind"),
        ({"name": None, "kind": "company"}, "the name is missing"),
        ({"name": "  ", "kind": "company"}, "the name is missing"),
        ({"name": ["Acme"], "kind": "company"}, "name must be text, not list"),
        ({"name": "Acme"}, "the kind is missing (one of country, city, organisation, person, company, other)"),
        ({"name": "Acme", "kind": 3}, "kind must be text, not int"),
        ({"name": "Acme", "kind": "firm"}, "kind 'firm' is not one of country, city"),
        ({"name": "Acme", "kind": "company", "type": "corporation"}, "type 'corporation' is not one of"),
        ({"name": "Acme", "kind": "company", "qid": "Q0"}, "'Q0' is not a Wikidata QID"),
        ({"name": "Acme", "kind": "company", "aliases": {"a": 1}}, "aliases must be text, not dict"),
        ({"name": "Acme", "kind": "company", "adjectives": ["Acmean", 2]}, "adjectives must be text, not int"),
        ({"name": "Acme", "kind": "company", "note": 1.5}, "note must be text, not float"),
        ({"kind": "firm", "wikidata": "Q1"}, "unknown keys ['wikidata']"),
    ],
)
def test_lexicon_gazetteer_record_errors_name_file_and_line(tmp_path: Path, record: object, words: str) -> None:
    path = _jsonl(tmp_path, {"name": "Fine", "kind": "company"}, record)
    with pytest.raises(UserError) as caught:
        read_entries(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:2: ") and words in message and "\n" not in message


def test_lexicon_gazetteer_record_text_is_taken_as_written_in_any_spacing(tmp_path: Path) -> None:
    record = {"qid": " Q42 ", "name": "Acme  Relief", "kind": " company", "type": "", "part_of": None, "note": "  "}
    path = _jsonl(tmp_path, {**record, "aliases": ["ACR", None, " ", "Acme"], "adjectives": "Acmean| Acme-made |"})
    (entry,) = read_entries(path)
    assert (entry.qid, entry.name, entry.kind, entry.type) == ("Q42", "Acme Relief", "company", "other")
    assert entry.aliases == ("ACR", "Acme") and entry.adjectives == ("Acmean", "Acme-made")
    assert entry.part_of is None and entry.note is None


def test_lexicon_gazetteer_tsv_rows_pass_the_same_schema(tmp_path: Path) -> None:
    path = tmp_path / "mine.tsv"
    path.write_text("name\tkind\ttype\taliases\nAcme\tcompany \t\tACR|Acme Co\nBeta\tperson\tmayor\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"mine\.tsv:3: type 'mayor' is not one of sovereign_state, "):
        read_entries(path)
