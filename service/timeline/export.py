"""Exports of a filtered event list: event JSON, CSV and TimelineJS JSON (Knight Lab's format).

Each export pages through the store with the same cursor the API uses and yields text in
pieces, so a large export streams instead of being built in memory.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from html import escape
from typing import Any

from service.timeline.events import Finder
from service.timeline.filters import Cursor, EventFilter

PAGE = 500
CSV_COLUMNS = (
    "key", "iri", "id", "type", "earliest", "latest", "precision", "expression", "basis", "agents", "recipients",
    "participants", "places", "aid", "sentence", "trigger", "document_id", "document_title", "confidence", "planned",
)  # fmt: skip
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def iter_events(finder: Finder, f: EventFilter, page_size: int = PAGE) -> Iterator[dict[str, Any]]:
    """Every event matching ``f``, in the API's order, one page of queries at a time."""
    cursor: Cursor | None = None
    while True:
        page = finder.page(f, page_size, cursor)
        yield from page.events
        if page.next is None:
            return
        cursor = Cursor.decode(page.next)


def json_chunks(events: Iterator[dict[str, Any]], f: EventFilter) -> Iterator[str]:
    """``{"filters": …, "events": [...]}``: the event JSON's ``events`` list, readable by ``events_from_json``."""
    yield '{"filters": ' + json.dumps(dict(f.to_args()), ensure_ascii=False) + ', "events": ['
    for n, event in enumerate(events):
        yield ("," if n else "") + "\n" + json.dumps(event, ensure_ascii=False)
    yield "\n]}\n"


def _actors(actors: list[dict[str, Any]]) -> str:
    return " | ".join(a["name"] + (f" [{a['wikidata']}]" if a.get("wikidata") else "") for a in actors)


def _aid(items: list[dict[str, Any]]) -> str:
    out = []
    for item in items:
        words = [("~" if item["approximate"] else "") + str(item["quantity"])] if item["quantity"] is not None else []
        words += [w for w in (item["unit"], item["item"]) if w]
        if item["value"]:
            words.append(f"({item['value']['amount']} {item['value']['currency']})")
        out.append(" ".join(words))
    return " | ".join(out)


def _cell(value: Any) -> Any:
    # A cell that a spreadsheet would read as a formula is kept as text.
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_row(event: dict[str, Any]) -> list[Any]:
    """One CSV row (the columns of CSV_COLUMNS) for an event."""
    d, doc = event["date"], event["document"]
    row = [
        event["key"], event["iri"], event["id"], event["type"], d["earliest"], d["latest"], d["precision"],
        d.get("expression"), d.get("basis"), _actors(event["agents"]), _actors(event["recipients"]),
        _actors(event["participants"]), _actors(event["places"]), _aid(event["aid"]), event["sentence"],
        event["trigger"], doc["id"], doc["title"], event["confidence"], str(event["planned"]).lower(),
    ]  # fmt: skip
    return [_cell(v) for v in row]


def csv_chunks(events: Iterator[dict[str, Any]]) -> Iterator[str]:
    """A header and one row per event (multi-valued fields joined with ' | ')."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for event in events:
        writer.writerow(csv_row(event))
        if buffer.tell() > 65536:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _tl_date(iso: str, precision: str) -> dict[str, int]:
    year, month, day = (int(part) for part in iso.split("-"))
    if precision == "year":
        return {"year": year}
    if precision == "month":
        return {"year": year, "month": month}
    return {"year": year, "month": month, "day": day}


def timelinejs_event(event: dict[str, Any]) -> dict[str, Any] | None:
    """One TimelineJS slide; None for an event without both ends of its interval.

    TimelineJS renders ``text`` as HTML, so every string from a document is escaped here.
    Month and year precision keep their coarse dates; ranges get an end date.
    """
    d = event["date"]
    if not d["earliest"] or not d["latest"]:
        return None
    precision = d["precision"] if d["precision"] in ("day", "month", "year") else "range"
    slide: dict[str, Any] = {"start_date": _tl_date(d["earliest"], precision)}
    if precision == "range" or (precision == "day" and d["earliest"] != d["latest"]):
        slide["end_date"] = _tl_date(d["latest"], "day")
    sentence: str = event["sentence"]
    (s_start, _), (t_start, t_end) = event["offsets"].values()
    a, b = t_start - s_start, t_end - s_start
    if 0 <= a < b <= len(sentence):
        body = f"{escape(sentence[:a])}<strong>{escape(sentence[a:b])}</strong>{escape(sentence[b:])}"
    else:
        body = escape(sentence)
    source = escape(event["document"]["title"] or event["document"]["id"] or "")
    who = ", ".join(a["name"] for a in event["agents"]) or "Someone"
    slide["text"] = {
        "headline": escape(event.get("label") or f"{who}: {event['trigger']}"),  # who did what (timeline.labels)
        "text": f'<p>{body}</p><p><a href="{escape(event["iri"])}">{source}</a></p>',
    }
    slide["group"] = event["type"].replace("_", " ")
    slide["unique_id"] = "".join(c if c.isalnum() else "-" for c in event["key"])
    if d.get("expression"):
        slide["display_date"] = escape(d["expression"])
    return slide


def timelinejs(events: Iterator[dict[str, Any]], title: str) -> dict[str, Any]:
    """A TimelineJS3 document: a title slide and one slide per dated event."""
    slides = [s for s in (timelinejs_event(e) for e in events) if s is not None]
    return {
        "title": {"text": {"headline": escape(title), "text": f"<p>{len(slides)} events from Eventgraph</p>"}},
        "events": slides,
    }
