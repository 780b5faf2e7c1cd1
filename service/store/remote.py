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

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO

import requests
from pyoxigraph import (
    DefaultGraph,
    NamedNode,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    Store,
    Triple,
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
    ) -> requests.Response:
        """POST the body (GET when it is None), with the errors every caller needs mapped."""
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
                resp = session.get(url, headers=headers, timeout=self._timeout)
            else:
                resp = session.post(url, data=body.encode("utf-8"), headers=headers, timeout=self._timeout)
        except requests.exceptions.Timeout:
            raise StoreUnavailable(f"the store at {url} did not answer in time") from None
        except requests.exceptions.RequestException as exc:
            raise StoreUnavailable(f"cannot reach the store at {url}: {type(exc).__name__}") from None
        finally:
            self._last_use = time.monotonic()
            self.requests += 1
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
        scratch = Store()
        if graph:
            rows = self.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {NamedNode(graph)} {{ ?s ?p ?o }} }}")
            scratch.extend(Quad(r["s"], r["p"], r["o"]) for r in rows)  # type: ignore[union-attr]  # a SELECT: QuerySolutions
            scratch.dump(output, format, from_graph=None if format.supports_datasets else DefaultGraph())
            return
        scratch.extend(Quad(*t) for t in self._default_graph())
        if format.supports_datasets:
            rows = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            scratch.extend(Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows)  # type: ignore[union-attr]  # a SELECT: QuerySolutions
        scratch.dump(output, format, from_graph=None if format.supports_datasets else DefaultGraph())

    def _default_graph(self) -> list[Triple]:
        """The store's own default graph. A store whose queries see the union of the graphs
        (as Eventgraph needs) cannot tell it apart by SPARQL, so it is read with the Graph Store
        Protocol where the endpoint is known; otherwise by SPARQL, which is right for stores
        whose default graph is kept apart."""
        if self.endpoints.graph_store:
            resp = self._post(self.endpoints.graph_store + "?default", None, None, "application/n-triples")
            return [q.triple for q in parse(resp.content, RdfFormat.N_TRIPLES)]
        named = "FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } }"
        rows = self.query(f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o {named} }}")
        return [Triple(r["s"], r["p"], r["o"]) for r in rows]  # type: ignore[union-attr]  # a SELECT: QuerySolutions

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
