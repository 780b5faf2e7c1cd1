"""From a protocol :class:`Operation` to what runs: a query :class:`Job`, or the text of an update.

This runs inside a query worker (:mod:`service.sparql.evaluator`), never in the server's process.
The text is made canonical first — SPARQL's ``\\u`` escapes processed once, over the whole text,
as the grammar says — and everything after (nesting, sizes, the SERVICE allowlist, the engine)
reads that one text, so what is checked is exactly what runs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from pyoxigraph import NamedNode, QueryResultsFormat, RdfFormat, Store

from service.config import Settings
from service.errors import QueryError
from service.sparql import conneg, federation
from service.sparql.protocol import Operation
from service.sparql.results import Job
from service.sparql.syntax import syntax_error
from service.sparql.tokens import (
    Token,
    canonical,
    modify_where_positions,
    query_form,
    tokenize,
    top_level_limit,
    top_level_words,
)

_NAMES = {fmt: name for name, fmt in conneg.FORMAT_NAMES.items()}
# Braces or parentheses nested deeper than this are refused before any parser sees them: the
# engine's recursive parser overflows its stack somewhere below 20,000 levels (the worker dies),
# and no real query comes near this.
MAX_NESTING = 256
# Operators chained at one level (1+1+…, a||b||…, path steps): the engine recurses once for each, and
# overflowed its stack at 10,000 (5,000 ran).
MAX_CHAIN = 4000
_CHAINED = frozenset({"|", "&", "=", ">", "+", "-", "*", "/", "^", "<", "<="})
# Members of one group (OPTIONAL, BIND, FILTER, UNION, MINUS, and the terms of object and predicate
# lists, `,` and `;`): the engine overflowed its stack at 3,000 OPTIONALs or BINDs (2,000 ran), 8,000
# UNIONs, 10,000 FILTERs or objects.
MAX_MEMBERS = 1000
_MEMBERS = ("OPTIONAL", "BIND", "FILTER", "UNION", "MINUS")
MAX_PROLOGUES = 64  # places in one request where PREFIX and BASE declarations change the names' meaning


def check_nesting(tokens: list[Token]) -> None:
    """:raises QueryError: when groups or expressions nest deeper than :data:`MAX_NESTING`.

    Every level the engine's parser recurses into counts: parentheses, blank-node brackets
    ``[ … ]``, triple terms and reified triples ``<< … >>``, and each unary ``!``, ``-`` or ``+`` of
    a run (``!!!!?x`` is four levels), beside the braces of groups.
    """
    braces = max((t.depth + (t.text == "{") for t in tokens), default=0)
    nested = deepest = unary = 0
    openers, counts = ["{"], [[0, 0]]  # for each open bracket: what opened it; its operators and group members
    for token in tokens:
        if token.text in ("(", "[", "{") or token.kind == "tripleopen":
            nested += token.text != "{"
            openers.append(token.text)
            counts.append([0, 0])
        elif token.text in (")", "]", "}") or token.kind == "tripleclose":
            nested = max(nested - (token.text != "}"), 0)
            if len(openers) > 1:
                openers.pop()
                counts.pop()
        elif token.kind in ("other", "punct") and token.text in _CHAINED:
            counts[-1][0] += 1
            if counts[-1][0] > MAX_CHAIN:
                raise QueryError(
                    f"the request chains more than {MAX_CHAIN:,} operators or path steps at one level: "
                    "split it, or use VALUES or IN for long lists of alternatives"
                )
        elif token.is_word(*_MEMBERS) or (token.text in (",", ";") and openers[-1] in ("{", "[")):
            counts[-1][1] += 1
            if counts[-1][1] > MAX_MEMBERS:
                raise QueryError(
                    f"one group of the request has more than {MAX_MEMBERS:,} OPTIONAL, BIND, FILTER, UNION or "
                    "MINUS clauses or listed terms: split it into several groups, or use VALUES"
                )
        unary = unary + 1 if token.kind == "other" and token.text in ("!", "-", "+") else 0
        deepest = max(deepest, nested + unary)
    if max(braces, deepest) > MAX_NESTING:
        raise QueryError(f"the request nests {max(braces, deepest)} levels deep; at most {MAX_NESTING} are allowed")


def check_names(tokens: list[Token]) -> None:
    """:raises QueryError: for a prefixed name that pyoxigraph may read differently from the grammar
    (and from rdflib and the tokenizer). pyoxigraph cuts a name after its first run of unescaped
    dots (``ex:a.b.c``), and when a name's prefix is undeclared it backs out and reads a keyword
    glued to the rest (``ex:a.b.SERVICE:x``, ``trueSERVICEx:y``, ``FILTERxsd:boolean(…)``), which
    called endpoints and hid limits. So every prefix must be declared, and none may begin with
    FILTER, SERVICE, LOAD or HAVING (matched by the engine without a word boundary)."""
    declared: dict[str, str] = {}  # the prefixes declared so far (a name before its declaration is not resolved)
    for index, token in enumerate(tokens):
        if token.kind != "pname":
            continue
        prefix, _, local = token.text.partition(":")
        if prefix.upper().startswith(_GLUED):
            raise QueryError(
                f"a prefix may not begin with FILTER, SERVICE, LOAD or HAVING ({prefix}:): the engine reads "
                "the keyword in it; rename the prefix"
            )
        if index and tokens[index - 1].is_word("PREFIX"):
            declared[token.text] = tokens[index + 1].text if index + 1 < len(tokens) else ""
            continue
        if prefix + ":" not in declared:
            raise QueryError(f"the prefix {prefix}: of {token.text} is not declared: add PREFIX {prefix}: <…>")
        if len(_DOTS.findall(local)) > 1:
            raise QueryError(
                f"the prefixed name {token.text} is read one way by the engine and another by the grammar: "
                f"write it as {_full_iri(declared[prefix + ':'], local)}"
            )


def _full_iri(declared: str, local: str) -> str:
    """``<prefix IRI + local name>`` for a refusal's advice, when that makes a valid IRI (else ``a full IRI, <…>``)."""
    if declared.startswith("<") and declared.endswith(">"):
        iri = declared[1:-1] + _LOCAL_ESCAPE.sub(r"\1", local)
        try:
            NamedNode(iri)
        except ValueError:
            pass
        else:
            return f"the full IRI <{iri}>"
    return "a full IRI, <…>"


