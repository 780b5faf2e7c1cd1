"""The named-query library: the SPARQL files of ``queries/``, their headers, and running them.

Each ``queries/NAME.rq`` starts with grlc's decorator comments (``#+ summary:``,
``#+ description:``, ``#+ tags:``, ``#+ defaults:``, ``#+ enumerate:``), read as YAML, plus two
of our own (``#+ params:`` describes each parameter, ``#+ month_keys:`` derives the month keys of
a date window); parameters are the query's ``?_name_type`` variables (:mod:`.params`). Values
are bound as RDF terms in a ``VALUES`` block at the top of the WHERE clause, so the same text
runs on the embedded store and on a remote SPARQL endpoint; they are never pasted as text.
Names are looked up among the loaded files, never turned into paths.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]  # jsonschema ships no type information
from pyoxigraph import Literal, NamedNode

from service.errors import NotFound, StoreUnavailable, UserError
from service.rdf.namespaces import OWL, SKOS, WD
from service.resources import folder
from service.sparql import params as P
from service.sparql.cli_output import serialize_result
from service.sparql.evaluator import ServiceCallFailed
from service.sparql.federation import check_query
from service.sparql.tokens import Token, query_form, tokenize
from service.store import QueryResult, Store

QUERIES_DIR = folder("queries")
NAME = re.compile(r"^[a-z0-9_-]+$")
# What a header may say, and in what shape: ``query_header.schema.json`` beside this module.
HEADER_SCHEMA: dict[str, Any] = json.loads(
    (Path(__file__).parent / "query_header.schema.json").read_text(encoding="utf-8")
)
DECORATORS: tuple[str, ...] = tuple(HEADER_SCHEMA["properties"])
RESERVED = ("format",)  # request parameters the API keeps for itself

Param = P.Param


@dataclass(frozen=True)
class MonthKeys:
    """``#+ month_keys``: bind ``variable`` to every ``YYYY-MM`` from parameter ``start`` to ``end``."""

    variable: str
    start: str  # parameter names
    end: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str
    form: str  # SELECT, CONSTRUCT, ASK or DESCRIBE
    tags: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    services: tuple[str, ...] = ()  # the endpoints its SERVICE clauses call
    month_keys: MonthKeys | None = None
    where_at: int = field(default=-1, repr=False)  # offset just inside the WHERE clause's '{'

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def param_of(self, variable: str) -> Param:
        """The parameter bound to ``variable`` (``_actor_iri`` → actor)."""
        return next(p for p in self.params if p.variable == variable)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "form": self.form,
            "tags": list(self.tags),
            "federated": bool(self.services),
            "services": list(self.services),
            "params": [p.to_json() for p in self.params],
            "query": self.query,
        }

    @property
    def query(self) -> str:
        """The text with every default bound: ready to run in a query editor, where it answers
        what the API and the CLI answer when given no parameters.

        A QID default (``actor: Q148``) means the actor linked to that Wikidata item; the editor's
        text runs without the library, so the link is looked up by the text itself (see :func:`prepare`).
        """
        terms: dict[str, P.Term] = {}
        links: dict[str, NamedNode] = {}
        for p in self.params:
            if p.default is None:
                continue
            if p.type == "iri" and P.QID.match(p.default):
                links[p.variable] = WD[p.default]
            else:
                terms[p.variable] = P.convert(p, p.default)
        return prepare(self, terms, links)


def list_queries(directory: Path | None = None) -> list[NamedQuery]:
    """Every named query, by name. Files are re-read when they change."""
    folder = directory or QUERIES_DIR
    stamp = tuple(sorted((e.name, e.stat().st_mtime_ns) for e in os.scandir(folder) if e.name.endswith(".rq")))
    return list(_load_all(str(folder), stamp))


@functools.lru_cache(maxsize=8)
def _load_all(folder: str, stamp: tuple[tuple[str, int], ...]) -> tuple[NamedQuery, ...]:
    out = []
    for file_name, _ in stamp:
        name = file_name[: -len(".rq")]
        if NAME.fullmatch(name):
            out.append(parse_query(name, (Path(folder) / file_name).read_text(encoding="utf-8")))
    return tuple(out)


def get_query(name: str, directory: Path | None = None) -> NamedQuery:
    """The named query ``name``.

    :raises UserError: a name outside ``[a-z0-9_-]``. :raises NotFound: no such query.
    """
    if not NAME.fullmatch(name):
        raise UserError(f"{name!r} is not a query name: names are lowercase letters, digits, '-' and '_'")
    for query in list_queries(directory):
        if query.name == name:
            return query
    raise NotFound(f"no named query {name!r}: `eventgraph query --list` or GET /api/queries lists them")


