"""The code upgraded under a running server.

A query worker is a new interpreter that imports the package from disk; one started after an
upgrade (a timed-out query's replacement, a worker killed) runs other code than the server, and
their messages may no longer fit. Each worker says which code it read before the pool uses it: a
worker that runs other code is stopped and none is started after it, the workers that run the
server's code keep serving, and once none is left a query gets a 503 that says to restart.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from service.store import open_store
from service.web.processes import CODE_CHANGED, reader_main
from tests.conftest import REPO
from tests.reliability.conftest import Server, query_workers
from tests.reliability.test_processes import readers
from tests.security.test_isolation import children, process_name

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RESTART = "restart the server"


def code_copy(tmp_path: Path) -> Path:
    """The package copied where a test may change it, with the checkout's files it reads beside it."""
    code = tmp_path / "code"
    shutil.copytree(REPO / "service", code / "service", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("node_modules", "ontology", "queries"):
        if (REPO / name).exists():
            (code / name).symlink_to(REPO / name)
    return code


def filled_store(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    store = open_store(str(path))
    store.update("INSERT DATA { " + " ".join(f"<http://ex/{n}> <http://ex/p> {n} ." for n in range(300)) + " }")
    store.close()
    return path


def ask(server: Server, text: str) -> requests.Response:
    return requests.get(
        server.url + "/sparql", params={"query": text}, headers={"Accept": "application/json"}, timeout=60
    )


def upgrade(code: Path, change: str, module: str = "results") -> None:
    path = code / "service" / "sparql" / f"{module}.py"
    path.write_text(path.read_text(encoding="utf-8") + change, encoding="utf-8")


BROKEN = "\nraise ImportError('a later version that does not fit')\n"


@pytest.fixture
def code(tmp_path: Path) -> Path:
    return code_copy(tmp_path)


@pytest.fixture
def server(tmp_path: Path, code: Path) -> Iterator[Server]:
    """Served from ``code``, with two query workers and a time limit of one second."""
    env = {"EVENTGRAPH_QUERY_WORKERS": "2", "EVENTGRAPH_QUERY_TIMEOUT": "1", "PYTHONPATH": str(code)}
    started = Server(filled_store(tmp_path), "t" * 32, env=env, cwd=code)
    yield started
    started.stop()


def test_upgrade_a_worker_with_other_code_is_not_used_and_the_others_serve_on(server: Server, code: Path) -> None:
    assert ask(server, COUNT).json()["results"]["bindings"][0]["n"]["value"] == "300"
    assert len(query_workers(server)) == 2
    upgrade(code, "\n# a later version\n")
    # The time limit kills the heavy query's worker; the one started in its place reads the new code.
    assert ask(server, HEAVY).status_code == 503
    lines = server.wait_said("the code on disk is not the code this server runs")
    assert "restart the server" in lines[-1] and "1 query worker(s) running its code serve" in lines[-1]
    for _ in range(5):  # the worker that runs the server's code answers, and no other is started
        answer = ask(server, COUNT)
        assert answer.status_code == 200 and answer.json()["results"]["bindings"][0]["n"]["value"] == "300"
    assert len(query_workers(server)) == 1
    # Once it is gone too, every query is told what to do, at once, and no worker is started.
    os.kill(query_workers(server)[0], signal.SIGKILL)
    deadline = time.monotonic() + 10
    while query_workers(server) and time.monotonic() < deadline:
        time.sleep(0.05)
    for _ in range(2):
        answer = ask(server, COUNT)
        assert answer.status_code == 503, answer.text
        assert RESTART in answer.json()["error"] and "not the code this server runs" in answer.json()["error"]
    assert query_workers(server) == []
    assert server.proc.poll() is None


def post_tiny(server: Server) -> requests.Response:
    return requests.post(
        server.url + "/documents",
        params={"name": "aid.txt"},
        data=b"Japan delivered vaccines to Viet Nam on 3 May 2021.",
        headers={"Authorization": "Bearer " + "t" * 32, "Content-Type": "text/plain", "Accept": "application/json"},
        timeout=300,
    )


def test_upgrade_the_process_that_reads_posted_documents_is_not_used_on_other_code(server: Server, code: Path) -> None:
    # It starts at the first post: after an upgrade, it would read the documents with other code
    # than the server that writes what it sends back.
    upgrade(code, "\n# a later version\n", module="../extract/roles")
    for _ in range(2):  # the second is told at once: no process is started (and loaded) again
        resp = post_tiny(server)
        assert resp.status_code == 503, resp.text
        assert RESTART in resp.json()["error"] and "not the code this server runs" in resp.json()["error"]
    assert ask(server, COUNT).status_code == 200  # reads are not concerned
    assert [pid for pid in children(server.proc.pid) if process_name(pid) == "eg-extract"] == []


def test_upgrade_workers_that_cannot_start_are_tried_three_times_then_paused(server: Server, code: Path) -> None:
    # An upgrade that changed what the server sends its workers (here: the worker's entry point
    # fails on import) kills each new worker before its first word.
    assert ask(server, COUNT).status_code == 200
    upgrade(code, BROKEN)
    assert ask(server, HEAVY).status_code == 503
    lines = server.wait_said("3 query workers in a row could not start")
    assert "the next try is in 60 s; the 1 that run serve on" in lines[-1]
    assert sum("a query worker could not start (exit 1)" in line for line in lines) == 3
    assert "a later version that does not fit" in "".join(lines)  # the worker's own error, in the log
    assert ask(server, COUNT).status_code == 200  # the worker left still serves
    assert len(query_workers(server)) == 1


def test_upgrade_a_worker_in_the_pool_has_all_its_code_loaded(server: Server, code: Path) -> None:
    # A worker imported some modules at their first use (the planner, the syntax errors' reader):
    # one that had not used them yet ran the new code after an upgrade, unnoticed. Now a worker
    # imports everything before it says which code it runs.
    for module in ("plan", "syntax", "federation", "tokens"):
        upgrade(code, BROKEN, module)
    heavy = threading.Thread(target=ask, args=(server, HEAVY))  # holds one worker for its second
    heavy.start()
    time.sleep(0.2)
    answer = ask(server, COUNT)  # on the other worker, which had answered nothing yet
    assert answer.status_code == 200 and answer.json()["results"]["bindings"][0]["n"]["value"] == "300"
    wrong = ask(server, "SELECT * WHERE { ?s ?p }")
    assert wrong.status_code == 400 and "syntax" in wrong.json()["error"].lower(), wrong.text
    heavy.join()


@pytest.mark.parametrize("change", ["\n# a later version\n", BROKEN])
def test_upgrade_a_reading_process_is_not_started_again_on_other_code(tmp_path: Path, code: Path, change: str) -> None:
    # With --processes 2, a reading process that dies is started again: after an upgrade it would
    # serve other code beside the writing process on the same port, or fail to start five times.
    env = {"EVENTGRAPH_PROCESSES": "2", "PYTHONPATH": str(code)}
    server = Server(filled_store(tmp_path), "t" * 32, env=env, cwd=code)
    try:
        [reader] = readers(server)
        upgrade(code, change)
        os.kill(reader, signal.SIGKILL)
        server.wait_said("the code on disk is not the code this server runs (it was upgraded under it); not started")
        time.sleep(2.5)  # the writing process looks every second: nothing more is started
        assert readers(server) == []
        assert not any("starting another" in line for line in server.said)
        assert sum("not started again" in line for line in server.said) == 1
        for _ in range(5):  # the writing process answers on the port
            answer = ask(server, COUNT)
            assert answer.status_code == 200 and answer.json()["results"]["bindings"][0]["n"]["value"] == "300"
    finally:
        server.stop()


def test_upgrade_a_reading_process_that_finds_other_code_stops_at_once() -> None:
    # Started between the writing process's look at the disk and its own imports: status 3, nothing served.
    assert reader_main(["2", "127.0.0.1", "0", "0", "/nonexistent", "other code"]) == CODE_CHANGED
