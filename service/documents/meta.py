"""Metadata the user states: a ``NAME.meta.json`` sidecar or YAML front matter.

Both carry the same keys (``FIELDS``) and both override what the header scanner guessed.
Values are checked here, against ``meta.schema.json``, so that a typo in a date or a URL is
reported with the file's name instead of surfacing later as a wrong graph.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]  # jsonschema ships no type information

from service.documents.dates import parse_iso
from service.documents.files import open_regular
from service.errors import DocumentRefused

# The keys, their types and their values: ``meta.schema.json`` beside this module.
SCHEMA: dict[str, Any] = json.loads((Path(__file__).parent / "meta.schema.json").read_text(encoding="utf-8"))
FIELDS: tuple[str, ...] = tuple(SCHEMA["properties"])
SIDECAR_SUFFIX = ".meta.json"
_TEXT = frozenset(("title", "source", "author"))
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)
# Static-site generators call the publication date "date"; accept it in front matter only.
_FRONT_MATTER_ALIASES = {"date": "published"}


def sidecar_path(path: Path) -> Path:
    """``dir/NAME.meta.json`` for ``dir/NAME.txt`` (or ``.html``, ``.md``…)."""
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def is_sidecar(path: Path) -> bool:
    """True for ``*.meta.json`` files, which describe a document and are never one."""
    return path.name.lower().endswith(SIDECAR_SUFFIX)


def read_sidecar(document: Path, max_bytes: int) -> dict[str, Any]:
    """The checked metadata of ``document``'s sidecar; empty when there is none."""
    side = sidecar_path(document)
    where = f"sidecar {side.name}"
    try:
        with open_regular(side) as fh:
            raw = fh.read(max_bytes + 1)
    except FileNotFoundError:
        return {}
    except DocumentRefused as exc:
        raise DocumentRefused(f"{where}: {exc.message}") from None
    except OSError as exc:
        raise DocumentRefused(f"{where}: cannot read it ({exc.strerror or exc})") from None
    if len(raw) > max_bytes:
        raise DocumentRefused(f"{where}: larger than the document size limit")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise DocumentRefused(f"{where}: not UTF-8 (byte {exc.start}); save it as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise DocumentRefused(f"{where}: invalid JSON at line {exc.lineno} column {exc.colno} ({exc.msg})") from None
    return clean(data, where)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(checked front-matter metadata, the text after it); ``({}, text)`` when there is none.

    Unknown keys are ignored: front matter is shared with other tools (tags, layout…).
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise DocumentRefused(
            f"front matter is not valid YAML{line} ({problem}); remove the --- lines if it is not front matter"
        ) from None
    except ValueError as exc:  # YAML's own date type, with no such day: "published: 2021-02-30"
        raise DocumentRefused(f"front matter holds a date that does not exist ({exc})") from None
    if data is not None and not isinstance(data, dict):
        return {}, text  # a leading rule and a paragraph, not front matter
    data = data or {}
    for alias, key in _FRONT_MATTER_ALIASES.items():
        if alias in data and key not in data:
            data[key] = data[alias]
    return clean({k: v for k, v in data.items() if k in FIELDS}, "front matter"), text[match.end() :]


def clean(raw: Any, where: str) -> dict[str, Any]:
    """Check metadata (a parsed JSON or YAML value) against ``meta.schema.json`` and normalise its
    values; an explicit null clears a guessed value. YAML dates are checked as the ISO text they
    were written as.

    :raises DocumentRefused: the first problem, as one line naming ``where`` and the key.
    """
    data = {key: _iso(value) for key, value in raw.items()} if isinstance(raw, Mapping) else raw
    errors = list(_validator().iter_errors(data))
    if errors:
        raise DocumentRefused(f"{where}: {_message(min(errors, key=_rank), data)}")
    out: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            out[key] = None
        elif key == "published":
            out[key] = parse_iso(value)
            if out[key] is None:  # the right form, but no such day (2021-02-30)
                raise DocumentRefused(f"{where}: {_wrong(key, value)}")
        elif key in _TEXT:
            out[key] = _text(value)
        else:
            out[key] = value.strip()
    return out


@lru_cache(maxsize=1)
def _validator() -> Any:
    return Draft202012Validator(SCHEMA)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value  # a datetime is a date too


def _rank(error: Any) -> tuple[int, int]:
    """The order errors are reported in: the record, then its keys in schema order, a wrong type first."""
    field = str(error.path[0]) if error.path else ""
    return (FIELDS.index(field) + 1 if field in FIELDS else 0, 0 if error.validator == "type" else 1)


def _message(error: Any, data: Any) -> str:
    if not error.path and error.validator == "type":
        return f"expected a JSON object with keys {', '.join(FIELDS)}"
    if not error.path and error.validator == "additionalProperties":
        unknown = sorted(set(data) - set(FIELDS))
        return f"unknown key {unknown[0]!r}; accepted keys are {', '.join(FIELDS)}"
    if not error.path:
        return f"the metadata: {error.message}"
    field = str(error.path[0])
    return _wrong(field, data[field])


def _wrong(field: str, value: Any) -> str:
    """What is wrong with ``field``'s ``value``, in the schema's words (its ``x-error``)."""
    template: str = SCHEMA["properties"][field]["x-error"]
    return f"{field} {template.format(value=repr(value), type=type(value).__name__)}"


def _text(value: str | float | list[str]) -> str | None:
    if isinstance(value, list):
        value = ", ".join(v.strip() for v in value)  # several authors
    return " ".join(str(value).split()) or None
