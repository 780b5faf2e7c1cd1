"""Metadata the user states: a ``NAME.meta.json`` sidecar or YAML front matter.

Both carry the same keys (``FIELDS``) and both override what the header scanner guessed.
Values are checked here, so that a typo in a date or a URL is reported with the file's name
instead of surfacing later as a wrong graph.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from service.documents.dates import parse_iso
from service.documents.files import open_regular
from service.errors import DocumentRefused

FIELDS: tuple[str, ...] = ("id", "title", "published", "source", "url", "author", "language")
SIDECAR_SUFFIX = ".meta.json"
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
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
    if not isinstance(data, dict):
        raise DocumentRefused(f"{where}: expected a JSON object with keys {', '.join(FIELDS)}")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise DocumentRefused(f"{where}: unknown key {unknown[0]!r}; accepted keys are {', '.join(FIELDS)}")
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
    if data is not None and not isinstance(data, dict):
        return {}, text  # a leading rule and a paragraph, not front matter
    data = data or {}
    for alias, key in _FRONT_MATTER_ALIASES.items():
        if alias in data and key not in data:
            data[key] = data[alias]
    return clean({k: v for k, v in data.items() if k in FIELDS}, "front matter"), text[match.end() :]


def clean(raw: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Check and normalise metadata values; an explicit null clears a guessed value."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None:
            out[key] = None
            continue
        try:
            out[key] = _CHECKS[key](value)
        except ValueError as exc:
            raise DocumentRefused(f"{where}: {key} {exc}") from None
    return out


def _text(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = ", ".join(v.strip() for v in value)  # several authors
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"must be a string, not {type(value).__name__}")
    return " ".join(str(value).split()) or None


def _published(value: Any) -> date:
    parsed = parse_iso(value)
    if parsed is None:
        raise ValueError(f"{value!r} is not an ISO 8601 date (YYYY-MM-DD)")
    return parsed


def _url(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"https?://[^\s/]+\S*", value.strip()):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value.strip()


def _pattern(pattern: re.Pattern[str], expected: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or not pattern.fullmatch(value.strip()):
            raise ValueError(f"{value!r} is not {expected}")
        return value.strip()

    return check


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "id": _pattern(ID_PATTERN, "an id (letters, digits, '.', '_', '-'; at most 100)"),
    "title": _text,
    "published": _published,
    "source": _text,
    "url": _url,
    "author": _text,
    "language": _pattern(_LANGUAGE, "a language tag such as 'en' or 'zh-CN'"),
}
