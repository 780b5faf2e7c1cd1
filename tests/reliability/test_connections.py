"""What a client can hold of a real server: idle or trickling connections cannot shut others out, and
a body over the limit is refused when its length is read, not after it has been spooled."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
import requests

from tests.reliability.conftest import Server

TOKEN = "connections-test-token"


@pytest.fixture(params=["1", "2"], ids=["one-process", "two-processes"])
def served(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    server = Server(tmp_path / "store", TOKEN, env={"EVENTGRAPH_PROCESSES": request.param, "EVENTGRAPH_THREADS": "2"})
    yield server
    server.stop()


def test_connections_idle_and_trickling_ones_leave_room_for_others(served: Server) -> None:
    """Reported: 100 silent connections (waitress's own limit) made a process unreachable, and one
    header byte a minute kept them past the idle timeout."""
    held = []
    try:
        for number in range(300):
            sock = socket.create_connection(("127.0.0.1", served.port), timeout=10)
            if number % 2:
                sock.sendall(b"GET /api/stats HTTP/1.1\r\nHost: x\r\n")  # headers never finished
            held.append(sock)
        started = time.monotonic()
        for _ in range(6):  # new connections, spread by the kernel over the processes
            answer = requests.get(served.url + "/api/stats", headers={"Connection": "close"}, timeout=10)
            assert answer.status_code == 200
        assert time.monotonic() - started < 30
    finally:
        for sock in held:
            sock.close()


def test_connections_a_body_over_the_limit_is_refused_before_it_is_sent(served: Server) -> None:
    """Reported: a 900 MB Content-Length was read (and spooled) until waitress's own 1 GiB limit."""
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 900000000\r\n\r\n"
        )
        sock.settimeout(10)
        parts = []
        while chunk := sock.recv(4096):  # no byte of the body sent; the answer ends with the connection
            parts.append(chunk)
        answer = b"".join(parts).decode("latin-1")
    assert answer.startswith("HTTP/1.1 413"), answer
    assert "10000000" in answer  # the limit, in bytes
