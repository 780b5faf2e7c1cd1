"""Syntax error messages that show where the error is: line, column and the line with a caret."""

from __future__ import annotations

import re

_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.DOTALL)
_MAX_EXPECTED = 240


def syntax_error(message: str, text: str, line_offset: int = 0) -> str:
    """A one-paragraph message from pyoxigraph's ``error at L:C: expected …``.

    ``line_offset`` lines were added in front of the user's text (a BASE line) and are not counted.

    >>> print(syntax_error("error at 1:6: expected one of \\"{\\"", "ASK }"))
    SPARQL syntax error at line 1, column 6: expected one of "{"
      ASK }
           ^
    """
    match = _POSITION.search(message)
    if not match:
        return f"SPARQL syntax error: {_shorten(message)}"
    line, column, detail = int(match.group(1)) - line_offset, int(match.group(2)), match.group(3)
    lines = text.splitlines() or [""]
    out = f"SPARQL syntax error at line {line}, column {column}: {_shorten(detail)}"
    if 1 <= line <= len(lines):
        source = lines[line - 1].expandtabs(1)
        out += f"\n  {source}\n  {' ' * (column - 1)}^"
    return out


def _shorten(detail: str) -> str:
    # pyoxigraph lists every expected token, Unicode ranges included: keep the readable start.
    flat = " ".join(detail.split())
    cut = flat.find(", [")
    if cut != -1:
        flat = flat[:cut] + ", …"
    return flat if len(flat) <= _MAX_EXPECTED else flat[:_MAX_EXPECTED] + "…"
