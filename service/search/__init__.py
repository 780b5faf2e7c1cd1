"""The text index behind the timeline's search: SQLite FTS5 (standard library), kept beside the store.

The store stays the only copy of the data: the index holds, per event, the texts the timeline
searches (evidence sentences, aid item labels, the names of its actors and places), read from the
quads a document is written with, and is rebuilt from the store by ``eventgraph search rebuild``.
It answers which events match some words, in order of relevance or of date; the timeline checks
every other filter in the store. It must not import the extractor, the document readers, Flask,
the web layer or the CLI.
"""

from __future__ import annotations

from service.search.index import (
    MIN_INDEXED_CHARS,
    IndexState,
    Match,
    TextIndex,
    highlight,
    index_for,
    index_path,
)

__all__ = ["MIN_INDEXED_CHARS", "IndexState", "Match", "TextIndex", "highlight", "index_for", "index_path"]
