"""The worker pool: queries in processes, stopped at the time limit (the process is killed and
replaced) while other queries go on; workers see writes after an invalidation."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from service.config import Settings
from service.errors import EventgraphError, QueryError, QueryTimeout
from service.sparql import evaluator
from service.sparql.evaluator import (
    InProcess,
    QueryRequest,
    QueryStopped,
    WorkerPool,
    WorkersUnavailable,
    open_evaluator,
)
from service.sparql.federation import FederationRefused
from service.sparql.protocol import Operation
from service.sparql.results import Job
from service.store import Store, open_store
from tests.hostile import answers_with_a_gadget
from tests.sparql.failing_starts import dies_at_first, hangs_at_start

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def job(text: str) -> Job:
    return Job(text, None, None, False, None, "json", "turtle", 1000)


def number(pool: WorkerPool | InProcess, text: str, timeout: float = 30) -> int:
    stream = pool.run(job(text), timeout)
    data = b"".join(stream.chunks)
    return int(json.loads(data)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture
def disk_store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(str(tmp_path / "store"))
    g = NamedNode("http://ex/g")
    store.bulk_add(Quad(NamedNode(f"http://ex/{i}"), NamedNode("http://ex/p"), Literal(i), g) for i in range(300))
    yield store
    store.close()


@pytest.fixture
def pool(disk_store: Store) -> Iterator[WorkerPool]:
    pool = WorkerPool(disk_store.location, 2)
    yield pool
    pool.close()


def test_evaluator_runs_queries_in_worker_processes(pool: WorkerPool) -> None:
    assert number(pool, COUNT) == 300
    assert len(pool.pids()) == 2
    assert os.getpid() not in pool.pids()


def test_evaluator_stops_a_heavy_query_while_a_light_one_is_answered(pool: WorkerPool) -> None:
    pool.start()
    before = set(pool.pids())
    outcome: list[BaseException] = []

    def heavy() -> None:
        try:
            number(pool, HEAVY, timeout=2)
        except QueryTimeout as exc:
            outcome.append(exc)

    thread = threading.Thread(target=heavy)
    thread.start()
    assert number(pool, COUNT, timeout=30) == 300  # answered by the other worker meanwhile
    thread.join(60)
    assert len(outcome) == 1 and "--query-timeout" in str(outcome[0]) and "EVENTGRAPH_QUERY_TIMEOUT" in str(outcome[0])
    killed = before - set(pool.pids())
    assert len(killed) == 1
    with pytest.raises(ProcessLookupError):
        os.kill(killed.pop(), 0)  # really gone: its CPU is free
    for _ in range(600):  # the replacement starts beside the requests
        if len(pool.pids()) == 2:
            break
        time.sleep(0.05)
    assert len(pool.pids()) == 2
    assert number(pool, COUNT) == 300


def test_evaluator_workers_see_writes_after_invalidate(pool: WorkerPool, disk_store: Store) -> None:
    assert number(pool, COUNT) == 300
    disk_store.update("INSERT DATA { GRAPH <http://ex/h> { <http://ex/new> <http://ex/p> 1 } }")
    pool.invalidate()
    assert number(pool, COUNT) == 301
    assert number(pool, COUNT) == 301  # both workers reopen


def test_evaluator_reports_syntax_errors_with_the_position(pool: WorkerPool) -> None:
    with pytest.raises(QueryError, match="line 1, column"):
        pool.run(job("SELECT * WHERE { ?s ?p }"), 30)
    assert number(pool, COUNT) == 300  # the worker is still usable


def test_evaluator_in_memory_store_runs_in_process() -> None:
    store = open_store(":memory:")
    store.update("INSERT DATA { <http://a> <http://b> <http://c> }")
    evaluator = open_evaluator(store, 2)
    assert isinstance(evaluator, InProcess)
    assert number(evaluator, COUNT) == 1


def test_evaluator_grows_within_its_cap_and_shrinks_back(disk_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # Two heavy queries on a pool of two: without more workers the light query would wait for one
    # of them to be stopped at the limit and be stopped itself first. The pool grows for it, never
    # past its cap, and the extra worker stops once it is done.
    monkeypatch.setattr(evaluator, "RETIRE_AFTER", 0.5)  # an extra worker idle this long is stopped
    monkeypatch.setattr(evaluator, "REAP_EVERY", 0.1)
    pool = WorkerPool(disk_store.location, 2, cap=3)
    try:
        pool.start()
        stopped: list[BaseException] = []
        most: list[int] = []

        def heavy() -> None:
            try:
                number(pool, HEAVY, timeout=4)
            except QueryTimeout as exc:
                stopped.append(exc)

        def run(count: int) -> list[threading.Thread]:
            threads = [threading.Thread(target=heavy) for _ in range(count)]
            for t in threads:
                t.start()
            return threads

        first = run(2)
        while len(pool.pids()) < 2 or pool._idle.qsize():  # both workers taken
            time.sleep(0.01)
        assert number(pool, COUNT, timeout=3.5) == 300  # answered by a worker started for it
        more = run(4)  # more heavy queries than the cap: they wait, the pool does not pass it
        while any(t.is_alive() for t in first + more):
            most.append(len(pool.pids()))
            time.sleep(0.05)
        assert max(most) <= 3
        assert len(stopped) == 6
        deadline = time.monotonic() + 10
        while len(pool.pids()) != 2 and time.monotonic() < deadline:  # extras retired, the killed replaced
            time.sleep(0.05)  # (a replacement joins once it has imported)
        assert number(pool, COUNT) == 300 and len(pool.pids()) == 2  # back to its size
    finally:
        pool.close()


def test_evaluator_pauses_starts_that_keep_failing_then_tries_again(
    disk_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Workers that die before their first word (a broken install, no memory): three in a row, then
    # no start for START_PAUSE seconds, during which a query is told so at once; then the pool
    # starts again by itself and serves.
    monkeypatch.setattr(evaluator, "START_PAUSE", 2.0)
    monkeypatch.setattr(evaluator, "REAP_EVERY", 0.1)
    starts = tmp_path / "starts"
    monkeypatch.setenv("EG_TEST_STARTS", str(starts))
    monkeypatch.setenv("EG_TEST_FAILING_STARTS", "3")
    pool = WorkerPool(disk_store.location, 1)
    pool._target = dies_at_first
    try:
        pool.start()
        deadline = time.monotonic() + 60
        while pool._paused_until < time.monotonic() and time.monotonic() < deadline:  # three failed starts
            time.sleep(0.02)
        with pytest.raises(
            WorkersUnavailable, match=r"no query worker could start \(3 in a row.*the next try is in"
        ) as paused:
            number(pool, COUNT, timeout=5)
        assert paused.value.retry_after in (1, 2)  # the seconds left of the pause, for Retry-After
        assert len(starts.read_text()) == 3  # none started during the pause
        while pool._paused_until > time.monotonic():
            time.sleep(0.05)
        assert number(pool, COUNT, timeout=30) == 300  # a start after the pause serves
        assert len(starts.read_text()) >= 4 and pool.outdated is None
    finally:
        pool.close()


def test_evaluator_close_stops_a_worker_still_starting(disk_store: Store) -> None:
    # A worker joins the pool once it has said which code it runs; close() must not leave one that
    # has not yet (stuck in its imports) running, nor its start waiting for START_TIMEOUT.
    pool = WorkerPool(disk_store.location, 1)
    pool._target = hangs_at_start
    starting = threading.Thread(target=pool.start)
    starting.start()
    deadline = time.monotonic() + 30
    while not pool._greeting and time.monotonic() < deadline:
        time.sleep(0.02)
    [worker] = list(pool._greeting)
    pool.close()
    starting.join(30)
    assert not starting.is_alive() and not worker.process.is_alive()
    assert pool._failed_starts == 0  # stopped by close(), not a failed start


def test_evaluator_counts_a_start_that_cannot_fork(disk_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # No process or pipe to be had (EAGAIN, EMFILE): counted as failed starts, then the pause, not a
    # traceback every few seconds and queries told "all 0 query workers stayed busy".
    monkeypatch.setattr(evaluator, "REAP_EVERY", 0.05)

    def no_process(*_: object) -> None:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(evaluator, "_Worker", no_process)
    pool = WorkerPool(disk_store.location, 1)
    try:
        pool.start()
        deadline = time.monotonic() + 30
        while pool._paused_until < time.monotonic() and time.monotonic() < deadline:
            time.sleep(0.02)
        with pytest.raises(WorkersUnavailable, match="no query worker could start"):
            number(pool, COUNT, timeout=5)
    finally:
        pool.close()


def test_evaluator_answers_lookups_in_a_worker_too(disk_store: Store) -> None:
    pool = WorkerPool(disk_store.location, 2)
    try:
        lookup = Job("SELECT ?o WHERE { <http://ex/7> ?p ?o }", None, None, False, None, "json", "turtle", 1000)
        body = json.loads(b"".join(pool.run(lookup, 5).chunks))
        assert [b["o"]["value"] for b in body["results"]["bindings"]] == ["7"]
        assert len(pool.pids()) == 2 and os.getpid() not in pool.pids()
    finally:
        pool.close()


def test_evaluator_stops_a_query_past_its_memory_limit_and_replaces_the_worker(disk_store: Store) -> None:
    # A string that doubles 27 times (~4 GiB) is past a 256 MiB limit long before the time limit.
    bomb = (
        'SELECT (STRLEN(?x27) AS ?n) WHERE { BIND("0123456789abcdef" AS ?x0) '
        + " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(27))
        + " }"
    )
    pool = WorkerPool(disk_store.location, 2, memory_mb=256)
    try:
        pool.start()
        with pytest.raises(QueryStopped, match="EVENTGRAPH_QUERY_MEMORY_MB"):
            pool.run(job(bomb), 30)
        assert number(pool, COUNT) == 300  # the pool still answers
        deadline = time.monotonic() + 10
        while len(pool.pids()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(pool.pids()) == 2
    finally:
        pool.close()


def test_evaluator_sends_a_small_answer_as_one_frame_and_streams_a_large_one(
    pool: WorkerPool, disk_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool.start()  # each worker's first frame, which names its code, is read as it starts: not counted here
    frames: list[bytes] = []
    receive = evaluator._Worker.receive

    def counted(self: evaluator._Worker, deadline: float) -> bytes | None:
        frame = receive(self, deadline)
        frames.append((frame or b"")[:1])
        return frame

    monkeypatch.setattr(evaluator._Worker, "receive", counted)
    small = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    large = "SELECT ?s ?o ?t WHERE { ?s ?p ?o . ?t ?p ?u } ORDER BY ?s ?t LIMIT 6000"
    for text, whole in ((small, True), (large, False)):
        frames.clear()
        stream = pool.run(Job(text, None, None, False, None, "json", "turtle", 10_000), 30)
        data = b"".join(stream.chunks)
        expected = disk_store.query(text)
        rows = json.loads(data)["results"]["bindings"]
        assert len(rows) == len(list(expected))  # type: ignore[arg-type]  # a SELECT: QuerySolutions
        assert stream.length == len(data)
        if whole:
            assert frames == [b"W"] and len(data) <= evaluator.WHOLE_MAX
        else:
            assert len(data) > evaluator.WHOLE_MAX
            assert frames[0] == b"H" and frames[-1] == b"F" and set(frames[1:-1]) == {b"C"}


def test_worker_count_shares_the_cores_among_server_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    from service.sparql.evaluator import worker_count

    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert [worker_count(8), worker_count(8, 2), worker_count(8, 3)] == [2, 1, 1]
    monkeypatch.setattr("os.cpu_count", lambda: 16)
    assert [worker_count(8), worker_count(8, 2), worker_count(8, 4), worker_count(3, 2)] == [8, 8, 4, 3]


class BrokenEndpoint:
    """A SPARQL endpoint on 127.0.0.1 that answers every request with broken JSON, and counts them."""

    def __init__(self) -> None:
        import socket

        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.requests = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                self.requests += 1
                body = b"{broken"
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                    + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                    + body
                )


def test_evaluator_a_failed_service_call_is_made_once(disk_store: Store) -> None:
    """A failed SERVICE call raises what a failed read does; a read is tried again after a reopen, a
    call out is not (reported: 8 calls to the endpoint for each failing query)."""
    endpoint = BrokenEndpoint()
    url = f"http://127.0.0.1:{endpoint.port}/sparql"
    pool = WorkerPool(disk_store.location, 2, service_allow=(url,))
    try:
        settings = Settings(store=":memory:", service_allow=(url,))
        request = QueryRequest(
            Operation("query", f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"), None, settings, None
        )
        with pytest.raises(EventgraphError):
            pool.query(request, 30)
        assert endpoint.requests == 1
        assert number(pool, COUNT) == 300  # the worker answers the next query
    finally:
        pool.close()
        endpoint.sock.close()


@pytest.mark.parametrize("pool_allows", [False, True])
def test_evaluator_only_the_pools_own_allowlist_lets_a_query_call_out(disk_store: Store, pool_allows: bool) -> None:
    """The allowlist that counts is the one the pool was built with: a request whose settings allow
    an endpoint the pool does not is refused where it would run, and the endpoint sees nothing."""
    endpoint = BrokenEndpoint()
    url = f"http://127.0.0.1:{endpoint.port}/sparql"
    pool = WorkerPool(
        disk_store.location, 1, service_allow=("https://query.wikidata.org/sparql",) if pool_allows else ()
    )
    try:
        settings = Settings(store=":memory:", service_allow=(url,))
        request = QueryRequest(
            Operation("query", f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"), None, settings, None
        )
        with pytest.raises(FederationRefused, match="calls no SERVICE endpoint" if not pool_allows else "not allowed"):
            pool.query(request, 30)
        assert endpoint.requests == 0
        assert number(pool, COUNT) == 300
    finally:
        pool.close()
        endpoint.sock.close()


def test_evaluator_a_worker_that_may_call_out_checks_a_handed_job_again() -> None:
    """The job a sealed worker hands over is read again where it runs, as if nothing before had
    checked it (a forged job, or a planner that erred): the names, then the allowlist."""
    from service.sparql.evaluator import _checked

    allowed = "https://query.wikidata.org/sparql"

    def job(text: str) -> Job:
        return Job(text, None, None, False, None, "json", "turtle", 10, calls_out=True)

    cut_back = f"PREFIX x: <http://127.0.0.1:1> SELECT * {{ SERVICE <{allowed}> {{}} ?s ?p x:SERVICE:y {{}} }}"
    with pytest.raises(QueryError, match="does not make a valid IRI"):
        _checked(job(cut_back), (allowed,))
    with pytest.raises(FederationRefused, match="not allowed"):
        _checked(job("SELECT * { SERVICE <http://127.0.0.1:9/x> {} }"), (allowed,))
    fine = job(f"SELECT * {{ SERVICE <{allowed}> {{ ?s ?p ?o }} }}")
    assert _checked(fine, (allowed,)) is fine


@pytest.mark.parametrize(
    ("frame", "payload"),
    [("W", "gadget"), ("H", "gadget"), ("E", "gadget"), ("W", "bomb"), ("H", "bomb"), ("E", "status")],
)
def test_evaluator_a_worker_answer_that_names_a_function_or_is_not_an_answer_is_never_used(
    disk_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, frame: str, payload: str
) -> None:
    # A worker taken over by crafted input (a memory bug in a parser) could answer a pickle that
    # reaches eval through a class's __init__ (plain pickle.loads in the server would run it), a head
    # whose media type is a list that doubles 40 times (a few hundred bytes; days to turn into
    # text), or an error that says it is a 200. The pool reads only Job and Head, of exactly their
    # fields' types, and errors of our own classes with a message.
    marker = tmp_path / "ran"
    monkeypatch.setenv("EG_TEST_FRAME", frame)
    monkeypatch.setenv("EG_TEST_PAYLOAD", payload)
    monkeypatch.setenv("EG_TEST_MARKER", str(marker))
    pool = WorkerPool(disk_store.location, 1)
    pool._target = answers_with_a_gadget
    try:
        with pytest.raises(QueryStopped, match="answer could not be read; it was replaced"):
            number(pool, COUNT)
        assert not marker.exists()
    finally:
        pool.close()


def test_evaluator_a_workers_errors_are_our_classes_found_once_never_a_module_it_names() -> None:
    # A worker's refusal may be of a class the server had not loaded (FederationRefused, TooLarge):
    # their modules are imported once. A name a worker sends is never imported (service.__main__
    # runs the command line when imported).
    from service.sparql.graph_store import TooLarge

    allowed = evaluator._error_classes()
    assert allowed[("service.sparql.federation", "FederationRefused")] is FederationRefused
    assert allowed[("service.sparql.graph_store", "TooLarge")] is TooLarge
    for key in (("service.sparql.results", "Head"), ("service.__main__", "cli"), ("os", "system")):
        assert key not in allowed
