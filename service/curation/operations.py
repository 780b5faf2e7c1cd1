"""The operations an analyst can apply to an event: checked once when made, then pure functions.

An operation is a name and a JSON object of values (what ``eg:operationValues`` holds).
:func:`check` turns what a client sent into the values kept (or raises a ``UserError`` that
names the field); :func:`apply` applies kept values to an event and returns the new event, or
None when the event is rejected. ``apply`` never fails on an event it was not made on: a value
it cannot find (an aid item that is gone) leaves the event as it is, which then counts as
agreeing with the extraction.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import date
from typing import Any

from service.errors import UserError
from service.model import ACTOR_KINDS, EVENT_TYPES, PRECISIONS, Actor, Aid, Event, TimeSpan

OPERATIONS: tuple[str, ...] = (
    "reject",
    "retype",
    "set_actors",
    "add_actor",
    "remove_actor",
    "set_date",
    "set_aid",
    "add_aid",
    "remove_aid",
    "add_event",
)
ROLES: tuple[str, ...] = ("agents", "recipients", "participants", "places")
MAX_NOTE_CHARS = 2000
MAX_TEXT_CHARS = 500  # names, items, units, triggers
MAX_LIST = 50  # actors in a role, aid items in an event
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_QID = re.compile(r"^Q[0-9]+$")


def _text(data: dict[str, Any], key: str, *, required: bool = True, where: str = "") -> str | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise UserError(f"{where}{key!r} is required")
        return None
    if not isinstance(value, str):
        raise UserError(f"{where}{key!r} must be a string")
    value = " ".join(value.split())
    if len(value) > MAX_TEXT_CHARS:
        raise UserError(f"{where}{key!r} is longer than {MAX_TEXT_CHARS} characters")
    return value


def _object(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise UserError(f"{what} must be a JSON object")
    return data


def _number(data: dict[str, Any], key: str, where: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise UserError(f"{where}{key!r} must be a number of at least 0, or null")
    return float(value)


def check_actor(data: Any, where: str = "actor: ") -> dict[str, Any]:
    """An actor as kept: name, kind, wikidata (a QID or null), and group, count, approximate for groups."""
    data = _object(data, where.rstrip(": ") or "actor")
    name = _text(data, "name", where=where)
    kind = data.get("kind") or "other"
    if kind not in ACTOR_KINDS:
        raise UserError(f"{where}'kind' must be one of {', '.join(ACTOR_KINDS)}")
    wikidata = data.get("wikidata")
    if wikidata is not None and (not isinstance(wikidata, str) or not _QID.match(wikidata)):
        raise UserError(f"{where}'wikidata' must be a Wikidata item id such as Q148, or null")
    out: dict[str, Any] = {"name": name, "kind": kind, "wikidata": wikidata}
    if data.get("group"):
        count = data.get("count")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
            raise UserError(f"{where}'count' must be a whole number of at least 0, or null")
        out |= {"group": True, "count": count, "approximate": bool(data.get("approximate", False))}
    return out


def check_aid(data: Any, where: str = "aid: ") -> dict[str, Any]:
    """An aid item as kept: item, quantity, unit, value {amount, currency}, approximate, category."""
    data = _object(data, where.rstrip(": ") or "aid")
    out: dict[str, Any] = {
        "item": _text(data, "item", where=where),
        "quantity": _number(data, "quantity", where),
        "unit": _text(data, "unit", required=False, where=where),
        "value": None,
        "approximate": bool(data.get("approximate", False)),
    }
    value = data.get("value")
    if value is not None:
        value = _object(value, f"{where}'value'")
        amount = _number(value, "amount", f"{where}value: ")
        currency = value.get("currency")
        if amount is None:
            raise UserError(f"{where}value: 'amount' is required")
        if not isinstance(currency, str) or not _CURRENCY.match(currency):
            raise UserError(f"{where}value: 'currency' must be an ISO 4217 code such as USD")
        out["value"] = {"amount": amount, "currency": currency}
    category = _text(data, "category", required=False, where=where)
    if category:
        if not re.match(r"^[a-z0-9_]+$", category):
            raise UserError(f"{where}'category' must be a category key (lower-case letters, digits, '_')")
        out["category"] = category
    return out


def check_date(data: dict[str, Any]) -> dict[str, Any]:
    days: list[date | None] = []
    for key in ("earliest", "latest"):
        value = data.get(key)
        if value is None:
            days.append(None)
            continue
        try:
            days.append(date.fromisoformat(value) if isinstance(value, str) else None)
        except ValueError:
            days.append(None)
        if days[-1] is None:
            raise UserError(f"{key!r} must be a date YYYY-MM-DD, or null")
    earliest, latest = days
    if earliest and latest and earliest > latest:
        raise UserError("'earliest' is after 'latest'")
    precision = data.get("precision") or ("day" if earliest and earliest == latest else "range")
    if precision not in PRECISIONS:
        raise UserError(f"'precision' must be one of {', '.join(PRECISIONS)}")
    out: dict[str, Any] = {
        "earliest": earliest.isoformat() if earliest else None,
        "latest": latest.isoformat() if latest else None,
        "precision": precision,
    }
    expression = _text(data, "expression", required=False)
    if expression:
        out["expression"] = expression
    return out


def _role(data: dict[str, Any]) -> str:
    role = data.get("role")
    if role not in ROLES:
        raise UserError(f"'role' must be one of {', '.join(ROLES)}")
    return str(role)


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        raise UserError(f"{key!r} must be a list")
    if len(value) > MAX_LIST:
        raise UserError(f"{key!r} lists more than {MAX_LIST} entries")
    return value


def check(operation: str, values: Any) -> dict[str, Any]:
    """The values kept for ``operation`` from what a client sent (actors already resolved).

    :raises UserError: naming the operation or field that is wrong.
    """
    if operation not in OPERATIONS:
        raise UserError(f"unknown operation {operation!r}: use one of {', '.join(OPERATIONS)}")
    data = _object(values if values is not None else {}, "the operation's values")
    if operation == "reject":
        return {}
    if operation == "retype":
        if data.get("type") not in EVENT_TYPES:
            raise UserError(f"'type' must be one of {', '.join(EVENT_TYPES)}")
        return {"type": data["type"]}
    if operation == "set_actors":
        return {"role": _role(data), "actors": [check_actor(a) for a in _list(data, "actors")]}
    if operation in ("add_actor", "remove_actor"):
        return {"role": _role(data), "actor": check_actor(data.get("actor"))}
    if operation == "set_date":
        return check_date(data)
    if operation == "set_aid":
        return {"item": _text(data, "item"), "aid": check_aid(data.get("aid"))}
    if operation == "add_aid":
        return {"aid": check_aid(data.get("aid"))}
    if operation == "remove_aid":
        return {"item": _text(data, "item")}
    return check_new_event(data)


def check_new_event(data: dict[str, Any]) -> dict[str, Any]:
    """``add_event``: the type, roles, date, aid and trigger of an event the extractor missed."""
    event = _object(data.get("event"), "'event'")
    if event.get("type") not in EVENT_TYPES:
        raise UserError(f"event: 'type' must be one of {', '.join(EVENT_TYPES)}")
    out: dict[str, Any] = {"type": event["type"], "trigger": _text(event, "trigger", required=False, where="event: ")}
    for role in ROLES:
        out[role] = [check_actor(a, f"event: {role}: ") for a in _list(event, role)] if role in event else []
    out["aid"] = [check_aid(a, "event: aid: ") for a in _list(event, "aid")] if "aid" in event else []
    out["date"] = check_date(_object(event["date"], "event: 'date'")) if event.get("date") else None
    out["planned"] = bool(event.get("planned", False))
    return out


def _same_actor(a: Actor, b: Actor) -> bool:
    if a.wikidata and b.wikidata:
        return a.wikidata == b.wikidata
    return a.name.casefold() == b.name.casefold() and a.group == b.group


def _actors(event: Event, role: str) -> tuple[Actor, ...]:
    return tuple(getattr(event, role))


def _with_role(event: Event, role: str, actors: tuple[Actor, ...]) -> Event:
    changes: dict[str, Any] = {role: actors}
    return replace(event, **changes)


def actor(data: dict[str, Any]) -> Actor:
    return Actor.from_json(data)


def aid(data: dict[str, Any]) -> Aid:
    return Aid.from_json(data)


def span(data: dict[str, Any], basis: str = "curated") -> TimeSpan:
    return TimeSpan(
        earliest=date.fromisoformat(data["earliest"]) if data.get("earliest") else None,
        latest=date.fromisoformat(data["latest"]) if data.get("latest") else None,
        precision=data.get("precision", "unknown"),
        expression=data.get("expression"),
        basis=basis,
    )


def _item_index(event: Event, item: str) -> int | None:
    for n, a in enumerate(event.aid):
        if a.item.casefold() == item.casefold():
            return n
    return None


def apply(event: Event | None, operation: str, values: dict[str, Any]) -> Event | None:
    """The event after the operation (None: rejected). ``add_event`` is built by the caller."""
    if event is None:
        return None
    if operation == "reject":
        return None
    if operation == "retype":
        return replace(event, type=values["type"])
    if operation == "set_actors":
        new = tuple(actor(a) for a in values["actors"])
        current = _actors(event, values["role"])
        same = len(new) == len(current) and all(any(_same_actor(a, b) for b in current) for a in new)
        return event if same else _with_role(event, values["role"], new)
    if operation == "add_actor":
        one = actor(values["actor"])
        current = _actors(event, values["role"])
        if any(_same_actor(one, a) for a in current):
            return event
        return _with_role(event, values["role"], (*current, one))
    if operation == "remove_actor":
        one = actor(values["actor"])
        current = _actors(event, values["role"])
        kept = tuple(a for a in current if not _same_actor(one, a))
        return event if len(kept) == len(current) else _with_role(event, values["role"], kept)
    if operation == "set_date":
        new_span = span(values)
        old = event.date
        if (old.earliest, old.latest, old.precision) == (new_span.earliest, new_span.latest, new_span.precision):
            return event
        return replace(event, date=new_span)
    if operation in ("set_aid", "add_aid"):
        item = aid(values["aid"])
        n = _item_index(event, values["item"] if operation == "set_aid" else item.item)
        if n is None:
            return replace(event, aid=(*event.aid, item))
        if _same_aid(event.aid[n], item):
            return event
        return replace(event, aid=tuple(item if i == n else a for i, a in enumerate(event.aid)))
    if operation == "remove_aid":
        n = _item_index(event, values["item"])
        return event if n is None else replace(event, aid=tuple(a for i, a in enumerate(event.aid) if i != n))
    raise ValueError(f"operation {operation!r} is not applied to an existing event")


def _same_aid(a: Aid, b: Aid) -> bool:
    same = (a.item, a.quantity, a.unit, a.value, a.approximate) == (b.item, b.quantity, b.unit, b.value, b.approximate)
    return same and (b.category is None or a.category == b.category)


def same_event(a: Event, b: Event) -> bool:
    """True when two events say the same (ids, confidence and mentions aside)."""

    def key(e: Event) -> tuple[Any, ...]:
        roles = tuple(
            tuple(sorted((x.name.casefold(), x.wikidata or "", x.group, x.count or 0) for x in getattr(e, r)))
            for r in ROLES
        )
        items = tuple((x.item, x.quantity, x.unit, x.value, x.approximate) for x in e.aid)
        return (e.type, e.date.earliest, e.date.latest, e.date.precision, roles, items, e.planned)

    return key(a) == key(b)
