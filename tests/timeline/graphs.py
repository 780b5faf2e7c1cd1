"""Small hand-made graphs in the mapping's shape: events whose dates, actors and aid the tests know.

Shared by the timeline, API and page tests; built with the real mapping, so they have the shape ingest gives.
"""

from __future__ import annotations

from datetime import date

from service import __version__
from service.model import Actor, Aid, Document, Event, Extraction, Money, TimeSpan
from service.rdf.iris import Iris
from service.rdf.mapping import document_quads
from service.store import Store

BASE = "http://localhost:8000/"
BEIJING = Actor("Beijing", "city", "Q956")
TOKYO = Actor("Tokyo", "city", "Q1490")
NIA = Actor("National Immigration Administration", "organisation", "Q60742337")
SISTERS = Actor("sister cities", "city", group=True, count=48)


def _event(text: str, sentence: str, trigger: str, type: str, span: TimeSpan, **kw: object) -> Event:
    s = text.index(sentence)
    t = s + sentence.index(trigger)
    return Event(
        id=f"e{s}", type=type, trigger=trigger, sentence=sentence, date=span,
        sentence_start=s, sentence_end=s + len(sentence), trigger_start=t, trigger_end=t + len(trigger), **kw,
    )  # fmt: skip


def extraction_a() -> Extraction:
    """Three events: one known to the day, one to the month, one over a quarter."""
    s1 = "On 3 March 2020 Beijing donated 100,000 masks to Tokyo."
    s2 = "In April 2020 Tokyo sent letters of thanks to Beijing."
    s3 = "Between January and March 2020 Beijing met the sister cities."
    text = f"Aid news\n\n{s1} {s2}\n\n{s3}"
    doc = Document(id="doc-a", text=text, title="Aid news", published=date(2020, 5, 1), source="Test Office")
    events = (
        _event(text, s1, "donated", "aid_delivery", TimeSpan(date(2020, 3, 3), date(2020, 3, 3), "day", "3 March 2020"),
               agents=(BEIJING,), recipients=(TOKYO,),
               aid=(Aid("masks", "masks", 100000, "pieces", Money(50000, "CNY"), approximate=True),)),
        _event(text, s2, "sent letters", "communication",
               TimeSpan(date(2020, 4, 1), date(2020, 4, 30), "month", "April 2020"),
               agents=(TOKYO,), recipients=(BEIJING,)),
        _event(text, s3, "met", "meeting",
               TimeSpan(date(2020, 1, 1), date(2020, 3, 31), "range", "Between January and March 2020"),
               agents=(BEIJING,), participants=(SISTERS,)),
    )  # fmt: skip
    return Extraction(doc, events)


def extraction_b() -> Extraction:
    """A hostile title and text, a long (three-year) interval and an open one."""
    s1 = "The NIA <script>alert('x')</script> provided gloves to Tokyo in 2021."
    s2 = "From 2019 to 2021 NIA trained border officers with Tokyo."
    s3 = "To date, NIA has helped Tokyo."
    text = f"{s1} {s2} {s3}"
    doc = Document(id="doc b/<x>", text=text, title="<script>alert('title')</script>", published=date(2021, 6, 1))
    events = (
        _event(text, s1, "provided", "aid_delivery", TimeSpan(date(2021, 1, 1), date(2021, 12, 31), "year", "2021"),
               agents=(NIA,), recipients=(TOKYO,), aid=(Aid("gloves", None, None, None, None),)),
        _event(text, s2, "trained", "joint_operation",
               TimeSpan(date(2019, 1, 1), date(2021, 12, 31), "range", "From 2019 to 2021"),
               agents=(NIA,), participants=(TOKYO,)),
        _event(text, s3, "helped", "other", TimeSpan(None, date(2021, 6, 1), "unknown", "To date", "publication"),
               agents=(NIA,), recipients=(TOKYO,)),
    )  # fmt: skip
    return Extraction(doc, events)


def busy_march() -> Extraction:
    """Five visits in March 2020: three known to the day, one to the month, one over March and April."""
    days = [f"On {d} March 2020 Tokyo visited Beijing." for d in (2, 9, 16)]
    month = "In March 2020 Beijing visited Tokyo."
    spill = "In March and April 2020 Beijing visited Seoul."
    text = " ".join([*days, month, spill])
    doc = Document(id="doc-busy", text=text, title="Busy March", published=date(2020, 5, 1))
    events = tuple(
        _event(text, s, "visited", "visit", TimeSpan(date(2020, 3, d), date(2020, 3, d), "day", f"{d} March 2020"),
               agents=(TOKYO,), recipients=(BEIJING,))
        for s, d in zip(days, (2, 9, 16), strict=True)
    ) + (
        _event(text, month, "visited", "visit", TimeSpan(date(2020, 3, 1), date(2020, 3, 31), "month", "March 2020"),
               agents=(BEIJING,)),
        _event(text, spill, "visited", "visit",
               TimeSpan(date(2020, 3, 1), date(2020, 4, 30), "range", "March and April"), agents=(BEIJING,)),
    )  # fmt: skip
    return Extraction(doc, events)


def load(store: Store, *extractions: Extraction) -> None:
    iris = Iris(BASE)
    for extraction in extractions:
        quads, shared = document_quads(extraction, iris, __version__)
        store.replace_graph(iris.document_graph(extraction.document.id), quads, shared)
