"""A remote SPARQL 1.1 store (Oxigraph server, Virtuoso, GraphDB, Stardog, Neptune, …).

Speaks only the standard protocols: SPARQL 1.1 Query and Update over HTTP. Results are
parsed back into pyoxigraph's result objects so callers cannot tell the backends apart.

What the remote store must offer (also in the README): SPARQL 1.1 Query and Update,
named graphs, ``DROP SILENT GRAPH`` and ``INSERT DATA`` in one update request applied
atomically, and a default graph that is the union of the named graphs (Oxigraph
``--union-default-graph``; GraphDB and Virtuoso do so by default; Stardog
``query.all.graphs=true``).
"""

from __future__ import annotations

import io
import itertools
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO
from urllib.parse import quote

import requests
from pyoxigraph import (
    NamedNode,
    Quad,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    parse,
    parse_query_results,
    serialize,
)
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from service.errors import QueryError, StoreUnavailable
from service.store import QueryResult, values_clause

# A pooled connection idle longer than this is dropped before reuse: some servers (Oxigraph's
# among them) answer a request on a long-idle keep-alive connection with a spurious error.
IDLE_RECONNECT_SECONDS = 20.0
BATCH_QUADS = 50_000
# A dump is read and written in pieces of this size: what it holds of the dataset at any moment.
CHUNK_BYTES = 64 * 1024
# The SELECT of a dump asks for the most compact results format first (the rows are quads).
RESULTS_ACCEPT = (
    "text/tab-separated-values, application/sparql-results+json;q=0.9, application/sparql-results+xml;q=0.8"
)


@dataclass(frozen=True)
class Endpoints:
    query: str
    update: str
    graph_store: str | None = None  # the Graph Store Protocol endpoint, where the layout tells it

    @classmethod
    def from_url(cls, url: str, update: str | None = None) -> Endpoints:
        """``…/query`` implies ``…/update`` and ``…/store`` (Oxigraph's layout); otherwise one URL
        serves both and no Graph Store endpoint is known."""
        stem = url.rstrip("/")[: -len("query")] if url.rstrip("/").endswith("/query") else None
        return cls(url, update or (stem + "update" if stem else url), stem + "store" if stem else None)


def _session(user: str | None, password: str | None, *, repeatable: bool = True) -> requests.Session:
    """A pooled session. ``repeatable`` requests (reads, and the writes this module builds to be
    idempotent: drop + insert of a whole graph, INSERT DATA) are retried on connection errors, read
    errors and 502/503/504; the others (a user's update, a Graph Store write) only when the
    connection could not be made, so they never reach the store twice."""
    session = requests.Session()
    if repeatable:
        retry = Retry(
            total=4,
            connect=4,
            read=2,
            status=3,
            backoff_factor=0.25,
            status_forcelist=(502, 503, 504),
            allowed_methods=None,
            raise_on_status=False,
        )
    else:
        retry = Retry(total=4, connect=4, read=0, status=0, other=0, backoff_factor=0.25, allowed_methods=None)
    session.mount("http://", HTTPAdapter(max_retries=retry, pool_maxsize=16))
    session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=16))
    if user:
        session.auth = (user, password or "")
    return session


def _n_triples(quads: Iterable[Quad]) -> str:
    """The triples of ``quads`` as N-Triples text."""
    data = serialize((q.triple for q in quads), format=RdfFormat.N_TRIPLES)
    assert data is not None  # no output given: serialize returns the bytes
    return data.decode("utf-8")


