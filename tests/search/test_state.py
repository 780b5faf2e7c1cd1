"""A missing, stale, partial or interrupted index is noticed: searches say so and scan the store, and
`eventgraph search status` fails until `eventgraph search rebuild` has run. Lookups are bounded in
time, and ranked by relevance."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import Literal, NamedNode, Quad

from service.cli import cli
from service.config import Settings
from service.errors import QueryTimeout
from service.pipeline import documents_written, ingest_paths
from service.rdf.namespaces import EG, PROV, RDFS, SEM
from service.search import TextIndex
from service.store import open_store
from service.timeline.events import Finder
from service.timeline.filters import EventFilter
from tests.conftest import SEEDS
from tests.search.conftest import Indexed


def scanned(indexed: Indexed, q: str) -> tuple[list[str], str | None]:
    finder = Finder(indexed.store, indexed.iris, indexed.index)
    found = [e["iri"] for e in finder.page(EventFilter(q=q), 1000).events]
    return found, finder.search_note


def test_a_missing_index_is_said_and_searches_scan(seeded_index: Indexed) -> None:
    expected = seeded_index.found(EventFilter(q="masks"))
    seeded_index.index.path.unlink()
    found, note = scanned(seeded_index, "masks")
    assert sorted(found) == sorted(expected)
    assert note is not None and "missing" in note and "eventgraph search rebuild" in note
    seeded_index.index.rebuild(seeded_index.store)
    assert scanned(seeded_index, "masks")[1] is None


def test_a_write_that_died_before_the_index_caught_up_is_said(seeded_index: Indexed) -> None:
    # A write in progress in a live process is not staleness (the store is mid-write as well) ...
    seeded_index.index.begin(seeded_index.store, seeded_index.iris.document("somewhere"))
    assert scanned(seeded_index, "masks")[1] is None
    # ... but one whose process died before the index caught up is.
    note_and_die = (
        "import os, sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "c.execute('INSERT INTO pending VALUES (?, ?)', ('urn:elsewhere', os.getpid())); c.commit()"
    )
    subprocess.run([sys.executable, "-c", note_and_die, str(seeded_index.index.path)], check=True)
    found, note = scanned(seeded_index, "masks")
    assert found and note is not None and "1 document writes" in note


def test_an_index_started_beside_a_store_that_holds_documents_is_partial(tmp_path: Path) -> None:
    settings = Settings(store=str(tmp_path / "store"), base_iri="http://localhost:8000/")
    store = open_store(settings.store)
    try:
        ingest_paths([SEEDS / "000_9bb7eb15379a1141.txt"], store, settings)
        index_file = Path(settings.store + ".search.sqlite")
        index_file.unlink()  # as if the store came from a version without the index
        ingest_paths([SEEDS / "004_0b827a61c6374308.txt"], store, settings)
        state = TextIndex(index_file).state()
        assert not state.usable and "only part of the store" in state.reason
        assert TextIndex(index_file).rebuild(store).documents == 2
    finally:
        store.close()


def test_an_index_of_another_version_does_not_stop_an_ingest(tmp_path: Path) -> None:
    # A store upgraded from a version whose index had other tables: the ingest goes on, the index is
    # started again and says it needs a rebuild, and the rebuild makes it usable.
    settings = Settings(store=str(tmp_path / "store"), base_iri="http://localhost:8000/")
    index_file = Path(settings.store + ".search.sqlite")
    with sqlite3.connect(index_file) as conn:
        conn.executescript(
            "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "INSERT INTO meta VALUES ('schema', '3'), ('complete', '1');"
            "CREATE TABLE events(id INTEGER PRIMARY KEY, iri TEXT UNIQUE NOT NULL, doc INTEGER NOT NULL,"
            " earliest TEXT, latest TEXT, keyed INTEGER NOT NULL);"
        )
    store = open_store(settings.store)
    try:
        assert "another version" in TextIndex(index_file).state().reason
        report = ingest_paths([SEEDS / "000_9bb7eb15379a1141.txt"], store, settings)
        assert not report.refused and report.events > 0
        state = TextIndex(index_file).state()
        assert not state.usable and "eventgraph search rebuild" in state.reason
        assert TextIndex(index_file).rebuild(store).usable
        assert list(TextIndex(index_file).search("masks"))
    finally:
        store.close()


def test_serve_says_when_searches_will_scan(tmp_path: Path) -> None:
    # After an upgrade (or a lost file) the index cannot answer: `serve` says so on start, naming the
    # command that mends it, and says nothing once the index is usable.
    from tests.reliability.conftest import child_env, free_port

    settings = Settings(store=str(tmp_path / "store"), base_iri="http://localhost:8000/")
    store = open_store(settings.store)
    try:
        ingest_paths([SEEDS / "000_9bb7eb15379a1141.txt"], store, settings)
    finally:
        store.close()

    def started() -> str:
        command = [sys.executable, "-m", "service", "serve", "--store", settings.store, "--port", str(free_port())]
        proc = subprocess.Popen(command, env=child_env(), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        lines = []
        try:
            assert proc.stderr is not None
            for line in proc.stderr:
                lines.append(line)
                if line.startswith("serving "):
                    break
            proc.terminate()
            _, rest = proc.communicate(timeout=60)
        finally:
            proc.kill()
        return "".join(lines) + rest

    assert "search:" not in started()
    Path(settings.store + ".search.sqlite").unlink()
    said = started()
    assert "search: the text index store.search.sqlite is missing: run `eventgraph search rebuild`" in said
    assert "searches scan the store meanwhile" in said


def test_writes_outside_the_ingest_are_read_back_by_the_batch_hook(seeded_index: Indexed) -> None:
    iris = seeded_index.iris
    graph, doc, event = iris.document_graph("extra"), iris.document("extra"), iris.event("extra", 0, 4, "visit")
    g = NamedNode(graph)
    quads = [
        Quad(NamedNode(doc), EG.checksum, Literal("abc"), g),
        Quad(NamedNode(event), PROV.wasDerivedFrom, NamedNode(doc), g),
        Quad(NamedNode(event), EG.evidence, NamedNode(event + "/evidence"), g),
        Quad(NamedNode(event + "/evidence"), EG.sentence, Literal("A wombatvisit happened."), g),
        Quad(NamedNode(event), SEM.hasActor, NamedNode("urn:actor:w"), g),
    ]
    shared = [Quad(NamedNode("urn:actor:w"), RDFS.label, Literal("Numbatland"), NamedNode(iris.actors_graph))]
    seeded_index.store.replace_graph(graph, quads, shared)
    assert seeded_index.index.differences(seeded_index.store) is not None  # what `search status --check` reports
    documents_written(seeded_index.store, seeded_index.settings, [graph])
    assert seeded_index.index.differences(seeded_index.store) is None
    assert list(seeded_index.index.search("WOMBATVISIT")) and list(seeded_index.index.search("numbatl"))
    seeded_index.store.drop_graph(graph)  # and a graph that is gone leaves the index
    documents_written(seeded_index.store, seeded_index.settings, [graph])
    assert not list(seeded_index.index.search("WOMBATVISIT"))
    assert seeded_index.index.differences(seeded_index.store) is None


def test_the_cli_reports_and_rebuilds(seeded_index: Indexed) -> None:
    if seeded_index.settings.store.startswith("http"):
        args = ["--store", seeded_index.settings.store]
        env = {"EVENTGRAPH_SEARCH_INDEX": str(seeded_index.index.path)}
    else:
        seeded_index.store.close()  # the embedded store takes one writer; the commands open it read-only
        args, env = ["--store", seeded_index.settings.store], {}
    runner = CliRunner()
    ok = runner.invoke(cli, ["search", "status", "--check", *args], env=env)
    assert ok.exit_code == 0 and "in step" in ok.output, ok.output
    seeded_index.index.mark_stale("a test")
    stale = runner.invoke(cli, ["search", "status", *args], env=env)
    assert stale.exit_code == 1 and "stale (a test)" in stale.output and "Traceback" not in stale.output
    rebuilt = runner.invoke(cli, ["search", "rebuild", *args], env=env)
    assert rebuilt.exit_code == 0 and "2 documents" in rebuilt.output, rebuilt.output
    assert runner.invoke(cli, ["search", "status", "--check", *args], env=env).exit_code == 0
    if not seeded_index.settings.store.startswith("http"):
        seeded_index.store = open_store(seeded_index.settings.store)


def test_a_remote_store_without_an_index_setting_has_none(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["search", "status", "--store", "http://127.0.0.1:9/query"], env={})
    assert result.exit_code == 1 and "EVENTGRAPH_SEARCH_INDEX" in result.output


def test_lookups_stop_at_the_time_limit(seeds_read: Indexed) -> None:
    hurried = TextIndex(seeds_read.index.path, timeout=-1)
    with pytest.raises(QueryTimeout):
        list(hurried.search("e"))


def test_relevance_puts_the_events_that_say_it_most_first(tmp_path: Path) -> None:
    index = TextIndex(tmp_path / "ix.sqlite")
    g, doc = NamedNode("urn:g"), NamedNode("urn:doc")
    quads = [Quad(doc, EG.checksum, Literal("1"), g)]
    sentences = {
        "urn:e1": "Masks were mentioned once in a long sentence about many other things entirely.",
        "urn:e2": "Masks, masks and more masks.",
        "urn:e3": "Nothing of the kind.",
    }
    for iri, sentence in sentences.items():
        ev = NamedNode(iri + "/evidence")
        quads += [
            Quad(NamedNode(iri), PROV.wasDerivedFrom, doc, g),
            Quad(NamedNode(iri), EG.evidence, ev, g),
            Quad(ev, EG.sentence, Literal(sentence), g),
        ]
    index.put(doc.value, "1", quads)
    assert [m.iri for m in index.search("masks")] == ["urn:e2", "urn:e1"]
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_ranked_results_come_a_page_at_a_time_in_one_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ranked search reads its results a page at a time (the best n after the last page's rank and
    row): pages of every size give the one order a full sort gives, each event once — also where an
    event matches by its own text and by an actor's name — and resuming after any event continues it."""
    import service.search.index as module

    index = TextIndex(tmp_path / "ix.sqlite")
    g, doc = NamedNode("urn:g"), NamedNode("urn:doc")
    quads = [Quad(doc, EG.checksum, Literal("1"), g)]
    for n in range(300):
        iri = NamedNode(f"urn:e{n:03d}")
        ev = NamedNode(f"urn:e{n:03d}/evidence")
        words = " ".join(["masks"] * (n % 4) + ["other words"] * (n % 7))  # many ties of rank
        quads += [Quad(iri, PROV.wasDerivedFrom, doc, g), Quad(iri, EG.evidence, ev, g)]
        quads += [Quad(ev, EG.sentence, Literal(f"Event {n}: {words}."), g)]
        if n % 5 == 0:  # an actor named for the word: the event matches twice
            quads += [Quad(iri, SEM.hasActor, NamedNode("urn:masks-maker"), g)]
    quads += [Quad(NamedNode("urn:masks-maker"), RDFS.label, Literal("The Masks Maker"), g)]
    index.put(doc.value, "1", quads)
    with sqlite3.connect(index.path) as conn:  # the full sort, by (best rank, row id)
        expected = [
            iri
            for (iri,) in conn.execute(
                "WITH hit(e, r) AS (SELECT rowid, bm25(own) FROM own WHERE own MATCH '\"masks\"' UNION ALL "
                "SELECT links.event, bm25(names) FROM names JOIN links ON links.node = names.rowid "
                "WHERE names MATCH '\"masks\"') SELECT ev.iri FROM (SELECT e, MIN(r) AS r FROM hit GROUP BY e) "
                "JOIN events ev ON ev.id = e ORDER BY r, e"
            )
        ]
    assert len(expected) == len(set(expected)) > 200
    for first, most in ((200, 5000), (7, 20), (1, 1)):
        monkeypatch.setattr(module, "RANKED_PAGE", first)
        monkeypatch.setattr(module, "MAX_RANKED_PAGE", most)
        assert [m.iri for m in index.search("Masks")] == expected
        for at in (0, 1, 59, 60, 150, len(expected) - 2, len(expected) - 1):
            after = module.Match(expected[at])
            assert [m.iri for m in index.search("masks", after=after)] == expected[at + 1 :]
    assert list(index.search("masks", after=module.Match("urn:nowhere"))) == []
    shutil.rmtree(tmp_path, ignore_errors=True)
