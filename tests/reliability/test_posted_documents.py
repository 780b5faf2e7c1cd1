"""Posted documents are read and extracted in a process of their own (``eg-extract``), sealed and
under a time and a memory limit, so that a crafted or merely huge document can neither take the
server's memory nor hold its process while reads wait (service.extraction_process).

A real server on an on-disk store, real posts over HTTP. The "bomb" is 4.5 MB of HTML in 150,000
small blocks: parsing and reading it takes over two minutes on this kind of machine, which held
the server's own process that long before.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from service.extraction_process import _answer
from service.limits import can_forbid_network
from service.model import Document
from tests.conftest import REPO, free_port
from tests.hostile import gadget
from tests.reliability.conftest import Server, child_env, cli
from tests.security.test_isolation import children, process_name, seccomp_mode

TOKEN = "p" * 32
AUTH = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
SHORT = "Japan delivered 1.5 million doses of vaccine to Viet Nam on 3 May 2021. Australia sent a medical team to Fiji."
COUNT_GRAPHS = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def long_text() -> str:
    """~170,000 characters of real prose: the real gold documents (tests/gold/real/dev), four times."""
    texts = [path.read_text(encoding="utf-8") for path in sorted((REPO / "tests/gold/real/dev").glob("*.txt"))]
    return "\n\n".join(texts * 4)


def bomb() -> bytes:
    return b"<html><body>" + b"<div><p>Aid arrived.</p></div>" * 150_000 + b"</body></html>"


def post(server: Server, name: str, body: bytes | str, media_type: str = "text/plain") -> requests.Response:
    return requests.post(
        server.url + "/documents",
        params={"name": name},
        data=body.encode() if isinstance(body, str) else body,
        headers={**AUTH, "Content-Type": media_type},
        timeout=300,
    )


def graphs(server: Server) -> int:
    resp = requests.get(
        server.url + "/sparql", params={"query": COUNT_GRAPHS}, headers={"Accept": "application/json"}, timeout=60
    )
    assert resp.status_code == 200, resp.text
    return int(resp.json()["results"]["bindings"][0]["n"]["value"])


def extractor(server: Server) -> list[int]:
    return [pid for pid in children(server.proc.pid) if process_name(pid) == "eg-extract"]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[object]:
    started: list[Server] = []

    def start(**env: str) -> Server:
        started.append(Server(tmp_path / "store", TOKEN, env=env))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def test_posted_documents_are_read_in_a_sealed_process_and_never_in_the_servers(serve) -> None:  # type: ignore[no-untyped-def]
    server = serve()
    assert extractor(server) == []  # started at the first post, not before
    resp = post(server, "short.txt", SHORT)
    assert resp.status_code == 201, resp.text
    assert [e["type"] for e in resp.json()["events"]]
    (pid,) = extractor(server)
    if can_forbid_network():
        assert seccomp_mode(pid) == 2
    # The server's own process loaded none of the parsers a document goes through.
    maps = Path(f"/proc/{server.proc.pid}/maps").read_text()
    for library in ("lxml", "spacy", "thinc"):
        assert f"/{library}/" not in maps, library
    # The same document again is found unchanged, not extracted again; the process is kept.
    again = post(server, "short.txt", SHORT)
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    assert extractor(server) == [pid]


def test_a_document_past_the_time_limit_is_refused_while_reads_go_on(serve) -> None:  # type: ignore[no-untyped-def]
    server = serve(EVENTGRAPH_EXTRACT_TIMEOUT="3")
    assert post(server, "short.txt", SHORT).status_code == 201
    before = graphs(server)
    answer: list[requests.Response] = []
    poster = threading.Thread(target=lambda: answer.append(post(server, "bomb.html", bomb(), "text/html")))
    poster.start()
    reads = 0
    while poster.is_alive():  # the server's process is not held: reads are answered meanwhile
        assert graphs(server) == before
        reads += 1
        time.sleep(0.05)
    poster.join()
    (resp,) = answer
    assert resp.status_code == 422, resp.text
    message = resp.json()["error"]
    assert "EVENTGRAPH_EXTRACT_TIMEOUT" in message and "3 s" in message and "nothing was stored" in message
    assert reads >= 3
    assert graphs(server) == before
    # The process was killed; the next post gets a fresh one.
    assert extractor(server) == []
    assert post(server, "next.txt", SHORT.replace("Fiji", "Samoa")).status_code == 201


def test_a_document_past_the_memory_limit_is_refused_and_the_next_is_read(serve) -> None:  # type: ignore[no-untyped-def]
    # Measured: the short text needs under 2 MiB once the models are loaded, the long one over 8.
    server = serve(EVENTGRAPH_EXTRACT_MEMORY_MB="4")
    before = graphs(server)
    resp = post(server, "long.txt", long_text())
    assert resp.status_code == 422, resp.text
    message = resp.json()["error"]
    assert "4 MiB" in message and "EVENTGRAPH_EXTRACT_MEMORY_MB" in message and "nothing was stored" in message
    assert graphs(server) == before
    assert post(server, "short.txt", SHORT).status_code == 201


def test_the_process_killed_from_outside_is_started_again(serve) -> None:  # type: ignore[no-untyped-def]
    server = serve()
    assert post(server, "one.txt", SHORT).status_code == 201
    (pid,) = extractor(server)
    os.kill(pid, signal.SIGKILL)  # while idle
    resp = post(server, "two.txt", SHORT.replace("Japan", "Korea"))
    assert resp.status_code == 201, resp.text
    (second,) = extractor(server)
    assert second != pid
    # While it reads a long document (~3 s): the post is given once more to a fresh process.
    answer: list[requests.Response] = []
    poster = threading.Thread(target=lambda: answer.append(post(server, "long.txt", long_text())))
    poster.start()
    time.sleep(1.0)
    os.kill(second, signal.SIGKILL)
    poster.join()
    assert answer[0].status_code == 201, answer[0].text
    assert answer[0].json()["events"]
    (third,) = extractor(server)
    assert third not in (pid, second)


def test_a_post_finds_the_process_busy_past_what_may_wait(serve) -> None:  # type: ignore[no-untyped-def]
    # Each waiting post holds one of the server's threads: with 2, one post may be in or before the process.
    server = serve(EVENTGRAPH_THREADS="2", EVENTGRAPH_EXTRACT_TIMEOUT="4")
    assert post(server, "short.txt", SHORT).status_code == 201
    answer: list[requests.Response] = []
    poster = threading.Thread(target=lambda: answer.append(post(server, "bomb.html", bomb(), "text/html")))
    poster.start()
    time.sleep(1.0)
    busy = post(server, "next.txt", SHORT.replace("Fiji", "Tonga"))
    assert busy.status_code == 503, busy.text
    assert "post again shortly" in busy.json()["error"] and busy.headers["Retry-After"] == "5"
    assert graphs(server) >= 1  # reads are answered meanwhile
    poster.join()
    assert answer[0].status_code == 422
    assert post(server, "next.txt", SHORT.replace("Fiji", "Tonga")).status_code == 201


def test_a_text_over_the_length_limit_is_still_a_413(serve) -> None:  # type: ignore[no-untyped-def]
    # The refusal keeps its class across the process (DocumentTooLong lives in service.errors).
    server = serve(EVENTGRAPH_MAX_DOCUMENT_CHARS="1000")
    resp = post(server, "long.txt", SHORT * 20)
    assert resp.status_code == 413, resp.text
    assert "EVENTGRAPH_MAX_DOCUMENT_CHARS" in resp.json()["error"]


def test_a_multipart_post_is_all_or_nothing_in_the_process(serve) -> None:  # type: ignore[no-untyped-def]
    server = serve()
    before = graphs(server)
    french = "Le Japon a livré des vaccins au Viet Nam le 3 mai 2021. L'Australie a envoyé une équipe médicale."
    files = [("a", ("a.txt", SHORT, "text/plain")), ("b", ("b.txt", french, "text/plain"))]
    resp = requests.post(server.url + "/documents", files=files, headers=AUTH, timeout=300)
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"].startswith("part 2 of 2, ") and "French" in resp.json()["error"]
    assert graphs(server) == before


def test_the_server_reads_only_the_models_classes_from_the_processs_answers(tmp_path: Path) -> None:
    # A process taken over by a crafted file could answer anything: its pickles may name no other class.
    document = Document("d", "text")
    assert _answer(pickle.dumps(("ok", [document]))) == ("ok", [document])
    marker = tmp_path / "ran"
    code = f"open({str(marker)!r}, 'w')"
    for module, name in (
        ("service.model", "Document.__init__.__builtins__.get"),  # found by a review: eval through a class
        ("service.model", "__builtins__.get"),
        ("builtins", "eval"),
        ("service.model", "events_from_json"),  # the model's functions are not classes
        ("os", "system"),
    ):
        answer = _answer(gadget(module, name, "eval", code))
        assert answer[0] == "failed" and "UnpicklingError" in answer[1], (module, name, answer)
    assert not marker.exists()
    assert _answer(b"not a pickle")[0] == "failed"
    assert _answer(pickle.dumps(["ok"])) == ("failed", "no answer")


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-1"])
def test_a_time_limit_that_is_no_positive_number_stops_serve_with_one_line(tmp_path: Path, value: str) -> None:
    env = {**child_env(), "EVENTGRAPH_EXTRACT_TIMEOUT": value}
    done = cli("serve", "--store", str(tmp_path / "store"), "--port", str(free_port()), env=env)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        f"Error: EVENTGRAPH_EXTRACT_TIMEOUT={value}: give a positive number of seconds"
    ]
