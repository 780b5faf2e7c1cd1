"""The on-disk store as a server process that does not hold it sees it (``serve --processes N``).

One process of a run holds the store read-write and takes every write; the others answer reads
through their query workers, which open it read-only themselves. In those processes the store is
only a location: reads never reach this object (the served store sends them to the workers) and
writes never reach the process (its web layer forwards them to the writing one), so every method
here refuses, loudly, rather than read a stale snapshot or write behind the writer's back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO, NoReturn

from pyoxigraph import Quad, RdfFormat

from service.errors import StoreUnavailable
from service.store import QueryResult


class Elsewhere:
    """A store held by another process of this server: its location, nothing else."""

    read_only = True

    def __init__(self, location: str) -> None:
        self.location = location

    def _refuse(self, what: str) -> NoReturn:
        raise StoreUnavailable(f"this server process does not hold the store ({what}): the writing process does")

    def replace_graph(self, graph: str, quads: Iterable[Quad], shared: Iterable[Quad] = ()) -> None:
        self._refuse("write")

    def drop_graph(self, graph: str) -> bool:
        self._refuse("write")

    def query(
        self,
        query: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        substitutions: dict[str, object] | None = None,
    ) -> QueryResult:
        self._refuse("read outside the query workers")

    def update(self, update: str) -> None:
        self._refuse("write")

    def graphs(self) -> list[str]:
        self._refuse("read outside the query workers")

    def has_graph(self, graph: str) -> bool:
        self._refuse("read outside the query workers")

    def dump(self, output: IO[bytes], format: RdfFormat, graph: str | None = None) -> None:
        self._refuse("read outside the query workers")

    def bulk_add(self, quads: Iterable[Quad]) -> None:
        self._refuse("write")

    def close(self) -> None:
        pass
