"""The one-line label of an event: who did what, never a bare trigger verb.

An event with aid reads "donor → recipient · the aid in short" ("Japan → Vietnam · 1,000,000
doses of vaccine", "European Union → Pakistan · €1.5 million in humanitarian aid"); any other
event reads "type · actors" ("Meeting · China, Kyrgyzstan"). The label is built here, once, from
the event JSON's actors and aid, so the JSON API (full and light events) and the page agree.
It is plain text: the page puts it in as text, never as HTML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

MAX_ACTORS = 3  # names shown before "+N"
MAX_AID = 2  # aid items shown before "+N more"

# Symbols that read unambiguously in English text (CLDR's, with the dollars told apart);
# any other ISO 4217 code is written before the amount ("CHF 2 million").
CURRENCY_SYMBOLS = {
    "EUR": "€", "GBP": "£", "USD": "US$", "JPY": "¥", "CNY": "CN¥", "INR": "₹", "KRW": "₩",
    "AUD": "A$", "CAD": "CA$", "NZD": "NZ$", "HKD": "HK$", "SGD": "S$", "TWD": "NT$",
}  # fmt: skip
_SCALES = ((1_000_000_000_000, "trillion"), (1_000_000_000, "billion"), (1_000_000, "million"))


def type_label(name: str) -> str:
    """``aid_delivery`` → ``Aid delivery``."""
    return name.replace("_", " ").capitalize()


def number(value: float) -> str:
    """A quantity for reading: ``1000000`` → ``1,000,000``, ``2.5`` → ``2.5``."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def money(amount: float, currency: str) -> str:
    """``1500000, "EUR"`` → ``€1.5 million``; ``250000, "CHF"`` → ``CHF 250,000``."""
    scaled = number(amount) if float(amount).is_integer() else f"{amount:,.2f}"
    for size, word in _SCALES:
        if round(abs(amount) / size, 2) >= 1:
            scaled = f"{number(round(amount / size, 2))} {word}"
            break
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    return f"{symbol}{scaled}" if symbol else f"{currency.upper()} {scaled}"


def aid_item(aid: Mapping[str, Any]) -> str:
    """One aid item in short: ``~100,000 masks``, ``10,000 pairs of gloves``, ``€1.5 million in funds``."""
    item = str(aid.get("item") or "").strip()
    quantity = aid.get("quantity")
    value = aid.get("value")
    approx = "~" if aid.get("approximate") else ""
    if quantity is not None:
        unit = str(aid.get("unit") or "").strip()
        what = item or unit if _unit_named(item, unit) else f"{unit} of {item}" if unit and item else unit or item
        text = f"{approx}{number(quantity)} {what}".strip()
        return f"{text} ({money(value['amount'], value['currency'])})" if value else text
    if value:
        amount = f"{approx}{money(value['amount'], value['currency'])}"
        return f"{amount} in {item}" if item else amount
    return item


def _unit_named(item: str, unit: str) -> bool:
    """The item already says its unit: "1,000,000 doses" (not "doses of doses"), "50,000 test kits"."""
    if not unit or not item:
        return not unit
    last = item.lower().split()[-1]
    return last in (unit.lower(), unit.lower().rstrip("s")) or (unit.lower() == "doses" and last in ("jabs", "shots"))


def aid_summary(aid: Sequence[Mapping[str, Any]]) -> str:
    """The first items in short and how many more: ``100,000 masks, 5,000 gowns +2 more``.

    Items with a quantity or a value come first (in their order), then the others.
    """
    counted = sorted(aid, key=lambda a: a.get("quantity") is None and not a.get("value"))
    items = [text for text in (aid_item(a) for a in counted) if text]
    if len(items) <= MAX_AID:
        return ", ".join(items)
    return ", ".join(items[:MAX_AID]) + f" +{len(items) - MAX_AID} more"


def actor_name(actor: Mapping[str, Any]) -> str:
    """An actor's name; a counted group with its count (``24 sister cities``)."""
    name = str(actor.get("name") or "").strip()
    count = actor.get("count")
    if actor.get("group") and isinstance(count, int | float) and name and not name[0].isdigit():
        return ("~" if actor.get("approximate") else "") + f"{number(count)} {name}"
    return name


def actor_list(actors: Sequence[Mapping[str, Any]]) -> str:
    """Names joined, each once, the first few and ``+N`` for the rest."""
    names: list[str] = []
    for actor in actors:
        name = actor_name(actor)
        if name and name not in names:
            names.append(name)
    if len(names) <= MAX_ACTORS:
        return ", ".join(names)
    return ", ".join(names[:MAX_ACTORS]) + f" +{len(names) - MAX_ACTORS}"


def actors_phrase(event: Mapping[str, Any]) -> str:
    """``agents and participants → recipients``, then the places (``in Guinea``)."""
    doers = actor_list([*event.get("agents", ()), *event.get("participants", ())])
    receivers = actor_list(event.get("recipients", ()))
    places = actor_list(event.get("places", ()))
    who = f"{doers} → {receivers}" if doers and receivers else doers or (f"to {receivers}" if receivers else "")
    if places:
        who = f"{who} (in {places})" if who else f"in {places}"
    return who


def event_label(event: Mapping[str, Any]) -> str:
    """The label of an event given as (full or light) event JSON: its actors, and its aid or type."""
    kind = type_label(str(event.get("type") or "event"))
    who = actors_phrase(event)
    aid = aid_summary(event.get("aid", ()))
    if aid:
        return f"{who} · {aid}" if who else f"{kind} · {aid}"
    return f"{kind} · {who}" if who else f"{kind} · no actor named"