def parse_query(name: str, text: str) -> NamedQuery:
    """Read one file's header and parameters.

    :raises ValueError: a header that is not valid YAML or names unknown decorators or parameters.
    """
    header = _header(name, text)
    tokens = tokenize(text)
    form = query_form(tokens)
    if form is None:
        raise ValueError(f"{name}.rq needs a '#+ summary:' line and a {_FORMS} query")
    params = _with_header(name, _declared(name, tokens), header)
    month_keys = _month_keys(name, header.get("month_keys"), params, tokens)
    where_at = _where_at(tokens)
    if (params or month_keys) and where_at < 0:
        raise ValueError(f"{name}.rq has parameters, so it needs an explicit WHERE {{ … }} clause")
    return NamedQuery(
        name=name,
        title=header["summary"].strip(),
        description=" ".join(str(header.get("description") or "").split()),
        text=text,
        form=form,
        tags=tuple(str(t) for t in header.get("tags") or ()),
        params=params,
        services=_services(tokens),
        month_keys=month_keys,
        where_at=where_at,
    )


_FORMS = "SELECT, CONSTRUCT, ASK or DESCRIBE"


def _header(name: str, text: str) -> dict[str, Any]:
    """The header, checked against ``query_header.schema.json``.

    :raises ValueError: the first problem, as one line naming the file and the decorator.
    """
    lines = [line[2:] for line in text.splitlines() if line.startswith("#+")]
    try:
        header = _plain(yaml.safe_load("\n".join(lines)) or {})
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        raise ValueError(f"{name}.rq: the '#+' header is not valid YAML: {problem}") from None
    except ValueError as exc:  # YAML's own date type, with no such day
        raise ValueError(f"{name}.rq: the '#+' header holds a date that does not exist ({exc})") from None
    errors = list(_header_validator().iter_errors(header))
    if errors:
        raise ValueError(f"{name}.rq{_header_message(min(errors, key=_rank), header)}")
    return dict(header)


@functools.lru_cache(maxsize=1)
def _header_validator() -> Any:
    return Draft202012Validator(HEADER_SCHEMA)


