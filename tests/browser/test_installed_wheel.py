"""The built wheel, installed as a user would: a fresh `python -m venv` with the pip it ships (no
upgrade), `pip install` of the wheel, and then, from a folder outside the checkout, `eventgraph
ingest`, `eventgraph serve` and the timeline in Chromium. Nothing may be read from the checkout:
the ontology, the named queries, the front-end libraries and the syntax model travel in the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import SEEDS, free_port

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]


def run(*args: str | Path, cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVENTGRAPH_", "VIRTUAL_ENV", "PYTHON"))}
    out = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"{args}: {out.stdout[-2000:]}\n{out.stderr[-4000:]}"
    return out


def base_python() -> str:
    """The interpreter this test suite's virtual environment was made from."""
    return getattr(sys, "_base_executable", None) or sys.executable


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(the eventgraph command of a fresh venv with the wheel installed, a folder outside the checkout)."""
    root = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", REPO, "--no-deps", "-q", "-w", root / "dist", cwd=root)
    wheel = next((root / "dist").glob("eventgraph-*.whl"))
    run(base_python(), "-m", "venv", root / "venv", cwd=root)
    run(root / "venv" / "bin" / "python", "-m", "pip", "install", "-q", wheel, cwd=root)
    away = root / "elsewhere"
    shutil.copytree(SEEDS, away / "seeds")
    yield root / "venv" / "bin" / "eventgraph", away


def test_installed_wheel_ingests_serves_and_draws_the_timeline_from_any_folder(
    installed: tuple[Path, Path], browser: object
) -> None:
    eventgraph, away = installed
    store = away / "store"
    ingested = run(eventgraph, "ingest", "seeds", "--store", store, cwd=away)
    assert "2 documents" in ingested.stdout + ingested.stderr
    run(eventgraph, "validate", "--store", store, cwd=away)  # the shapes came with the wheel
    listed = run(eventgraph, "query", "--list", cwd=away)  # so did the named queries
    assert "aid_between" in listed.stdout
    port = free_port()
    server = subprocess.Popen(
        [str(eventgraph), "serve", "--store", str(store), "--port", str(port)],
        cwd=away,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                requests.get(url + "/api/stats", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        for asset in ("vis-timeline.js", "vis-timeline.css", "yasgui.js", "yasgui.css"):
            assert requests.get(f"{url}/vendor/{asset}", timeout=30).status_code == 200, asset
        page = browser.new_page()  # type: ignore[attr-defined]
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url + "/timeline")
        page.wait_for_selector("#timeline-app[data-ready=true]", timeout=30000)
        deadline = time.monotonic() + 20
        while page.locator(".vis-item[data-key]").count() == 0:
            assert time.monotonic() < deadline, "the installed server's timeline drew no event"
            page.wait_for_timeout(100)
        assert errors == []
        page.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stderr is not None:
            server.stderr.close()
