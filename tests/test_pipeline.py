"""Documents → store, end to end on the seeds: idempotent, replacing, atomic, batch-tolerant."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from service.config import Settings
from service.pipeline import ingest_paths
from service.rdf.iris import Iris
from service.store import Store

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def quad_count(store: Store) -> int:
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))["n"].value)


def graph_dump(store: Store) -> set[str]:
    return {
        str(r["s"]) + str(r["p"]) + str(r["o"]) + str(r["g"]) for r in store.query("SELECT * { GRAPH ?g { ?s ?p ?o } }")
    }


def test_pipeline_ingests_the_seeds(seeded: tuple[Settings, Store]) -> None:
    settings, store = seeded
    iris = Iris(settings.base_iri)
    assert {iris.document_graph("000_9bb7eb15379a1141"), iris.document_graph("004_0b827a61c6374308")} <= set(
        store.graphs()
    )
    docs = store.query(
        "PREFIX eg: <https://w3id.org/eventgraph#> SELECT (COUNT(DISTINCT ?d) AS ?n) { ?d a eg:Document }"
    )
    assert int(next(iter(docs))["n"].value) == 2


def test_pipeline_seeds_conform_to_the_shapes(seeded: tuple[Settings, Store]) -> None:
    from service.rdf.validate import validate_store

    report = validate_store(seeded[1])
    assert report.conforms, report.text


def test_pipeline_reingest_is_idempotent(settings: Settings, store: Store) -> None:
    first = ingest_paths([SEEDS], store, settings)
    before = graph_dump(store)
    second = ingest_paths([SEEDS], store, settings)
    assert first.count("added") == 2
    assert second.count("unchanged") == 2 and second.quads == 0
    assert graph_dump(store) == before


def test_pipeline_iris_are_deterministic(tmp_path: Path) -> None:
    dumps = []
    for name in ("a", "b"):
        settings = Settings(store=str(tmp_path / name))
        from service.store import open_store

        s = open_store(settings.store)
        ingest_paths([SEEDS], s, settings)
        dumps.append({str(r["s"]) for r in s.query("SELECT DISTINCT ?s { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }")})
        s.close()
    assert dumps[0] == dumps[1] and len(dumps[0]) > 10


def test_pipeline_changed_document_replaces_its_graph(tmp_path: Path, settings: Settings, store: Store) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    doc = folder / "note.txt"
    doc.write_text(
        "Aid to Nepal\n\nMarch 3, 2021\n\nChina donated 50,000 masks to Nepal on March 1, 2021.\n", encoding="utf-8"
    )
    ingest_paths([folder], store, settings)
    graph = Iris(settings.base_iri).document_graph("note")
    old = {r["o"].value for r in store.query(f"SELECT ?o {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")}
    assert any("Nepal" in v for v in old)
    doc.write_text(
        "Aid to Laos\n\nMarch 3, 2021\n\nJapan sent 20 ventilators to Laos on March 2, 2021.\n", encoding="utf-8"
    )
    report = ingest_paths([folder], store, settings)
    assert report.count("replaced") == 1
    new = {r["o"].value for r in store.query(f"SELECT ?o {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")}
    assert not any("Nepal" in v for v in new) and any("Laos" in v for v in new)


def test_pipeline_bad_files_are_refused_and_the_batch_goes_on(tmp_path: Path, settings: Settings, store: Store) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(SEEDS / "000_9bb7eb15379a1141.txt", folder / "a_good.txt")
    (folder / "b_empty.txt").write_text("", encoding="utf-8")
    (folder / "c_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    shutil.copy(SEEDS / "004_0b827a61c6374308.txt", folder / "d_good.txt")
    report = ingest_paths([folder], store, settings)
    assert report.count("added") == 2
    refused = {o.origin: o.reason for o in report.refused}
    assert set(refused) == {"b_empty.txt", "c_binary.txt"}
    assert all(reason and "\n" not in reason for reason in refused.values())


def test_pipeline_failure_while_writing_leaves_no_partial_document(
    tmp_path: Path, settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import service.pipeline as pipeline

    real = pipeline.document_quads

    def half_then_crash(extraction, iris, version):  # type: ignore[no-untyped-def]
        quads, shared = real(extraction, iris, version)

        def partial():
            yield from quads[: len(quads) // 2]
            raise OSError("disk went away")

        return partial(), shared

    monkeypatch.setattr(pipeline, "document_quads", half_then_crash)
    with pytest.raises(OSError):
        ingest_paths([SEEDS / "000_9bb7eb15379a1141.txt"], store, settings)
    assert quad_count(store) == 0
    monkeypatch.setattr(pipeline, "document_quads", real)
    report = ingest_paths([SEEDS / "000_9bb7eb15379a1141.txt"], store, settings)
    assert report.count("added") == 1 and quad_count(store) > 0
