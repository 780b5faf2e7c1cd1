"""The batch ingest on a real two-worker Dask LocalCluster, driven through the command line (each
run in a process of its own, as a user runs it): the same quads as the sequential ingest, a run
killed with SIGKILL resumes without extracting its finished shards again, refused documents do
not stop the batch, and an interrupted bulk load is repaired by the next command."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "tests" / "gold" / "dev"
COPIES = 3  # each gold document three times under other names: 21 documents, enough shards to stop a run


def eventgraph(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "service", *args], env=env, capture_output=True, text=True, timeout=600, cwd=REPO
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def environment(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTGRAPH_")}
    env.update(XDG_DATA_HOME=str(tmp / "xdg"), EVENTGRAPH_BATCH_DIR=str(tmp / "runs"))
    return env


def dump(store: Path, env: dict[str, str]) -> list[str]:
    return dump_of(str(store), env)


def dump_of(store: str, env: dict[str, str]) -> list[str]:
    """The store's quads as sorted N-Quads lines (no blank nodes: the lines are canonical)."""
    out = eventgraph("export", "--format", "nquads", "--store", store, env=env).stdout
    lines = sorted(line for line in out.splitlines() if line.strip())
    assert lines and not any(line.startswith("_:") or " _:" in line for line in lines)
    return lines


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The gold development documents (with their sidecars) three times, and two that are refused."""
    folder = tmp_path_factory.mktemp("corpus")
    for copy in range(COPIES):
        for text in sorted(GOLD.glob("*.txt")):
            shutil.copy(text, folder / f"{copy}-{text.name}")
            sidecar = text.with_suffix(".meta.json")
            if sidecar.exists():
                shutil.copy(sidecar, folder / f"{copy}-{sidecar.name}")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (folder / "empty.txt").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def sequential(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The corpus ingested the ordinary way: one process, one transaction per document."""
    tmp = tmp_path_factory.mktemp("sequential")
    env = environment(tmp)
    result = eventgraph("ingest", str(corpus), "--store", str(tmp / "store"), "--quiet", env=env)
    assert "21 documents (21 added" in result.stdout and "2 refused" in result.stdout
    return dump(tmp / "store", env)


def documents_extracted(stderr: str) -> int:
    """The documents the run's workers extracted, from its per-worker lines."""
    return sum(int(n) for n in re.findall(r"^worker \d+ \(.*\): (\d+) documents", stderr, re.M))


def test_batch_two_workers_give_the_quads_of_the_sequential_ingest(
    corpus: Path, sequential: list[str], tmp_path: Path
) -> None:
    env = environment(tmp_path)
    store = tmp_path / "store"
    result = eventgraph("ingest", str(corpus), "--store", str(store), "--workers", "2", "--batch-size", "4", env=env)
    assert "21 documents (21 added, 0 replaced, 0 unchanged)" in result.stdout
    # refused documents are reported with their reasons and do not stop the batch
    assert "2 refused" in result.stdout
    assert "refused broken.pdf" in result.stderr and "refused empty.txt: " in result.stderr
    assert "worker 2 (tcp://" in result.stderr and documents_extracted(result.stderr) == 23
    assert "1 bulk load" in result.stderr  # a first load: every shard through the bulk loader
    assert dump(store, env) == sequential
    assert not any((tmp_path / "runs").iterdir()), "a complete run leaves no run folder"

    again = eventgraph("ingest", str(corpus), "--store", str(store), "--workers", "2", "--batch-size", "4", env=env)
    assert "21 documents (0 added, 0 replaced, 21 unchanged)" in again.stdout
    assert dump(store, env) == sequential


def test_batch_a_killed_run_resumes_without_extracting_finished_shards_again(
    corpus: Path, sequential: list[str], tmp_path: Path
) -> None:
    env = environment(tmp_path)
    store = tmp_path / "store"
    args = [sys.executable, "-m", "service", "ingest", str(corpus), "--store", str(store), "--workers", "2"]
    args += ["--batch-size", "1"]
    driver = subprocess.Popen(
        args, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    runs = tmp_path / "runs"
    try:
        deadline = time.monotonic() + 300  # a guard against a hang, not a measurement
        while len(list(runs.glob("*/shard-*.json"))) < 3 and driver.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(driver.pid, signal.SIGKILL)
    finally:
        driver.wait(timeout=60)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(driver.pid, signal.SIGKILL)  # its worker processes, orphaned by the kill
    assert driver.returncode == -signal.SIGKILL
    finished_before = len(list(runs.glob("*/shard-*.json")))
    assert 3 <= finished_before < 23, "the run was not stopped part-way"

    result = eventgraph("ingest", *args[4:], env=env)
    resumed = re.search(r"resuming: (\d+) of 23 shards were extracted before", result.stderr)
    assert resumed, result.stderr
    assert int(resumed.group(1)) >= finished_before
    assert documents_extracted(result.stderr) == 23 - int(resumed.group(1))  # finished shards not redone
    assert "21 documents (21 added" in result.stdout and "2 refused" in result.stdout
    assert dump(store, env) == sequential
    assert not any(runs.iterdir())


def test_batch_without_dask_says_how_to_install_it(corpus: Path, tmp_path: Path) -> None:
    code = "import sys; sys.modules['distributed'] = None; from service.cli import cli; cli()"
    result = subprocess.run(
        [sys.executable, "-c", code, "ingest", str(corpus), "--store", str(tmp_path / "s"), "--workers", "2"],
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert result.returncode == 1
    assert "pip install 'eventgraph[batch]'" in result.stderr and "Traceback" not in result.stderr


def test_batch_workers_and_cluster_together_are_refused(corpus: Path, tmp_path: Path) -> None:
    result = eventgraph(
        "ingest",
        str(corpus),
        "--workers",
        "2",
        "--cluster",
        "tcp://127.0.0.1:1",
        env=environment(tmp_path),
        check=False,
    )
    assert result.returncode == 2 and "give --workers or --cluster, not both" in result.stderr


def test_batch_an_unreachable_cluster_is_one_line_and_leaves_the_store_empty(corpus: Path, tmp_path: Path) -> None:
    # Nothing listens on 127.0.0.1:1. Dask's connect timeout is shortened the way users set it (30 s by default).
    env = {**environment(tmp_path), "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"}
    store = tmp_path / "store"
    result = eventgraph(
        "ingest", str(corpus), "--store", str(store), "--cluster", "tcp://127.0.0.1:1", env=env, check=False
    )
    assert result.returncode == 1, result.stderr
    assert "Error: cannot reach the Dask scheduler at tcp://127.0.0.1:1" in result.stderr
    assert "Traceback" not in result.stderr
    exported = eventgraph("export", "--format", "nquads", "--store", str(store), env=env)
    assert exported.stdout.strip() == ""


def test_batch_into_a_remote_store_writes_one_transaction_per_document(
    corpus: Path, sequential: list[str], tmp_path: Path, oxigraph_server_factory: Any
) -> None:
    url = oxigraph_server_factory(tmp_path / "remote")
    env = environment(tmp_path)
    result = eventgraph("ingest", str(corpus), "--store", url, "--workers", "2", "--batch-size", "8", env=env)
    assert "21 documents (21 added" in result.stdout and "2 refused" in result.stdout
    assert "0 bulk loads" in result.stderr  # no bulk loader behind a SPARQL endpoint: the normal path
    assert dump_of(url, env) == sequential
