"""The curation endpoints' part of the OpenAPI description (merged into ``/api/openapi.json``)."""

from __future__ import annotations

from typing import Any

from service.curation.operations import OPERATIONS, ROLES
from service.curation.records import STATUSES
from service.model import EVENT_TYPES


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERROR = _ref("Error")
WRITE_ERRORS = {
    "400": _json(_ERROR, "A bad operation or value; the message names the field"),
    "401": _json(_ERROR, "No token sent"),
    "403": _json(_ERROR, "A wrong token, or a read-only server"),
    "404": _json(_ERROR, "No such event, document or correction"),
    "415": _json(_ERROR, "The body is not application/json"),
}
_ACTOR_IN = {
    "type": "object",
    "description": "An actor: `iri` of one of the store's actors (as /api/actors lists them), or a bare `wikidata` "
    "QID the store knows, or `name` with `kind` and `wikidata` (a QID or null); groups add `group`, `count`, "
    "`approximate`.",
    "properties": {
        "iri": {"type": "string"},
        "name": {"type": "string"},
        "kind": {"type": "string"},
        "wikidata": {"type": ["string", "null"], "pattern": "^Q[0-9]+$"},
        "group": {"type": "boolean"},
        "count": {"type": ["integer", "null"]},
        "approximate": {"type": "boolean"},
    },
}
_AID_IN = {
    "type": "object",
    "required": ["item"],
    "properties": {
        "item": {"type": "string"},
        "quantity": {"type": ["number", "null"], "minimum": 0},
        "unit": {"type": ["string", "null"]},
        "value": {
            "type": ["object", "null"],
            "properties": {"amount": {"type": "number"}, "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}},
        },
        "approximate": {"type": "boolean"},
        "category": {"type": "string"},
    },
}
_DATE_PROPERTIES: dict[str, Any] = {
    "earliest": {"type": ["string", "null"], "format": "date"},
    "latest": {"type": ["string", "null"], "format": "date"},
    "precision": {"enum": ["day", "month", "year", "range", "unknown"]},
    "expression": {"type": "string"},
}
_DATE_IN: dict[str, Any] = {"type": "object", "properties": _DATE_PROPERTIES}

SCHEMAS: dict[str, Any] = {
    "CorrectionRequest": {
        "type": "object",
        "required": ["operation"],
        "description": "One operation and its values. Values by operation: reject {}; retype {type}; set_actors "
        "{role, actors: [Actor]}; add_actor and remove_actor {role, actor}; set_date {earliest, latest, precision}; "
        "set_aid {item (the label of the item to replace; added when absent), aid}; add_aid {aid}; remove_aid {item}.",
        "properties": {
            "operation": {"enum": [op for op in OPERATIONS if op != "add_event"]},
            "values": {
                "type": "object",
                "properties": {
                    "type": {"enum": list(EVENT_TYPES)},
                    "role": {"enum": list(ROLES)},
                    "actor": _ACTOR_IN,
                    "actors": {"type": "array", "items": _ACTOR_IN},
                    "item": {"type": "string"},
                    "aid": _AID_IN,
                    **_DATE_PROPERTIES,
                },
            },
            "note": {"type": "string", "maxLength": 2000},
            "curator": {"type": "string", "description": "Who corrects (default: the server's EVENTGRAPH_CURATOR)"},
        },
    },
    "NewEventRequest": {
        "type": "object",
        "required": ["sentence", "event"],
        "properties": {
            "sentence": {
                "type": "array",
                "items": {"type": "integer"},
                "minItems": 2,
                "maxItems": 2,
                "description": "[start, end]: the sentence's character offsets in the document's text",
            },
            "event": {
                "type": "object",
                "required": ["type"],
                "properties": {
                    "type": {"enum": list(EVENT_TYPES)},
                    "trigger": {"type": "string", "description": "Words of the sentence (default: its first word)"},
                    **{role: {"type": "array", "items": _ACTOR_IN} for role in ROLES},
                    "aid": {"type": "array", "items": _AID_IN},
                    "date": _DATE_IN,
                    "planned": {"type": "boolean"},
                },
            },
            "note": {"type": "string"},
            "curator": {"type": "string"},
        },
    },
    "Correction": {
        "type": "object",
        "properties": {
            "id": {"type": "string", "description": "The correction's key, for /api/curation/undo/{key}"},
            "iri": {"type": "string"},
            "document": {"type": "string"},
            "sequence": {"type": "integer"},
            "operation": {"enum": list(OPERATIONS)},
            "values": {"type": "object"},
            "curator": {"type": "string"},
            "time": {"type": "string", "format": "date-time"},
            "note": {"type": ["string", "null"]},
            "extractor_version": {"type": "string"},
            "status": {"enum": list(STATUSES)},
            "undone_at": {"type": ["string", "null"], "format": "date-time"},
            "event": {"type": ["string", "null"], "description": "The extracted event it applies to"},
            "curated_event": {"type": "string", "description": "The curated copy it builds"},
            "anchor": {"type": "object", "description": "sentence [start, end], text, trigger, trigger_offset, type"},
        },
    },
    "CorrectionAnswer": {
        "type": "object",
        "properties": {
            "correction": _ref("Correction"),
            "event": {
                "oneOf": [_ref("Event"), {"type": "null"}],
                "description": "The event as the curated view shows it now (null when rejected)",
            },
        },
    },
}


def paths() -> dict[str, Any]:
    key = {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}, "description": "An event key"}
    doc = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}, "description": "A document id"}
    fix = {
        "name": "key",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": "A correction id",
    }
    listing = _json({"type": "object", "properties": {"corrections": {"type": "array", "items": _ref("Correction")}}})
    secured: list[dict[str, list[str]]] = [{"bearer": []}]
    return {
        "/api/curation/events/{key}": {
            "get": {
                "summary": "The corrections of an event (made on it, on its curated copy, or adding it)",
                "parameters": [key],
                "responses": {"200": listing},
            },
            "post": {
                "summary": "Correct an event (token): the answer holds the correction and the event as now shown",
                "parameters": [key],
                "security": secured,
                "requestBody": {"content": {"application/json": {"schema": _ref("CorrectionRequest")}}},
                "responses": {"201": _json(_ref("CorrectionAnswer"), "Recorded"), **WRITE_ERRORS},
            },
        },
        "/api/curation/documents/{id}": {
            "post": {
                "summary": "Add an event the extractor missed, read from a sentence of the document (token)",
                "parameters": [doc],
                "security": secured,
                "requestBody": {"content": {"application/json": {"schema": _ref("NewEventRequest")}}},
                "responses": {"201": _json(_ref("CorrectionAnswer"), "Recorded"), **WRITE_ERRORS},
            }
        },
        "/api/curation/undo/{key}": {
            "post": {
                "summary": "Undo a correction (token): kept, marked undone, no longer applied",
                "parameters": [fix],
                "security": secured,
                "responses": {"200": _json(_ref("CorrectionAnswer")), **WRITE_ERRORS},
            }
        },
        "/api/curation/corrections": {
            "get": {
                "summary": "Every correction, or a document's, or those with a status",
                "parameters": [
                    {"name": "document", "in": "query", "schema": {"type": "string"}},
                    {"name": "status", "in": "query", "schema": {"enum": list(STATUSES)}},
                ],
                "responses": {"200": listing, "400": _json(_ERROR, "A bad argument")},
            }
        },
        "/api/curation/orphans": {
            "get": {
                "summary": "Corrections whose event or sentence is gone from their re-extracted document",
                "parameters": [],
                "responses": {"200": listing},
            }
        },
    }


def extend(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` (the API's OpenAPI description) with the curation endpoints and schemas added."""
    document["paths"].update(paths())
    document["components"]["schemas"].update(SCHEMAS)
    document["components"].setdefault("securitySchemes", {})["bearer"] = {"type": "http", "scheme": "bearer"}
    return document
