"""The lexicon files of ``lexicon/``, each read once per process.

Rules and word lists are data, reviewed row by row in a diff; this module only reads them.
TSV files have a header row; lines starting with "#" are comments.
"""

from __future__ import annotations

import csv
import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

LEXICON = Path(__file__).parent / "lexicon"


def read_tsv(name: str) -> list[dict[str, str]]:
    """Rows of a TSV lexicon file as dicts keyed by its header."""
    lines = [line for line in (LEXICON / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return [{k: (v or "").strip() for k, v in row.items()} for row in reader]


def read_jsonl(name: str) -> list[dict[str, Any]]:
    """Objects of a JSONL lexicon file (one per line)."""
    lines = (LEXICON / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip() and not line.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def aid_items() -> dict[str, tuple[str, str | None]]:
    """Item form (lower case) → (category, Wikidata QID or None)."""
    return {r["form"]: (r["category"], r.get("qid") or None) for r in read_tsv("aid_items.tsv")}


@lru_cache(maxsize=1)
def aid_heads() -> frozenset[str]:
    """The last words of the item forms: a word that can end an item phrase."""
    return frozenset(form.split()[-1] for form in aid_items())


@lru_cache(maxsize=1)
def units() -> dict[str, str]:
    return {r["form"]: r["unit"] for r in read_tsv("units.tsv")}


@lru_cache(maxsize=1)
def currencies() -> dict[str, tuple[str, str]]:
    """Currency form (lower case) → (ISO 4217 code, position: before|after|either)."""
    return {r["form"]: (r["code"], r["position"]) for r in read_tsv("currencies.tsv")}


@lru_cache(maxsize=1)
def numbers() -> dict[str, tuple[float | None, str]]:
    """Number word → (value, kind) with kind number|scale|approx."""
    return {r["word"]: (float(r["value"]) if r["value"] else None, r["kind"]) for r in read_tsv("numbers.tsv")}


@lru_cache(maxsize=1)
def word_classes() -> dict[str, frozenset[str]]:
    """Object classes of the trigger rules ("message", "personnel", …) → their words (lower case)."""
    classes: dict[str, set[str]] = {}
    for row in read_tsv("word_classes.tsv"):
        classes.setdefault(row["class"], set()).add(row["word"])
    return {name: frozenset(words) for name, words in classes.items()}


@lru_cache(maxsize=1)
def frames() -> dict[str, dict[str, str]]:
    """Frame → slot (subject, object, a preposition, passive_subject, by_active) → role."""
    out: dict[str, dict[str, str]] = {}
    for row in read_tsv("frames.tsv"):
        out.setdefault(row["frame"], {})[row["slot"]] = row["role"]
    return out


@lru_cache(maxsize=1)
def trigger_rules() -> tuple[dict[str, Any], ...]:
    return tuple(read_jsonl("triggers.jsonl"))


@lru_cache(maxsize=1)
def _rules_by_name() -> dict[str, dict[str, Any]]:
    return {rule["rule"]: rule for rule in trigger_rules()}


def trigger_rule(name: str) -> dict[str, Any]:
    """The trigger rule of that name ({} when there is none)."""
    return _rules_by_name().get(name, {})


@lru_cache(maxsize=1)
def temporal_rules() -> tuple[dict[str, str], ...]:
    return tuple(read_tsv("temporal.tsv"))


@lru_cache(maxsize=1)
def group_heads() -> dict[str, str]:
    """Plural nouns that head a group mention ("countries", "sister cities") → actor kind."""
    return {r["head"]: r["kind"] for r in read_tsv("groups.tsv")}


@lru_cache(maxsize=1)
def bare_group_heads() -> frozenset[str]:
    """Group heads that make a group without a determiner after "to", "for", "among" ("to hospitals")."""
    return frozenset(r["head"] for r in read_tsv("groups.tsv") if r.get("bare") == "yes")


@lru_cache(maxsize=1)
def references() -> dict[str, str]:
    """Referring phrases (lower case) → what they stand for (author, city, previous_subject, …)."""
    return {r["phrase"]: r["target"] for r in read_tsv("references.tsv")}


@lru_cache(maxsize=1)
def titles() -> frozenset[str]:
    """Words that title a person ("Minister", "Mayor", "Ambassador"), lower case."""
    return frozenset(r["title"] for r in read_tsv("titles.tsv"))


@lru_cache(maxsize=1)
def org_words() -> frozenset[str]:
    """Words that make a capitalised phrase an organisation name ("Ministry", "Agency"), lower case."""
    return frozenset(r["word"] for r in read_tsv("org_words.tsv"))


@cache
def function_word_set(name: str) -> frozenset[str]:
    """Like :func:`words`, cached."""
    return _word_sets().get(name, frozenset())


@lru_cache(maxsize=1)
def _word_sets() -> dict[str, frozenset[str]]:
    return {row["set"]: frozenset(row["words"].split()) for row in read_tsv("function_words.tsv")}


def words(name: str) -> frozenset[str]:
    """A closed word list of ``lexicon/function_words.tsv`` ("prepositions", "control" …)."""
    for row in read_tsv("function_words.tsv"):
        if row["set"] == name:
            return frozenset(row["words"].split())
    raise KeyError(f"no word list {name!r} in lexicon/function_words.tsv")