def expand_names(text: str, tokens: list[Token], base_iri: str | None) -> tuple[str, list[Token]]:
    """``text`` with every prefixed name written as the full IRI the engine makes of it, so that
    the checks and the engine read the same IRIs, with no prefixed name left to read two ways;
    and its tokens (``text`` and ``tokens`` themselves when it has no prefixed name).

    pyoxigraph matches keywords without a word boundary and backs out of a reading that fails:
    ``SERVICE SILENTx:d`` is a SERVICE to ``x:d`` for it (SILENT, then a name), to ``SILENTx:d`` for
    rdflib and the tokenizer; ``DESCRIBEx:a`` is a DESCRIBE; and a name whose IRI is not valid
    (``<http://host:1>`` and ``x:SERVICE:y`` make the port ``1SERVICE``) is read as its bare prefix
    and more query. Each name the tokenizer finds, under the declarations before it, is put to
    pyoxigraph in a VALUES row on an empty store and written back as the IRI it gave; the
    declarations stay. What runs is then what the checks read.

    :raises QueryError: for a name the engine does not read as one valid IRI.
    """
    declarations: list[str] = []
    groups: dict[int, list[str]] = {}  # the number of declarations in force → the names used under them
    uses: list[tuple[Token, int]] = []
    for index, token in enumerate(tokens):
        if token.depth:  # declarations open a query or an update's operation; elsewhere the engine refuses them
            pass
        elif token.is_word("PREFIX") and index + 2 < len(tokens):
            declarations.append(f"PREFIX {tokens[index + 1].text} {tokens[index + 2].text}")
        elif token.is_word("BASE") and index + 1 < len(tokens):
            declarations.append(f"BASE {tokens[index + 1].text}")
        if token.kind == "pname" and not (index and tokens[index - 1].is_word("PREFIX")):
            names = groups.setdefault(len(declarations), [])
            if token.text not in names:
                names.append(token.text)
            uses.append((token, len(declarations)))
    if len(groups) > MAX_PROLOGUES:
        raise QueryError(
            f"the request declares prefixes between its names in {len(groups):,} places; at most {MAX_PROLOGUES} "
            "are read: declare them at the start"
        )
    iris: dict[tuple[int, str], str] = {}
    for count, names in groups.items():
        read = _read_as_iris(declarations[:count], names, base_iri)
        if read is None:
            raise QueryError(_unread(declarations[:count], _first_unread(declarations[:count], names, base_iri)))
        iris.update({(count, name): iri for name, iri in zip(names, read, strict=True)})
    parts: list[str] = []
    done = 0
    for token, count in uses:
        iri = iris[count, token.text]
        # rdflib's SERVICE reading takes a '#' for a comment to the end of the line: end the line there.
        parts += [text[done : token.start], f"<{iri}>\n" if "#" in iri else f"<{iri}>"]
        done = token.start + len(token.text)
    if not uses:
        return text, tokens
    expanded = "".join([*parts, text[done:]])
    # The tokenizer must read the written-out text as it read the names (a name became one IRI),
    # or some context made it read an IRI as something else: refused rather than checked wrong.
    written = {token.start for token, _ in uses}
    before = ["iri" if t.start in written else t.kind for t in tokens]
    retokenized = tokenize(expanded)
    if [t.kind for t in retokenized] != before:
        raise QueryError(
            "the query reads differently once its prefixed names are written out as full IRIs: write them as "
            "full IRIs, <…>, yourself"
        )
    return expanded, retokenized


