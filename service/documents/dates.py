"""Publication dates from a single candidate line or metadata value, never from prose.

``dateparser`` is only ever given one short line that the header scanner already suspects
is a date; searching whole paragraphs turns "We" into a Wednesday and "92%" into 1992.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import dateparser

MAX_LINE = 60  # a date line is short; anything longer is prose with a date in it
_SETTINGS = {
    "STRICT_PARSING": True,  # day, month and year must all be there
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PREFER_DATES_FROM": "past",
    "RETURN_AS_TIMEZONE_AWARE": False,
}
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_CJK = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# 03/04/2021 is March or April depending on the writer's country: refuse to guess. With dots
# (12.03.2021) the day comes first wherever the style is used (Europe, Russia, much of Asia).
_AMBIGUOUS = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{2,4})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def parse_date_line(line: str) -> date | None:
    """The date a short line states, or None when it is not exactly one unambiguous full date.

    >>> parse_date_line("October 20, 2020")
    datetime.date(2020, 10, 20)
    >>> parse_date_line("03/04/2021") is None
    True
    >>> parse_date_line("12.03.2021")
    datetime.date(2021, 3, 12)
    """
    value = line.strip()
    if not value or len(value) > MAX_LINE:
        return None
    if match := _ISO.fullmatch(value) or _CJK.match(value):
        return _ymd(*match.groups())
    if match := _DOTTED.fullmatch(value):
        day, month, year = match.groups()
        return _ymd(year, month, day)
    if (match := _AMBIGUOUS.fullmatch(value)) and _ambiguous(match):
        return None
    if not _YEAR.search(value):
        return None
    try:
        parsed = dateparser.parse(value, languages=["en"], settings=_SETTINGS)
    except (ValueError, OverflowError):
        return None
    return parsed.date() if parsed else None


def parse_iso(value: object) -> date | None:
    """An ISO 8601 date or date-time (string, date or datetime) as a date; None if it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    match = _ISO.fullmatch(value.strip())
    return _ymd(*match.groups()) if match and "-" in value else None


def _ambiguous(match: re.Match[str]) -> bool:
    first, second = int(match.group(1)), int(match.group(2))
    return first <= 12 and second <= 12 and first != second


def _ymd(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None
