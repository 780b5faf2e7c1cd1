"""``eventgraph serve --processes N`` as real processes: every process answers on the port, a write
through any of them is seen by all, a reading process that dies is replaced, and none outlives the
server however it ends."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests

from service.web.processes import RUN_PREFIX
from tests.reliability.conftest import SEED, Server, child_env

TOKEN = "processes-test-token"
EVENTS = "SELECT (COUNT(*) AS ?n) WHERE { ?e a <http://semanticweb.cs.vu.nl/2009/11/sem/Event> }"


def children(pid: int) -> list[int]:
    """The child processes of ``pid``, whichever of its threads started them."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def readers(server: Server) -> list[int]:
    """The reading processes (children of the server running ``service.web.processes.reader_main``)."""
    out = []
    for child in children(server.proc.pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(b"import reader_main" in arg for arg in command):
            out.append(int(child))
    return sorted(out)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(check, seconds: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def owner_of_connections(pids: list[int], server_port: int, client_ports: set[int]) -> dict[int, int]:
    """How many of the connections from ``client_ports`` each process in ``pids`` holds."""
    inodes: dict[str, int] = {}
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes[target[8:-1]] = pid
    counts = dict.fromkeys(pids, 0)
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            if local_port == server_port and remote_port in client_ports and fields[9] in inodes:
                counts[inodes[fields[9]]] += 1
    return counts


def count_events(conn: http.client.HTTPConnection) -> tuple[int, str]:
    """The number of events, and the answer's entity tag, asked on ``conn`` (kept alive)."""
    conn.request("GET", "/sparql?" + urlencode({"query": EVENTS}), headers={"Accept": "text/csv"})
    answer = conn.getresponse()
    body = answer.read().decode()
    assert answer.status == 200, body
    return int(body.splitlines()[1]), answer.getheader("ETag") or ""


def connections(server: Server, count: int) -> list[http.client.HTTPConnection]:
    out = []
    for _ in range(count):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        conn.connect()
        out.append(conn)
    return out


@pytest.fixture
def served(tmp_path: Path):  # type: ignore[no-untyped-def]
    server = Server(tmp_path / "store", TOKEN, env={"EVENTGRAPH_PROCESSES": "3", "EVENTGRAPH_THREADS": "2"})
    try:
        assert wait_for(lambda: len(readers(server)) == 2), "the two reading processes did not start"
        yield server
    finally:
        server.stop()


def test_processes_every_process_answers_and_sees_every_write(served: Server) -> None:
    kept = connections(served, 18)  # each kept alive, held by whichever process accepted it
    try:
        before = {count_events(c) for c in kept}
        assert len(before) == 1 and next(iter(before))[0] == 0
        pids = [served.proc.pid, *readers(served)]
        held = owner_of_connections(pids, served.port, {c.sock.getsockname()[1] for c in kept})
        assert sum(held.values()) == len(kept), held
        assert sum(held[pid] for pid in pids[1:]) > 0, f"no reading process took a connection: {held}"

        # A write through the port (whichever process takes it), without the token and with it.
        with SEED.open("rb") as fh:
            anonymous = requests.post(served.url + "/documents", files={"file": fh}, timeout=120)
        assert anonymous.status_code in (401, 403)
        with SEED.open("rb") as fh:
            posted = requests.post(
                served.url + "/documents",
                files={"file": (SEED.name, fh, "text/plain")},
                headers={"Authorization": f"Bearer {TOKEN}"},
                timeout=300,
            )
        assert posted.status_code == 201, posted.text

        after = {count_events(c) for c in kept}  # asked on every kept connection: of every process
        assert len(after) == 1, after  # the same count and the same entity tag everywhere
        (events, tag), (_, old_tag) = next(iter(after)), next(iter(before))
        assert events > 0 and tag != old_tag
        # A query by POST is answered where it arrives, as by GET; an update by POST and the Graph
        # Store are passed to the writing process and answered there.
        graph = requests.get(
            served.url + "/sparql",
            params={"query": "SELECT ?g WHERE { GRAPH ?g { ?s a ?t } } LIMIT 1"},
            headers={"Accept": "text/csv"},
            timeout=60,
        ).text.splitlines()[1]
        for conn in kept[:6]:
            form = {"Accept": "text/csv", "Content-Type": "application/x-www-form-urlencoded"}
            conn.request("POST", "/sparql", body=urlencode({"query": EVENTS}), headers=form)
            answer = conn.getresponse()
            assert answer.status == 200 and int(answer.read().decode().splitlines()[1]) == events
            direct = {"Accept": "text/csv", "Content-Type": "application/sparql-query"}
            conn.request("POST", "/sparql", body=EVENTS.encode(), headers=direct)
            answer = conn.getresponse()
            assert answer.status == 200 and int(answer.read().decode().splitlines()[1]) == events
            update = urlencode({"update": "INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }"})
            conn.request("POST", "/sparql", body=update, headers={**form, "Authorization": f"Bearer {TOKEN}"})
            written = conn.getresponse()
            assert written.status == 204, written.read()
            written.read()
            conn.request("GET", "/graph-store?" + urlencode({"graph": graph}))
            dump = conn.getresponse()
            assert dump.status == 200 and dump.read().count(b"\n") > 10
    finally:
        for conn in kept:
            conn.close()


def run_folder(reader: int) -> Path:
    """The run's folder, an argument of a reading process."""
    arguments = Path(f"/proc/{reader}/cmdline").read_bytes().decode().split("\0")
    return Path(next(a for a in arguments if Path(a).name.startswith(RUN_PREFIX)))


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGHUP])
def test_processes_a_reading_process_that_dies_is_replaced(served: Server, how: signal.Signals) -> None:
    first = readers(served)
    folder = run_folder(first[0])
    os.kill(first[0], how)  # SIGHUP as if its parent had died: it had not, so the run's folder stays
    assert wait_for(lambda: len(readers(served)) == 2 and first[0] not in readers(served))
    assert wait_for(lambda: not alive(first[0]))
    for conn in connections(served, 10):
        assert count_events(conn)[0] == 0
        conn.close()
    assert (folder / "generation").exists() and (folder / "writer.sock").exists()


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_processes_none_outlives_the_server(tmp_path: Path, how: signal.Signals) -> None:
    server = Server(tmp_path / "store", TOKEN, env={"EVENTGRAPH_PROCESSES": "2", "EVENTGRAPH_THREADS": "2"})
    try:
        assert wait_for(lambda: len(readers(server)) == 1)
        (reader,) = readers(server)
        folder = run_folder(reader)
        assert (folder / "generation").exists()
        workers = children(reader)
        assert workers, "the reading process has no query workers"
        server.proc.send_signal(how)
        server.proc.wait(timeout=60)
        assert wait_for(lambda: not any(alive(p) for p in [reader, *workers])), "a process outlived the server"
        assert wait_for(lambda: not folder.exists()), "the run's folder was left behind"
    finally:
        server.stop()


