"""What the query editor page loads: the endpoint, the project's prefixes, the query it opens on
and the named queries."""

from __future__ import annotations

from typing import Any

from service.rdf.namespaces import PREFIXES
from service.sparql.library import list_queries

# The query a new editor tab opens on: short, runnable as it stands, and with an answer worth
# reading on any store of press releases (on the seeds: who sent masks, gloves and test kits to whom).
STARTER = """\
PREFIX eg: <https://w3id.org/eventgraph#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# Aid delivered: who gave what to whom, and from when (the earliest day the text allows).
# Press the run button; "Example queries" above opens the named queries.
SELECT ?date ?donor ?recipient ?item ?quantity ?unit
WHERE {
  ?event a eg:AidDelivery ;
         eg:agent/rdfs:label ?donor ;
         eg:hasAid ?aid .
  ?aid eg:itemLabel ?item .
  OPTIONAL { ?event eg:recipient/rdfs:label ?recipient }
  OPTIONAL { ?event eg:earliest ?date }
  OPTIONAL { ?aid eg:quantity ?quantity }
  OPTIONAL { ?aid eg:unit ?unit }
}
ORDER BY ?date ?donor ?item
LIMIT 100
"""


def examples() -> list[dict[str, Any]]:
    """The named queries of ``queries/`` as editor examples, their defaults bound."""
    return [{"name": q.name, "title": q.title, "description": q.description, "query": q.query} for q in list_queries()]


def editor_config(endpoint: str) -> dict[str, Any]:
    return {"endpoint": endpoint, "prefixes": PREFIXES, "starter": STARTER, "examples": examples()}
