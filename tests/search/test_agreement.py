"""The text index answers what the scan of the store's texts answered: on the seeds, after a
re-ingest of a changed document, after a rebuild from the store, on both backends.

Matching is the scan's (the lower-cased text contains the lower-cased words), so the sets must be
equal, not just close; only the order differs where no window is given (relevance, not dates).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from service import __version__
from service.documents import read_bytes
from service.model import TimeSpan
from service.pipeline import documents_written, extract_document
from service.rdf.mapping import document_quads
from service.search import TextIndex
from service.timeline.events import Finder
from service.timeline.filters import EventFilter
from service.timeline.view import window_view
from tests.conftest import SEEDS
from tests.search.conftest import Indexed

# Words chosen to cover the cases: common and rare words, case, a word in actors' names only, pieces
# across word boundaries, words shorter than a trigram, punctuation, and words found nowhere.
WORDS = [
    "masks",
    "MASKS",
    "Beijing",
    "beijing municipal",
    "NIA",
    "nia",
    "immigration",
    "sister cities",
    "gloves",
    "thermal",
    "covid-19",
    "covid",
    "s of t",
    "ing th",
    "un",
    "a",
    "e",
    "19",
    ",",
    ".",
    "of the",
    "zzzzqx",
    "qqq",
    "pandemic",
    "Japan",
    "korea",
    "\u201c",
    "100,000",
    "cities and",
    "the",
    "'",
]


def seed_words() -> list[str]:
    """Every 25th distinct word of the seeds' texts, for breadth."""
    words = sorted({w.lower() for p in SEEDS.glob("*.txt") for w in re.findall(r"[A-Za-z]{3,}", p.read_text())})
    return words[::25]


def agree(indexed: Indexed, words: list[str], **filters: object) -> int:
    """Assert the index and the scan find the same events for each of ``words``; how many were found."""
    total = 0
    for word in words:
        f = EventFilter(q=word, **filters)  # type: ignore[arg-type]  # the filters' own types
        by_index, by_scan = indexed.found(f), indexed.found(f, index=False)
        if f.start or f.end:
            assert by_index == by_scan, word  # in a window: the same events in the same (date) order
        else:
            assert sorted(by_index) == sorted(by_scan), word
            assert len(set(by_index)) == len(by_index)
        total += len(by_index)
    return total


def test_the_index_agrees_with_the_scan_on_the_seeds(seeds_read: Indexed) -> None:
    found = agree(seeds_read, WORDS + seed_words())
    assert found > 100  # the words do find events: an agreement on nothing would prove nothing


def test_the_index_agrees_with_the_other_filters_and_windows(seeds_read: Indexed) -> None:
    assert agree(seeds_read, WORDS, start=date(2020, 1, 1), end=date(2020, 12, 31)) > 50
    assert agree(seeds_read, ["the", "masks", "cities"], start=date(2020, 6, 1), end=date(2020, 7, 31)) > 0
    agree(seeds_read, ["the", "masks", "beijing"], types=("aid_delivery", "communication"))
    agree(seeds_read, ["the", "masks"], undated=True)
    doc = seeds_read.found(EventFilter(q="masks"))[0]
    doc_id = seeds_read.iris.doc_id_of(doc)
    assert doc_id is not None
    agree(seeds_read, ["the", "masks", "beijing"], document=doc_id)


def test_the_timeline_view_and_histogram_agree_with_the_scan(seeds_read: Indexed) -> None:
    iris = seeds_read.iris
    doc_id = iris.doc_id_of(seeds_read.found(EventFilter(q="masks"))[0])
    cases = [
        EventFilter(q=word, start=date(2020, 1, 1), end=date(2020, 12, 31), **extra)  # type: ignore[arg-type]
        for word in ("masks", "the", "beijing", "zzzzqx")
        for extra in ({}, {"document": doc_id}, {"types": ("aid_delivery",)})
    ]
    for f in cases:
        word = f"{f.q} {f.document} {f.types}"
        with_index = Finder(seeds_read.store, iris, seeds_read.index)
        plain = Finder(seeds_read.store, iris)
        a, b = window_view(with_index, f, 500), window_view(plain, f, 500)
        assert with_index.search_note is None
        assert sorted(e["iri"] for e in a["events"]) == sorted(e["iri"] for e in b["events"]), word
        assert with_index.histogram(f) == plain.histogram(f), word


def test_the_index_follows_a_re_ingest_of_a_changed_document(seeded_index: Indexed) -> None:
    path = sorted(seeded_index.folder.glob("004_*.txt"))[0]
    text = path.read_text()
    assert "masks" in text and "quokkamask" not in text
    path.write_text(text.replace("masks", "quokkamasks").replace("gloves", "mittens"))
    seeded_index.ingest()
    assert seeded_index.found(EventFilter(q="quokkamask"))
    assert agree(seeded_index, ["quokkamask", "masks", "gloves", "mittens", *WORDS]) > 100
    path.write_text(text)  # and back
    seeded_index.ingest()
    assert not seeded_index.found(EventFilter(q="quokkamask"))
    assert agree(seeded_index, ["quokkamask", "masks", "gloves", "mittens", *WORDS]) > 100


