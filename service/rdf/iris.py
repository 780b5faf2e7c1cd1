"""The one place that mints IRIs: deterministic, all under a base IRI given by the settings.

The scheme (relative to the base; ``{doc}`` is the percent-encoded document id, ``{event}``
an event IRI):

====================  =======================================================
document              ``id/document/{doc}``
document's graph      ``graph/document/{doc}``
event                 ``id/event/{doc}-{h}``, h = sha1(doc id, sentence start,
                      trigger start, type)[:12]
actor with a QID      ``id/actor/{QID}``
actor without QID     ``id/actor/{slug}``
actor group           ``id/group/{doc}-{h}``, h = sha1(doc id, name, kind,
                      count, approximate)[:12]
time / evidence       ``{event}/time``, ``{event}/evidence``
evidence selectors    ``{event}/evidence/sentence``, ``{event}/evidence/trigger``
aid item / its value  ``{event}/aid/{n}``, ``{event}/aid/{n}/value`` (n from 0,
                      the index in the event's ``aid`` list)
shared actors graph   ``graph/actors``
extraction activity   ``id/activity/{doc}-{checksum[:12]}``
software agent        ``id/software/eventgraph/{version}``
document's curation   ``graph/curation/{doc}`` (corrections and curated copies)
correction            ``id/correction/{doc}-{h}``, h = sha1(doc id, time, seed)[:12]
curated event         ``id/event/{doc}-{h}``, h = sha1(doc id, "curated", seed)[:12]
curator               ``id/curator/{slug}``
====================  =======================================================

Aid category concepts do not depend on the base: ``https://w3id.org/eventgraph/category/{key}``.
Hashes are SHA-1 over the parts' ``str`` joined by U+001F. IRIs are returned as strings; callers
wrap them in ``NamedNode``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import unquote, urlsplit

from service.rdf.namespaces import CATEGORY

_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
_QID = re.compile(r"^Q[0-9]+$")
_WD_ENTITY = "http://www.wikidata.org/entity/"
_HASH_SEP = "\x1f"  # a separator, so that ("a b", "c") and ("a", "b c") hash differently


def encode(segment: str) -> str:
    """Percent-encode every character outside ``[A-Za-z0-9._-]`` (UTF-8 bytes, upper-case hex)."""
    return "".join(c if c in _SAFE else "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in segment)


def short_hash(*parts: object) -> str:
    """The first 12 hex digits of SHA-1 over the parts' ``str`` joined by U+001F."""
    text = _HASH_SEP.join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def slug(name: str) -> str:
    """Lowercase ASCII-folded name with runs of other characters turned into one '-'.

    A name with no ASCII letter or digit at all ("北京") gets ``x-`` plus a hash, so that
    distinct names never share a slug by being empty.
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    out = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return out or f"x-{short_hash(name)}"


def qid(value: str) -> str:
    """``Q148`` from ``Q148`` or ``http://www.wikidata.org/entity/Q148``; ValueError otherwise."""
    bare = value[len(_WD_ENTITY) :] if value.startswith(_WD_ENTITY) else value
    if not _QID.match(bare):
        raise ValueError(f"{value!r} is not a Wikidata item id (Q followed by digits)")
    return bare


