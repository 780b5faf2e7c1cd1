"""What the query editor page loads: the endpoint, the project's prefixes and the named queries."""

from __future__ import annotations

from typing import Any

from service.rdf.namespaces import PREFIXES
from service.sparql.library import list_queries


def examples() -> list[dict[str, Any]]:
    """The named queries of ``queries/`` as editor examples."""
    return [{"name": q.name, "title": q.title, "description": q.description, "query": q.query} for q in list_queries()]


def editor_config(endpoint: str) -> dict[str, Any]:
    return {"endpoint": endpoint, "prefixes": PREFIXES, "examples": examples()}
