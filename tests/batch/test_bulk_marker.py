"""The bulk load's marker: a bulk load stopped part-way (simulated: the marker written and half the
quads loaded, as a crash would leave them) is found by the next command, which completes it when
its files are still there or drops its documents' graphs otherwise; validate then finds nothing
partial. Real stores, real documents, the real command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import Quad, RdfFormat, serialize

from service.config import Settings
from service.pipeline import extract_quads, read_source
from service.rdf.iris import Iris
from service.store.oxigraph import BULK_MARKER, OxigraphStore, _write_marker

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "tests" / "gold" / "dev"
SETTINGS = Settings(base_iri="http://localhost:8000/")
IRIS = Iris(SETTINGS.base_iri)
Docs = list[tuple[str, list[Quad], list[Quad]]]


def eventgraph(*args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTGRAPH_")}
    env["XDG_DATA_HOME"] = str(tmp / "xdg")
    return subprocess.run(
        [sys.executable, "-m", "service", *args], env=env, capture_output=True, text=True, timeout=300, cwd=REPO
    )


@pytest.fixture(scope="module")
def documents() -> Docs:
    """(graph, quads, shared quads) of two gold documents, extracted as ingest extracts them."""
    out = []
    for name in ("102_jp_mofa_emergency_grant_nepal.txt", "104_in_mea_vaccine_maitri.txt"):
        document = read_source(GOLD / name, SETTINGS)
        _, quads, shared = extract_quads(document, SETTINGS)
        out.append((IRIS.document_graph(document.id), quads, shared))
    return out


def interrupted(tmp: Path, documents: Docs) -> tuple[Path, Path]:
    """A store holding the first document, and the second caught half-way through a bulk load."""
    (first, quads, shared), (second, more, more_shared) = documents
    store_dir, shard = tmp / "store", tmp / "shard.nq"
    serialize([*more, *more_shared], str(shard), RdfFormat.N_QUADS)
    store = OxigraphStore(str(store_dir))
    store.replace_graph(first, quads, shared)
    _write_marker(str(store_dir), [second], [shard])
    store.bulk_add(more[: len(more) // 2])
    store.close()
    return store_dir, shard


def quads_of(store_dir: Path) -> set[str]:
    store = OxigraphStore(str(store_dir), read_only=True)
    try:
        return {str(q) for q in store.raw}
    finally:
        store.close()


def test_bulk_marker_validate_completes_a_bulk_load_whose_files_remain(
    documents: Docs,
    tmp_path: Path,
) -> None:
    store_dir, _ = interrupted(tmp_path, documents)
    result = eventgraph("validate", "--store", str(store_dir), tmp=tmp_path)
    assert "an interrupted bulk load was completed: 1 document graph dropped and loaded again" in result.stderr
    assert result.returncode == 0 and result.stdout.strip() == "conforms", result.stdout + result.stderr
    assert not (store_dir / BULK_MARKER).exists()
    expected = {str(q) for _, quads, shared in documents for q in [*quads, *shared]}
    assert quads_of(store_dir) == expected


def test_bulk_marker_ingest_drops_a_partial_document_whose_files_are_gone(
    documents: Docs,
    tmp_path: Path,
) -> None:
    store_dir, shard = interrupted(tmp_path, documents)
    shard.unlink()
    (first, quads, shared), (second, _, _) = documents
    # any command that opens the store repairs it: here an ingest of another document
    result = eventgraph(
        "ingest", str(GOLD / "101_cn_mfa_vaccine_assistance.txt"), "--store", str(store_dir), tmp=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "an interrupted bulk load was repaired: 1 document graph dropped" in result.stderr
    assert "ingest those documents again" in result.stderr
    assert not (store_dir / BULK_MARKER).exists()
    store = OxigraphStore(str(store_dir), read_only=True)
    try:
        assert not store.has_graph(second), "the partial document is gone"
        assert store.has_graph(first)
        kept = {str(q) for q in store.raw.quads_for_pattern(None, None, None, None) if q.graph_name.value == first}
        assert kept == {str(q) for q in quads}
    finally:
        store.close()
    assert eventgraph("validate", "--store", str(store_dir), tmp=tmp_path).stdout.strip() == "conforms"


def test_bulk_marker_is_written_before_and_removed_after_a_bulk_load(
    documents: Docs,
    tmp_path: Path,
) -> None:
    (first, quads, shared), _ = documents
    shard = tmp_path / "shard.nq"
    serialize([*quads, *shared], str(shard), RdfFormat.N_QUADS)
    store = OxigraphStore(str(tmp_path / "store"))
    try:
        seen: list[bool] = []
        original = store.raw.bulk_load

        class Watching:  # the marker must exist while the loader runs
            def __getattr__(self, name: str) -> object:
                if name == "bulk_load":

                    def load(**kwargs: object) -> None:
                        seen.append((tmp_path / "store" / BULK_MARKER).is_file())
                        original(**kwargs)  # type: ignore[arg-type]

                    return load
                return getattr(original.__self__, name)  # type: ignore[attr-defined]

        store._store = Watching()  # type: ignore[assignment]
        store.bulk_load_documents([first], [shard])
        assert seen == [True]
        assert not (tmp_path / "store" / BULK_MARKER).exists()
        store._store = original.__self__  # type: ignore[attr-defined]
        assert store.has_graph(first)
        with pytest.raises(ValueError, match="new graphs only"):
            store.bulk_load_documents([first], [shard])
    finally:
        store.close()
