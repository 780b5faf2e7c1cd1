"""The remote store's dump streams: against a real Oxigraph server holding ~30 MiB of N-Quads, the
dump is written to its output piece by piece while Python never holds more than a few pieces of it
(the dump used to read the whole answer into memory, then a scratch store, and only then write).
And it says the same as the embedded store's dump, whichever way the server is read: the Graph
Store Protocol (Oxigraph's layout) or plain SPARQL (any other server)."""

from __future__ import annotations

import io
import threading
import tracemalloc
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, parse

from service.errors import StoreUnavailable
from service.store.oxigraph import OxigraphStore
from service.store.remote import CHUNK_BYTES, Endpoints, RemoteStore

EX = "http://example.org/"
GRAPHS = 8
PER_GRAPH = 4_000
PAD = "x" * 1_000  # ~1 KiB per quad: 32,000 quads are ~33 MiB of N-Quads
MIB = 1024 * 1024


def big_quads(graph: int) -> list[Quad]:
    g = NamedNode(f"{EX}graph/{graph}")
    return [
        Quad(NamedNode(f"{EX}s{graph}-{i}"), NamedNode(f"{EX}p"), Literal(f"{graph}-{i} {PAD}"), g)
        for i in range(PER_GRAPH)
    ]


@pytest.fixture(scope="module")
def big_remote(oxigraph_server_factory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteStore]:
    """A real Oxigraph server holding GRAPHS × PER_GRAPH large quads (read only by the tests)."""
    store = RemoteStore(oxigraph_server_factory(tmp_path_factory.mktemp("dump") / "remote"))
    for graph in range(GRAPHS):
        store.replace_graph(f"{EX}graph/{graph}", big_quads(graph))
    yield store
    store.close()


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")


class Sink(io.RawIOBase):
    """An output that keeps only the size of each write and the process's RSS at each write."""

    def __init__(self) -> None:
        self.sizes: list[int] = []
        self.rss: list[int] = []
        self.lines = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[no-untyped-def,override]
        self.sizes.append(len(data))
        self.lines += bytes(data).count(b"\n")
        if len(self.sizes) % 16 == 1:
            self.rss.append(rss_bytes())
        return len(data)


@pytest.mark.parametrize("fmt", [RdfFormat.N_QUADS, RdfFormat.TRIG], ids=["nquads-copied", "trig-reserialised"])
def test_remote_dump_streams_in_bounded_memory(big_remote: RemoteStore, fmt: RdfFormat) -> None:
    sink = Sink()
    before = rss_bytes()
    tracemalloc.start()
    try:
        big_remote.dump(sink, fmt)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    written = sum(sink.sizes)
    assert written > 30 * MIB
    if fmt == RdfFormat.N_QUADS:
        assert sink.lines == GRAPHS * PER_GRAPH
    # Written as it arrives, in pieces: many writes, none of them the whole dump.
    assert len(sink.sizes) > 100 and max(sink.sizes) <= 4 * CHUNK_BYTES
    # Python never held the answer (the old dump held all of it as one bytes object, then more).
    assert peak < 4 * MIB, f"Python allocated up to {peak / MIB:.1f} MiB for a {written / MIB:.0f} MiB dump"
    # Nor did anything else in the process (a scratch store, a parser's buffer): the resident size
    # while writing stays far below the dump's size.
    growth = max(sink.rss) - before
    assert growth < written / 4, f"RSS grew by {growth / MIB:.0f} MiB during a {written / MIB:.0f} MiB dump"


@pytest.fixture(params=["graph-store", "sparql-only"])
def small_pair(
    request: pytest.FixtureRequest, oxigraph_server_factory, tmp_path: Path
) -> Iterator[tuple[RemoteStore, OxigraphStore]]:
    """The same small dataset (a default-graph triple, two named graphs) in a remote and an embedded
    store; the remote one read through the Graph Store Protocol, or through SPARQL only, as a store
    without Oxigraph's layout is."""
    url = oxigraph_server_factory(tmp_path / "remote")
    remote = RemoteStore(url)
    if request.param == "sparql-only":
        remote.endpoints = Endpoints(url, url[: -len("query")] + "update", None)
    embedded = OxigraphStore(":memory:")
    for store in (remote, embedded):
        store.update(
            f"INSERT DATA {{ <{EX}d> <{EX}p> 'in the default graph' . "
            f"GRAPH <{EX}g1> {{ <{EX}a> <{EX}p> 'one'@en , 2 }} GRAPH <{EX}g2> {{ <{EX}b> <{EX}p> <{EX}a> }} }}"
        )
    yield remote, embedded
    remote.close()
    embedded.close()


def as_set(data: bytes, fmt: RdfFormat) -> set[Quad]:
    return set(parse(data, fmt))


@pytest.mark.parametrize(
    "fmt", [RdfFormat.N_QUADS, RdfFormat.TRIG, RdfFormat.N_TRIPLES, RdfFormat.TURTLE, RdfFormat.JSON_LD]
)
@pytest.mark.parametrize("graph", [None, f"{EX}g1", f"{EX}absent"])
def test_remote_dump_says_what_the_embedded_dump_says(
    small_pair: tuple[RemoteStore, OxigraphStore], fmt: RdfFormat, graph: str | None
) -> None:
    remote, embedded = small_pair
    got, expected = io.BytesIO(), io.BytesIO()
    remote.dump(got, fmt, graph)
    embedded.dump(expected, fmt, graph)
    assert as_set(got.getvalue(), fmt) == as_set(expected.getvalue(), fmt)
    if graph is None and fmt.supports_datasets:
        assert len(as_set(got.getvalue(), fmt)) == 4  # the default graph's triple and the named graphs' quads
    if graph is None and not fmt.supports_datasets:
        assert len(as_set(got.getvalue(), fmt)) == 1  # a triples format holds the default graph only
    if graph == f"{EX}absent" and fmt != RdfFormat.JSON_LD:
        assert got.getvalue() == b""


def test_remote_dump_reads_back_into_a_store(small_pair: tuple[RemoteStore, OxigraphStore]) -> None:
    remote, _ = small_pair
    out = io.BytesIO()
    remote.dump(out, RdfFormat.TRIG)
    copy = Store()
    copy.load(out.getvalue(), RdfFormat.TRIG)
    assert len(copy) == 4


class BreaksOff(BaseHTTPRequestHandler):
    """Promises a large N-Quads body, sends a few lines of it, and hangs up."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/n-quads")
        self.send_header("Content-Length", str(10 * MIB))
        self.end_headers()
        self.wfile.write(b'<urn:s> <urn:p> "o" <urn:g> .\n' * 100)
        self.wfile.flush()
        self.connection.close()

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("fmt", [RdfFormat.N_QUADS, RdfFormat.TRIG])
def test_remote_dump_broken_off_is_a_clear_error(fmt: RdfFormat) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BreaksOff)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        store = RemoteStore(f"http://127.0.0.1:{server.server_address[1]}/query")
        with pytest.raises(StoreUnavailable, match="broke off the dump"):
            store.dump(io.BytesIO(), fmt)
        store.close()
    finally:
        server.shutdown()
        server.server_close()