class RemoteStore:
    """A Store over HTTP. Each document's graph is written in one update request."""

    def __init__(
        self,
        url: str,
        *,
        update_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        read_only: bool = False,
    ) -> None:
        self.location = url
        self.read_only = read_only
        self.endpoints = Endpoints.from_url(url, update_url)
        self._auth = (user, password)
        self._timeout = (5.0, timeout)
        self._session = _session(user, password)
        self._once = _session(user, password, repeatable=False)
        self._last_use = time.monotonic()
        self.requests = 0  # counted so tests and benchmarks can check how chatty ingest is

    def _post(
        self,
        url: str,
        body: str | None,
        content_type: str | None,
        accept: str | None = None,
        *,
        repeatable: bool = True,
        stream: bool = False,
        absent_ok: bool = False,
    ) -> requests.Response:
        """POST the body (GET when it is None), with the errors every caller needs mapped.

        ``stream`` leaves the body unread (the caller reads it and closes the response);
        ``absent_ok`` returns a 404 answer instead of raising (a graph that does not exist)."""
        if time.monotonic() - self._last_use > IDLE_RECONNECT_SECONDS:
            self._session.close()
            self._once.close()
            self._session = _session(*self._auth)
            self._once = _session(*self._auth, repeatable=False)
        session = self._session if repeatable else self._once
        headers = {"Content-Type": f"{content_type}; charset=utf-8"} if content_type else {}
        if accept:
            headers["Accept"] = accept
        try:
            if body is None:
                resp = session.get(url, headers=headers, timeout=self._timeout, stream=stream)
            else:
                data = body.encode("utf-8")
                resp = session.post(url, data=data, headers=headers, timeout=self._timeout, stream=stream)
        except requests.exceptions.Timeout:
            raise StoreUnavailable(f"the store at {url} did not answer in time") from None
        except requests.exceptions.RequestException as exc:
            raise StoreUnavailable(f"cannot reach the store at {url}: {type(exc).__name__}") from None
        finally:
            self._last_use = time.monotonic()
            self.requests += 1
        if absent_ok and resp.status_code == 404:
            return resp
        if resp.status_code in (400, 422):
            raise QueryError(f"the store refused the request: {resp.text.strip()[:500]}")
        if resp.status_code in (401, 403):
            raise StoreUnavailable(f"the store at {url} refused the credentials (HTTP {resp.status_code})")
        if resp.status_code >= 300:
            raise StoreUnavailable(f"the store at {url} answered HTTP {resp.status_code}: {resp.text.strip()[:200]}")
        return resp

    def _params(self, default_graph: Sequence[str] | None, named_graphs: Sequence[str] | None) -> str:
        from urllib.parse import urlencode

        pairs = [("default-graph-uri", g) for g in default_graph or ()]
        pairs += [("named-graph-uri", g) for g in named_graphs or ()]
        return ("&" if "?" in self.endpoints.query else "?") + urlencode(pairs) if pairs else ""

    def query(
        self,
        query: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        substitutions: dict[str, object] | None = None,
    ) -> QueryResult:
        text = query + values_clause(substitutions) if substitutions else query
        accept = "application/sparql-results+json, application/n-triples;q=0.9"
        resp = self._post(
            self.endpoints.query + self._params(default_graph, named_graphs), text, "application/sparql-query", accept
        )
        media = resp.headers.get("Content-Type", "").split(";")[0].strip()
        results_format = QueryResultsFormat.from_media_type(media)
        if results_format is not None:
            return parse_query_results(resp.content, format=results_format)
        rdf_format = RdfFormat.from_media_type(media) or RdfFormat.N_TRIPLES
        # CONSTRUCT/DESCRIBE: pyoxigraph has no public constructor for QueryTriples, so the
        # (small) answer graph is loaded into a throw-away store and read back as one.
        scratch = Store()
        scratch.load(resp.content, format=rdf_format)
        return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")

    def update(self, update: str) -> None:
        """Send an update once: it may not be safe to apply twice, so a failure is reported, not retried."""
        self._post(self.endpoints.update, update, "application/sparql-update", repeatable=False)

    def _idempotent_update(self, update: str) -> None:
        self._post(self.endpoints.update, update, "application/sparql-update")

    def replace_graph(self, graph: str, quads: Iterable[Quad], shared: Iterable[Quad] = ()) -> None:
        node = NamedNode(graph)
        new = list(quads)
        if any(q.graph_name != node for q in new):
            raise ValueError(f"replace_graph({graph}) was given quads of another graph")
        by_graph: dict[str, list[Quad]] = {graph: new}
        for q in shared:
            by_graph.setdefault(q.graph_name.value, []).append(q)  # type: ignore[union-attr]  # named graphs only
        parts = [f"DROP SILENT GRAPH {node}"]
        for name, items in by_graph.items():
            if items:
                body = _n_triples(items)
                parts.append(f"INSERT DATA {{ GRAPH {NamedNode(name)} {{\n{body}}} }}")
        self._idempotent_update(" ;\n".join(parts))  # the same graph again: safe to repeat

    def drop_graph(self, graph: str) -> bool:
        existed = self.has_graph(graph)
        if existed:
            self.update(f"DROP GRAPH {NamedNode(graph)}")
        return existed

    def graphs(self) -> list[str]:
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row["g"].value for row in result)  # type: ignore[union-attr]  # a SELECT: QuerySolutions

    def has_graph(self, graph: str) -> bool:
        return bool(self.query(f"ASK {{ GRAPH {NamedNode(graph)} {{ ?s ?p ?o }} }}"))

    def dump(self, output: IO[bytes], format: RdfFormat, graph: str | None = None) -> None:
        """Stream the dataset (or one graph) from the server to ``output``, never holding it whole.

        Where the Graph Store endpoint is known it is read with the Graph Store Protocol (one GET);
        otherwise by SPARQL (CONSTRUCT for triples, SELECT for the quads of the named graphs).
        N-Quads and N-Triples answers are copied to ``output`` chunk by chunk as they arrive when
        that is the format asked for; any other format is parsed and re-serialised as a stream.
        As in the embedded store, a non-dataset format holds only the default graph, and a graph
        that does not exist gives an empty serialisation.

        :raises StoreUnavailable: the server cannot be reached or breaks off mid-answer.
        """
        if graph:
            node = NamedNode(graph)
            if self.endpoints.graph_store:
                sources = [self._graph_store_source(f"?graph={quote(graph, safe='')}", "application/n-triples")]
            else:
                sources = [self._construct_source(f"GRAPH {node} {{ ?s ?p ?o }}")]
        else:
            sources = [self._default_graph_source()]
            if format.supports_datasets:
                if self.endpoints.graph_store:  # the whole dataset in one answer
                    sources = [self._graph_store_source("", "application/n-quads")]
                else:
                    sources.append(self._named_graphs_source())
        try:
            if format in (RdfFormat.N_QUADS, RdfFormat.N_TRIPLES):
                # N-Triples is N-Quads without graph names: either answer is already in the format.
                for source in sources:
                    source.copy_to(output, format)
            else:
                serialize(itertools.chain.from_iterable(source.quads() for source in sources), output, format)
        except requests.exceptions.RequestException as exc:
            raise StoreUnavailable(
                f"the store at {self.location} broke off the dump ({type(exc).__name__}): the output is incomplete"
            ) from None

    def _graph_store_source(self, params: str, accept: str) -> _Source:
        assert self.endpoints.graph_store is not None
        return _Source(self, self.endpoints.graph_store + params, None, None, accept)

    def _construct_source(self, pattern: str) -> _Source:
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {pattern} }}"
        return _Source(self, self.endpoints.query, query, "application/sparql-query", "application/n-triples")

    def _default_graph_source(self) -> _Source:
        """The store's own default graph. A store whose queries see the union of the graphs
        (as Eventgraph needs) cannot tell it apart by SPARQL, so it is read with the Graph Store
        Protocol where the endpoint is known; otherwise by SPARQL, which is right for stores
        whose default graph is kept apart."""
        if self.endpoints.graph_store:
            return self._graph_store_source("?default", "application/n-triples")
        return self._construct_source("?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } }")

    def _named_graphs_source(self) -> _Source:
        query = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        return _Source(self, self.endpoints.query, query, "application/sparql-query", RESULTS_ACCEPT)

    def bulk_add(self, quads: Iterable[Quad]) -> None:
        batch: list[Quad] = []
        for q in quads:
            batch.append(q)
            if len(batch) >= BATCH_QUADS:
                self._insert(batch)
                batch = []
        if batch:
            self._insert(batch)

    def _insert(self, quads: list[Quad]) -> None:
        # INSERT DATA takes quads only inside GRAPH blocks, so group them by graph.
        by_graph: dict[str, list[Quad]] = {}
        for q in quads:
            by_graph.setdefault(str(q.graph_name), []).append(q)
        blocks = " ".join(f"GRAPH {g} {{\n{_n_triples(items)}}}" for g, items in by_graph.items())
        self._idempotent_update(f"INSERT DATA {{ {blocks} }}")  # a set of quads: adding it twice changes nothing

    def close(self) -> None:
        self._session.close()
        self._once.close()


