"""The OpenAPI 3.1 description of the JSON API, served at ``/api/openapi.json``."""

from __future__ import annotations

from typing import Any

from service.model import ACTOR_KINDS, EVENT_TYPES, PRECISIONS
from service.timeline.filters import MAX_LIMIT, MAX_QUERY_CHARS


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _param(name: str, description: str, schema: dict[str, Any], where: str = "query", **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": where, "description": description, "schema": schema, **extra}


FILTERS = [
    _param("q", "Words the evidence sentence, an actor's name or an aid item must contain (case-insensitive).",
           {"type": "string", "maxLength": MAX_QUERY_CHARS}),
    _param("type", "Event types (repeat or comma-separate).", {"type": "array", "items": {"enum": list(EVENT_TYPES)}},
           style="form", explode=True),
    _param("actor", "Actor IRIs as /api/actors lists them, or the QID of an actor's Wikidata link (Q148) "
           "(repeat); an event matches when any of them takes part.",
           {"type": "array", "items": {"type": "string"}}, style="form", explode=True),
    _param("doc", "A document id: only events read from it.", {"type": "string"}),
    _param("start", "First day of the date window (YYYY-MM-DD, YYYY-MM or YYYY); events overlapping it match.",
           {"type": "string"}),
    _param("end", "Last day of the date window.", {"type": "string"}),
]  # fmt: skip
PAGING = [
    _param("limit", "Page size.", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 100}),
    _param("cursor", "The `next` value of the previous page, unchanged.", {"type": "string"}),
]

_NULLABLE_STR = {"type": ["string", "null"]}
LABEL = (
    "What happened, in one line: donor → recipient · the aid in short for an event with aid "
    '("Japan → Vietnam · 1,000,000 doses of vaccine"), else the type and the actors ("Meeting · China, Kyrgyzstan")'
)

SCHEMAS: dict[str, Any] = {
    "Actor": {
        "type": "object",
        "required": ["name", "kind", "wikidata", "iri"],
        "properties": {
            "name": {"type": "string"},
            "kind": {"enum": list(ACTOR_KINDS)},
            "wikidata": {"type": ["string", "null"], "pattern": "^Q[0-9]+$", "description": "Wikidata item id"},
            "group": {"type": "boolean", "description": "A counted group such as '48 sister cities'"},
            "count": {"type": ["integer", "null"]},
            "approximate": {"type": "boolean"},
            "iri": {"type": "string"},
        },
    },
    "Aid": {
        "type": "object",
        "required": ["item", "quantity", "unit", "value", "approximate"],
        "properties": {
            "item": {"type": "string"},
            "category": {"type": "string"},
            "quantity": {"type": ["number", "null"]},
            "unit": _NULLABLE_STR,
            "value": {
                "type": ["object", "null"],
                "properties": {"amount": {"type": "number"}, "currency": {"type": "string"}},
            },
            "approximate": {"type": "boolean"},
        },
    },
    "Event": {
        "type": "object",
        "description": "The event JSON format of ontology/event.schema.json, plus iri, key, label, document and links.",
        "required": [
            "id",
            "type",
            "trigger",
            "sentence",
            "date",
            "agents",
            "recipients",
            "participants",
            "places",
            "aid",
            "offsets",
            "confidence",
            "planned",
            "iri",
            "key",
            "label",
            "document",
            "links",
        ],
        "properties": {
            "id": {"type": "string"},
            "type": {"enum": list(EVENT_TYPES)},
            "trigger": {"type": "string"},
            "sentence": {"type": "string"},
            "date": {
                "type": "object",
                "properties": {
                    "earliest": {"type": ["string", "null"], "format": "date"},
                    "latest": {"type": ["string", "null"], "format": "date"},
                    "precision": {"enum": list(PRECISIONS)},
                    "expression": {"type": "string", "description": "The temporal expression as written"},
                    "basis": {"enum": ["explicit", "paragraph", "document", "publication"]},
                },
            },
            "agents": {"type": "array", "items": _ref("Actor")},
            "recipients": {"type": "array", "items": _ref("Actor")},
            "participants": {"type": "array", "items": _ref("Actor")},
            "places": {"type": "array", "items": _ref("Actor")},
            "aid": {"type": "array", "items": _ref("Aid")},
            "offsets": {
                "type": "object",
                "description": "Character offsets [start, end) into the document text.",
                "properties": {"sentence": {"type": "array"}, "trigger": {"type": "array"}},
            },
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "planned": {"type": "boolean"},
            "iri": {"type": "string", "description": "The event's IRI (its linked-data page)"},
            "key": {"type": "string", "description": "The event's address in this API: /api/events/{key}"},
            "label": {"type": "string", "description": LABEL},
            "document": {"type": "object", "properties": {"id": {}, "iri": {}, "title": {}, "published": {}}},
            "links": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    },  # fmt: skip
    "EventPage": {
        "type": "object",
        "properties": {
            "events": {"type": "array", "items": _ref("Event")},
            "next": {"type": ["string", "null"], "description": "Cursor of the next page; null on the last page"},
            "window": {"type": ["object", "null"], "properties": {"start": {}, "end": {}}},
            "search": {
                "type": "object",
                "description": "With q: index is true when the text index answered (ranked by relevance when no "
                "window is given), false when it is missing or stale and the store's texts were scanned (note says "
                "why and what to run)",
                "properties": {"index": {"type": "boolean"}, "note": _NULLABLE_STR},
            },
            "links": {"type": "object", "properties": {"next": _NULLABLE_STR}},
        },
    },
    "TimelineWindow": {
        "type": "object",
        "description": "The events touching the months of the window. complete: all of them are in events. "
        "Otherwise drawn says which came: month (those dated within one calendar month), day (those known to "
        "the day), or none, and then histogram counts them per month (per year past three years).",
        "properties": {
            "window": {"type": "object"},
            "limit": {"type": "integer"},
            "complete": {"type": "boolean"},
            "drawn": {"enum": ["all", "month", "day", "none"]},
            "events": {
                "type": "array",
                "items": {
                    "type": "object",
                    "description": "key, iri, type, label (as in Event), date, trigger, "
                    "agents and recipients (name, iri; a group's count), document (id, title)",
                },
            },
            "histogram": _ref("Histogram"),
        },
    },
    "Histogram": {
        "type": "object",
        "properties": {
            "level": {"enum": ["month", "year"]},
            "buckets": {
                "type": "array",
                "items": {"type": "object", "properties": {"key": {"type": "string"}, "count": {"type": "integer"}}},
            },
        },
    },
    "DocumentSummary": {
        "type": "object",
        "properties": {
            k: ({"type": "integer"} if k == "events" else _NULLABLE_STR)
            for k in ("id", "iri", "title", "published", "source", "author", "url", "events")
        },
    },
    "Error": {
        "type": "object",
        "required": ["ok", "status", "error"],
        "properties": {"ok": {"const": False}, "status": {"type": "integer"}, "error": {"type": "string"}},
    },
}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {"400": _json(_ref("Error"), "A bad argument; the message names it")}
NOT_FOUND = {"404": _json(_ref("Error"), "Not in the store")}


def _get(summary: str, params: list[dict[str, Any]], ok: dict[str, Any], errors: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"summary": summary, "parameters": params, "responses": {"200": ok, **errors}}}


