"""The run folders of ``serve --processes N`` that a killed run left behind: the next run removes
those whose writing process is gone, and nothing else."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from service.web.processes import OWNER, RUN_PREFIX, _started, remove_stale_runs


def run_folder(where: Path, name: str, owner: str | None) -> Path:
    folder = where / (RUN_PREFIX + name)
    folder.mkdir(mode=0o700)
    (folder / "generation").write_bytes(b"\0" * 16)
    if owner is not None:
        (folder / OWNER).write_text(owner, encoding="ascii")
    return folder


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_stale_runs_only_those_of_a_gone_process_are_removed(tmp_path: Path) -> None:
    me = os.getpid()
    gone = run_folder(tmp_path, "gone", f"{dead_pid()} 12345\n")
    reused = run_folder(tmp_path, "reused", f"{me} {int(_started(me)) + 1}\n")  # our pid, another start
    live = run_folder(tmp_path, "live", f"{me} {_started(me)}\n")
    first = run_folder(tmp_path, "init", f"1 {_started(1)}\n")  # another process that runs
    unowned = run_folder(tmp_path, "setting-up", None)
    garbled = run_folder(tmp_path, "garbled", "not a pid\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = run_folder(elsewhere, "target", f"{dead_pid()} 1\n")  # reached only through the link
    link = tmp_path / (RUN_PREFIX + "link")
    link.symlink_to(target, target_is_directory=True)
    other = tmp_path / "eventgraph-search-keep"
    other.mkdir()

    removed = remove_stale_runs(tmp_path)

    assert sorted(removed) == sorted([gone, reused])
    assert not gone.exists() and not reused.exists()
    for kept in (live, first, unowned, garbled, link, target, other):
        assert kept.exists(), kept
    assert remove_stale_runs(tmp_path) == []  # nothing more the second time
