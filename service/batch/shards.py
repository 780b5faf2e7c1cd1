"""A run's folder: the manifest of its inputs and batches, the shards the workers write, and the
record of the shards the driver has loaded.

Layout of a run folder::

    manifest.json         the inputs (paths, sizes, modification times, URLs), the batches, the key
    shard-000012.nq       the N-Quads of batch 12, each document's quads together, in input order
    shard-000012.json     its index: per input, the outcome and how many quads it has; written last
    loaded.txt            the numbers of the shards loaded into the store, one a line

A shard is written under a temporary name and renamed; its index is renamed after it, so an index
means a complete shard.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from service import __version__
from service.config import Settings, default_data_dir

MANIFEST = "manifest.json"
LOADED = "loaded.txt"


@dataclass(frozen=True)
class Entry:
    """One input of a shard: what became of it (``extracted``, ``unchanged``, ``refused``)."""

    origin: str
    status: str
    doc_id: str | None = None
    graph: str | None = None
    iri: str | None = None
    events: int = 0
    quads: int = 0  # lines of the shard, in order
    reason: str | None = None


@dataclass(frozen=True)
class ShardIndex:
    number: int
    worker: str
    seconds: float  # spent by the worker on this batch (reading, extracting, writing)
    entries: tuple[Entry, ...] = field(default_factory=tuple)

    @property
    def documents(self) -> int:
        return len(self.entries)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "entries": [asdict(e) for e in self.entries]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ShardIndex:
        entries = tuple(Entry(**e) for e in data["entries"])
        return cls(int(data["number"]), str(data["worker"]), float(data["seconds"]), entries)


def shard_path(run_dir: Path, number: int) -> Path:
    return run_dir / f"shard-{number:06d}.nq"


def index_path(run_dir: Path, number: int) -> Path:
    return run_dir / f"shard-{number:06d}.json"


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary name in the same folder, synced, then renamed."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    tmp.replace(path)


def read_index(run_dir: Path, number: int) -> ShardIndex | None:
    """The index of a finished shard, or None while it is not finished."""
    try:
        data = json.loads(index_path(run_dir, number).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return ShardIndex.from_json(data)


def input_key(items: Sequence[Path | str], settings: Settings, batch_size: int) -> tuple[str, list[Any]]:
    """(key, description) of a run: the same inputs, unchanged on disk, with the same settings that
    shape the quads and the same batch size, give the same key, so the same run folder."""
    described: list[Any] = []
    for item in items:
        if isinstance(item, Path):
            try:
                stat = item.stat()
                described.append([str(item), stat.st_size, stat.st_mtime_ns])
            except OSError:
                described.append([str(item), None, None])  # reading it reports the problem
        else:
            described.append([item, None, None])
    gazetteer = settings.gazetteer
    try:
        gazetteer_stamp = Path(gazetteer).stat().st_mtime_ns if gazetteer else None
    except OSError:
        gazetteer_stamp = None
    head = {
        "version": __version__,
        "base_iri": settings.base_iri,
        "gazetteer": [gazetteer, gazetteer_stamp],
        "max_document_bytes": settings.max_document_bytes,
        "max_document_chars": settings.max_document_chars,
        "batch_size": batch_size,
    }
    digest = hashlib.sha256(json.dumps([head, described], sort_keys=True).encode("utf-8")).hexdigest()
    return digest, described


def run_folder(settings: Settings, key: str) -> Path:
    base = Path(settings.batch_dir) if settings.batch_dir else default_data_dir() / "batch"
    return base / f"run-{key[:20]}"


def open_run(run_dir: Path, key: str, items: Sequence[Path | str], batch_size: int) -> tuple[list[list[str]], bool]:
    """(batches, resumed): the run's batches, from its manifest when the run was started before."""
    manifest = run_dir / MANIFEST
    if manifest.is_file():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("key") == key:
            return [list(b) for b in data["batches"]], True
    run_dir.mkdir(parents=True, exist_ok=True)
    for stale in run_dir.iterdir():  # a folder of another run with the same name prefix: start afresh
        stale.unlink()
    names = [str(item) for item in items]
    batches = [names[i : i + batch_size] for i in range(0, len(names), batch_size)]
    write_atomically(manifest, json.dumps({"key": key, "batches": batches}).encode("utf-8"))
    return batches, False


def loaded_shards(run_dir: Path) -> set[int]:
    try:
        lines = (run_dir / LOADED).read_text(encoding="utf-8").split()
    except FileNotFoundError:
        return set()
    return {int(line) for line in lines if line.isdigit()}


def mark_loaded(run_dir: Path, numbers: Sequence[int]) -> None:
    with (run_dir / LOADED).open("a", encoding="utf-8") as out:
        out.write("".join(f"{n}\n" for n in numbers))
        out.flush()
        os.fsync(out.fileno())
