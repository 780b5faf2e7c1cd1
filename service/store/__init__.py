"""Storage: quads in, SPARQL out, behind one narrow interface.

Backends implement :class:`Store`; :func:`open_store` picks one from the location.
It moves quads and runs SPARQL, knowing nothing of what they mean. Results are pyoxigraph's
result objects whatever the backend, so callers serialise them one way. This package must
not import the ontology mapping, the extractor, the document readers, Flask, the web layer or the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO, Protocol, runtime_checkable

from pyoxigraph import Quad, QueryBoolean, QuerySolutions, QueryTriples, RdfFormat

from service.config import Settings

QueryResult = QuerySolutions | QueryBoolean | QueryTriples


@runtime_checkable
class Store(Protocol):
    """What the pipeline and the web layer need from a store; nothing more."""

    location: str
    read_only: bool

    def replace_graph(self, graph: str, quads: Iterable[Quad], shared: Iterable[Quad] = ()) -> None:
        """Make ``graph`` hold exactly ``quads`` and add ``shared`` (quads of other graphs).

        A crash or error part-way leaves the graph either as it was or absent, never half-written.
        """

    def drop_graph(self, graph: str) -> bool:
        """Remove a named graph; False when it did not exist."""

    def query(
        self,
        query: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        substitutions: dict[str, object] | None = None,
    ) -> QueryResult:
        """Evaluate a SPARQL query. The default graph is the union of all graphs unless
        ``default_graph`` names graphs. ``substitutions`` binds variables (name → RDF term);
        a substituted variable must be projected and bound by the query's own pattern, because
        the remote backend applies it as a trailing VALUES clause (pyoxigraph applies it before
        evaluation). For a value used only in a FILTER, put a VALUES block in the query instead."""

    def update(self, update: str) -> None:
        """Apply a SPARQL update in one transaction."""

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs."""

    def has_graph(self, graph: str) -> bool:
        """True when the named graph exists."""

    def dump(self, output: IO[bytes], format: RdfFormat, graph: str | None = None) -> None:
        """Serialise the whole dataset (or one graph) to ``output``."""

    def bulk_add(self, quads: Iterable[Quad]) -> None:
        """Add many quads fast, without the transaction guarantee (fresh loads, benchmarks)."""

    def close(self) -> None:
        """Flush and release the store."""


def values_clause(substitutions: dict[str, object]) -> str:
    """Bindings as a trailing VALUES block: how a store that cannot take pyoxigraph's substitutions
    (a remote one, a query worker) applies them to projected variables. Terms are written by
    pyoxigraph (N-Triples form), never pasted from user strings."""
    names = " ".join(f"?{name}" for name in substitutions)
    terms = " ".join(str(term) for term in substitutions.values())
    return f"\nVALUES ({names}) {{ ({terms}) }}"


def on_disk(location: str) -> bool:
    """True when ``location`` names an embedded store in a directory: neither a remote endpoint
    (``http(s)://…``) nor a throw-away in-memory store (``:memory:``)."""
    return location != ":memory:" and not location.startswith(("http://", "https://"))


def open_store(
    location: str,
    *,
    read_only: bool = False,
    update_url: str | None = None,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 30.0,
) -> Store:
    """Open the store at ``location``.

    ``http(s)://…`` is a remote SPARQL 1.1 endpoint (``update_url``, ``user``, ``password``
    apply to it); ``:memory:`` a throw-away embedded store; anything else a directory holding
    an embedded Oxigraph store, created when new.

    :raises StoreUnavailable: when the location cannot be opened (locked, not writable, corrupt).
    """
    if location.startswith(("http://", "https://")):
        from service.store.remote import RemoteStore

        return RemoteStore(
            location, update_url=update_url, user=user, password=password, timeout=timeout, read_only=read_only
        )
    from service.store.oxigraph import OxigraphStore

    return OxigraphStore(location, read_only=read_only)


def open_configured(settings: Settings, *, read_only: bool = False) -> Store:
    """Open the store the settings name."""
    return open_store(
        settings.store,
        read_only=read_only,
        update_url=settings.store_update_url,
        user=settings.store_user,
        password=settings.store_password,
        timeout=settings.query_timeout + 20,
    )