class Iris:
    """Mints every IRI of the graph under ``base`` (an absolute http(s) IRI; a final '/' is added if missing)."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"base IRI {base!r} must be an absolute http(s) IRI without query or fragment")
        self.base = base if base.endswith("/") else base + "/"

    def document(self, doc_id: str) -> str:
        return f"{self.base}id/document/{encode(doc_id)}"

    def document_graph(self, doc_id: str) -> str:
        """The named graph that holds everything read from one document."""
        return f"{self.base}graph/document/{encode(doc_id)}"

    def curation_graph(self, doc_id: str) -> str:
        """The named graph that holds the corrections of one document and its curated events."""
        return f"{self.base}graph/curation/{encode(doc_id)}"

    def correction(self, doc_id: str, *parts: object) -> str:
        return f"{self.base}id/correction/{encode(doc_id)}-{short_hash(doc_id, *parts)}"

    def curated_event(self, doc_id: str, seed: str) -> str:
        """The curated copy of an event: an event IRI of its document, stable across re-extractions."""
        return f"{self.base}id/event/{encode(doc_id)}-{short_hash(doc_id, 'curated', seed)}"

    def curator(self, name: str) -> str:
        return f"{self.base}id/curator/{slug(name)}"

    @property
    def actors_graph(self) -> str:
        """The named graph shared by all documents: actors and aid category labels."""
        return f"{self.base}graph/actors"

    def event(self, doc_id: str, sentence_start: int, trigger_start: int, type: str) -> str:
        h = short_hash(doc_id, sentence_start, trigger_start, type)
        return f"{self.base}id/event/{encode(doc_id)}-{h}"

    def actor(self, name: str, wikidata: str | None = None) -> str:
        """An actor known to Wikidata is named by its QID, any other by the slug of its name."""
        key = qid(wikidata) if wikidata else slug(name)
        return f"{self.base}id/actor/{key}"

    def group(self, doc_id: str, name: str, kind: str, count: int | None, approximate: bool) -> str:
        """A counted group of actors ("48 sister cities"); local to its document."""
        h = short_hash(doc_id, name, kind, count, approximate)
        return f"{self.base}id/group/{encode(doc_id)}-{h}"

    def activity(self, doc_id: str, checksum: str) -> str:
        """The extraction run that read the document in this version of its text."""
        return f"{self.base}id/activity/{encode(doc_id)}-{checksum[:12]}"

    def software(self, version: str) -> str:
        return f"{self.base}id/software/eventgraph/{encode(version)}"

    @staticmethod
    def time(event: str) -> str:
        return f"{event}/time"

    @staticmethod
    def evidence(event: str) -> str:
        return f"{event}/evidence"

    @staticmethod
    def selector(event: str, which: str) -> str:
        """``which`` is ``sentence`` (the TextPositionSelector) or ``trigger`` (the TextQuoteSelector)."""
        if which not in ("sentence", "trigger"):
            raise ValueError(f"unknown selector {which!r}")
        return f"{event}/evidence/{which}"

    @staticmethod
    def aid(event: str, n: int) -> str:
        return f"{event}/aid/{n}"

    @staticmethod
    def money(event: str, n: int) -> str:
        return f"{event}/aid/{n}/value"

    @staticmethod
    def category(key: str) -> str:
        return CATEGORY.iri + encode(key)

    def doc_id_from_graph(self, iri: str) -> str | None:
        """The document id of a document graph IRI minted here; None for any other IRI."""
        prefix = f"{self.base}graph/document/"
        rest = iri[len(prefix) :] if iri.startswith(prefix) else ""
        return unquote(rest) if rest and "/" not in rest else None

    def doc_id_of(self, iri: str) -> str | None:
        """The document id behind a document, graph, event (or its parts), group or activity IRI."""
        kind = self.kind_of(iri)
        if kind in ("document-graph", "document", "curation-graph"):
            return unquote(iri.rsplit("/", 1)[1])
        if kind in ("event", "time", "evidence", "selector", "aid", "money", "group", "activity", "correction"):
            # {doc}-{h}: the hash part never contains '-', and '-' in the doc id is kept verbatim.
            local = iri[len(self.base) :].split("/")[2]
            return unquote(local.rsplit("-", 1)[0])
        return None

    def kind_of(self, iri: str) -> str | None:
        """What an IRI minted here names: "document", "event", "actor", "time", ...; None if not ours."""
        if iri.startswith(CATEGORY.iri):
            return "category"
        if not iri.startswith(self.base):
            return None
        return _kind_of_path(iri[len(self.base) :])


_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (r"^graph/actors$", "actors-graph"),
        (r"^graph/document/[^/]+$", "document-graph"),
        (r"^graph/curation/[^/]+$", "curation-graph"),
        (r"^id/correction/[^/]+$", "correction"),
        (r"^id/curator/[^/]+$", "curator"),
        (r"^id/document/[^/]+$", "document"),
        (r"^id/event/[^/]+$", "event"),
        (r"^id/event/[^/]+/time$", "time"),
        (r"^id/event/[^/]+/evidence$", "evidence"),
        (r"^id/event/[^/]+/evidence/(sentence|trigger)$", "selector"),
        (r"^id/event/[^/]+/aid/[0-9]+$", "aid"),
        (r"^id/event/[^/]+/aid/[0-9]+/value$", "money"),
        (r"^id/actor/[^/]+$", "actor"),
        (r"^id/group/[^/]+$", "group"),
        (r"^id/activity/[^/]+$", "activity"),
        (r"^id/software/eventgraph/[^/]+$", "software"),
    )
)


def _kind_of_path(path: str) -> str | None:
    for pattern, kind in _KINDS:
        if pattern.match(path):
            return kind
    return None
