"""Curation: analysts' corrections kept beside the extraction, and the curated view they make.

The machine's output is never edited. Each corrected document has a curation graph
(``{base}graph/curation/{doc}``) holding its correction records (``eg:Correction``, PROV-O
activities), the curated copies of the events they change and the ``eg:supersededBy`` links
that take the extracted events out of the curated view; every read of the curated view leaves
out the events that have such a link. When a document is re-extracted, its corrections find
their events again and the graph is rebuilt with the document's, in one transaction
(docs/curation.md). It must not import the extractor, the document readers, Flask, the web
layer or the CLI.
"""

from __future__ import annotations

from service.curation.curate import (
    add_event,
    correct,
    corrections,
    curated_events,
    document_lock,
    export_gold,
    history,
    orphans,
    reattach_stored,
    reattach_update,
    undo,
    view_event,
)
from service.curation.operations import OPERATIONS, ROLES
from service.curation.records import STATUSES, Correction

__all__ = [
    "OPERATIONS",
    "ROLES",
    "STATUSES",
    "Correction",
    "add_event",
    "correct",
    "corrections",
    "curated_events",
    "document_lock",
    "export_gold",
    "history",
    "orphans",
    "reattach_stored",
    "reattach_update",
    "undo",
    "view_event",
]
