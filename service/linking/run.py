"""One run of ``eventgraph link``: the concept links, then (online) the actors without a QID."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from service.linking.concepts import concept_quads
from service.linking.reconcile import DEFAULT_MIN_SCORE, Decision, link_quads, reconcile, unlinked_actors, write_quads
from service.linking.wikidata import WikidataClient
from service.rdf.iris import Iris
from service.store import Store


@dataclass
class LinkReport:
    concepts: int = 0  # concept links written (already present ones included: writing is idempotent)
    unlinked: int = 0  # actors without a QID before the run
    decisions: list[Decision] = field(default_factory=list)
    requests: int = 0  # requests sent to Wikidata (the others came from the cache)
    written: bool = False

    def count(self, status: str) -> int:
        return sum(1 for d in self.decisions if d.status == status)

    def summary(self) -> str:
        text = f"{self.concepts} concept links; {self.unlinked} actors without a Wikidata link"
        if self.decisions:
            text += (
                f"; online: {self.count('linked')} linked, {self.count('ambiguous')} ambiguous, "
                f"{self.count('no match')} without a match ({self.requests} requests, the rest from the cache)"
            )
        return text + ("" if self.written else " (dry run: nothing written)")


def link_store(
    store: Store,
    iris: Iris,
    *,
    client: WikidataClient | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    dry_run: bool = False,
    progress: Callable[[Decision], None] | None = None,
) -> LinkReport:
    """Write the concept links and, given a ``client``, the actor links reconciliation finds."""
    quads = concept_quads(iris)
    report = LinkReport(concepts=len(quads), unlinked=len(unlinked_actors(store, iris)))
    if client is not None:
        report.decisions = reconcile(store, client, iris, min_score=min_score, progress=progress)
        report.requests = client.requests
        quads += link_quads(report.decisions, iris, client.api_url)
    if not dry_run:
        write_quads(store, quads)
        report.written = True
    return report
