"""Metadata guessed from the header (and footer) lines of a plain-text article.

Only the lines before the first paragraph of prose, and a few labelled lines at the very end,
are looked at; the text itself is never changed. What a label states ("Date:", "Source:",
"Author:") wins over what a line's shape suggests (a short first line is the publisher, a
line of names after the title is the author, a dateline's agency is the source).
"""

from __future__ import annotations

import re
from typing import Any

from service.documents.dates import parse_date_line

HEAD_LINES = 15  # non-blank lines looked at before giving up on finding the body
FOOT_LINES = 4  # trailing non-blank lines searched for "Author:"/"Source:" notes
MAX_SPLIT = 150  # only lines shorter than this are split on " | " into segments

# Lower-cased label → what its value is. "body" starts the text; "junk" is page furniture.
LABELS: dict[str, str] = {
    **dict.fromkeys(("date", "dated", "published", "published on", "publication date", "posted", "posted on"), "date"),
    **dict.fromkeys(("release date", "released", "released on", "issued", "issued on"), "date"),
    **dict.fromkeys(("source", "publisher", "published by", "issued by", "agency", "news source"), "source"),
    **dict.fromkeys(("author", "authors", "by", "written by", "writer", "reporter", "byline"), "author"),
    **dict.fromkeys(("title", "headline"), "title"),
    **dict.fromkeys(("url", "link", "source url", "original url", "permalink"), "url"),
    **dict.fromkeys(("summary", "abstract", "lead", "text", "body"), "body"),
    **dict.fromkeys(("topics", "topic", "tags", "keywords", "category", "categories", "section"), "junk"),
    **dict.fromkeys(("fontsize", "font size", "font", "share", "print", "editor", "editors", "views"), "junk"),
    **dict.fromkeys(("updated", "last updated", "modified", "last modified"), "junk"),  # not the publication
}
# A language switcher link left at the top of a scraped page is not a publisher.
LANGUAGE_NAMES = frozenset(
    {"english", "chinese", "中文", "简体中文", "繁體中文", "français", "francais", "español", "espanol"}
    | {"русский", "deutsch", "日本語", "한국어", "العربية"}
)
# Page furniture of press releases: "Press Release No. 45/2021", "FOR IMMEDIATE RELEASE".
_FURNITURE = re.compile(
    r"(?:(?:press|news|media)\s+(?:releases?|statements?)(?:\s+no\.?\s*[\w/-]+)?|for\s+immediate\s+release)",
    re.IGNORECASE,
)
# The head noun of an issuing body: a header line built around one is the publisher, not the title.
_ORG_HEAD = re.compile(
    r"\b(?:Ministry|Government|Office|Department|Agency|Embassy|Consulate|Administration|Commission|Council"
    r"|Secretariat|Bureau|Mission|Municipality|Programme|Organi[sz]ation|Committee|Authority|Press Relations)\b"
)
NAME_CONNECTORS = frozenset({"and", "&", "of", "the", "de", "van", "von", "der", "du", "la", "le", "al", "bin"})

_LABEL = re.compile(r"(?P<label>[A-Za-z][A-Za-z ]{0,24}?)\s*[:：]\s*(?P<value>.*)")
_DATE_PREFIX = re.compile(r"(?:published|posted|released|issued|dated)(?:\s+on)?\s+(?P<value>.+)", re.IGNORECASE)
_SOURCE_PREFIX = re.compile(r"(?:published|issued)\s+by\s+(?P<value>.+)", re.IGNORECASE)
_BYLINE = re.compile(r"by\s+(?P<value>.+)", re.IGNORECASE)
_URL = re.compile(r"<?(?P<value>https?://[^\s<>]+)>?")
_SEGMENTS = re.compile(r"\s+[|·•]\s+")
_DATELINE = re.compile(
    r"(?:(?P<place>[A-Z][A-Za-z.'’ -]{1,40}?)"
    r"(?:\s*,\s*(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:\s*,\s*\d{4})?"
    r"|\d{1,2}\s+[A-Z][a-z]{2,8}\.?(?:\s+\d{4})?))?\s*)?"
    r"(?:\((?P<agency>[A-Z][\w .&/-]{1,40})\)\s*)?(?:--|—|–|-)\s"
)

Line = tuple[str, str]  # (kind, value)


def guess(text: str) -> dict[str, Any]:
    """Title, published, source, author and url as far as the text's own lines state them."""
    lines = [line.strip() for line in text.splitlines()]
    nonblank = [line for line in lines if line]
    head, first_prose = _split_head(nonblank)
    found: dict[str, Any] = {}
    plain = _take_labelled([kind for line in head for kind in _classify_line(line)], found)
    foot = nonblank[max(len(head) + 1, len(nonblank) - FOOT_LINES) :]
    _take_labelled([kind for line in foot for kind in _classify_line(line) if kind[0] != "plain"], found)
    _take_plain(plain, found)
    if first_prose is not None:
        _take_dateline(first_prose, found)
    return found


def _split_head(nonblank: list[str]) -> tuple[list[str], str | None]:
    """The header lines and the first line of prose (None if the text has no recognisable body)."""
    for index, line in enumerate(nonblank[:HEAD_LINES]):
        if _is_prose(line) or _label_kind(line) == "body":
            return nonblank[:index], line
    return nonblank[:HEAD_LINES], None


def _is_prose(line: str) -> bool:
    words = len(line.split())
    return words > 40 or len(line) > 300 or (words >= 8 and line.endswith(".")) or bool(_dateline(line))