class _Source:
    """One answer of a dump, requested when it is first read and read as a stream."""

    def __init__(self, store: RemoteStore, url: str, body: str | None, content_type: str | None, accept: str) -> None:
        self._store = store
        self._request = (url, body, content_type, accept)

    def _open(self) -> requests.Response | None:
        """The streamed response; None for a graph the server says does not exist."""
        url, body, content_type, accept = self._request
        resp = self._store._post(url, body, content_type, accept, stream=True, absent_ok=body is None)
        if resp.status_code == 404:
            resp.close()
            return None
        return resp

    def copy_to(self, output: IO[bytes], format: RdfFormat) -> None:
        """Write the answer to ``output`` in ``format`` (N-Quads or N-Triples): copied as it comes
        when it is in that format already (N-Triples is N-Quads too), re-serialised otherwise."""
        resp = self._open()
        if resp is None:
            return
        with resp:
            answered = RdfFormat.from_media_type(_media_type(resp))
            if answered in (RdfFormat.N_TRIPLES, format):
                for piece in _pieces(resp):
                    output.write(piece)
            else:
                serialize(_quads(resp), output, format)

    def quads(self) -> Iterator[Quad]:
        """The answer's quads (triples in the default graph), parsed as they arrive."""
        resp = self._open()
        if resp is None:
            return
        with resp:
            yield from _quads(resp)


