"""A SPARQL tokenizer: enough lexing to read keywords and brace depth without being fooled by
strings, IRIs, comments, variables or prefixed names.

It is not a parser and nothing security-relevant depends on it alone: SERVICE and LOAD are
found both by it and by a full parse in :mod:`service.sparql.federation`, and the two must agree.
It answers the cheap questions the protocol layer asks of every request: which query form,
is there a FROM, where do the WHERE clauses of an update start.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# The grammar's own character classes (SPARQL 1.1 §19.8, productions 164–175): what the engines
# read as one name, the tokenizer reads as one name (Python's \w is not the same set).
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = "%[0-9A-Fa-f]{2}|\\\\[_~.\\-!$&'()*+,;=/?\\#@%]"
_VARNAME = "[" + _PN_CHARS_U + "0-9][" + _PN_CHARS_U + "0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
_PN_PREFIX = "[" + _PN_CHARS_BASE + "](?:[" + _PN_CHARS + ".]*[" + _PN_CHARS + "])?"
_PN_LOCAL = (
    "(?:["
    + _PN_CHARS_U
    + ":0-9]|"
    + _PLX
    + ")(?:(?:["
    + _PN_CHARS
    + ".:]|"
    + _PLX
    + ")*(?:["
    + _PN_CHARS
    + ":]|"
    + _PLX
    + "))?"
)
_BNODE = "_:[" + _PN_CHARS_U + "0-9](?:[" + _PN_CHARS + ".]*[" + _PN_CHARS + "])?"

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n\r]|\\.)*"
              |'(?:[^'\\\n\r]|\\.)*')
  | (?P<tripleopen><<\(?)
  | (?P<tripleclose>\)?>>)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]"""
    + _VARNAME
    + r""")
  | (?P<bnode>"""
    + _BNODE
    + r""")
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?)
  | (?P<pname>(?:"""
    + _PN_PREFIX
    + r""")?:(?:"""
    + _PN_LOCAL
    + r""")?)
  | (?P<word>[^\W\d][\w]*)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)
  | (?P<punct>[{}()\[\].;,])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_PARTIAL_UCHAR = re.compile(r"\\[uU][0-9A-Fa-f]")
_LONE_CR = re.compile(r"\r(?!\n)")


@dataclass(frozen=True)
class Token:
    kind: str  # word, iri, string, var, bnode, langtag, pname, number, punct, other
    text: str
    start: int
    depth: int  # how many '{' enclose the token

    def is_word(self, *keywords: str) -> bool:
        """True for a bare word equal (case-insensitively) to one of ``keywords``."""
        return self.kind == "word" and self.text.upper() in keywords


def unescape(text: str) -> str:
    r"""Replace ``\uXXXX`` and ``\UXXXXXXXX`` escapes as SPARQL's grammar does before parsing.

    >>> unescape(r"<http://a/\u0041>")
    '<http://a/A>'
    """

    def one(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return _UCHAR.sub(one, text)


def canonical(text: str) -> str:
    r"""The text the grammar reads: ``\uXXXX``/``\UXXXXXXXX`` escapes processed once, over the
    whole text, as SPARQL 1.1 (section 19.2) says, and every comment blanked out. Engines differ
    here (pyoxigraph expands escapes only inside strings and IRIs, rdflib everywhere; rdflib ends a
    comment at a line feed only, SPARQL and pyoxigraph at a carriage return too), so the service
    hands every engine and every check this one text — and refuses a text whose escapes produce
    further escapes, the only case where the canonical text could still be read two ways. A
    comment is replaced by as many spaces (positions in error messages stay right): where the
    tokenizer sees a comment, no engine sees anything.

    >>> canonical(r'SELECT * { <http://a/\u0041> ?p ?o }')
    'SELECT * { <http://a/A> ?p ?o }'

    :raises QueryError: when the processed text still holds an escape sequence.
    """
    from service.errors import QueryError

    out = unescape(text)
    if _UCHAR.search(out):
        raise QueryError(
            "the request holds \\u escapes that spell further \\u escapes; write the characters themselves"
        )
    if _PARTIAL_UCHAR.search(out):  # rdflib reads \U with 4 digits as an escape, pyoxigraph does not
        raise QueryError("the request holds an incomplete escape: \\u takes 4 hex digits, \\U takes 8")
    if _LONE_CR.search(out):  # it ends a comment for pyoxigraph, not for rdflib
        raise QueryError(
            "the request holds a carriage return without a line feed after it: end its lines with a line feed"
        )
    return blank_comments(out)


def blank_comments(text: str) -> str:
    """``text`` with each comment, as the tokenizer reads it, replaced by as many spaces.

    >>> blank_comments('SELECT * { ?s ?p "#" } # all\\rLIMIT 1')
    'SELECT * { ?s ?p "#" }      \\rLIMIT 1'
    """
    if "#" not in text:
        return text
    parts, last = [], 0
    for kind, start, end in _lex(text):
        if kind == "comment":
            parts += [text[last:start], " " * (end - start)]
            last = end
    parts.append(text[last:])
    return "".join(parts)


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` (whitespace and comments dropped), each with its brace depth.

    >>> [t.text for t in tokenize('SELECT * { ?s ?p "{" }') if t.depth == 0]
    ['SELECT', '*', '{', '}']
    """
    out: list[Token] = []
    depth = 0
    for kind, start, end in _lex(text):
        if kind in ("ws", "comment"):
            continue
        value = text[start:end]
        if value == "}":
            depth = max(depth - 1, 0)
        out.append(Token(kind, value, start, depth))
        if value == "{":
            depth += 1
    return out


