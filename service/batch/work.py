"""What a Dask worker runs: one batch of inputs → one N-Quads shard and its index.

A pure function of the documents (read from their paths, so every worker must see the same
files: the same machine, or a shared filesystem) and the settings. It never opens the store: the
checksums of the documents the store holds arrive as an argument, so an unchanged document is
not extracted again. A document that is refused, or whose extraction fails, is an entry of the
index with its reason; it never stops the batch.
"""

from __future__ import annotations

import io
import json
import time
from functools import cache
from pathlib import Path

from pyoxigraph import RdfFormat, serialize

from service.batch.shards import Entry, ShardIndex, index_path, read_index, shard_path, write_atomically
from service.config import Settings
from service.documents import is_url
from service.errors import DocumentRefused
from service.extract.gazetteer import Gazetteer
from service.pipeline import extract_quads, gazetteer_for, read_source
from service.rdf.iris import Iris


@cache
def _gazetteer(settings: Settings) -> Gazetteer:
    """Loaded once per worker process (and per settings)."""
    return gazetteer_for(settings)


def worker_name() -> str:
    """The address of the Dask worker running this task (the process's id outside one)."""
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        import os

        return f"pid {os.getpid()}"


def extract_batch(number: int, items: list[str], run_dir: str, settings: Settings, known: dict[str, str]) -> ShardIndex:
    """Extract batch ``number`` and write its shard into ``run_dir``; the shard's index.

    ``known`` maps a document graph's IRI to the checksum the store holds for it.
    """
    folder = Path(run_dir)
    done = read_index(folder, number)
    if done is not None:  # a task run again (its first worker died after writing): nothing to redo
        return done
    started = time.perf_counter()
    iris = Iris(settings.base_iri)
    gazetteer = _gazetteer(settings)
    out = io.BytesIO()
    entries: list[Entry] = []
    for item in items:
        source: Path | str = item if is_url(item) else Path(item)
        label = item if isinstance(source, str) else source.name
        try:
            document = read_source(source, settings)
            graph = iris.document_graph(document.id)
            origin = document.origin or document.id
            if known.get(graph) == document.checksum:
                entries.append(Entry(origin, "unchanged", document.id, graph, iris.document(document.id)))
                continue
            extraction, quads, shared = extract_quads(document, settings, gazetteer)
        except DocumentRefused as exc:
            entries.append(Entry(label, "refused", reason=exc.message))
            continue
        except Exception as exc:  # a failure of one document never stops the batch: it is reported
            message = " ".join(str(exc).split()) or "(no message)"
            entries.append(Entry(label, "refused", reason=f"extraction failed ({type(exc).__name__}: {message})"))
            continue
        serialize([*quads, *shared], out, RdfFormat.N_QUADS)
        entries.append(
            Entry(
                origin,
                "extracted",
                document.id,
                graph,
                iris.document(document.id),
                events=len(extraction.events),
                quads=len(quads) + len(shared),
            )
        )
    write_atomically(shard_path(folder, number), out.getvalue())
    index = ShardIndex(number, worker_name(), time.perf_counter() - started, tuple(entries))
    write_atomically(index_path(folder, number), json.dumps(index.to_json()).encode("utf-8"))
    return index
