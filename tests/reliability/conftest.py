"""Helpers of the fault tests: a batch of distinct documents, the graphs a clean ingest gives them,
the CLI and the server as real processes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from service.config import Settings
from service.pipeline import ingest_paths
from service.rdf.iris import Iris
from service.store import Store, open_store
from tests.conftest import SEEDS, free_port

BASE = "http://localhost:8000/"
SEED = SEEDS / "000_9bb7eb15379a1141.txt"  # the shorter seed: ~20 ms of extraction per copy


def make_batch(folder: Path, count: int) -> list[Path]:
    """``count`` distinct documents: the short seed with its figures changed, one file each."""
    text = SEED.read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"doc{n:04d}.txt"
        path.write_text(text.replace("50 countries", f"{n + 2} countries"), encoding="utf-8")
        paths.append(path)
    return paths


def graph_of(store: Store, graph: str) -> set[str]:
    """The triples of one graph, as N-Triples lines (the mapping mints no blank nodes)."""
    rows = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return {f"{r['s']} {r['p']} {r['o']}" for r in rows}  # type: ignore[index]


def document_graphs(store: Store) -> list[str]:
    return [g for g in store.graphs() if g.startswith(BASE + "graph/document/")]


def reference(paths: list[Path]) -> dict[str, set[str]]:
    """Each document's graph as a clean in-memory ingest writes it."""
    store = open_store(":memory:")
    ingest_paths(paths, store, Settings(store=":memory:", base_iri=BASE))
    out = {g: graph_of(store, g) for g in document_graphs(store)}
    store.close()
    return out


def document_graph(path: Path) -> str:
    return Iris(BASE).document_graph(path.stem)


def cli(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", *args], capture_output=True, text=True, timeout=600, **kwargs
    )  # type: ignore[call-overload]


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTGRAPH_")}
    env["EVENTGRAPH_BASE_IRI"] = BASE
    return env


class Server:
    """``eventgraph serve`` as a real process on a free loopback port."""

    def __init__(self, store: Path, token: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "service",
                "serve",
                "--store",
                str(store),
                "--port",
                str(self.port),
            ],
            env={**child_env(), "EVENTGRAPH_TOKEN": token, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,  # another copy of the package (``python -m`` imports from the folder it starts in)
        )
        # Its log is read as it comes: a pipe nobody reads would block the server once it filled.
        self.said: list[str] = []
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()
        for _ in range(600):
            if self.proc.poll() is not None:
                self._reader.join(10)
                pytest.fail(f"the server exited: {''.join(self.said)}")
            try:
                requests.get(self.url + "/api/stats", timeout=2)
                return
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or slow on a busy machine
                time.sleep(0.05)
        pytest.fail("the server did not start")

    def _read_log(self) -> None:
        assert self.proc.stderr is not None
        with self.proc.stderr:  # closed at its end: when the server and its workers have all gone
            for line in self.proc.stderr:
                self.said.append(line)

    def wait_said(self, text: str, timeout: float = 60) -> list[str]:
        """The lines logged up to the first that holds ``text`` (fails after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.said):
            if time.monotonic() > deadline:
                pytest.fail(f"the server never said {text!r}: {''.join(self.said)}")
            time.sleep(0.05)
        lines = list(self.said)
        return lines[: next(i for i, line in enumerate(lines) if text in line) + 1]

    def log_to_end(self, timeout: float = 60) -> str:
        """Everything logged, once the server and every process that shares its stderr have ended."""
        self._reader.join(timeout)
        assert not self._reader.is_alive(), "the log stayed open"
        return "".join(self.said)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=30)
        self._close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        self._close()

    def _close(self) -> None:
        self._reader.join(5)  # the rest of the log (a worker that outlives the server keeps it open)


def query_workers(server: Server) -> list[int]:
    """The server's live query workers (one killed stays a zombie until the pool next looks at it,
    and its first thread to die is not its last)."""
    from tests.security.test_isolation import children, process_name

    return [pid for pid in children(server.proc.pid) if process_name(pid) == "eg-query" and _running(pid)]


def _running(pid: int) -> bool:
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
        return any((task / "stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X") for task in tasks)
    except OSError:
        return False