_OPERANDS = frozenset({"var", "number", "string", "iri", "pname", "langtag"})  # kinds of tokens
_LESS = re.compile(r"<=?")
_WORD = re.compile(r"\w+")


def _lex(text: str) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) of every piece of ``text``, whitespace and comments included.

    One reading the grammar leaves to context is settled as the engines settle it: inside an
    expression's parentheses, a ``<`` after an operand (``?a<#>``, ``1<=?b``) is the operator
    "less than", not the start of an IRI — pyoxigraph and rdflib read it so, and reading an IRI
    there would hide from the checks what follows (a ``#`` that starts a comment). Parentheses
    are an expression's after FILTER, BIND, a function's name or inside another expression's, in
    a SELECT clause and in the solution modifiers; not in VALUES, collections or property paths.
    """
    scopes: list[str] = []  # "{" for a group, "e" for an expression's parenthesis, "d" for another
    previous = ""  # "operand" after a term or a closing bracket, else the last word (lower case) or kind
    earlier = ""  # the same for the token before it
    clause, clause_at = "", 0  # "select", "modifiers" or "values", and len(scopes) where it began
    saved: list[tuple[str, int]] = []  # the clause outside each open group
    position = 0
    while position < len(text):
        less = _LESS.match(text, position) if scopes and scopes[-1] == "e" and previous == "operand" else None
        match = less or _TOKEN.match(text, position)
        assert match is not None  # the last alternative takes any one character
        kind = "punct" if less else match.lastgroup or "other"
        value = match.group()
        yield kind, position, match.end()
        position = match.end()
        if kind in ("ws", "comment"):
            continue
        word = value.upper() if kind == "word" else ""
        if word in ("SELECT", "VALUES") or word in ("ORDER", "GROUP", "HAVING"):
            clause, clause_at = ("modifiers" if word in ("ORDER", "GROUP", "HAVING") else word.lower()), len(scopes)
        elif word in ("WHERE", "LIMIT", "OFFSET") and clause != "values":
            clause = ""
        if value == "(":
            called = previous == "operand" and earlier == "filter"  # FILTER <f>(…), FILTER xsd:boolean(…)
            scopes.append("e" if called else _paren(previous, scopes[-1] if scopes else "", clause))
        elif kind == "tripleopen":  # a triple term or a reified triple: terms, as in a pattern
            scopes.append("d")
        elif (value == ")" or kind == "tripleclose") and scopes and scopes[-1] != "{":
            scopes.pop()
        elif value == "{":
            saved.append((clause, clause_at))  # the clause outside, taken up again at the group's end
            if clause in ("select", "modifiers"):
                clause = ""  # a group (the query's own, an EXISTS's) is a pattern: its parentheses are not the clause's
            scopes.append("{")
        elif value == "}":
            while scopes and scopes.pop() != "{":
                pass
            if saved:
                clause, clause_at = saved.pop()
            if clause == "values" and len(scopes) == clause_at:
                clause = ""  # the end of the VALUES block
        earlier = previous
        if kind in _OPERANDS or kind == "tripleclose" or value in (")", "]") or word in ("TRUE", "FALSE"):
            previous = "operand"
        else:
            previous = word.lower() if word else kind


def _paren(previous: str, inside: str, clause: str) -> str:
    """Whether a ``(`` after ``previous`` opens an expression's parenthesis ("e") or not ("d")."""
    if clause == "values" or previous in ("values", "a"):
        return "d"  # VALUES' variables and rows; a collection after the keyword a
    if inside == "e" or clause in ("select", "modifiers"):
        return "e"
    if previous not in ("", "operand", "punct", "other", "bnode", "tripleopen") and _WORD.fullmatch(previous):
        return "e"  # after FILTER, BIND, IN, EXISTS…, a built-in function's name (ENCODE_FOR_URI too)
    return "d"  # a collection or a property path in a triple pattern


def query_form(tokens: list[Token]) -> str | None:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the first such top-level keyword."""
    for token in tokens:
        if token.depth == 0 and token.is_word("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return token.text.upper()
    return None


def top_level_words(tokens: list[Token], *keywords: str) -> list[Token]:
    """Top-level (outside any braces) occurrences of the given keywords."""
    return [t for t in tokens if t.depth == 0 and t.is_word(*keywords)]


def top_level_limit(tokens: list[Token]) -> int | None:
    """The outer query's ``LIMIT`` (outside any braces: a subquery's is inside them), if it has one."""
    for index, token in enumerate(tokens[:-1]):
        following = tokens[index + 1]
        if token.depth == 0 and token.is_word("LIMIT") and following.kind == "number" and following.text.isdigit():
            return int(following.text)
    return None


def modify_where_positions(tokens: list[Token]) -> list[int]:
    """Offsets of the ``WHERE`` keyword of every DELETE/INSERT … WHERE operation of an update.

    ``DELETE WHERE { … }`` (the short form) has no dataset clause of its own and is skipped.
    """
    positions = []
    previous: Token | None = None
    for token in tokens:
        if token.depth == 0 and token.is_word("WHERE") and not (previous and previous.is_word("DELETE")):
            positions.append(token.start)
        previous = token
    return positions
