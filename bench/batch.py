"""The batch ingest, measured: extraction on 1 and 2 Dask workers against the sequential ingest,
and the bulk first load against pyoxigraph's own ``bulk_load`` of the same quads.

    python -m bench.batch                                  # 600 documents; bulk at 10k, 100k and 1M events
    python -m bench.batch --documents 40 --events 10k --repeats 1    # a smoke run of the harness

* extraction — documents of the corpus's genre (``bench/corpus.py``), written as ``.txt`` files,
  ingested three ways into fresh stores: ``ingest_paths`` (one process, as ``eventgraph ingest``),
  and ``ingest_batch`` on a LocalCluster of 1 and of 2 worker processes (as ``--workers N``).
  Wall-clock documents/s of the whole command (cluster start and loading included), each
  worker's own documents/s (from the shards' indexes), the shards loaded, and whether the three
  stores hold the same quads (order-free digests compared). The 2-worker run's per-worker rate
  gives the million-document estimate (rate × workers, an extrapolation).
* bulk first load — the corpus's quads at a size written as the workers write them (16
  documents a shard, N-Quads, with their indexes), then loaded into an empty store by the
  driver's loader (``service.batch.run.load_shards``: marker, bulk loader, marker removed) against
  pyoxigraph's ``bulk_load`` of one N-Quads file holding the same quads; each into a fresh store,
  alternated, medians. The driver's loader calls ``pipeline.documents_written`` (where the text
  index refreshes); its time is measured apart and left out of the store's figure, and from 100k
  events on the hook is not run at all (the index has its own benchmark).

The machine is shared and has two cores: the 2-worker run has no core left for the driver, and
other work on the machine moves every figure. Raw figures go to ``bench/out/batch.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from pyoxigraph import RdfFormat, serialize
from pyoxigraph import Store as OxStore

from bench import corpus, report
from bench.__main__ import bulk_load
from service.batch.run import BATCH_SIZE, ingest_batch, load_shards
from service.batch.shards import Entry, ShardIndex, index_path, shard_path, write_atomically
from service.config import Settings
from service.pipeline import ingest_paths
from service.rdf.iris import Iris
from service.store import open_store

OUT = Path(__file__).resolve().parent / "out"
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}


def write_documents(folder: Path, count: int, words: int, seed: int) -> None:
    folder.mkdir(parents=True)
    for document in corpus.text_documents(count, seed=seed, words=words):
        (folder / f"{document.id}.txt").write_text(document.text, encoding="utf-8")


def store_digest(location: Path) -> tuple[int, str]:
    """(quads, the sum of the SHA-256 of each quad's N-Quads line, modulo 2**256): equal digests
    mean the same quads, in any order, without holding a store of tens of millions in memory."""
    store = OxStore.read_only(str(location))
    total, count = 0, 0
    for quad in store.quads_for_pattern(None, None, None, None):
        total += int.from_bytes(hashlib.sha256(str(quad).encode("utf-8")).digest(), "big")
        count += 1
    del store
    return count, f"{total % 2**256:064x}"


def ingest_run(folder: Path, work: Path, workers: int | None) -> dict[str, Any]:
    """One ingest of the folder into a fresh store: sequential (workers None) or on a LocalCluster."""
    name = f"workers-{workers}" if workers else "sequential"
    location = work / name
    shutil.rmtree(location, ignore_errors=True)
    Path(f"{location}.search.sqlite").unlink(missing_ok=True)
    settings = Settings(store=str(location), base_iri=corpus.BASE_IRI, batch_dir=str(work / "runs"))
    store = open_store(str(location))
    started = time.perf_counter()
    try:
        if workers:
            result = ingest_batch([folder], store, settings, workers=workers)
        else:
            result = ingest_paths([folder], store, settings)
    finally:
        store.close()
    seconds = time.perf_counter() - started
    figures: dict[str, Any] = {
        "documents": result.documents,
        "refused": len(result.refused),
        "events": result.events,
        "seconds": round(seconds, 2),
        "documents_per_second": round(result.documents / seconds, 2),
    }
    state = getattr(result, "progress", None)
    if state is not None:
        figures["workers"] = {
            address: {"documents": w.documents, "seconds": round(w.seconds, 2), "per_second": round(w.rate, 2)}
            for address, w in state.workers.items()
        }
        figures["per_worker_median"] = round(statistics.median(w.rate for w in state.workers.values()), 2)
        figures["shards"] = state.shards
        figures["shards_loaded"] = state.loaded_shards
        figures["bulk_loads"] = state.bulk_loads
    figures["quads"], figures["digest"] = store_digest(location)
    print(f"{name}: {json.dumps(figures)}", flush=True)
    return figures


def extraction(work: Path, documents: int, words: int, runs: list[str]) -> dict[str, Any]:
    """The documents (written once into ``work``, kept there), ingested the ways ``runs`` names
    (``2``, ``1``: workers; ``sequential``), each into a fresh store."""
    folder = work / "documents"
    started = time.perf_counter()
    if not folder.is_dir():
        write_documents(folder, documents, words, corpus.SEED)
    counts = [len(p.read_text(encoding="utf-8").split()) for p in folder.iterdir()]
    print(f"{len(counts)} documents ready in {time.perf_counter() - started:.0f} s", flush=True)
    out: dict[str, Any] = {"documents": len(counts), "words_median": statistics.median(counts)}
    for run in runs:
        workers = None if run == "sequential" else int(run)
        out["sequential" if workers is None else f"workers_{workers}"] = ingest_run(folder, work, workers)
    if not {"sequential", "workers_1", "workers_2"} <= out.keys():
        return out
    seq, one, two = out["sequential"], out["workers_1"], out["workers_2"]
    out["scaling_2_over_1"] = round(two["documents_per_second"] / one["documents_per_second"], 2)
    out["same_quads"] = seq["digest"] == one["digest"] == two["digest"]
    rate = two["per_worker_median"]  # documents/s of one worker while another works beside it
    out["million_documents_hours_by_workers"] = {n: round(1_000_000 / (rate * n) / 3600, 1) for n in (1, 2, 8, 32, 128)}
    return out


def write_shards(events: int, run_dir: Path, single: Path) -> tuple[list[ShardIndex], int]:
    """The corpus of ``events`` as the workers write it (shards of BATCH_SIZE documents, with their
    indexes), and the same quads in one N-Quads file; (indexes, quads)."""
    iris, indexes, total = Iris(corpus.BASE_IRI), [], 0
    run_dir.mkdir(parents=True)
    batch: list[Any] = []

    def flush(out: Any) -> None:
        number = len(indexes)
        data = b"".join(part for part, _ in batch)
        write_atomically(shard_path(run_dir, number), data)
        out.write(data)
        index = ShardIndex(number, "bench", 0.0, tuple(entry for _, entry in batch))
        write_atomically(index_path(run_dir, number), json.dumps(index.to_json()).encode("utf-8"))
        indexes.append(index)
        batch.clear()

    with single.open("wb") as out:
        for extraction_ in corpus.extractions(events):
            local, shared = corpus.quads(extraction_, iris)
            doc = extraction_.document
            data = serialize([*local, *shared], format=RdfFormat.N_QUADS)
            assert data is not None
            entry = Entry(
                doc.origin or doc.id,
                "extracted",
                doc.id,
                iris.document_graph(doc.id),
                iris.document(doc.id),
                len(extraction_.events),
                len(local) + len(shared),
            )
            batch.append((data, entry))
            total += entry.quads
            if len(batch) == BATCH_SIZE:
                flush(out)
        if batch:
            flush(out)
    return indexes, total


def ours(location: Path, run_dir: Path, indexes: list[ShardIndex]) -> tuple[float, float]:
    """(seconds in all, seconds of them in the documents_written hook: the text index)."""
    (run_dir / "loaded.txt").unlink(missing_ok=True)
    settings = Settings(store=str(location), base_iri=corpus.BASE_IRI)
    started = time.perf_counter()
    store = open_store(str(location))
    result = load_shards(store, settings, run_dir, indexes)
    store.close()
    seconds = time.perf_counter() - started
    assert result.progress is not None and result.progress.loaded_shards == len(indexes)
    return seconds, result.progress.hook_seconds


def bulk(work: Path, label: str, events: int, repeats: int, index: bool) -> dict[str, Any]:
    """``index`` False: the documents_written hook (the text index's refresh) is left out of the run."""
    import service.batch.run as driver

    hook = driver.documents_written
    if not index:
        driver.documents_written = lambda *args: None  # type: ignore[assignment]
    try:
        return _bulk(work, label, events, repeats)
    finally:
        driver.documents_written = hook


def _bulk(work: Path, label: str, events: int, repeats: int) -> dict[str, Any]:
    folder = work / f"bulk-{label}"
    started = time.perf_counter()
    indexes, quads = write_shards(events, folder / "run", folder / "all.nq")
    print(f"bulk {label}: {quads:,} quads in {len(indexes)} shards, written in {time.perf_counter() - started:.0f} s")
    times: dict[str, list[float]] = {"ours": [], "bulk_load": [], "ours_with_index": [], "index": []}
    counts: dict[str, int] = {}
    for n in range(repeats):
        for name in ("ours", "bulk_load") if n % 2 == 0 else ("bulk_load", "ours"):
            location = folder / name
            shutil.rmtree(location, ignore_errors=True)
            if name == "ours":
                total, hook = ours(location, folder / "run", indexes)
                times["ours_with_index"].append(total)
                times["index"].append(hook)
                seconds = total - hook
            else:
                seconds = bulk_load(location, folder / "all.nq")
            times[name].append(seconds)
            store = OxStore.read_only(str(location))
            counts[name] = len(store)
            del store
            shutil.rmtree(location)  # at 1M a store is ~15 GB: one at a time on the disk
            print(f"  {name}: {seconds:.1f} s ({quads / seconds:,.0f} quads/s, store only)", flush=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    result = {
        "events": events,
        "quads": quads,
        "shards": len(indexes),
        "repeats": repeats,
        "seconds": {name: [round(v, 2) for v in values] for name, values in times.items()},
        "quads_per_second": {name: round(quads / m) for name, m in medians.items() if name != "index"},
        "ratio": round(medians["bulk_load"] / medians["ours"], 2),
        "ratio_with_index": round(medians["bulk_load"] / medians["ours_with_index"], 2),
        "same_quad_count": counts["ours"] == counts["bulk_load"],
        "stored_quads": counts["ours"],
    }
    shutil.rmtree(folder)
    print(f"bulk {label}: {json.dumps(result)}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=600, help="documents for the scaling figure")
    parser.add_argument(
        "--words", type=int, default=corpus.WORDS, help="words a document (the real corpus's median is ~220)"
    )
    parser.add_argument("--events", default="10k,100k,1M", help="sizes of the bulk first load (10k, 100k, 1M)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each loader at sizes under 1M")
    parser.add_argument("--runs", default="2,1,sequential", help="the ingests of the scaling figure, in order")
    parser.add_argument(
        "--work", type=Path, help="keep the documents and stores here (a later run reuses the documents)"
    )
    parser.add_argument("--out", type=Path, default=OUT / "batch.json")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    results: dict[str, Any] = {"machine": report.machine(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    with tempfile.TemporaryDirectory(prefix="eventgraph-batch-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if args.documents:
            results["extraction"] = extraction(work, args.documents, args.words, args.runs.split(","))
        results["bulk"] = {}
        for label in filter(None, args.events.split(",")):
            events = SIZES[label]
            # One run each at 1M; the text index's refresh (its own benchmark) only at the smallest size.
            repeats = 1 if events >= 1_000_000 else args.repeats
            results["bulk"][label] = bulk(work, label, events, repeats, index=events < 100_000)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