def _plain(value: Any) -> Any:
    """YAML's dates as the text they were written as (``2020-01-01``): parameters take what a user types."""
    if isinstance(value, date):
        return str(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _rank(error: Any) -> tuple[int, int]:
    """The order errors are reported in: the header as a whole, then its decorators in schema order."""
    decorator = str(error.path[0]) if error.path else ""
    return (DECORATORS.index(decorator) + 1 if decorator in DECORATORS else 0, len(error.path))


def _header_message(error: Any, header: Any) -> str:
    """One line, after the file's name, in the words of the deepest ``x-error`` on the failing path."""
    if not error.path and error.validator == "type":
        return ": the '#+' header must be 'key: value' lines"
    if not error.path and error.validator == "additionalProperties":
        unknown = sorted(set(header) - set(DECORATORS))
        return f": unknown decorator {', '.join(unknown)} (supported: {', '.join(DECORATORS)})"
    if not error.path and error.validator == "required":
        return f" needs a '#+ summary:' line and a {_FORMS} query"
    words, schema = None, HEADER_SCHEMA
    for step in error.absolute_schema_path:
        schema = schema[step] if isinstance(schema, dict | list) else None
        if isinstance(schema, dict) and "x-error" in schema:
            words = schema["x-error"]
    return f": {words or error.message}"


def _declared(name: str, tokens: list[Token]) -> dict[str, Param]:
    found: dict[str, Param] = {}
    for token in tokens:
        param = P.parse_param(token.text[1:]) if token.kind == "var" else None
        if param is None:
            continue
        if param.name in RESERVED:
            raise ValueError(f"{name}.rq: a parameter may not be called {param.name}")
        seen = found.setdefault(param.name, param)
        if seen.variable != param.variable:
            raise ValueError(f"{name}.rq: parameter {param.name} is both ?{seen.variable} and ?{param.variable}")
    return found


def _with_header(name: str, declared: dict[str, Param], header: dict[str, Any]) -> tuple[Param, ...]:
    """Attach the defaults, enumerations and descriptions of the header to the parameters."""
    extra: dict[str, dict[str, Any]] = {n: {} for n in declared}
    for key, field_name in (("defaults", "default"), ("enumerate", "enum"), ("params", "description")):
        for item in header.get(key) or ():  # single-key objects: the schema checked
            ((param, value),) = item.items()
            if param not in declared:
                raise ValueError(f"{name}.rq: '#+ {key}' names {param}, which is no parameter of the query")
            extra[param][field_name] = _scalar(value, field_name)
    out = []
    for param_name, param in declared.items():
        got = extra[param_name]
        full = replace(
            param, default=got.get("default"), enum=tuple(got.get("enum", ())), description=got.get("description", "")
        )
        if full.default is not None and not P.QID.match(full.default):
            try:
                P.convert(full, full.default)
            except UserError as exc:
                raise ValueError(f"{name}.rq: the default of {param_name}: {exc}") from None
        out.append(full)
    return tuple(out)


def _scalar(value: Any, field_name: str) -> Any:
    # YAML reads 2020-01-01 as a date and 12 as an int; parameters take the text a user would type.
    if field_name == "enum":
        return [str(v) for v in value]  # a list: the schema checked
    return " ".join(str(value).split()) if field_name == "description" else str(value)


def _month_keys(name: str, spec: Any, params: tuple[Param, ...], tokens: list[Token]) -> MonthKeys | None:
    if spec is None:
        return None
    keys = MonthKeys(spec["variable"], spec["from"], spec["to"])  # three names: the schema checked
    dates = {p.name for p in params if p.datatype == "date"}
    if keys.start not in dates or keys.end not in dates:
        raise ValueError(f"{name}.rq: '#+ month_keys' needs two xsd_date parameters, not {keys.start}, {keys.end}")
    if not any(t.kind == "var" and t.text[1:] == keys.variable for t in tokens):
        raise ValueError(f"{name}.rq: '#+ month_keys' binds ?{keys.variable}, which the query does not use")
    return keys


def _where_at(tokens: list[Token]) -> int:
    """The offset just after the '{' that opens the top-level WHERE clause; -1 without one."""
    for i, token in enumerate(tokens):
        if token.depth == 0 and token.is_word("WHERE"):
            brace = next((t for t in tokens[i + 1 :] if t.text == "{"), None)
            return brace.start + 1 if brace else -1
    return -1


def _services(tokens: list[Token]) -> tuple[str, ...]:
    out = []
    for i, token in enumerate(tokens):
        if token.is_word("SERVICE"):
            target = next((t for t in tokens[i + 1 : i + 3] if not t.is_word("SILENT")), None)
            if target is not None and target.kind == "iri":
                out.append(target.text[1:-1])
    return tuple(dict.fromkeys(out))


def bind(query: NamedQuery, params: Mapping[str, str], store: Store | None = None) -> dict[str, P.Term]:
    """The substitutions (variable name → RDF term) for ``params`` given by a user.

    A QID for an IRI parameter (``actor=Q148``) is the actor linked to that Wikidata item, looked
    up in ``store``. :raises UserError: unknown parameter, missing value, or a value of the wrong type.
    """
    return P.bind(query.name, query.params, params, store)


def prepare(
    query: NamedQuery, substitutions: Mapping[str, P.Term], links: Mapping[str, NamedNode] | None = None
) -> str:
    """The text to evaluate: ``VALUES`` blocks of the bound terms opening the WHERE clause.

    ``links`` binds an IRI parameter to the actors linked to a Wikidata item (variable → the
    item's IRI), as a pattern of the text: ``VALUES ?actorWikidata { wd:Q148 }`` and
    ``?_actor_iri skos:exactMatch|owl:sameAs ?actorWikidata``, IRIs written in full.
    """
    blocks = [P.values_block(variable, [term]) for variable, term in substitutions.items()]
    for variable, item in (links or {}).items():
        linked = f"?{query.param_of(variable).name}Wikidata"
        blocks.append(P.values_block(linked[1:], [item]))
        blocks.append(f"?{variable} {SKOS.exactMatch}|{OWL.sameAs} {linked} .")
    keys = query.month_keys
    if keys is not None:
        start, end = (substitutions.get(query.param(n).variable) for n in (keys.start, keys.end))
        if isinstance(start, Literal) and isinstance(end, Literal):
            months = P.month_keys(*(date.fromisoformat(t.value) for t in (start, end)))
            blocks.append(P.values_block(keys.variable, [Literal(m) for m in months]))
    if not blocks:
        return query.text
    at = query.where_at
    return query.text[:at] + "\n  " + "\n  ".join(blocks) + query.text[at:]


def run(store: Store, query: NamedQuery, params: Mapping[str, str], *, allow: Sequence[str]) -> QueryResult:
    """Bind, check SERVICE calls against ``allow``, and evaluate (lazily: rows come on iteration).

    :raises FederationRefused: a SERVICE endpoint outside ``allow``.
    """
    text = prepare(query, bind(query, params, store))
    check_query(text, allow)
    return store.query(text)


def run_serialized(
    store: Store, query: NamedQuery, params: Mapping[str, str], *, allow: Sequence[str], fmt: str | None = None
) -> bytes:
    """:func:`run` and serialise (``json``/``csv``/``tsv``/``xml``; ``turtle``… for CONSTRUCT).

    :raises ServiceCallFailed: a SERVICE endpoint did not answer (offline, down, refused).
    """
    try:
        return serialize_result(run(store, query, params, allow=allow), fmt)
    except OSError as exc:
        raise evaluation_error(query, exc) from None


def evaluation_error(query: NamedQuery, exc: OSError) -> Exception:
    """The project's error for an I/O failure while evaluating ``query``."""
    if query.services:
        return ServiceCallFailed(
            f"{query.name} calls {', '.join(query.services)}, which could not be reached ({exc}): "
            "check the network connection (this machine may be offline) or try again later"
        )
    return StoreUnavailable(f"the store could not be read while running {query.name}: {exc}")