def _first_unread(declarations: list[str], names: list[str], base_iri: str | None) -> str:
    """The first of ``names`` that pyoxigraph does not read as one IRI (halving: a few probes)."""
    low, high = 0, len(names)
    while high - low > 1:
        middle = (low + high) // 2
        if _read_as_iris(declarations, names[low:middle], base_iri) is None:
            high = middle
        else:
            low = middle
    return names[low]


def _unread(declarations: list[str], name: str) -> str:
    """Why ``name`` is refused: its IRI is not valid, or it is, and the engine cannot read the name
    (pyoxigraph refuses some names SPARQL allows, such as characters above U+FFFF)."""
    prefix, _, local = name.partition(":")
    declared = [
        d.split(" ", 2)[2] for d in declarations if d.startswith("PREFIX ") and d.split(" ", 2)[1] == prefix + ":"
    ]
    advice = _full_iri(declared[-1], local) if declared else ""
    if advice.startswith("the full IRI"):
        return f"the SPARQL engine cannot read the prefixed name {name}: write it as {advice}"
    return (
        f"the prefixed name {name} does not make a valid IRI with its prefix, and the engine would read it as "
        "something else: write it as a full IRI, <…>"
    )


_LOCAL_ESCAPE = re.compile(r"\\([_~.!$&'()*+,;=/?#@%-])")  # SPARQL's PN_LOCAL_ESC: the character itself


@functools.cache
def _empty_store() -> Store:
    """One empty in-memory store per process, for the names' probe (a query cannot write to it)."""
    return Store()


def _read_as_iris(declarations: list[str], names: list[str], base_iri: str | None) -> list[str] | None:
    """The IRIs pyoxigraph reads ``names`` as (None: not one valid IRI each)."""
    variables = " ".join(f"?v{i}" for i in range(len(names)))
    probe = "\n".join([*declarations, f"SELECT * WHERE {{ VALUES ({variables}) {{ ({' '.join(names)}) }} }}"])
    try:
        rows = list(_empty_store().query(probe, base_iri=base_iri))  # type: ignore[arg-type]  # a SELECT: solutions
    except SyntaxError:
        return None
    terms = [rows[0][f"v{i}"] for i in range(len(names))] if len(rows) == 1 else []  # by name: `*` may reorder
    if len(terms) != len(names) or not all(isinstance(term, NamedNode) for term in terms):
        return None
    return [term.value for term in terms]


_DOTS = re.compile(r"(?<!\\)\.+")  # runs of dots that are not escaped (\.)
_GLUED = ("FILTER", "SERVICE", "LOAD", "HAVING")


def check_length(text: str, settings: Settings) -> None:
    """:raises QueryError: for a query or update longer than ``max_query_chars`` (checked before any parsing)."""
    if len(text) > settings.max_query_chars:
        raise QueryError(
            f"the request is {len(text):,} characters long; at most {settings.max_query_chars:,} are accepted "
            "(EVENTGRAPH_MAX_QUERY_CHARS)"
        )


def check_describe(tokens: list[Token], settings: Settings) -> None:
    """:raises QueryError: when a DESCRIBE names more resources than ``max_describe_terms``."""
    if query_form(tokens) != "DESCRIBE":
        return
    named = 0
    for token in tokens:
        if token.depth == 0 and token.is_word("WHERE", "FROM", "LIMIT", "OFFSET", "ORDER", "GROUP", "VALUES"):
            break
        if token.depth == 0 and token.kind in ("iri", "pname", "var"):
            named += 1
    if named > settings.max_describe_terms:
        raise QueryError(
            f"the DESCRIBE names {named} resources; at most {settings.max_describe_terms} are allowed "
            "(EVENTGRAPH_MAX_DESCRIBE_TERMS): describe them in several queries"
        )


