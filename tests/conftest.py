"""Fixtures shared by the whole suite: real stores, settings in temporary folders, the seeds; and,
under CI, no skip that is not in ALLOWED_SKIPS."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
import requests

from service.config import Settings
from service.store import Store, open_store

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"

# The only tests that may skip under CI (CI=true), each with the reason it cannot run there. Any other
# skip fails the run: a skip in CI is a test that silently never ran. Keys are node ids relative to the
# repository (parameters left out).
ALLOWED_SKIPS: dict[str, str] = {
    "tests/documents/test_read.py::test_read_unreadable_file": (
        "CI runs as root, and root reads a file whatever its permissions: the refusal cannot be provoked"
    ),
    "tests/reliability/test_faults.py::test_faults_a_full_disk_is_a_clear_error_and_corrupts_nothing": (
        "mounting the small tmpfs needs CAP_SYS_ADMIN, which a container denies even to root unless privileged"
    ),
    "tests/web/test_sparql_clients.py::test_sparql_clients_curl": (
        "curl is not in Debian's base image and make setup-test does not install it"
    ),
}


BACKENDS = ("embedded", "remote")
_SERVERS: list[subprocess.Popen] = []


# Debian's chromium, headless, with nothing reaching out to the network (this machine's network is
# closed; without these flags chromium retries refused connections at every start).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless chromium for the whole session: Playwright's sync API allows one driver per
    thread, so every browser test shares this one."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.skip("Debian's chromium is not installed (make setup-test installs it)")
    from playwright.sync_api import sync_playwright  # a test dependency: installed by make setup-test

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_oxigraph(location: Path, *extra: str) -> str:
    """Start `oxigraph serve` (the `oxigraph` PyPI package) on a free loopback port; return its
    query URL. The server is stopped when the test session ends."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        pytest.skip("the oxigraph server binary is missing (pip install oxigraph): the remote backend is untested")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph", *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _SERVERS.append(proc)
    url = f"http://127.0.0.1:{port}/query"
    for _ in range(400):
        try:
            requests.get(url, params={"query": "ASK {}"}, timeout=1)
            return url
        except requests.ConnectionError:
            time.sleep(0.05)
    pytest.fail("the oxigraph server did not start")


@pytest.fixture(scope="session")
def oxigraph_server_factory():  # type: ignore[no-untyped-def]
    """``factory(directory) -> query URL`` of a fresh real Oxigraph server."""
    return start_oxigraph


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for proc in _SERVERS:
        proc.terminate()
        proc.wait(timeout=10)


def _location(backend: str, tmp: Path) -> str:
    if backend == "remote":
        return start_oxigraph(tmp / "remote")
    return str(tmp / "store")


@pytest.fixture(params=BACKENDS)
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings with a fresh store under the test's temporary folder, on each backend: the
    embedded on-disk Oxigraph, and a real Oxigraph server on 127.0.0.1 (the remote backend)."""
    return Settings(store=_location(request.param, tmp_path), base_iri="http://localhost:8000/")


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    s = open_store(settings.store)
    yield s
    s.close()


@pytest.fixture(scope="session", params=BACKENDS)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Settings, Store]]:
    """The seeds ingested once per backend; tests must only read it."""
    from service.pipeline import ingest_paths

    cfg = Settings(store=_location(request.param, tmp_path_factory.mktemp("seeded")), base_iri="http://localhost:8000/")
    s = open_store(cfg.store)
    report = ingest_paths([SEEDS], s, cfg)
    assert report.documents == 2 and not report.refused
    yield cfg, s
    s.close()


def _under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # (path, line, "Skipped: reason")
        path, line, reason = longrepr
        return f"{reason} ({os.path.relpath(path)}:{line})"
    return str(longrepr)


def _unexpected_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    """Turn a skip into a failure that says why and what to do."""
    report.outcome = "failed"
    report.longrepr = (
        f"unexpected skip under CI (CI={os.environ.get('CI')}): {_skip_reason(report)}\n"
        "A skip in CI is a test that never ran. Make it run there (install what it needs in make setup-test), "
        "or add its node id with the reason to ALLOWED_SKIPS in tests/conftest.py."
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A test skipped at set-up or in its body (an xfail is not a skip) fails unless it is allowed."""
    report = yield
    allowed = item.nodeid.split("[", 1)[0] in ALLOWED_SKIPS
    if report.skipped and not hasattr(report, "wasxfail") and not allowed and _under_ci():
        _unexpected_skip(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """A whole module skipped at collection (``pytest.skip(allow_module_level=True)``, a module-level
    ``importorskip``) is never allowed under CI."""
    report = yield
    if report.skipped and _under_ci():
        _unexpected_skip(report)
    return report
