"""Exports: event JSON that reads back, CSV a spreadsheet cannot misread, TimelineJS with escaped text."""

from __future__ import annotations

import csv
import io
import json

from service.model import events_from_json
from service.rdf.iris import Iris
from service.store import Store
from service.timeline import export
from service.timeline.events import Finder
from service.timeline.filters import EventFilter

from .graphs import BASE


def events(store: Store, f: EventFilter | None = None) -> list[dict]:
    return list(export.iter_events(Finder(store, Iris(BASE)), f or EventFilter()))


def test_export_pages_through_everything(small: Store) -> None:
    found = list(export.iter_events(Finder(small, Iris(BASE)), EventFilter(), page_size=2))
    assert [e["key"] for e in found] == [e["key"] for e in events(small)] and len(found) == 6


def test_export_json_reads_back(small: Store) -> None:
    f = EventFilter(types=("aid_delivery",))
    data = json.loads("".join(export.json_chunks(iter(events(small, f)), f)))
    assert data["filters"] == {"type": "aid_delivery"}
    assert [e.trigger for e in events_from_json(data)] == ["donated", "provided"]


def test_export_csv_has_a_row_per_event(small: Store) -> None:
    rows = list(csv.DictReader(io.StringIO("".join(export.csv_chunks(iter(events(small)))))))
    assert len(rows) == 6 and list(rows[0]) == list(export.CSV_COLUMNS)
    donated = next(r for r in rows if r["trigger"] == "donated")
    assert donated["agents"] == "Beijing [Q956]" and donated["recipients"] == "Tokyo [Q1490]"
    assert donated["aid"] == "~100000 pieces masks (50000 CNY)"
    assert donated["earliest"] == donated["latest"] == "2020-03-03"


def test_export_csv_keeps_formulas_as_text() -> None:
    assert export._cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert export._cell("@SUM") == "'@SUM"
    assert export._cell("Beijing") == "Beijing" and export._cell(3) == 3


def test_export_timelinejs_dates_follow_the_precision(small: Store) -> None:
    slides = {s["text"]["headline"]: s for s in export.timelinejs(iter(events(small)), "t")["events"]}
    # headlines say who did what (service.timeline.labels), as the timeline does
    donated = slides["Beijing → Tokyo · ~100,000 pieces of masks (CN¥50,000)"]
    assert donated["start_date"] == {"year": 2020, "month": 3, "day": 3} and "end_date" not in donated
    assert slides["Communication · Tokyo → Beijing"]["start_date"] == {"year": 2020, "month": 4}
    assert slides["Meeting · Beijing, 48 sister cities"]["end_date"] == {"year": 2020, "month": 3, "day": 31}
    assert len(slides) == 5  # the open-ended event has no place on a TimelineJS timeline


def test_export_timelinejs_escapes_document_text(small: Store) -> None:
    doc = export.timelinejs(iter(events(small, EventFilter(q="gloves"))), "<b>t</b>")
    text = json.dumps(doc)
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert doc["title"]["text"]["headline"] == "&lt;b&gt;t&lt;/b&gt;"
    assert "<strong>provided</strong>" in doc["events"][0]["text"]["text"]
