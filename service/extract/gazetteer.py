"""The actor gazetteer: countries, territories, organisations, cities and people, with Wikidata QIDs.

The shipped list is ``lexicon/actors.tsv``; a user adds to it with a file of their own (same TSV
columns, or JSONL with the same keys). How a text matches a name, alias or adjective:

* the text and the forms are normalised alike: diacritics folded to ASCII ("Köln" = "Koln"),
  curly quotes made straight, dashes made hyphens, runs of white space made one space, and a
  leading "the " dropped ("the Netherlands" = "Netherlands");
* a form of at most five characters written in capitals ("WHO", "US", "U.S.", "NIA", "RATS")
  matches only when written in capitals, so the pronoun "us" is not the United States;
* every other form matches in any case ("XU Gansu" = "Xu Gansu", "CHINA" = "China"), except that
  a text written all in lower case does not match a form that has capitals: "turkey" and "chad"
  are words, "Turkey" and "Chad" are countries;
* a form claimed by several entries is ambiguous and resolves to none, unless ``within`` names
  the actor (a country, a city) the candidates must belong to. The shipped ambiguous forms are
  listed in ``lexicon/ambiguous.tsv`` (:data:`AMBIGUOUS`).

Every record, shipped or the user's, is checked against ``lexicon/gazetteer.schema.json``.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema.validators import validator_for  # type: ignore[import-untyped]  # jsonschema ships no type information

from service.errors import UserError
from service.extract import tables

SHIPPED = Path(__file__).parent / "lexicon" / "actors.tsv"
# The record a gazetteer file holds: keys, their types and values (``lexicon/gazetteer.schema.json``).
SCHEMA: dict[str, Any] = json.loads((tables.LEXICON / "gazetteer.schema.json").read_text(encoding="utf-8"))
COLUMNS: tuple[str, ...] = tuple(SCHEMA["properties"])
# In the order of the shipped file, which is sorted by type, then by name.
TYPES: tuple[str, ...] = tuple(SCHEMA["properties"]["type"]["enum"])
QID_PATTERN = re.compile(r"Q[1-9][0-9]*")

# Forms (names, aliases, adjectives) that more than one shipped entry claims on purpose
# (``lexicon/ambiguous.tsv``). Each resolves to none unless the caller says which actor the mention
# belongs to (``within``).
AMBIGUOUS: frozenset[str] = frozenset(row["form"] for row in tables.read_tsv("ambiguous.tsv"))

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)


@dataclass(frozen=True)
class Entry:
    """One actor of the gazetteer; ``part_of`` is the QID or name of the actor that contains it."""

    qid: str | None
    name: str
    kind: str
    type: str
    aliases: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    part_of: str | None = None
    note: str | None = None

    def forms(self) -> tuple[str, ...]:
        """The name and every alias."""
        return (self.name, *self.aliases)


def normalise(text: str) -> str:
    """The form under which a text is compared: ASCII-folded, straight quotes, single spaces, no "the "."""
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLATE))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = " ".join(text.split())
    return text[4:] if text[:4].lower() == "the " else text


def case_sensitive(form: str) -> bool:
    """True for short all-capital forms ("WHO", "U.S."), which match only in capitals."""
    return len(form) <= 5 and form.isupper()


@dataclass(frozen=True)
class _Claim:
    entry: Entry
    rank: int  # 0 = shipped, 1 = user file, 2+ = added with extended(); the highest rank wins
    has_upper: bool


class _Index:
    """Forms → claims, split by the case rule."""

    def __init__(self) -> None:
        self.exact: dict[str, list[_Claim]] = {}
        self.folded: dict[str, list[_Claim]] = {}

    def add(self, form: str, entry: Entry, rank: int) -> None:
        key = normalise(form)
        if not key:
            return
        claim = _Claim(entry, rank, key != key.lower())
        target, k = (self.exact, key) if case_sensitive(key) else (self.folded, key.casefold())
        claims = target.setdefault(k, [])
        if all(c.entry is not entry for c in claims):
            claims.append(claim)

    def claims(self, text: str) -> list[_Claim]:
        """The claims on ``text`` by the case rule, highest rank only."""
        key = normalise(text)
        found = self.exact.get(key)
        if not found:
            lower_only = key == key.lower()
            found = [c for c in self.folded.get(key.casefold(), []) if not (lower_only and c.has_upper)]
        if not found:
            return []
        top = max(c.rank for c in found)
        return [c for c in found if c.rank == top]


class Gazetteer:
    """Look actors up by name, alias, adjective or QID. Immutable: :meth:`extended` returns a copy."""

    def __init__(self, layers: Sequence[Iterable[Entry]]) -> None:
        self._layers = tuple(tuple(layer) for layer in layers)
        self._entries = _merge(self._layers)
        self._by_qid = {e.qid: e for e, _ in self._entries if e.qid}
        self._by_name = {normalise(e.name).casefold(): e for e, _ in self._entries}
        self._names = _Index()
        self._adjectives = _Index()
        for entry, rank in self._entries:
            for form in entry.forms():
                self._names.add(form, entry, rank)
            for adjective in entry.adjectives:
                self._adjectives.add(adjective, entry, rank)
        self._ambiguous = {normalise(a).casefold() for a in AMBIGUOUS}

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        return (entry for entry, _ in self._entries)

    def lookup(self, text: str, within: str | None = None) -> Entry | None:
        """The entry a name or alias denotes, or None when unknown or ambiguous.

        ``within`` (a QID or name) picks, among several candidates, the one that is that actor or
        part of it: ``lookup("Ministry of Foreign Affairs", within="Q148")`` is China's.
        """
        return self._resolve(self._names.claims(text), text, within)

    def sovereign(self, text: str) -> Entry | None:
        """The one sovereign state among the entries an ambiguous name denotes ("Georgia": the country, not the
        US state), else None."""
        states = [c.entry for c in self._names.claims(text) if c.entry.type == "sovereign_state"]
        return states[0] if len(states) == 1 else None

    def by_adjective(self, word: str, within: str | None = None) -> Entry | None:
        """The actor an adjective denotes ("Chinese" → China, "Kazakhstani" → Kazakhstan)."""
        return self._resolve(self._adjectives.claims(word), word, within)

    def by_qid(self, qid: str) -> Entry | None:
        return self._by_qid.get(qid)

    def by_name(self, name: str) -> Entry | None:
        """The entry whose name (not alias) is ``name``, after normalisation."""
        return self._by_name.get(normalise(name).casefold())

    def parent(self, entry: Entry) -> Entry | None:
        """The entry ``entry.part_of`` refers to, if it is in the gazetteer."""
        if not entry.part_of:
            return None
        return self.by_qid(entry.part_of) if QID_PATTERN.fullmatch(entry.part_of) else self.by_name(entry.part_of)

    def ancestors(self, entry: Entry) -> tuple[Entry, ...]:
        """The chain of containing actors, nearest first (NIA → Ministry of Public Security → … → China)."""
        chain: list[Entry] = []
        current = self.parent(entry)
        while current is not None and current not in chain and current != entry:
            chain.append(current)
            current = self.parent(current)
        return tuple(chain)

    def surface_forms(self) -> Iterator[tuple[str, Entry]]:
        """Every name and alias with its entry, for a phrase matcher.

        Match candidates case-insensitively, then confirm each with :meth:`lookup`, which applies
        the case rule and drops ambiguous forms.
        """
        for entry, _ in self._entries:
            for form in entry.forms():
                yield form, entry

    def ambiguous_forms(self) -> dict[str, tuple[Entry, ...]]:
        """Forms and adjectives claimed by more than one entry (normalised form → claimants)."""
        out: dict[str, tuple[Entry, ...]] = {}
        for index in (self._names, self._adjectives):
            for key, claims in (*index.exact.items(), *index.folded.items()):
                top = max(c.rank for c in claims)
                winners = tuple(c.entry for c in claims if c.rank == top)
                if len(winners) > 1:
                    out[key] = winners
        return out

    def extended(self, entries: Iterable[Entry]) -> Gazetteer:
        """A copy with more entries, which win over existing ones (per-document acronyms)."""
        return Gazetteer((*self._layers, tuple(entries)))

    def _resolve(self, claims: list[_Claim], text: str, within: str | None) -> Entry | None:
        candidates = [c.entry for c in claims]
        if within is not None:
            candidates = [e for e in candidates if self._belongs(e, within)]
        if len(candidates) != 1:
            return None
        shipped_only = all(c.rank == 0 for c in claims)
        if within is None and shipped_only and normalise(text).casefold() in self._ambiguous:
            return None
        return candidates[0]

    def _belongs(self, entry: Entry, within: str) -> bool:
        key = normalise(within).casefold()
        return any(within == e.qid or normalise(e.name).casefold() == key for e in (entry, *self.ancestors(entry)))


def _merge(layers: Sequence[Sequence[Entry]]) -> list[tuple[Entry, int]]:
    """Entries of all layers in order; a later entry replaces an earlier one with the same QID or name."""
    slots: list[tuple[Entry, int] | None] = []
    by_qid: dict[str, int] = {}
    by_name: dict[str, int] = {}
    for rank, layer in enumerate(layers):
        for entry in layer:
            name_key = normalise(entry.name).casefold()
            for position in {by_qid.get(entry.qid or ""), by_name.get(name_key)}:
                old = None if position is None else slots[position]
                if position is None or old is None:
                    continue
                by_name.pop(normalise(old[0].name).casefold(), None)
                by_qid.pop(old[0].qid or "", None)
                slots[position] = None
            if entry.qid:
                by_qid[entry.qid] = len(slots)
            by_name[name_key] = len(slots)
            slots.append((entry, rank))
    return [slot for slot in slots if slot is not None]


def load_gazetteer(extra: str | Path | None = None) -> Gazetteer:
    """The shipped gazetteer, plus the entries of ``extra`` (TSV or JSONL) when given.

    User rows replace shipped rows with the same QID or name. Cached per file and modification
    time, so a changed user file is read again.

    :raises UserError: the user file is missing or malformed (the message names file and line).
    """
    if not extra:  # None, or an empty setting
        return _load(None, 0)
    path = Path(extra).expanduser().resolve()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        message = f"{extra}: cannot read the gazetteer file ({exc.strerror}); check the gazetteer setting"
        raise UserError(message) from None
    return _load(str(path), mtime)


@lru_cache(maxsize=8)
def _load(extra: str | None, mtime: int) -> Gazetteer:
    layers = [read_entries(SHIPPED)]
    if extra is not None:
        layers.append(read_entries(Path(extra)))
    return Gazetteer(layers)


def read_entries(path: Path) -> list[Entry]:
    """Read a gazetteer file: JSONL when it ends in .jsonl/.ndjson/.json, TSV with a header row otherwise."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # tolerate the BOM some editors write
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read the gazetteer file ({exc}); it must be UTF-8 text") from None
    lines = text.splitlines()
    if path.suffix.lower() in {".jsonl", ".ndjson", ".json"}:
        return list(_jsonl_records(path, lines))
    return list(_tsv_records(path, lines))


