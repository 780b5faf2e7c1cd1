"""A SPARQL tokenizer: enough lexing to read keywords and brace depth without being fooled by
strings, IRIs, comments, variables or prefixed names.

It is not a parser and nothing security-relevant depends on it alone: SERVICE and LOAD are
found both by it and by a full parse in :mod:`service.sparql.federation`, and the two must agree.
It answers the cheap questions the protocol layer asks of every request: which query form,
is there a FROM, where do the WHERE clauses of an update start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n\r]|\\.)*"
              |'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<bnode>_:[^\s{}()\[\];,<>"'#]+)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:[^\W\d_][\w.\-\u00B7]*)?:(?:\\[_~.\-!$&'()*+,;=/?\#@%]|[^\s{}()\[\];,<>"'\#\\])*)
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
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "comment":
            parts += [text[last : match.start()], " " * (match.end() - match.start())]
            last = match.end()
    parts.append(text[last:])
    return "".join(parts)


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` (whitespace and comments dropped), each with its brace depth.

    >>> [t.text for t in tokenize('SELECT * { ?s ?p "{" }') if t.depth == 0]
    ['SELECT', '*', '{', '}']
    """
    out: list[Token] = []
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        value = match.group()
        if value == "}":
            depth = max(depth - 1, 0)
        out.append(Token(kind, value, match.start(), depth))
        if value == "{":
            depth += 1
    return out


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