def _media_type(resp: requests.Response) -> str:
    return resp.headers.get("Content-Type", "").split(";")[0].strip()


def _pieces(resp: requests.Response) -> Iterator[bytes]:
    """The body in pieces of about ``CHUNK_BYTES``, however small the server's own chunks are
    (Oxigraph's are a line or so)."""
    buffer = bytearray()
    for chunk in resp.iter_content(CHUNK_BYTES):
        buffer += chunk
        if len(buffer) >= CHUNK_BYTES:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


def _quads(resp: requests.Response) -> Iterator[Quad]:
    """Parse a streamed answer, RDF or (for SELECT ?s ?p ?o ?g) query results, piece by piece."""
    media = _media_type(resp)
    body = io.BufferedReader(_Body(_pieces(resp)), CHUNK_BYTES)
    results_format = QueryResultsFormat.from_media_type(media)
    if results_format is None:
        yield from parse(body, RdfFormat.from_media_type(media) or RdfFormat.N_TRIPLES)
        return
    rows = parse_query_results(body, format=results_format)
    if not isinstance(rows, QuerySolutions):
        raise StoreUnavailable("the store answered the dump's SELECT with a boolean")
    for row in rows:
        yield Quad(row["s"], row["p"], row["o"], row["g"])  # GRAPH ?g binds all four


class _Body(io.RawIOBase):
    """A file over a response's chunks, for pyoxigraph's streaming parsers."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._rest:
            self._rest = next(self._chunks, b"")
            if not self._rest:
                return 0
        n = min(len(buffer), len(self._rest))
        buffer[:n] = self._rest[:n]
        self._rest = self._rest[n:]
        return n
