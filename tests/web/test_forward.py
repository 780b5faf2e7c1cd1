"""The forwarding of a reading server process (``serve --processes N``), over real sockets: waitress
serves the middleware on 127.0.0.1 and a stand-in writing process on a Unix socket, and every
request is sent by http.client. Also the shared generation the processes of one run read."""

from __future__ import annotations

import http.client
import io
import json
import os
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from waitress import wasyncore
from waitress.server import create_server

from service.sparql.generation import SharedGeneration
from service.web.forward import Forward, forwarded


def _echo(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The writing process's stand-in: says what it received."""
    body = environ["wsgi.input"].read()
    headers = {k[5:]: v for k, v in environ.items() if k.startswith("HTTP_")}
    said = {
        "method": environ["REQUEST_METHOD"],
        "target": environ.get("REQUEST_URI"),
        "headers": headers,
        "type": environ.get("CONTENT_TYPE"),
        "size": len(body),
        "tail": body[-20:].decode("latin-1"),
    }
    start_response("201 Created", [("Content-Type", "application/json"), ("X-Answered-By", "writer")])
    return [json.dumps(said).encode()]


def _local(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"local"]


class _Served:
    def __init__(self, app: Any, **where: Any) -> None:
        self.server = create_server(app, threads=2, **where)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))
        self.thread.join(10)
        self.server.task_dispatcher.shutdown()


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    path = tmp_path / "writer.sock"
    writer = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    writer.bind(str(path))
    writes = _Served(_echo, sockets=[writer])
    reads = _Served(Forward(_local, str(path), timeout=30), host="127.0.0.1", port=0)
    try:
        yield reads.server.effective_port, path
    finally:
        reads.stop()
        writes.stop()


def _ask(port: int, method: str, target: str, body: Any = None, headers: dict[str, str] | None = None, **kw: Any):  # type: ignore[no-untyped-def]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, target, body=body, headers=headers or {}, **kw)
    answer = conn.getresponse()
    data = answer.read()
    conn.close()
    return answer, data


def test_forward_reads_stay_local(pair: tuple[int, Path]) -> None:
    port, _ = pair
    answer, data = _ask(port, "GET", "/api/events?q=masks")
    assert answer.status == 200 and data == b"local"
    answer, data = _ask(port, "HEAD", "/sparql?query=ASK%7B%7D")
    assert answer.status == 200


def test_forward_writes_go_whole_to_the_writer(pair: tuple[int, Path]) -> None:
    port, _ = pair
    body = b"x" * 3_000_000 + b"the end of the body"
    answer, data = _ask(
        port,
        "POST",
        "/documents?name=r%C3%A9sum%C3%A9.txt",
        body=body,
        headers={"Authorization": "Bearer t0k", "Content-Type": "text/plain", "Host": "example.org:8000"},
    )
    said = json.loads(data)
    assert answer.status == 201 and answer.getheader("X-Answered-By") == "writer"
    assert said["method"] == "POST" and said["target"] == "/documents?name=r%C3%A9sum%C3%A9.txt"
    assert said["headers"]["AUTHORIZATION"] == "Bearer t0k" and said["headers"]["HOST"] == "example.org:8000"
    assert said["type"] == "text/plain" and said["size"] == len(body) and said["tail"].endswith("the end of the body")


def test_forward_a_chunked_body_arrives_whole(pair: tuple[int, Path]) -> None:
    port, _ = pair
    pieces = [b"INSERT DATA { ", b"<http://a> <http://b> <http://c> ", b"}"]
    answer, data = _ask(
        port, "POST", "/sparql", body=iter(pieces), headers={"Content-Type": "application/sparql-update"},
        encode_chunked=True,
    )  # fmt: skip
    said = json.loads(data)
    assert answer.status == 201 and said["size"] == sum(map(len, pieces)) and said["tail"].endswith("<http://c> }")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "GET"])
def test_forward_the_graph_store_goes_to_the_writer(pair: tuple[int, Path], method: str) -> None:
    port, _ = pair
    answer, data = _ask(port, method, "/graph-store?default", body=b"" if method != "GET" else None)
    assert answer.status == 201 and json.loads(data)["method"] == method


def test_forward_a_writer_that_is_gone_is_a_503(pair: tuple[int, Path]) -> None:
    port, path = pair
    os.unlink(path)
    answer, data = _ask(port, "POST", "/documents", body=b"x")
    assert answer.status == 503 and answer.getheader("Retry-After") == "1"
    assert data.decode().count("\n") == 1 and "not answering" in data.decode()


def test_forward_which_requests() -> None:
    assert not forwarded({"REQUEST_METHOD": "GET", "PATH_INFO": "/sparql"})
    assert not forwarded({"REQUEST_METHOD": "OPTIONS", "PATH_INFO": "/sparql"})
    assert forwarded({"REQUEST_METHOD": "POST", "PATH_INFO": "/sparql"})
    assert forwarded({"REQUEST_METHOD": "POST", "PATH_INFO": "/sparql", "CONTENT_TYPE": "application/sparql-update"})
    # A query by POST is answered where it arrived, as by GET.
    assert not forwarded({"REQUEST_METHOD": "POST", "PATH_INFO": "/sparql", "CONTENT_TYPE": "application/sparql-query"})
    assert forwarded({"REQUEST_METHOD": "POST", "PATH_INFO": "/documents", "CONTENT_TYPE": "application/sparql-query"})
    assert forwarded({"REQUEST_METHOD": "GET", "PATH_INFO": "/graph/document/x"})
    assert forwarded({"REQUEST_METHOD": "PATCH", "PATH_INFO": "/api/events"})


def test_shared_generation_is_one_number_for_every_process(tmp_path: Path) -> None:
    writer = SharedGeneration.create(tmp_path / "generation")
    reader = SharedGeneration.attach(tmp_path / "generation")
    assert (writer.value, reader.value) == (0, 0) and writer.epoch == reader.epoch and len(writer.epoch) == 8
    for _ in range(3):
        writer.bump()
    assert reader.value == 3
    with pytest.raises(FileExistsError):  # a run never takes over another run's file
        SharedGeneration.create(tmp_path / "generation")
    writer.close()
    reader.close()


@pytest.mark.parametrize(
    ("body", "here"),
    [
        (b"query=ASK+%7B%7D", True),
        (b"query=ASK+%7B%7D&default-graph-uri=urn%3Ag", True),
        (b"update=CLEAR+ALL", False),
        (b"upd%61te=CLEAR+ALL", False),  # the field's name percent-encoded: still an update
        (b"query=ASK+%7B%7D&update=CLEAR+ALL", False),  # both: the writing process refuses it
        (b"update", False),
    ],
)
def test_forward_a_form_is_read_to_tell_a_query_from_an_update(body: bytes, here: bool) -> None:
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/sparql",
        "CONTENT_TYPE": "application/x-www-form-urlencoded; charset=utf-8",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    assert forwarded(environ) is not here
    assert environ["wsgi.input"].read() == body  # whoever answers reads the whole body


def test_forward_a_form_of_unknown_length_goes_to_the_writing_process() -> None:
    chunked = {"REQUEST_METHOD": "POST", "PATH_INFO": "/sparql", "CONTENT_TYPE": "application/x-www-form-urlencoded"}
    assert forwarded({**chunked, "wsgi.input": io.BytesIO(b"query=ASK+%7B%7D"), "wsgi.input_terminated": True})
