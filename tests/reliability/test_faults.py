"""Faults: an ingest killed with SIGKILL, a full disk, a store that cannot be written, a server killed
and restarted. After each, every document is wholly in the store or wholly absent, and nothing that
was stored is lost."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
import requests

from service.store import open_store
from tests.reliability.conftest import (
    BASE,
    SEED,
    Server,
    child_env,
    cli,
    document_graph,
    document_graphs,
    graph_of,
    make_batch,
    reference,
)

BATCH = 150


def _visible_documents(store_dir: Path) -> int:
    """Documents a read-only snapshot of a store that another process is writing shows (0 while unreadable)."""
    try:
        snapshot = pyoxigraph.Store.read_only(str(store_dir))
    except (OSError, RuntimeError):
        return 0  # not created yet, or caught half-way through its creation
    prefix = BASE + "graph/document/"
    count = sum(1 for g in snapshot.named_graphs() if g.value.startswith(prefix))  # type: ignore[union-attr]
    del snapshot
    return count


def _assert_whole_or_absent(store_dir: Path, expected: dict[str, set[str]]) -> int:
    """Every document graph of the store equals the clean ingest's; returns how many are present."""
    store = open_store(str(store_dir))
    try:
        present = document_graphs(store)
        for graph in present:
            assert graph_of(store, graph) == expected[graph], f"{graph} is not whole"
    finally:
        store.close()
    return len(present)


def test_faults_sigkill_during_a_batch_leaves_whole_documents_and_a_rerun_completes(tmp_path: Path) -> None:
    paths = make_batch(tmp_path / "docs", BATCH)
    expected = reference(paths)
    store_dir = tmp_path / "store"
    proc = subprocess.Popen(
        [sys.executable, "-m", "service", "ingest", str(tmp_path / "docs"), "--store", str(store_dir), "--quiet"],
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Kill once a few documents are stored: the kill then lands inside the batch, mid-write or between writes.
        while proc.poll() is None and _visible_documents(store_dir) < 5:
            time.sleep(0.02)
        assert proc.poll() is None, "the batch finished before it could be killed: make it larger"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    present = _assert_whole_or_absent(store_dir, expected)
    assert 0 < present < BATCH

    again = cli("ingest", str(tmp_path / "docs"), "--store", str(store_dir), "--quiet", env=child_env())
    assert again.returncode == 0, again.stderr
    assert f"{BATCH} documents ({BATCH - present} added, 0 replaced, {present} unchanged)" in again.stdout
    assert _assert_whole_or_absent(store_dir, expected) == BATCH


def test_faults_a_store_that_cannot_be_created_is_a_one_line_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    for store in (blocker / "store", blocker):  # a path under a file (refused even to root), and a file
        result = cli("ingest", str(SEED), "--store", str(store), env=child_env())
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert lines[-1].startswith("Error: ") and "Traceback" not in result.stderr, result.stderr
    assert blocker.read_text(encoding="utf-8") == "not a directory"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs: a real full disk (mounting needs root; elsewhere the test is skipped)."""
    mount = shutil.which("mount")
    point = tmp_path / "disk"
    point.mkdir()
    made = subprocess.run([mount or "mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(point)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill (needs root): {made.stderr.decode().strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def test_faults_a_full_disk_is_a_clear_error_and_corrupts_nothing(tmp_path: Path, small_disk: Path) -> None:
    paths = make_batch(tmp_path / "docs", 40)
    expected = reference(paths)
    store_dir = small_disk / "store"
    full = cli("ingest", str(tmp_path / "docs"), "--store", str(store_dir), "--quiet", env=child_env())
    assert full.returncode == 1
    assert "No space left on device" in full.stderr and "Traceback" not in full.stderr, full.stderr

    subprocess.run(["mount", "-o", "remount,size=512m", str(small_disk)], check=True)
    present = _assert_whole_or_absent(store_dir, expected)
    assert present < len(paths)
    again = cli("ingest", str(tmp_path / "docs"), "--store", str(store_dir), "--quiet", env=child_env())
    assert again.returncode == 0, again.stderr
    assert _assert_whole_or_absent(store_dir, expected) == len(paths)


def test_faults_a_server_killed_and_restarted_keeps_everything(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    token = "restart-token-0123456789"
    auth = {"Authorization": f"Bearer {token}"}
    server = Server(store_dir, token)
    try:
        posted = requests.post(
            server.url + "/documents?name=seed-000.txt",
            data=SEED.read_bytes(),
            headers={**auth, "Content-Type": "text/plain"},
            timeout=60,
        )
        assert posted.status_code == 201, posted.text
        before = requests.get(server.url + "/api/stats", timeout=30).json()["counts"]
        assert before["documents"] == 1 and before["events"] > 0
    finally:
        server.kill()
    server = Server(store_dir, token)
    try:
        after = requests.get(server.url + "/api/stats", timeout=30).json()["counts"]
        events = requests.get(server.url + "/api/events", params={"limit": 500}, timeout=30).json()["events"]
    finally:
        server.stop()
    assert after == before
    assert len(events) == before["events"]
    assert document_graph(Path("seed-000.txt")).endswith("seed-000")