def plan_query(op: Operation, accept: str | None, settings: Settings, base_iri: str | None) -> Job:
    """The job for a query: its canonical text, its dataset, its output format and the row cap.

    :raises NotAcceptable: when neither Accept nor ``format`` names a format this query can give.
    :raises FederationRefused: for a SERVICE outside the allowlist.
    """
    check_length(op.text, settings)
    text = canonical(op.text)
    tokens = tokenize(text)
    check_nesting(tokens)
    check_names(tokens)
    text, tokens = expand_names(text, tokens, base_iri)  # from here on, the text the engine runs
    check_describe(tokens, settings)
    form = query_form(tokens)
    services = federation.check_query(text, settings.service_allow, base_iri, tokens)
    select_fmt, graph_fmt = QueryResultsFormat.JSON, RdfFormat.TURTLE
    if form in ("CONSTRUCT", "DESCRIBE"):
        graph_fmt = _negotiate(op, accept, conneg.GRAPH_FORMATS, RdfFormat.TURTLE)
    elif form is not None:
        select_fmt = _negotiate(op, accept, conneg.RESULT_FORMATS, QueryResultsFormat.JSON)
    limit = top_level_limit(tokens) if form == "SELECT" else None
    default_graphs: Sequence[str] | None = op.default_graphs if op.has_dataset else None
    named_graphs: Sequence[str] | None = op.named_graphs if op.has_dataset else None
    use_query_dataset = not op.has_dataset and bool(top_level_words(tokens, "FROM"))
    if use_query_dataset and (dataset := from_clauses(tokens)) is not None:
        # The query's own FROM clauses, sent as the protocol's dataset: the same meaning, and a
        # remote store that makes its default graph the union (Oxigraph's server) ignores FROM.
        (default_graphs, named_graphs), use_query_dataset = dataset, False
    return Job(
        text=text,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        use_query_dataset=use_query_dataset,
        base_iri=base_iri,
        select_format=_NAMES[select_fmt],
        graph_format=_NAMES[graph_fmt],
        max_rows=settings.max_result_rows,
        bounded=limit is not None and limit <= settings.max_result_rows,
        calls_out=services > 0,
        volatile=services > 0 or _volatile(tokens),
    )


# Functions whose value changes from one evaluation to the next (SPARQL 1.1, 17.4): an answer that
# uses one may differ while the store does not, so it gets no entity tag (see service.web.conditional).
VOLATILE = ("NOW", "RAND", "UUID", "STRUUID")


def _volatile(tokens: list[Token]) -> bool:
    return any(
        token.is_word(*VOLATILE) and index + 1 < len(tokens) and tokens[index + 1].text == "("
        for index, token in enumerate(tokens)
    )


def from_clauses(tokens: list[Token]) -> tuple[list[str], list[str]] | None:
    """The IRIs of the top-level ``FROM`` and ``FROM NAMED`` clauses; None when one names its graph
    by a prefixed or relative name (the engine then resolves the query's own dataset)."""
    default: list[str] = []
    named: list[str] = []
    for index, token in enumerate(tokens):
        if token.depth or not token.is_word("FROM"):
            continue
        rest = tokens[index + 1 : index + 3]
        is_named = bool(rest) and rest[0].is_word("NAMED")
        target = rest[1] if is_named and len(rest) > 1 else rest[0] if rest and not is_named else None
        if target is None or target.kind != "iri" or ":" not in target.text:
            return None
        (named if is_named else default).append(target.text[1:-1])
    return default, named


def _negotiate(op: Operation, accept: str | None, supported: Sequence[conneg.F], default: conneg.F) -> conneg.F:
    if op.format:
        return conneg.by_name(op.format, supported)
    return conneg.choose(accept, supported, default)


def plan_update(op: Operation, settings: Settings, base_iri: str | None) -> tuple[str, int, bool]:
    """(text to run, lines added in front of the user's text, whether it calls SERVICE endpoints —
    all of them allowed) for an update.

    The request's using-graph-uri/using-named-graph-uri become USING clauses of every
    DELETE/INSERT operation; relative IRIs resolve against ``base_iri``.

    :raises QueryError: when the request names graphs and the update has USING or WITH itself.
    :raises FederationRefused: for LOAD, or a SERVICE outside the allowlist.
    """
    check_length(op.text, settings)
    text = canonical(op.text)
    tokens = tokenize(text)
    check_nesting(tokens)
    check_names(tokens)
    text, tokens = expand_names(text, tokens, base_iri)  # from here on, the text the engine runs
    calls_out = federation.check_update(text, settings.service_allow, base_iri, tokens) > 0
    if op.has_dataset:
        if top_level_words(tokens, "USING", "WITH"):
            raise QueryError(
                "using-graph-uri/using-named-graph-uri cannot be combined with USING or WITH in the update itself"
            )
        text = _with_using(text, op)
    if base_iri is None:
        return text, 0, calls_out
    return f"BASE {NamedNode(base_iri)}\n{text}", 1, calls_out


def _with_using(text: str, op: Operation) -> str:
    clauses = "".join(f" USING {NamedNode(g)}" for g in op.default_graphs)
    clauses += "".join(f" USING NAMED {NamedNode(g)}" for g in op.named_graphs)
    out, last = [], 0
    for position in modify_where_positions(tokenize(text)):
        out += [text[last:position], clauses.lstrip(), " "]
        last = position
    out.append(text[last:])
    return "".join(out)


def update_error(message: str, text: str, added_lines: int) -> QueryError:
    """A 400 that points into the user's own text (``message`` holds pyoxigraph's ``error at L:C``)."""
    return QueryError(syntax_error(message, text, added_lines))
