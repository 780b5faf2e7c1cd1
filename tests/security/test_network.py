"""A process that has given up the network (:func:`service.limits.forbid_network`) cannot reach
a listener, however the engines are asked to, and one that may call the allowlist's endpoints
(:func:`service.limits.limit_connections`) reaches their ports only: each check runs in a fresh
process that limits itself, then tries what a SERVICE or a JSON-LD context that slipped past the
checks would do, while a TCP listener on 127.0.0.1 counts the connections it gets.
"""

from __future__ import annotations

import multiprocessing
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from service.limits import can_forbid_network, forbid_network, landlock_abi, limit_connections
from service.sparql.evaluator import endpoint_ports
from tests.security.test_isolation import Listener


@pytest.fixture
def listener() -> Iterator[Listener]:
    listening = Listener()
    yield listening
    listening.close()


def _sealed(attempt: str, port: int, store: str, out: Any) -> None:
    """In a child: seal, then try ``attempt``; report what happened as one line."""
    try:
        if attempt == "thread":  # seals by itself, once its thread runs
            out.put(_thread_started_before(port))
            return
        if attempt.startswith("ports "):  # a worker that may call the endpoints on these ports
            allowed = [int(p) for p in attempt.split()[1:]]
            limited = limit_connections(endpoint_ports(f"http://127.0.0.1:{p}/sparql" for p in allowed))
            out.put(f"limited={limited} {_connect(port, store)}; {_oxigraph(port, store)}")
            return
        sealed = forbid_network()
        outcome = ATTEMPTS[attempt](port, store)
        out.put(f"sealed={sealed} {outcome}")
    except BaseException as exc:  # the report is the test's evidence, whatever it is
        out.put(f"sealed=? raised {type(exc).__name__}: {exc}")


def _inet(port: int, store: str) -> str:
    found = []
    for family in (socket.AF_INET, socket.AF_INET6, socket.AF_PACKET, socket.AF_NETLINK):
        try:
            socket.socket(family, socket.SOCK_RAW if family == socket.AF_PACKET else socket.SOCK_STREAM).close()
            found.append(f"{family.name} opened")
        except OSError as exc:
            found.append(f"{family.name} errno {exc.errno}")
    return "; ".join(found)


def _unix(port: int, store: str) -> str:
    left, right = socket.socketpair()  # the worker's own pipes are Unix sockets: they still work
    left.sendall(b"ping")
    got = right.recv(4)
    left.close()
    right.close()
    return f"unix {got.decode()}"


def _connect(port: int, store: str) -> str:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError as exc:
        return f"connect errno {exc.errno}"
    return "connected"


def _oxigraph(port: int, store: str) -> str:
    from pyoxigraph import Store

    from service.sparql.results import Job, evaluate, write_result

    job = Job(
        text=f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        default_graphs=None,
        named_graphs=None,
        use_query_dataset=False,
        base_iri=None,
        select_format="json",
        graph_format="turtle",
        max_rows=10,
    )
    try:
        write_result(evaluate(Store.read_only(store), job), job, lambda head: None, lambda chunk: None)
    except OSError as exc:
        return f"pyoxigraph failed: {exc}"
    return "pyoxigraph answered"


def _rdflib(port: int, store: str) -> str:
    from rdflib import Graph

    try:
        list(Graph().query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"))
    except Exception as exc:  # rdflib wraps the socket's error in its own
        return f"rdflib failed: {type(exc).__name__}"
    return "rdflib answered"


def _json_ld(port: int, store: str) -> str:
    from service.sparql.graph_store import as_ntriples

    body = f'{{"@context": "http://127.0.0.1:{port}/context.jsonld", "@id": "urn:a", "name": "x"}}'.encode()
    try:
        return f"parsed {as_ntriples(body, 'application/ld+json', None, 1_000_000)!r}"
    except Exception as exc:  # refused or failed: either way, no call
        return f"json-ld failed: {type(exc).__name__}"


def _thread_started_before(port: int) -> str:
    """A thread that was running before the filter was set is bound by it too."""
    started, go, result = threading.Event(), threading.Event(), []

    def later() -> None:
        started.set()
        go.wait(10)
        result.append(_connect(port, ""))

    thread = threading.Thread(target=later)
    thread.start()
    started.wait(10)
    sealed = forbid_network()
    go.set()
    thread.join(10)
    return f"sealed={sealed} thread {result[0]}"


ATTEMPTS: dict[str, Callable[[int, str], str]] = {
    "inet": _inet,
    "unix": _unix,
    "connect": _connect,
    "oxigraph": _oxigraph,
    "rdflib": _rdflib,
    "json-ld": _json_ld,
}


def run_sealed(attempt: str, port: int, store: Path) -> str:
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    child = context.Process(target=_sealed, args=(attempt, port, str(store), out))
    child.start()
    report = out.get(timeout=60)
    child.join(30)
    return report


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pyoxigraph import Store

    location = tmp_path_factory.mktemp("sealed") / "store"
    Store(str(location)).flush()
    return location


def test_network_libseccomp_is_found_here() -> None:
    # The project depends on it (pyseccomp, over Debian's libseccomp2): a machine without it runs
    # unsealed workers and logs a warning, which CI must never do silently.
    assert can_forbid_network()


def test_network_no_socket_but_a_unix_one_can_be_opened(listener: Listener, store: Path) -> None:
    report = run_sealed("inet", listener.port, store)
    assert report == ("sealed=True AF_INET errno 13; AF_INET6 errno 13; AF_PACKET errno 13; AF_NETLINK errno 13"), (
        report
    )
    assert run_sealed("unix", listener.port, store) == "sealed=True unix ping"


# json-ld: as_ntriples refuses remote contexts before any call, sealed or not; kept so that a
# change there is still caught here.
@pytest.mark.parametrize("attempt", ["connect", "oxigraph", "rdflib", "json-ld"])
def test_network_a_sealed_process_never_reaches_the_listener(listener: Listener, store: Path, attempt: str) -> None:
    report = run_sealed(attempt, listener.port, store)
    time.sleep(0.3)
    assert listener.connections == 0, report
    assert report.startswith("sealed=True ") and "answered" not in report and "connected" not in report, report


def test_network_the_threads_a_process_already_has_are_sealed_with_it(listener: Listener, store: Path) -> None:
    report = run_sealed("thread", listener.port, store)
    time.sleep(0.3)
    assert listener.connections == 0, report
    assert report == "sealed=True thread connect errno 13", report


def test_network_a_worker_that_may_call_out_reaches_only_the_allowlists_ports(store: Path) -> None:
    # The workers that run allowed SERVICE calls keep the network, but only towards the ports of the
    # allowlist's endpoints (Landlock): whatever gets past the check cannot reach another port.
    assert landlock_abi() >= 4  # Linux 6.7 and later; CI must never pass without it
    assert endpoint_ports(["https://query.wikidata.org/sparql", "http://h:8890/sparql", "http://h/x"]) == [
        53,
        443,
        8890,
        80,
    ]
    allowed, other = Listener(), Listener()
    try:
        refused = run_sealed(f"ports {allowed.port}", other.port, store)
        reached = run_sealed(f"ports {allowed.port}", allowed.port, store)
        time.sleep(0.3)
        assert other.connections == 0, refused
        assert refused.startswith("limited=True connect errno 13; pyoxigraph failed"), refused
        assert allowed.connections == 2, reached  # the socket's connect, then pyoxigraph's SERVICE call
        assert reached.startswith("limited=True connected; "), reached
    finally:
        allowed.close()
        other.close()