def _paths() -> dict[str, Any]:
    key = _param("key", "The event's key (the `key` field).", {"type": "string"}, where="path", required=True)
    doc = _param("id", "A document id.", {"type": "string"}, where="path", required=True)
    csv = {"description": "One row per event", "content": {"text/csv": {"schema": {"type": "string"}}}}
    return {
        "/api/events": _get("Events matching the filters, in date order, a page at a time", FILTERS + PAGING,
                            _json(_ref("EventPage")), ERRORS),
        "/api/timeline": _get("What the timeline draws for a window: light events, or counts when they crowd",
                              FILTERS + PAGING[:1], _json(_ref("TimelineWindow")), ERRORS),
        "/api/events/histogram": _get("How many events touch each month (year) of the date window", FILTERS,
                                      _json(_ref("Histogram")), ERRORS),
        "/api/events/{key}": _get("One event", [key], _json(_ref("Event")), NOT_FOUND),
        "/api/actors": _get("Actors whose name contains q, most events first (autocomplete)",
                            [FILTERS[0], _param("limit", "How many.", {"type": "integer", "maximum": 100})],
                            _json({"type": "object", "properties": {"actors": {"type": "array"}}}), ERRORS),
        "/api/documents": _get("The documents", [], _json({"type": "object", "properties": {
            "documents": {"type": "array", "items": _ref("DocumentSummary")}}}), {}),
        "/api/documents/{id}": _get("A document: metadata, text, its events and the text cut into segments", [doc],
                                    _json({"type": "object"}), NOT_FOUND),
        "/api/stats": _get("Figures about the dataset", [], _json({"type": "object"}), {}),
        "/api/export/events.json": _get("Export as event JSON ({\"events\": [...]})", FILTERS,
                                        _json({"type": "object", "properties": {"events": {"type": "array"}}}), ERRORS),
        "/api/export/events.csv": _get("Export as CSV", FILTERS, csv, ERRORS),
        "/api/export/timelinejs.json": _get("Export as TimelineJS 3 JSON (Knight Lab)", FILTERS,
                                            _json({"type": "object"}), ERRORS),
        "/api/queries": _get("The named queries of queries/: name, title, description, parameters and defaults", [],
                             _json({"type": "object", "properties": {"queries": {"type": "array"}}}), {}),
        "/api/queries/{name}": _get(
            "Run a named query; its parameters are query-string arguments, bound as RDF terms (never pasted in)",
            [_param("name", "The query's name (its file name without .rq).", {"type": "string"}, where="path",
                    required=True),
             _param("format", "json (default), csv, tsv, xml; turtle, ntriples, jsonld … for CONSTRUCT.",
                    {"type": "string"})],
            {"description": "SPARQL results, negotiated as /sparql does",
             "content": {"application/sparql-results+json": {"schema": {"type": "object"}},
                         "text/csv": {"schema": {"type": "string"}}, "text/turtle": {"schema": {"type": "string"}}}},
            {**ERRORS, **NOT_FOUND}),
        "/api/openapi.json": _get("This description", [], _json({"type": "object"}), {}),
    }  # fmt: skip


def describe(version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the API."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Eventgraph API",
            "version": version,
            "description": "Events, actors and documents read from press releases, answered by SPARQL on the store.",
        },
        "paths": _paths(),
        "components": {"schemas": SCHEMAS},
    }