def test_processes_a_run_killed_all_at_once_leaves_a_folder_the_next_run_removes(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"  # this test's own temporary directory: the runs' folders go there
    temp.mkdir()
    env = {"EVENTGRAPH_PROCESSES": "2", "EVENTGRAPH_THREADS": "2", "TMPDIR": str(temp)}
    server = Server(tmp_path / "store", TOKEN, env=env)
    try:
        assert wait_for(lambda: len(readers(server)) == 1)
        (reader,) = readers(server)
        folder = run_folder(reader)
        assert folder.parent == temp and (folder / "owner").exists()
        # Every process of the run SIGKILLed at once (as a kill of the process group, or the OOM
        # killer, does): the reading process first, so that none is left to remove the folder.
        doomed = [*children(reader), reader, server.proc.pid, *children(server.proc.pid)]
        for pid in doomed:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        server.proc.wait(timeout=60)
        assert wait_for(lambda: not any(alive(p) for p in doomed))
        assert folder.exists(), "nobody was left to remove it"
    finally:
        server.stop()
    again = Server(tmp_path / "store", TOKEN, env=env)
    try:
        assert wait_for(lambda: len(readers(again)) == 1)
        assert not folder.exists(), "the next run did not remove the folder the killed one left"
        (now,) = readers(again)
        assert run_folder(now).exists() and run_folder(now) != folder
        said = again.wait_said("serving")
        assert any("removed 1 run folder" in line and str(folder) in line for line in said), said
    finally:
        again.stop()
    assert list(temp.iterdir()) == []  # and the second run, stopped, left nothing


@pytest.mark.parametrize(
    ("store", "processes", "said"),
    [
        ("http://127.0.0.1:9/sparql", "2", "needs an embedded on-disk store"),
        (":memory:", "3", "needs an embedded on-disk store"),
        (None, "0", "give 1 or more"),
    ],
)
def test_processes_refused_where_they_cannot_share_the_store(
    tmp_path: Path, store: str | None, processes: str, said: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "service", "serve", "--store", store or str(tmp_path / "s"), "--processes", processes],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and said in lines[0], done.stderr


@pytest.mark.parametrize("processes", ["1", "2"])
def test_processes_a_second_server_on_the_port_is_refused(served: Server, tmp_path: Path, processes: str) -> None:
    """Each process listens with SO_REUSEPORT; the port is still taken for anyone else, a second
    several-process server included (it asks for the port with a plain socket first)."""
    done = subprocess.run(
        [sys.executable, "-m", "service", "serve", "--store", str(tmp_path / "other"), "--port", str(served.port),
         "--processes", processes],
        env=child_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "already in use" in lines[0], done.stderr
    (conn,) = connections(served, 1)
    assert count_events(conn)[0] == 0  # and the first one still answers
    conn.close()


def test_processes_requests_that_wait_for_a_thread_are_not_logged(tmp_path: Path) -> None:
    """Requests wait for one of the few threads by design; waitress's "Task queue depth" warning on
    each of them would flood stderr under load (and cost the server's time), in either process."""
    server = Server(tmp_path / "store", TOKEN, env={"EVENTGRAPH_PROCESSES": "2", "EVENTGRAPH_THREADS": "1"})
    kept: list[http.client.HTTPConnection] = []
    try:
        assert wait_for(lambda: len(readers(server)) == 1), "the reading process did not start"
        kept = connections(server, 32)
        for _ in range(5):  # thirty-two requests at once on one thread per process: most of them wait
            for conn in kept:
                conn.request("GET", "/sparql?" + urlencode({"query": EVENTS}), headers={"Accept": "text/csv"})
            for conn in kept:
                answer = conn.getresponse()
                assert answer.status == 200 and answer.read().splitlines()[1] == b"0"
        pids = [server.proc.pid, *readers(server)]  # every connection is accepted by now: count them
        held = owner_of_connections(pids, server.port, {c.sock.getsockname()[1] for c in kept})
        assert sum(held.values()) == len(kept) and all(held[pid] > 1 for pid in pids), held
        for conn in kept:
            conn.close()
        server.proc.terminate()
        logged = server.log_to_end()  # to its end: every process of the run has stopped
    finally:
        for conn in kept:
            conn.close()
        server.stop()
    assert "serving" in logged and "Task queue depth" not in logged, logged


def descendants(pid: int) -> list[int]:
    out = []
    for child in children(pid):
        out += [child, *descendants(child)]
    return out


def test_processes_no_child_of_the_server_holds_a_secret(tmp_path: Path) -> None:
    """The token and a store's password come from the environment, which every process the server
    starts inherits — its query workers parse hostile text, its reading processes anonymous
    requests: the server removes them from its environment before it starts any of them."""
    password = "processes-test-store-password"
    server = Server(
        tmp_path / "store",
        TOKEN,
        env={"EVENTGRAPH_PROCESSES": "2", "EVENTGRAPH_THREADS": "2", "EVENTGRAPH_STORE_PASSWORD": password},
    )
    try:
        assert wait_for(lambda: len(readers(server)) == 1), "the reading process did not start"
        found = {}
        for _ in range(4):  # queries on new connections, so both processes' workers have started
            answer = requests.get(server.url + "/sparql", params={"query": EVENTS}, timeout=60)
            assert answer.status_code == 200
        every = descendants(server.proc.pid)
        reader = readers(server)[0]
        assert len(every) >= 3 and reader in every and descendants(reader), every  # workers of both
        for pid in every:
            environment = Path(f"/proc/{pid}/environ").read_bytes()
            found[pid] = [secret for secret in (TOKEN, password) if secret.encode() in environment]
        assert not any(found.values()), found
        # The token is still the server's: an update with it is applied, whichever process takes it.
        for number in range(4):
            update = requests.post(
                server.url + "/sparql",
                data={"update": f"INSERT DATA {{ <urn:x:{number}> <urn:x:p> {number} }}"},
                headers={"Authorization": f"Bearer {TOKEN}", "Connection": "close"},
                timeout=60,
            )
            assert update.status_code == 204, update.text
    finally:
        server.stop()