def _label_kind(line: str) -> str | None:
    match = _LABEL.fullmatch(line)
    return LABELS.get(" ".join(match.group("label").lower().split())) if match else None


def _classify_line(line: str) -> list[Line]:
    """One line as (kind, value) pairs; "By X | March 3, 2021" gives two."""
    whole = _classify(line)
    if whole[0] != "plain" or len(line) > MAX_SPLIT:
        return [whole]
    parts = [_classify(part) for part in _SEGMENTS.split(line)]
    return parts if len(parts) > 1 and any(kind != "plain" for kind, _ in parts) else [whole]


def _classify(line: str) -> Line:
    line = line.lstrip("#").strip() if line.startswith("# ") else line  # a Markdown heading
    if len(line) > 2 and line[0] in "*_" and line[-1] == line[0]:
        line = line.strip(line[0]).strip()  # Markdown emphasis around a byline or date
    if url := _URL.fullmatch(line):
        return "url", url.group("value")
    if (match := _LABEL.fullmatch(line)) and (kind := _label_kind(line)):
        return _labelled(kind, match.group("value").strip())
    if line.lower() in LANGUAGE_NAMES or (match and not match.group("value")):
        return "junk", line
    if parse_date_line(line):
        return "date", line
    if _FURNITURE.fullmatch(line):
        return "junk", line
    if (match := _SOURCE_PREFIX.fullmatch(line)) and _names_like(match.group("value"), min_names=1):
        return "source", match.group("value")
    if (match := _DATE_PREFIX.fullmatch(line)) and parse_date_line(match.group("value")):
        return "date", match.group("value")
    if (match := _BYLINE.fullmatch(line)) and _names_like(match.group("value"), min_names=1):
        return "author", match.group("value")
    return "plain", line


def _labelled(kind: str, value: str) -> Line:
    if kind == "source" and (url := _URL.fullmatch(value)):
        return "url", url.group("value")
    if kind == "url" and not _URL.fullmatch(value):
        return "junk", value
    if kind in ("date", "title", "source", "author") and not value:
        return f"{kind}?", value  # the value may be on the next line
    return kind, value


def _take_labelled(lines: list[Line], found: dict[str, Any]) -> list[str]:
    """Store what labelled, dated, byline and URL lines state; return the plain lines in order."""
    plain: list[str] = []
    for index, (kind, value) in enumerate(lines):
        if kind.endswith("?") and index + 1 < len(lines) and lines[index + 1][0] == "plain":
            kind, value = kind[:-1], lines[index + 1][1]
            lines[index + 1] = ("junk", value)  # consumed as this label's value
        if kind == "date":
            if (published := parse_date_line(value)) is not None:
                found.setdefault("published", published)
        elif kind in ("title", "source", "author", "url"):
            found.setdefault(kind, value)
        elif kind == "plain":
            plain.append(value)
    return plain


def _take_plain(plain: list[str], found: dict[str, Any]) -> None:
    """Title, publisher and author from the shape and order of the unlabelled header lines."""
    if not plain:
        return
    if len(plain) >= 2 and _publisher_like(plain[0]) and len(plain[1].split()) > len(plain[0].split()):
        found.setdefault("source", plain[0])
        plain = plain[1:]
    while len(plain) >= 2 and _issuer_like(plain[0]):
        found.setdefault("source", plain[0])  # "Ministry of External Affairs" / "Government of India"
        plain = plain[1:]
    found.setdefault("title", plain[0])
    names = [line for line in plain[1:] if _names_like(line, min_names=2)]
    if names:
        found.setdefault("author", names[0])


def _take_dateline(line: str, found: dict[str, Any]) -> None:
    """BEIJING, March 3, 2021 (Xinhua) -- …: the agency and a dated dateline fill gaps only.

    A dateline without a year ("March 3") is not used: guessing the year wrong is worse than
    leaving the date unknown.
    """
    match = _dateline(line)
    if not match:
        return
    if match.group("agency"):
        found.setdefault("source", match.group("agency").strip())
    if match.group("date") and (published := parse_date_line(match.group("date"))) is not None:
        found.setdefault("published", published)


def _dateline(line: str) -> re.Match[str] | None:
    match = _DATELINE.match(line)
    return match if match and (match.group("agency") or match.group("date")) else None


def _publisher_like(line: str) -> bool:
    words = line.split()
    return len(line) <= 40 and len(words) <= 4 and line[-1] not in ".!?,;:" and all(w[0].isupper() for w in words)


def _issuer_like(line: str) -> bool:
    """The name of an issuing body: built around an organisation's head noun, in title case."""
    words = [w for w in re.split(r"[\s,()]+", line) if w and w.lower() not in NAME_CONNECTORS | {"for", "on", "in"}]
    return (
        bool(_ORG_HEAD.search(line))
        and line[-1] not in ".!?:;"
        and len(words) <= 16
        and all(w[0].isupper() or not w[0].isalpha() for w in words)
    )


def _names_like(value: str, *, min_names: int) -> bool:
    """A list of personal or organisation names: capitalised words, "and", commas; no digits."""
    if len(value) > 80 or any(ch.isdigit() for ch in value) or value[-1] in ".!?:;":
        return False
    tokens = [t for t in re.split(r"[\s,]+", value) if t]
    names = [t for t in tokens if t.lower() not in NAME_CONNECTORS]
    return min_names <= len(names) <= 10 and all(t[0].isupper() for t in names)