def test_a_rebuild_from_the_store_holds_what_the_ingests_wrote(seeded_index: Indexed) -> None:
    before = contents(seeded_index.index)
    seeded_index.index.path.unlink()
    assert not seeded_index.index.state().usable
    state = seeded_index.index.rebuild(seeded_index.store)
    assert state.usable and state.documents == 2 and state.events > 50
    assert contents(seeded_index.index) == before
    agree(seeded_index, WORDS)


def contents(index: TextIndex) -> dict[str, object]:
    """What the index holds, by IRIs and texts (row ids differ between builds)."""
    import sqlite3

    conn = sqlite3.connect(index.path)
    try:
        return {
            "docs": sorted(conn.execute("SELECT iri, checksum FROM docs")),
            "events": sorted(
                conn.execute(
                    "SELECT ev.iri, d.iri, ev.earliest, ev.latest, ev.keyed, own.text "
                    "FROM events ev JOIN docs d ON d.id = ev.doc JOIN own ON own.rowid = ev.id"
                )
            ),
            "names": sorted(conn.execute("SELECT n.iri, names.text FROM nodes n JOIN names ON names.rowid = n.id")),
            "links": sorted(
                conn.execute(
                    "SELECT e.iri, n.iri FROM links l JOIN events e ON e.id = l.event JOIN nodes n ON n.id = l.node"
                )
            ),
        }
    finally:
        conn.close()


LONG_DOCUMENT = """Japan and Kenya review years of cooperation

NAIROBI, 12 March 2020 - Japan provided 40,000 masks and medical supplies to Kenya through its aid agency.
The Japanese government donated masks and ventilators to hospitals in Mombasa. Japan delivered masks to Nairobi.
Kenya received masks and gloves from Japan. Japan sent masks to Kisumu. Japan gave masks to Kenya's schools.
"""

# (earliest, latest): one within a month, one across a year's end, intervals just within and just past the
# 24 months that get month keys, one past ten years (no keys at all).
SPANS = [
    (date(2019, 12, 3), date(2019, 12, 3)),
    (date(2019, 12, 20), date(2020, 1, 10)),
    (date(2018, 2, 1), date(2020, 1, 31)),
    (date(2017, 11, 15), date(2020, 2, 1)),
    (date(2016, 6, 1), date(2019, 3, 31)),
    (date(2008, 1, 1), date(2020, 12, 31)),
]


def test_short_and_long_windows_agree_with_the_scan_for_events_of_every_length(seeded_index: Indexed) -> None:
    """The index narrows a window's candidates to the events its month and year keys reach:
    month-keyed events overlapping the window's months, longer ones overlapping its years. Events
    of every length (a day, across a year's end, just within and past the 24 months that get month
    keys, past ten years) and windows of every shape are drawn and counted as the scan draws them."""
    settings, iris = seeded_index.settings, seeded_index.iris
    document = read_bytes(LONG_DOCUMENT.encode(), name="long.txt", media_type="text/plain", max_bytes=1 << 20)
    extraction = extract_document(document, settings)
    assert len(extraction.events) >= len(SPANS)
    events = tuple(replace(e, date=TimeSpan(a, b, "day")) for e, (a, b) in zip(extraction.events, SPANS, strict=False))
    extraction = replace(extraction, events=events[: len(SPANS)])
    quads, shared = document_quads(extraction, iris, __version__)
    graph = iris.document_graph(extraction.document.id)
    seeded_index.store.replace_graph(graph, quads, shared)
    documents_written(seeded_index.store, settings, [graph])
    windows = [
        (date(2019, 12, 1), date(2019, 12, 31)),
        (date(2019, 12, 15), date(2020, 1, 14)),
        (date(2020, 1, 5), date(2020, 2, 3)),
        (date(2018, 1, 20), date(2018, 2, 19)),
        (date(2017, 11, 1), date(2017, 11, 30)),
        (date(2016, 5, 1), date(2019, 4, 30)),  # 36 months: still read by month keys
        (date(2016, 5, 1), date(2019, 5, 31)),  # 37 months: read by year keys
        (date(2012, 1, 1), date(2012, 12, 31)),  # only the event past ten years spans it: keyless, never drawn
        (date(2020, 3, 1), date(2020, 6, 30)),
    ]
    drew = 0
    for start, end in windows:
        for word in ("masks", "japan", "the", "zzzzqx"):
            f = EventFilter(q=word, start=start, end=end)
            with_index, plain = Finder(seeded_index.store, iris, seeded_index.index), Finder(seeded_index.store, iris)
            a, b = window_view(with_index, f, 500), window_view(plain, f, 500)
            assert with_index.search_note is None
            case = f"{word} {start}..{end}"
            assert sorted(e["iri"] for e in a["events"]) == sorted(e["iri"] for e in b["events"]), case
            assert (a["drawn"], a["histogram"]) == (b["drawn"], b["histogram"]), case
            assert with_index.histogram(f) == plain.histogram(f), case
            drew += len(a["events"])
            assert agree(seeded_index, [word], start=start, end=end) >= 0
    assert drew > 20  # the long events are drawn too: an agreement on nothing would prove nothing