def _tsv_records(path: Path, lines: list[str]) -> Iterator[Entry]:
    rows = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(rows, None)
    if header is None:
        return
    header = [h.strip() for h in header]
    unknown = [h for h in header if h not in COLUMNS]
    if unknown or "name" not in header or "kind" not in header:
        raise UserError(
            f"{path}:1: the header must name the columns {' '.join(COLUMNS)} (at least name and kind); got {header}"
        )
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row) or row[0].startswith("#"):
            continue
        if len(row) > len(header):
            raise UserError(f"{path}:{number}: {len(row)} cells for {len(header)} columns (a tab too many?)")
        yield _entry(dict(zip(header, row, strict=False)), f"{path}:{number}")


def _jsonl_records(path: Path, lines: list[str]) -> Iterator[Entry]:
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserError(f"{path}:{number}: not a JSON object ({exc.msg})") from None
        yield _entry(record, f"{path}:{number}")


@lru_cache(maxsize=1)
def _validator() -> Any:
    """The validator of the draft the schema names in its ``$schema``."""
    return validator_for(SCHEMA)(SCHEMA)


def _entry(record: Any, where: str) -> Entry:
    """Check one record (TSV row or JSON object) against the schema and make it an Entry; ``where`` is
    "file:line"."""
    record = _normalised(record)
    errors = list(_validator().iter_errors(record))
    if errors:
        raise UserError(f"{where}: {_message(min(errors, key=_rank), record)}")
    return Entry(
        qid=record.get("qid"),
        name=record["name"],
        kind=record["kind"],
        type=record.get("type", "other"),
        aliases=_list(record.get("aliases")),
        adjectives=_list(record.get("adjectives")),
        part_of=record.get("part_of"),
        note=record.get("note"),
    )


