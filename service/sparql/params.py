"""Parameters of named queries: grlc's variable naming, typed conversion, and binding as RDF terms.

A parameter is a query variable named as grlc names them: ``?_name_type`` is required,
``?__name_type`` optional; ``type`` is ``iri``, ``literal``, ``number`` or ``integer``, a
datatype ``xsd_date`` (prefix ``_`` local name), or a language tag (``?_label_en``). A value
from a user becomes a pyoxigraph term of that type or a :class:`UserError` that says what is
expected; terms reach the query text only as pyoxigraph serialises them, in a ``VALUES`` block.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from pyoxigraph import Literal, NamedNode

from service.errors import UserError
from service.rdf.namespaces import PREFIXES, WD, XSD
from service.store import Store

Term = NamedNode | Literal

# grlc's matcher (src/gquery.py get_parameters), anchored on one variable token without its '?'.
PARAM = re.compile(
    r"(?P<required>_{1,2})(?P<name>[a-zA-Z0-9]+)"
    r"(?:_(?P<type>iri|number|literal|integer)|_(?P<prefix>[a-zA-Z0-9]+)_(?P<local>[a-zA-Z0-9]+)|_(?P<lang>[a-zA-Z]{2,8}))?"
)
QID = re.compile(r"^Q[1-9][0-9]*$")
MAX_VALUE = 2000  # characters: no parameter needs more, and it bounds what a request can make us parse
MAX_MONTHS = 240  # month keys a date window may expand to (20 years)
DATATYPES = ("date", "dateTime", "integer", "decimal", "boolean", "string", "gYear")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_ACTOR_BY_QID = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nPREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
    "SELECT DISTINCT ?actor WHERE {{ VALUES ?wikidata {{ {wikidata} }} ?actor skos:exactMatch|owl:sameAs ?wikidata }}"
)


@dataclass(frozen=True)
class Param:
    """One parameter: its public ``name`` (``actor``) and the ``variable`` it binds (``_actor_iri``)."""

    name: str
    variable: str
    type: str  # iri, literal, number, integer, or "typed" (see datatype) or "lang" (see language)
    required: bool
    datatype: str | None = None  # a local name of DATATYPES when type == "typed"
    language: str | None = None
    default: str | None = None
    enum: tuple[str, ...] = ()
    description: str = ""

    @property
    def label(self) -> str:
        """The type as a reader names it: ``IRI or QID``, ``xsd:date``, ``text@en`` …"""
        if self.type == "typed":
            return f"xsd:{self.datatype}"
        if self.type == "lang":
            return f"text@{self.language}"
        return {"iri": "IRI, prefixed name or QID", "literal": "text"}.get(self.type, self.type)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "variable": "?" + self.variable,
            "type": self.label,
            "required": self.required,
            "default": self.default,
            "enum": list(self.enum) or None,
            "description": self.description,
        }


def parse_param(variable: str) -> Param | None:
    """The parameter a variable (without '?') declares, or None for an ordinary variable.

    >>> parse_param("_start_xsd_date").datatype
    'date'
    """
    m = PARAM.fullmatch(variable)
    if m is None:
        return None
    required = len(m["required"]) == 1
    if m["type"]:
        return Param(m["name"], variable, m["type"], required)
    if m["prefix"]:
        if m["prefix"] != "xsd" or m["local"] not in DATATYPES:
            raise ValueError(f"?{variable}: only xsd datatypes are supported ({', '.join(DATATYPES)})")
        return Param(m["name"], variable, "typed", required, datatype=m["local"])
    if m["lang"]:
        return Param(m["name"], variable, "lang", required, language=m["lang"].lower())
    return Param(m["name"], variable, "literal", required)


def bind(
    query_name: str, params: Iterable[Param], values: Mapping[str, str], store: Store | None = None
) -> dict[str, Term]:
    """Variable name → term for every parameter given a value (or having a default).

    :raises UserError: an unknown parameter, a missing required one, or a value of the wrong type.
    """
    params = tuple(params)
    names = [p.name for p in params]
    unknown = sorted(set(values) - set(names))
    if unknown:
        accepted = ", ".join(names) or "no parameters"
        raise UserError(f"{query_name} has no parameter {', '.join(unknown)}: it takes {accepted}")
    out: dict[str, Term] = {}
    for p in params:
        raw = values.get(p.name) or p.default
        if raw is None or raw == "":
            if p.required:
                raise UserError(f"{query_name} needs the parameter {p.name} ({p.label}): add {p.name}=…")
            continue
        out[p.variable] = convert(p, raw, store)
    return out


def convert(p: Param, raw: str, store: Store | None = None) -> Term:
    """The term for one value of parameter ``p``; UserError when the value does not fit."""
    if len(raw) > MAX_VALUE:
        raise UserError(f"the value of {p.name} is longer than {MAX_VALUE} characters")
    if p.enum and raw not in p.enum:
        raise UserError(f"{p.name}={raw!r} is not one of {', '.join(p.enum)}")
    try:
        if p.type == "iri":
            return _iri(raw, store)
        if p.type == "lang":
            return Literal(raw, language=p.language)
        if p.type == "literal" or (p.type == "typed" and p.datatype == "string"):
            return Literal(raw)
        return _typed(p.datatype or p.type, raw)
    except (ValueError, InvalidOperation):
        raise UserError(f"{p.name}={raw!r} is not a valid {p.label}{_example(p)}") from None


def _example(p: Param) -> str:
    examples = {"iri": "Q148, wd:Q148 or http://…", "date": "2020-03-31", "integer": "12", "number": "2.5"}
    key = p.datatype if p.type == "typed" else p.type
    return f" (for example {examples[key]})" if key in examples else ""


def _typed(kind: str, raw: str) -> Literal:
    value = raw.strip()
    if kind == "date":
        if not _DATE.match(value):
            raise ValueError(value)
        return Literal(date.fromisoformat(value).isoformat(), datatype=XSD.date)
    if kind == "dateTime":
        return Literal(datetime.fromisoformat(value).isoformat(), datatype=XSD.dateTime)
    if kind == "integer":
        return Literal(str(int(value, 10)), datatype=XSD.integer)
    if kind in ("number", "decimal"):
        number = Decimal(value)
        if not number.is_finite():
            raise ValueError(value)
        return Literal(format(number, "f"), datatype=XSD.decimal)
    if kind == "boolean":
        if value.lower() not in ("true", "false", "1", "0"):
            raise ValueError(value)
        return Literal(value.lower() in ("true", "1"))
    if kind == "gYear":
        if not re.fullmatch(r"-?[0-9]{4}", value):
            raise ValueError(value)
        return Literal(value, datatype=XSD.gYear)
    raise ValueError(kind)


def _iri(raw: str, store: Store | None) -> NamedNode:
    value = raw.strip()
    if QID.match(value):
        return actor_for_qid(value, store)
    prefix, colon, local = value.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        value = PREFIXES[prefix] + local
    if not value.startswith(("http://", "https://", "urn:")):
        raise ValueError(value)
    return NamedNode(value)


def actor_for_qid(qid: str, store: Store | None) -> NamedNode:
    """The actor whose Wikidata link is ``qid``; the one named by the QID first when several are."""
    if store is None:
        raise UserError(f"{qid} can only be resolved against a store: give the actor's IRI instead")
    rows = store.query(_ACTOR_BY_QID.format(wikidata=WD[qid]))
    found = [row["actor"].value for row in rows]  # type: ignore[union-attr]  # a SELECT: QuerySolutions
    if not found:
        raise UserError(
            f"no actor is linked to Wikidata {qid}: give the actor's IRI (the actors_wikidata query lists the links)"
        )
    found.sort(key=lambda iri: (not iri.endswith("/" + qid), iri))
    return NamedNode(found[0])


def month_keys(start: date, end: date) -> list[str]:
    """``YYYY-MM`` of every month from ``start`` to ``end``.

    >>> month_keys(date(2020, 11, 30), date(2021, 2, 1))
    ['2020-11', '2020-12', '2021-01', '2021-02']
    """
    if end < start:
        raise UserError(f"the window ends ({end}) before it starts ({start}): swap start and end")
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    if last - first + 1 > MAX_MONTHS:
        raise UserError(f"the window spans {last - first + 1} months; at most {MAX_MONTHS} are allowed: narrow it")
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(first, last + 1)]


def values_block(variable: str, terms: Iterable[Term]) -> str:
    """``VALUES ?variable { … }`` with each term as pyoxigraph serialises it (escaped, never raw input)."""
    return f"VALUES ?{variable} {{ {' '.join(str(t) for t in terms)} }}"
