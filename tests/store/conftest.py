"""A real Oxigraph server on 127.0.0.1 for the remote backend (the `oxigraph` PyPI package)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph): remote backend untested")
    return found


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[str]:
    """A fresh `oxigraph serve --union-default-graph` on a free port; yields its query URL."""
    port = free_port()
    proc = subprocess.Popen(
        [
            oxigraph_binary(),
            "serve",
            "--location",
            str(tmp_path / "remote"),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(200):
            try:
                requests.get(url, params={"query": "ASK {}"}, timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        else:
            pytest.fail("the oxigraph server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