def _normalised(record: Any) -> Any:
    """The record with white space collapsed in its text, and its empty or null values left out (as if absent)."""
    if not isinstance(record, dict):
        return record
    out: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, str):
            value = " ".join(value.split())
        elif isinstance(value, list):
            value = [" ".join(v.split()) if isinstance(v, str) else v for v in value]
        if key in COLUMNS and (value is None or value == ""):
            continue
        out[key] = value
    return out


def _field(error: Any) -> str:
    """The key an error is about ("" for the record as a whole)."""
    if error.validator == "required":
        return str(next(k for k in error.validator_value if k not in error.instance and repr(k) in error.message))
    return str(error.path[0]) if error.path else ""


def _rank(error: Any) -> tuple[int, int]:
    """The order errors are reported in: the record, then its keys in column order, a wrong type first."""
    field = _field(error)
    return (COLUMNS.index(field) + 1 if field in COLUMNS else 0, 0 if error.validator == "type" else 1)


def _message(error: Any, record: Any) -> str:
    field, value = _field(error), error.instance
    if not field and error.validator == "type":
        return f"each line must be a JSON object with the keys {', '.join(COLUMNS)}"
    if error.validator == "additionalProperties":
        return f"unknown keys {sorted(set(record) - set(COLUMNS))}; the keys are {', '.join(COLUMNS)}"
    if error.validator == "required":
        choices = SCHEMA["properties"][field].get("enum")
        return f"the {field} is missing" + (f" (one of {', '.join(choices)})" if choices else "")
    if error.validator == "type":
        return f"{field} must be text, not {type(value).__name__}"
    if error.validator == "pattern" and field == "qid":
        return f"{value!r} is not a Wikidata QID (Q followed by digits); leave it empty when unknown"
    if error.validator == "enum":
        return f"{field} {value!r} is not one of {', '.join(error.validator_value)}"
    return f"{field or 'the record'}: {error.message}"


def _list(value: str | list[str | None] | None) -> tuple[str, ...]:
    """A "|"-separated string (TSV) or a list of strings (JSONL), checked by the schema."""
    items = value if isinstance(value, list) else (value or "").split("|")
    return tuple(dict.fromkeys(item.strip() for item in items if item and item.strip()))
